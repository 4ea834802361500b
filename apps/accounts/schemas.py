"""API schemas of accounts.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from ninja import Schema


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None
