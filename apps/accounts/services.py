"""Writes for users and their duties (role assignments), validated with ``full_clean`` at the boundary.

Each write is recorded in the audit log with the actor who made it (None: a command or the demo builder).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from apps.audit.models import AuditAction
from apps.audit.services import record

from .models import Department, Duty, Region, RoleAssignment, User


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
                program: models.Model | None = None, actor: Any = None) -> User:
    """A user with its first duty (add more with :func:`assignment_add`)."""
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.duties = ()  # a new user has none yet; assignment_add adds each
    assignment_add(user=user, role=role, region=region, department=department, program=program, actor=actor)
    record(actor, AuditAction.USER_CREATE, user, region_id=user.duties[0].home.id if user.duties[0].home else None)
    return user
