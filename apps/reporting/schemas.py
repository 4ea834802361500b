from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from ninja import Schema


class RoundIn(Schema):
    name: str
    period_type: str = "year"
    year: int
    period_number: int = 1
    due: dt.date
    indicator_ids: list[int] = []
    region_ids: list[int] = []
    note: str = ""


class RoundOut(Schema):
    id: int
    name: str
    period_type: str
    year: int
    period_number: int
    period_label: str
    due: dt.date


class ObligationOut(Schema):
    reporter: str
    region_id: int
    region: str
    indicator_id: int
    indicator_code: str
    indicator: str
    unit: str
    target: str
    value_id: int | None
    status: str
    version: int


class ValueIn(Schema):
    region_id: int
    indicator_id: int
    expected_version: int = 0
    number: Decimal | None = None
    qualitative: str = ""
    explanation: str = ""
    source: str = ""
    caliber: str = ""
    note: str = ""
    reason: str = ""
    confirm_warnings: bool = False
    submit: bool = False  # 保存并提交: save and submit in one step


class RevisionOut(Schema):
    id: int
    version: int
    number: Decimal | None
    qualitative: str
    explanation: str
    source: str
    caliber: str
    note: str
    reason: str
    warnings: list[str]
    author: str
    at: dt.datetime


class EventOut(Schema):
    action: str
    old_status: str
    new_status: str
    comment: str
    actor: str
    at: dt.datetime


class EvidenceOut(Schema):
    id: int
    original_name: str
    kind: str
    size: int
    sha256: str
    checklist_item: str
    url: str  # the one permission-checked download

    @staticmethod
    def resolve_url(obj) -> str:  # noqa: ANN001
        return reverse("evidence_download", args=[obj.id])


class ValueOut(Schema):
    id: int
    region_id: int
    indicator_id: int
    period_label: str
    year: int
    status: str
    version: int
    current: RevisionOut | None = None
    approved: RevisionOut | None = None


class ValueDetailOut(ValueOut):
    revisions: list[RevisionOut]
    events: list[EventOut]
    evidence: list[EvidenceOut]
    evidence_missing: list[str]


class BulkApproveIn(Schema):
    value_ids: list[int]


class BulkApproveOut(Schema):
    approved: list[int]
    failed: list[dict]


class ProgressLineOut(Schema):
    label: str
    total: int
    reported: int
    approved: int
    returned: int
    completeness: int
    on_time_rate: int
    evidence_rate: int


class ProgressOut(Schema):
    total: ProgressLineOut
    by_reporter: list[ProgressLineOut]
    by_region: list[ProgressLineOut]


class ImportOut(Schema):
    committed: bool
    rows: int
    errors: list[dict]
    warnings: list[dict]


class ApprovedOut(Schema):
    region_id: int
    indicator_id: int
    year: int
    number: Decimal | None
    qualitative: str
    display: str
