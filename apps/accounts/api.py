from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.web import cleaned

from .schemas import DutyOut, MeOut, PasswordChangeIn, PasswordChangeOut

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
        must_change_password=user.must_change_password,
    )


@router.post("/me/password", response=PasswordChangeOut, summary="修改本人密码（校验原密码与密码规则）")
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> PasswordChangeOut:
    """The page's form and validators; the session stays logged in, other sessions of the user end."""
    form = PasswordChangeForm(request.user, {"old_password": payload.old_password,
                                             "new_password1": payload.new_password,
                                             "new_password2": payload.new_password})
    form.fields["new_password2"].label = form.fields["new_password1"].label  # the API takes one new password
    cleaned(form)
    form.user.must_change_password = False
    form.save()
    update_session_auth_hash(request, form.user)
    record(request.user, AuditAction.PASSWORD_CHANGE, request=request)
    return PasswordChangeOut(detail=_("密码已修改。"))
