"""API schemas of accounts.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from ninja import Field, Schema


class DutyOut(Schema):
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None
    program_id: int | None


class MeOut(Schema):
    """The current user; ``role``, ``region_id`` and ``department_id`` are those of its first duty."""

    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None
    duties: list[DutyOut]
    must_change_password: bool = False


class PasswordChangeIn(Schema):
    old_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class PasswordChangeOut(Schema):
    detail: str
