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
    status: str
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
