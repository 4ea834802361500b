"""API schemas of geo.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from ninja import Schema


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    terrain: str
    arid: bool
    plateau: bool
    coastal: bool
    city_size: str
    zone: str


class DepartmentOut(Schema):
    id: int
    name: str
    region_id: int
    kind: str
    governs_id: int | None
    aliases: list[str]
