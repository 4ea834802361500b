from ninja import Router

from .schemas import MeOut

router = Router(tags=["账户"])


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    return MeOut(
        username=user.username, display_name=user.display_name, role=user.role, role_label=user.role_label,
        region_id=user.region_id, department_id=user.department_id,
    )
