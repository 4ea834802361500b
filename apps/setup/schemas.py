"""API schemas of the set-up endpoints (read by attribute from the models)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from apps.accounts.models import User
from apps.staging.schemas import StagedImportOut


class DutyIn(Schema):
    role: str = Field(max_length=32)
    region_id: int | None = None
    department_id: int | None = None
    program_id: int | None = None


class UserIn(DutyIn):
    username: str = Field(max_length=150)
    display_name: str = Field("", max_length=50)


class UserChangeIn(Schema):
    display_name: str = Field("", max_length=50)
    email: str = Field("", max_length=254)


class IssuedPasswordOut(Schema):
    username: str
    display_name: str
    initial_password: str


class UsersImportOut(StagedImportOut):
    """A users import; once committed, ``initial_passwords`` lists the new users' one-time passwords in the
    answer to the commit only (they are stored nowhere in clear: a later GET has none)."""

    initial_passwords: list[IssuedPasswordOut] = []


class AssignmentOut(Schema):
    id: int
    role: str
    region_id: int | None
    department_id: int | None
    program_id: int | None


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    must_change_password: bool
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj: User) -> list[object]:
        return list(obj.assignments.all())


class InitialPasswordOut(Schema):
    """A one-time initial password: shown once, the user changes it at first login."""

    user: UserOut
    initial_password: str


class DepartmentIn(Schema):
    region_id: int
    name: str = Field(max_length=80)
    kind: str = Field("department", max_length=16)
    governs_id: int | None = None
    aliases: list[str] = Field(default_factory=list, max_length=50)
    order: int = Field(0, ge=0, le=100000)


class ProgramIn(Schema):
    region_id: int
    framework_code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    title_sought: str = Field(max_length=16)
    base_year: int = Field(ge=1900, le=2200)
    target_year: int = Field(ge=1900, le=2200)
    plan_document: str = Field("", max_length=200)


class PhaseIn(Schema):
    name: str = Field(max_length=40)
    start: datetime.date
    end: datetime.date
    description: str = Field("", max_length=4000)
    order: int = Field(0, ge=0, le=100000)


class MilestoneIn(Schema):
    phase_id: int
    title: str = Field(max_length=200)
    due: datetime.date


class GoalIn(Schema):
    region_id: int
    title_sought: str = Field(max_length=16)
    target_year: int = Field(ge=1900, le=2200)


class SavedOut(Schema):
    id: int
