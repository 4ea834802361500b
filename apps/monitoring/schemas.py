"""API schemas of monitoring imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class StationOut(Schema):
    code: str
    name: str
    region_code: str
    region: str
    category: str


class SectionOut(Schema):
    code: str
    name: str
    region_code: str
    region: str
    waterbody: str
    river: str
    drinking_source: bool


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class BatchOut(Schema):
    id: int
    kind: str
    original_name: str
    file_format: str
    sha256: str
    rows: int
    status: str  # "interrupted" when a running batch's progress has not moved for ECOCIV_JOB_STALE_MINUTES
    interrupted: bool
    finished: bool
    progress: int
    stage: str
    summary: str
    options: dict
    errors: list[RowErrorOut]
    created_by: str
    created_at: dt.datetime
    committed_at: dt.datetime | None


class BatchDetailOut(BatchOut):
    writes: list[dict]
    results: list[dict]


class ResultOut(Schema):
    region_code: str
    region: str
    year: int
    measure: str
    label: str
    unit: str
    value: Decimal | None
    text: str
    method: str
    provenance: str
    inputs: dict
    batch_id: int
    write_action: str  # write / skip / "" (no indicator of this framework)
    write_reason: str
    indicator_value_id: int | None
    indicator_value_status: str


class BaseValueIn(Schema):
    region_code: str
    measure: str
    value: Decimal
    source: str
    reason: str = ""
    year: int | None = None  # the program's base year when omitted


class BaseValueOut(Schema):
    id: int
    region_code: str
    region: str
    year: int
    measure: str
    label: str
    unit: str
    value: Decimal
    source: str
    reason: str
    created_by: str
    created_at: dt.datetime
