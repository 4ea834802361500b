"""API schemas of indicators.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from ninja import Field, Schema

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

    resolve_issued_on = staticmethod(lambda obj: obj.issued_on.isoformat() if obj.issued_on else None)


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
    targets: dict[str, str] = Field(alias="target_texts")  # level → expression, every level with a target
    target_words: dict[str, str]  # level → the target in words, with the unit (≥95%)
    evidence_checklist: list[str]
    meta: dict

    resolve_parent_code = staticmethod(lambda obj: obj.parent.code if obj.parent_id else None)
    resolve_target_city = staticmethod(lambda obj: obj.target_text_for(RegionLevel.CITY))
    resolve_target_county = staticmethod(lambda obj: obj.target_text_for(RegionLevel.COUNTY))
    resolve_printed_city = staticmethod(lambda obj: obj.printed_target(RegionLevel.CITY))
    resolve_printed_county = staticmethod(lambda obj: obj.printed_target(RegionLevel.COUNTY))
    resolve_target_words = staticmethod(
        lambda obj: {level: obj.target_words(expression) for level, expression in obj.target_texts.items()})
