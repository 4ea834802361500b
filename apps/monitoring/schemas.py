"""API schemas of monitoring imports, read by attribute from the models and the plan dataclasses.

As in every app (see ``apps/assessment/schemas.py``): a response schema lists the public fields of the object
a selector returns (a model, or :mod:`apps.monitoring.plans`' frozen dataclasses, whose schemas are derived
from them) under the same names, and ``api.py`` returns that object. A field shaped differently (a related
object's name, the batch's plan) is a ``resolve_<field>`` static method here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from apps.core.schemas import RowErrorOut, schema_of

from .models import ComputedResult
from .plans import BatchPlan, PlannedResult, PlannedWrite


class _SiteOut(Schema):
    code: str
    name: str
    region_code: str = Field(alias="region.code")
    region: str = Field(alias="region.name")


class StationOut(_SiteOut):
    category: str


class SectionOut(_SiteOut):
    waterbody: str
    river: str
    drinking_source: bool


class BatchOut(Schema):
    """A batch (``ImportBatch``); ``status`` is its display status."""

    id: int
    kind: str
    original_name: str
    file_format: str
    sha256: str
    rows: int
    status: str = Field(alias="display_status")  # "interrupted" when a running batch's progress has not moved for ECOCIV_JOB_STALE_MINUTES
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

    resolve_created_by = staticmethod(lambda obj: str(obj.created_by))


PlannedWriteOut = schema_of(
    "PlannedWriteOut", PlannedWrite,
    "region_id region year measure indicator_id indicator_code indicator unit value provenance status status_label"
    " previous action reason warnings",
    action=Field(description="write 写入 / skip 跳过"),
)

PlannedResultOut = schema_of(
    "PlannedResultOut", PlannedResult, "region region_name year measure label unit value method provenance text inputs",
    region=Field(description="区域代码"), inputs=dict,
)


class BatchDetailOut(BatchOut):
    """A batch with its plan (:class:`~apps.monitoring.plans.BatchPlan`): planned writes and results."""

    writes: list[PlannedWriteOut]
    results: list[PlannedResultOut]

    resolve_writes = staticmethod(lambda obj: list(BatchPlan.from_json(obj.plan).writes))
    resolve_results = staticmethod(lambda obj: list(BatchPlan.from_json(obj.plan).results))


class _MeasureOut(Schema):
    """A measure of a region in a year, as a committed result and a base value both hold it (same ``label`` and
    ``unit``)."""

    region_code: str = Field(alias="region.code")
    region: str = Field(alias="region.name")
    year: int
    measure: str
    label: str
    unit: str


class ResultOut(_MeasureOut):
    """A committed result (``ComputedResult``)."""

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

    @staticmethod
    def resolve_indicator_value_status(obj: ComputedResult) -> str:
        return obj.indicator_value.status if obj.indicator_value_id else ""


class BaseValueIn(Schema):
    region_code: str
    measure: str
    value: Decimal
    source: str
    reason: str = ""
    year: int | None = None  # the program's base year when omitted


class _IdOut(Schema):
    id: int


class BaseValueOut(_MeasureOut, _IdOut):  # the id first
    """An office-entered base-year value (``BaseValue``)."""

    value: Decimal
    source: str
    reason: str
    created_by: str
    created_at: dt.datetime

    resolve_created_by = staticmethod(lambda obj: str(obj.created_by))
