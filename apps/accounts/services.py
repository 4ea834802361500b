"""Writes for users and their duties (role assignments), validated with ``full_clean`` at the boundary."""

from __future__ import annotations

from django.db import models, transaction

from .models import Department, Duty, Region, RoleAssignment, User


@transaction.atomic
def assignment_add(*, user: User, role: str, region: Region | None = None, department: Department | None = None,
                   program: models.Model | None = None) -> RoleAssignment:
    """Give the user one more duty; raises ``ValidationError`` for a scope the role cannot have or a duplicate."""
    assignment = RoleAssignment(user=user, role=role, region=region, department=department, program=program)
    assignment.full_clean()
    assignment.save()
    if "duties" in user.__dict__:  # keep loaded duties current (else they load, with this one, when first read)
        duty = Duty(role=role, region=region, department=department, program_id=program.pk if program else None)
        user.duties = (*user.duties, duty)
    return assignment


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "", role: str,
                region: Region | None = None, department: Department | None = None,
                program: models.Model | None = None) -> User:
    """A user with its first duty (add more with :func:`assignment_add`)."""
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.duties = ()  # a new user has none yet; assignment_add adds each
    assignment_add(user=user, role=role, region=region, department=department, program=program)
    return user
