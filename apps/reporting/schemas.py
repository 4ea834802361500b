"""API schemas of reporting, read by attribute from the models and the selectors' frozen dataclasses.

As in every app (see ``apps/assessment/schemas.py``): a response schema lists the public fields of the object
a selector returns under the same names (derived from it when it is a dataclass), and ``api.py`` returns that
object; a field shaped differently (a person's name, a related object's code) is an ``alias`` path or a
``resolve_<field>`` static method here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from apps.core.schemas import schema_of
from apps.review.schemas import ReviewEventOut
from apps.staging.schemas import StagedImportOut

from .models import IndicatorValue
from .selectors import ApprovedPoint, ProgressLine, RoundProgress, ValueDetail, evidence_completeness
from .services import (
    ApprovalFailure,
    BulkResult,
    EvidenceOverride,
    SubmitAllResult,
    SubmitFailure,
    ValueInput,
)


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
    status: str  # open (填报中) or closed (已关闭): a closed round takes no more reporting
    status_label: str
    version: int

    resolve_status_label = staticmethod(lambda obj: str(obj.get_status_display()))


class RoundEventOut(ReviewEventOut):
    """One close or reopen of a round: who, when, and the note or reason (``comment``)."""

    action_label: str


class ObligationOut(Schema):
    """A row the user must report (``selectors.Obligation``)."""

    reporter: str = Field(alias="reporter.label")
    region_id: int = Field(alias="region.id")
    region: str = Field(alias="region.name")
    indicator_id: int = Field(alias="indicator.id")
    indicator_code: str = Field(alias="indicator.code")
    indicator: str = Field(alias="indicator.full_name")
    unit: str = Field(alias="indicator.unit")
    target: str
    value_id: int | None
    status: str
    version: int

    resolve_value_id = staticmethod(lambda obj: obj.value.id if obj.value else None)
    resolve_version = staticmethod(lambda obj: obj.value.version if obj.value else 0)


class _ValueAt(Schema):
    region_id: int
    indicator_id: int
    expected_version: int = 0


ValueIn = schema_of(
    "ValueIn", ValueInput,
    "number qualitative explanation source caliber note reason confirm_warnings submit comment",
    base=_ValueAt, defaults=True,
    confirm_warnings=(bool, False), submit=(bool, False),  # 保存并提交: save and submit in one step
    comment=(str, ""),  # the submission's comment; the reason when required evidence is missing
)


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

    resolve_author = staticmethod(lambda obj: str(obj.author))


class ValueEvidenceOut(Schema):
    id: int
    original_name: str
    kind: str
    size: int
    sha256: str
    checklist_item: str
    url: str = Field(alias="download_url")  # the one permission-checked download


ValueOut = schema_of(  # typed as the value detail types them: it is the same value, read from the model
    "ValueOut", ValueDetail,
    "id region_id indicator_id period_label year status version submitted_late current approved",
    current=(RevisionOut | None, Field(None, alias="current_revision")),
    approved=(RevisionOut | None, Field(None, alias="approved_revision")),
    doc="An ``IndicatorValue`` with its current and approved revisions.",
)


class QueueValueOut(ValueOut):
    """A value of the review queue, with the required evidence it lacks (``evidence_required_missing``)."""

    evidence_required_missing: list[str]
    target: str = Field(alias="review.target")  # in words
    last_year: int | None
    last_year_value: str | None  # last year's approved value (number or status), as displayed
    attainment: str = Field(alias="review.verdict_status")  # the value as reported, judged as the dashboards judge
    attainment_label: str = Field(alias="review.verdict_label")  # 达标 / 未达标 / 无数据 / 不适用
    attainment_explanation: str

    @staticmethod
    def resolve_evidence_required_missing(obj: IndicatorValue) -> list[str]:
        return list(evidence_completeness(obj.indicator, list(obj.evidence.all())).required_missing)

    @staticmethod
    def resolve_last_year(obj: IndicatorValue) -> int | None:
        return obj.review.last_year.year if obj.review.last_year is not None else None

    @staticmethod
    def resolve_last_year_value(obj: IndicatorValue) -> str | None:
        return obj.review.last_year.display if obj.review.last_year is not None else None

    @staticmethod
    def resolve_attainment_explanation(obj: IndicatorValue) -> str:
        return obj.review.verdict.explanation if obj.review.verdict is not None else ""


class TransitionOut(ValueOut):
    """A value after a review step, with what the step recorded of the required evidence missing: the items a
    submission stated a reason for (``evidence_missing``), or an approval overrode (``evidence_override``)."""

    evidence_missing: list[str]
    evidence_override: list[str]

    @staticmethod
    def resolve_evidence_missing(obj: IndicatorValue) -> list[str]:
        return list(obj.step_data.get("evidence_missing", []))

    @staticmethod
    def resolve_evidence_override(obj: IndicatorValue) -> list[str]:
        return list(obj.step_data.get("evidence_override", []))


class ValueDetailOut(ValueOut):
    """A value with its history and evidence (``selectors.ValueDetail``)."""

    revisions: list[RevisionOut]
    events: list[ReviewEventOut]
    evidence: list[ValueEvidenceOut]
    evidence_missing: list[str]
    evidence_required_missing: list[str]  # the missing items a submission must have or state a reason for


class BulkApproveIn(Schema):
    value_ids: list[int]


ApprovalFailureOut = schema_of("ApprovalFailureOut", ApprovalFailure, "id reason")


EvidenceOverrideOut = schema_of("EvidenceOverrideOut", EvidenceOverride, "id missing")

BulkApproveOut = schema_of(
    "BulkApproveOut", BulkResult, "approved failed overridden",
    failed=list[ApprovalFailureOut], overridden=list[EvidenceOverrideOut],
    doc="A :class:`~apps.reporting.services.BulkResult`: ``overridden`` are approved values (also in ``approved``) "
        "that lacked required evidence, with the items.",
)

class SubmitDraftsIn(Schema):
    reason: str = Field("", max_length=2000)


SubmitFailureOut = schema_of("SubmitFailureOut", SubmitFailure, "id label reason")

SubmitDraftsOut = schema_of(
    "SubmitDraftsOut", SubmitAllResult, "submitted failed", failed=list[SubmitFailureOut],
    doc="A :class:`~apps.reporting.services.SubmitAllResult`: the drafts submitted, and those left drafts with "
        "the single submission's refusal.",
)

ProgressLineOut = schema_of(
    "ProgressLineOut", ProgressLine,
    "label key total reported approved on_time late returned completeness on_time_rate evidence_rate "
    "evidence_incomplete",
    doc="A :class:`~apps.reporting.selectors.ProgressLine`; ``key`` filters the round's rows to it "
        "(``reporter``, ``region`` or ``indicator`` of ``…/rounds/{round_id}/rows``); ``late``: first submitted "
        "after the due date (逾期提交).",
)

RoundProgressOut = schema_of(
    "RoundProgressOut", RoundProgress, "total by_reporter by_region by_indicator",
    total=ProgressLineOut, by_reporter=list[ProgressLineOut], by_region=list[ProgressLineOut],
    by_indicator=list[ProgressLineOut],
)


class RoundRowsFilter(Schema):
    """The round's rows in one unit's, region's and indicator's lines (their ``key``s) and of one status
    (``missing``, a review status, or ``evidence_incomplete``); a page of ``limit`` rows from ``offset``."""

    reporter: str = Field("", max_length=40)
    region: str = Field("", max_length=40)
    indicator: str = Field("", max_length=40)
    status: str = Field("", max_length=40)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class RoundRowOut(ObligationOut):
    """One row of the round (``selectors.RoundRow``, which reads as its obligation) with its value's current
    revision and what progress counts of it, as the round page lists it."""

    reporter_key: str = Field(alias="reporter.key")
    display: str | None
    reported: bool
    on_time: bool
    late: bool = Field(description="first submitted after the round's due date (逾期提交)")
    evidence_complete: bool
    evidence_incomplete: bool

    resolve_display = staticmethod(lambda obj: obj.value.current_revision.display
                                   if obj.value and obj.value.current_revision else None)
    resolve_reported = staticmethod(lambda obj: bool(obj.facts and obj.facts.reported))
    resolve_on_time = staticmethod(lambda obj: bool(obj.facts and obj.facts.on_time))
    resolve_late = staticmethod(lambda obj: bool(obj.facts and obj.facts.late))
    resolve_evidence_complete = staticmethod(lambda obj: bool(obj.facts and obj.facts.evidence_complete))
    resolve_evidence_incomplete = staticmethod(lambda obj: bool(obj.facts and obj.facts.evidence_incomplete))


class RoundRowsOut(Schema):
    count: int  # the rows matching the filters, on every page
    items: list[RoundRowOut]


ValuesImportOut = StagedImportOut  # a staged values import: the one schema of every staged import


class ImportConfirmIn(Schema):
    confirm_warnings: bool = False
    note: str = ""


ApprovedOut = schema_of("ApprovedOut", ApprovedPoint, "region_id indicator_id year number qualitative display",
                        doc="A :class:`~apps.reporting.selectors.ApprovedPoint`.")
