from ninja import Router, Schema

router = Router(tags=["账户"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    return MeOut(
        username=user.username, display_name=user.display_name, role=user.role, role_label=user.role_label,
        region_id=user.region_id, department_id=user.department_id,
    )
