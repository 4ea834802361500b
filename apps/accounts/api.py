from ninja import Router

from .schemas import DutyOut, MeOut

router = Router(tags=["账户"])


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    duties = [
        DutyOut(role=d.role, role_label=d.label, region_id=d.region.id if d.region else None,
                department_id=d.department.id if d.department else None, program_id=d.program_id)
        for d in user.duties
    ]
    first = duties[0] if duties else None
    return MeOut(
        username=user.username, display_name=user.display_name, role=first.role if first else "",
        role_label=user.role_label, region_id=first.region_id if first else None,
        department_id=first.department_id if first else None, duties=duties,
    )
