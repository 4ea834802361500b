"""Writes for users and their duties (role assignments), validated with ``full_clean`` at the boundary.

Each write is recorded in the audit log with the actor who made it (None: a command or the demo builder).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError

from .models import Department, Duty, Region, RoleAssignment, User
from .passwords import initial_password


@transaction.atomic
def assignment_add(*, user: User, role: str, region: Region | None = None, department: Department | None = None,
                   program: models.Model | None = None, actor: Any = None) -> RoleAssignment:
    """Give the user one more duty; raises ``ValidationError`` for a scope the role cannot have or a duplicate."""
    assignment = RoleAssignment(user=user, role=role, region=region, department=department, program=program)
    assignment.full_clean()
    assignment.save()
    home = department.region if department is not None else region
    record(actor, AuditAction.ROLE_ASSIGN, assignment, region_id=home.id if home is not None else None,
           user=user.get_username(), role=role)
    if "duties" in user.__dict__:  # keep loaded duties current (else they load, with this one, when first read)
        duty = Duty(role=role, region=region, department=department, program_id=program.pk if program else None)
        user.duties = (*user.duties, duty)
    return assignment


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "", role: str,
                region: Region | None = None, department: Department | None = None,
                program: models.Model | None = None, actor: Any = None,
                must_change_password: bool = False, email: str = "") -> User:
    """A user with its first duty (add more with :func:`assignment_add`)."""
    user = User(username=username, display_name=display_name, email=email,
                must_change_password=must_change_password)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.duties = ()  # a new user has none yet; assignment_add adds each
    assignment_add(user=user, role=role, region=region, department=department, program=program, actor=actor)
    record(actor, AuditAction.USER_CREATE, user, region_id=user.duties[0].home.id if user.duties[0].home else None)
    return user


def user_invite(*, username: str, display_name: str = "", role: str, region: Region | None = None,
                department: Department | None = None, program: models.Model | None = None,
                actor: Any = None, email: str = "") -> tuple[User, str]:
    """A user created by an office: a one-time initial password (returned, shown once) to change at first login."""
    password = initial_password()
    user = user_create(username=username, password=password, display_name=display_name, role=role, region=region,
                       department=department, program=program, actor=actor, must_change_password=True,
                       email=email)
    return user, password


def _home_id(user: User) -> int | None:
    homes = [d.home for d in user.duties if d.home is not None]
    return homes[0].id if homes else None


@transaction.atomic
def user_password_reset(*, user: User, actor: Any = None) -> str:
    """A new one-time initial password for the user (returned, shown once); its other sessions end."""
    if actor is not None and actor.pk == user.pk:
        raise DomainError("不能重置自己的密码，请在“修改密码”页修改。")
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(actor, AuditAction.USER_PASSWORD_RESET, user, region_id=_home_id(user))
    return password


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: Any = None) -> User:
    """Deactivate a user (it can no longer log in; its records stay) or activate it again."""
    if actor is not None and actor.pk == user.pk and not active:
        raise DomainError("不能停用自己的账号。")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE
        record(actor, action, user, region_id=_home_id(user))
    return user


@transaction.atomic
def assignment_revoke(*, assignment: RoleAssignment, actor: Any = None) -> None:
    """Take one duty back. A user keeps at least one (deactivate it instead), and nobody revokes their own."""
    user = assignment.user
    if actor is not None and actor.pk == user.pk:
        raise DomainError("不能撤销自己的角色。")
    if not RoleAssignment.objects.filter(user=user).exclude(pk=assignment.pk).exists():
        raise DomainError("这是该用户唯一的角色，不能撤销；如不再使用，请停用该用户。")
    home = assignment.department.region if assignment.department_id else assignment.region
    label, role = str(assignment), assignment.role
    assignment_id = assignment.pk
    assignment.delete()
    record(actor, AuditAction.ROLE_REVOKE, target_type="accounts.roleassignment", target_id=assignment_id,
           target_label=label, region_id=home.id if home is not None else None, user=user.get_username(), role=role)
    user.__dict__.pop("duties", None)
