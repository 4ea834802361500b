"""API schemas of scoring, read by attribute from the models and the selectors' dataclasses.

Names start with ``Scoring`` so they stay unique in the one OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from apps.core.schemas import schema_of
from apps.evidence.schemas import EvidenceFileOut

from .selectors import Comparison, Move, RankGroup, Ranking, RankRow


class ScoringSchemeOut(Schema):
    id: int
    code: str
    name: str
    version: int
    groups: list[str]
    period: str
    eco_shares: list[dict[str, Any]] = Field(..., description="各类考核对象中生态文明建设类指标占基本分的比例（%）")

    @staticmethod
    def resolve_eco_shares(obj: Any) -> list[dict[str, Any]]:
        return [{"group": group, "share": str(obj.data.eco_share(group))} for group in obj.data.groups]


class ScoringSchemeDetailOut(ScoringSchemeOut):
    text: str = Field(..., description="评分细则原文（TOML）")
    sources: dict[str, str] = Field(..., description="事实键 → 指标编码")


class ScoringSchemeIn(Schema):
    text: str = Field(..., max_length=200_000, description="评分细则（TOML）")
    sources: dict[str, str] | None = None


class ScoringRunOut(Schema):
    id: int
    scheme_id: int
    scheme_code: str
    scheme_version: int
    period: str
    status: str
    version: int
    code_version: str
    inputs_sha256: str
    fact_count: int
    previous_id: int | None
    note: str
    created_at: dt.datetime


class ScoringRunIn(Schema):
    scheme_id: int
    period: str = Field(..., max_length=8, pattern=r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$")
    note: str = Field("", max_length=300)


class ScoringStepIn(Schema):
    action: str = Field(..., description="open 开放异议 / finalise 定稿 / publish 发布 / rerun 按当前数据重新计分")
    comment: str = Field("", max_length=300)
    version: int | None = None


ScoringRankRowOut = schema_of("ScoringRankRowOut", RankRow,
                              "department_id name group total grade rank vetoed previous_total previous_rank change "
                              "lost")
ScoringRankGroupOut = schema_of("ScoringRankGroupOut", RankGroup, "group label rows",
                                rows=list[ScoringRankRowOut])  # type: ignore[valid-type]


class ScoringRankingOut(Schema):
    run: ScoringRunOut
    previous: ScoringRunOut | None
    groups: list[ScoringRankGroupOut]  # type: ignore[valid-type]


class ScoringItemOut(Schema):
    item: str
    section: str
    name: str
    kind: str
    status: str
    points: Decimal
    max: Decimal
    sentence: str
    trace: dict[str, Any]


class ScoringObjectionOut(Schema):
    id: int
    run_id: int
    department_id: int = Field(..., alias="subject.department_id")
    item: str
    reason: str
    status: str
    ruling: str
    created_at: dt.datetime
    ruled_at: dt.datetime | None
    evidence: list[EvidenceFileOut]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        """Listed for the office and the objector (``access.with_evidence_rights``); a write's answer goes to
        one of them."""
        return list(obj.evidence.all()) if getattr(obj, "evidence_visible", True) else []


class ScoringSheetOut(Schema):
    department_id: int
    name: str
    group: str
    total: Decimal
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    grade: str
    vetoed: bool
    rank: int | None
    items: list[ScoringItemOut]
    objections: list[ScoringObjectionOut]


class ScoringObjectionIn(Schema):
    item: str = Field("", max_length=60)
    reason: str = Field(..., max_length=4000)


class ScoringRulingIn(Schema):
    upheld: bool
    ruling: str = Field(..., max_length=4000)
    points: Decimal | None = Field(None, max_digits=12, decimal_places=4)


ScoringMoveOut = schema_of("ScoringMoveOut", Move, "department_id name item item_name before after delta "
                                                   "sentence_before sentence_after")


class ScoringComparisonOut(Schema):
    run: ScoringRunOut
    other: ScoringRunOut | None
    totals: list[ScoringRankRowOut]  # type: ignore[valid-type]
    moves: list[ScoringMoveOut]  # type: ignore[valid-type]


class ScoringFactIn(Schema):
    department_id: int
    period: str = Field(..., max_length=8, pattern=r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$")
    key: str = Field(..., max_length=80)
    part: str = Field("", max_length=80, description="分项，如监测断面；留空表示整体数值")
    value: Decimal | None = Field(None, max_digits=18, decimal_places=6)
    text: str = Field("", max_length=40)
    na: bool = False
    reason: str = Field(..., max_length=300)


class ScoringFactOut(Schema):
    id: int
    department_id: int
    period: str
    key: str
    part: str
    value: Decimal | None
    text: str
    na: bool
    reason: str
    evidence: list[EvidenceFileOut]

    resolve_evidence = staticmethod(lambda obj: list(obj.evidence.all()))


class _RevisionOut(Schema):
    """What every revision of an office entry (a fact, manual points) says besides its content: why, who, when,
    and the revision it follows (null: the first)."""

    id: int
    reason: str
    author: str
    at: dt.datetime
    previous_id: int | None

    resolve_author = staticmethod(lambda obj: str(obj.author))


_revisions = staticmethod(lambda obj: list(obj.revisions.all()))  # an entry's revisions, newest first


class ScoringFactRevisionOut(_RevisionOut):
    """One revision of an office fact: its content, and why, who, when."""

    value: Decimal | None
    text: str
    na: bool


class ScoringFactDetailOut(ScoringFactOut):
    revisions: list[ScoringFactRevisionOut]  # type: ignore[valid-type]

    resolve_revisions = _revisions


class ScoringItemIn(Schema):
    """An item's columns of the 评分细则表 (规则参数 and 其他设置 as ``key = value`` pairs separated by commas)."""

    name: str = Field(..., max_length=200)
    points: str = Field(..., max_length=30)
    source: str = Field("", max_length=300)
    params: str = Field("", max_length=4000, description="规则参数，如 key = \"air.pm25\", target = 35, deduct = 0.5")
    other: str = Field("", max_length=4000, description="其他设置，如 eco = false, missing = \"full\"")


class ScoringManualIn(Schema):
    scheme_code: str = Field(..., max_length=60)
    department_id: int
    period: str = Field(..., max_length=8, pattern=r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$")
    item: str = Field(..., max_length=60)
    points: Decimal = Field(..., max_digits=12, decimal_places=4)
    reason: str = Field(..., max_length=300)


class ScoringManualOut(Schema):
    id: int
    scheme_code: str
    department_id: int
    period: str
    item: str
    points: Decimal
    reason: str
    evidence: list[EvidenceFileOut]

    resolve_evidence = staticmethod(lambda obj: list(obj.evidence.all()))


class ScoringManualRevisionOut(_RevisionOut):
    """One revision of manual points: the points, and why, who, when."""

    points: Decimal


class ScoringManualDetailOut(ScoringManualOut):
    revisions: list[ScoringManualRevisionOut]  # type: ignore[valid-type]

    resolve_revisions = _revisions


__all__ = ["Comparison", "Ranking"]
