"""API schemas of indicators.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from ninja import Schema

from apps.geo.models import RegionLevel


class FrameworkOut(Schema):
    code: str
    title: str
    short_title: str
    document: str
    issued_on: str | None
    levels: list[str]
    partial: bool
    note: str

    @staticmethod
    def resolve_issued_on(obj):
        return obj.issued_on.isoformat() if obj.issued_on else None


class IndicatorOut(Schema):
    id: int
    code: str
    number: int
    name: str
    full_name: str
    parent_code: str | None
    domain: str
    task: str
    unit: str
    direction: str
    binding: bool | None
    scope_levels: list[str]
    coastal_only: bool
    where_applicable: bool
    target_city: str
    target_county: str
    printed_city: str
    printed_county: str
    targets: dict[str, str]  # level → expression, every level with a target
    evidence_checklist: list[str]
    meta: dict

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_target_city(obj):
        return obj.target_text_for(RegionLevel.CITY)

    @staticmethod
    def resolve_target_county(obj):
        return obj.target_text_for(RegionLevel.COUNTY)

    @staticmethod
    def resolve_printed_city(obj):
        return obj.printed_target(RegionLevel.CITY)

    @staticmethod
    def resolve_printed_county(obj):
        return obj.printed_target(RegionLevel.COUNTY)

    @staticmethod
    def resolve_targets(obj):
        return obj.target_texts
