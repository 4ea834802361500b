"""Writes for reporting: rounds, value revisions, workflow steps, evidence (the sheet import is ``bulk``).

Status changes go through :func:`apps.review.services.transition` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.uploads import check_upload
from apps.core.validation import check_model_values, model_errors
from apps.evidence.models import EVIDENCE_KINDS, Evidence
from apps.evidence.services import evidence_attach
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.access import can_manage_program
from apps.programs.models import YEARS_AFTER_TARGET, Program
from apps.programs.selectors import program_indicators, program_regions
from apps.review.models import ReviewEvent
from apps.review.services import transition, workflow_step
from apps.review.workflow import EDITABLE, ReviewAction, ReviewStatus

from .access import reporting_parties
from .models import (
    PERIODS_PER_YEAR,
    IndicatorValue,
    QualitativeStatus,
    ReportingRound,
    ValueRevision,
)
from .round_workflow import ROUND_WORKFLOW, RoundAction, RoundStatus
from .selectors import evidence_completeness, user_obligations
from .validation import Check, check_number, is_change


class WarningsUnconfirmed(DomainError):
    """The value is plausible but unusual; the reporter must confirm it with a note."""

    status_code = 422
    code = "warnings_unconfirmed"

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__("请确认以下警告并填写说明后再保存：" + "；".join(warnings))


# --- rounds -------------------------------------------------------------------------------------------

#: A round may report a year from the program's base year up to this many years after its target year.
ROUND_YEARS_AFTER_TARGET = YEARS_AFTER_TARGET


@transaction.atomic
def reporting_round_create(
    *, program: Program, actor: User, name: str, period_type: str, year: int, period_number: int = 1,
    due: dt.date, indicators: list[Indicator] | None = None, regions: list[Region] | None = None, note: str = "",
) -> ReportingRound:
    """Open a round; without explicit scope, every leaf indicator and every region of the program."""
    if not can_manage_program(actor, program):
        raise PermissionDeniedError("只有生态办管理员可以发起调度。")
    per_year = PERIODS_PER_YEAR.get(period_type)
    if per_year is None:
        raise DomainError("未知的调度周期。")
    if not 1 <= period_number <= per_year:
        raise DomainError(f"期次须在 1–{per_year} 之间。")
    first, last = program.base_year, program.target_year + ROUND_YEARS_AFTER_TARGET
    if not first <= year <= last:
        raise DomainError(f"调度年份须在基准年至目标年后{ROUND_YEARS_AFTER_TARGET}年之间（{first}–{last}年）。")
    check_model_values(ReportingRound, name=name.strip(), note=note)
    all_indicators = [i for i in program_indicators(program) if i.scope_levels]
    all_regions = program_regions(program)
    indicators = all_indicators if not indicators else indicators
    regions = all_regions if not regions else regions
    if not {i.id for i in indicators} <= {i.id for i in all_indicators}:
        raise DomainError("调度指标须属于本创建工作的指标体系。")
    if not {r.id for r in regions} <= {r.id for r in all_regions}:
        raise DomainError("调度区域须属于本创建工作。")
    reporting_round = ReportingRound(program=program, name=name.strip(), period_type=period_type, year=year,
                                     period_number=period_number, due=due, note=note, created_by=actor)
    if ReportingRound.objects.filter(program=program, period_type=period_type, year=year,
                                     period_number=period_number).exists():
        raise DomainError(f"{reporting_round.period_label}的调度已经发起。")
    try:
        reporting_round.full_clean()
    except ValidationError as exc:
        raise DomainError("；".join(m for msgs in exc.message_dict.values() for m in msgs)) from exc
    try:
        with transaction.atomic():
            reporting_round.save()
    except IntegrityError as exc:
        raise DomainError(f"{reporting_round.period_label}的调度已经发起。") from exc
    reporting_round.indicators.set(indicators)
    reporting_round.regions.set(regions)
    return reporting_round


class RoundClosed(DomainError):
    """The round is closed: no value of it may be saved, submitted or imported until the office reopens it."""

    status_code = 409
    code = "round_closed"

    def __init__(self, name: str) -> None:
        super().__init__(_("「%(name)s」已关闭填报，不能再保存、提交或导入数值；如需补报，请联系生态办重新开放。")
                         % {"name": name})


def require_round_open(round_id: int | None) -> None:
    """Refuse a reporter's write to a closed round: the one check of every write path (single save, submission,
    submit-all, the import's preview, confirm and every commit chunk, evidence upload; page and API alike).

    Inside the caller's transaction the round's row is share-locked on PostgreSQL (``FOR SHARE``): closing
    (which locks it for update) waits for writes under way, and a write that starts after the close sees it.
    SQLite serialises every writing transaction anyway. ``None`` (a value whose round was deleted) passes.
    """
    if round_id is None:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT status, name FROM {ReportingRound._meta.db_table} WHERE id = %s FOR SHARE",
                           [round_id])
            row = cursor.fetchone()
    else:
        row = ReportingRound.objects.filter(pk=round_id).values_list("status", "name").first()
    if row is not None and row[0] == RoundStatus.CLOSED:
        raise RoundClosed(row[1])


@transaction.atomic
def reporting_round_transition(*, reporting_round: ReportingRound, action: str, actor: User, comment: str = "",
                               expected_version: int | None = None) -> ReviewEvent:
    """Close a round or reopen it: the only code that writes a round's ``status``.

    The office managing the program only; closing takes an optional note, reopening a required reason. The
    round's row is locked (waiting for reporters' writes under way), the move looked up in
    :data:`apps.reporting.round_workflow.TRANSITIONS`, and recorded as a review event (the round's history)
    and in the audit log.
    """
    if action not in RoundAction.values:
        raise DomainError(_("未知操作「%(action)s」。") % {"action": action})
    action = RoundAction(action)
    if not can_manage_program(actor, reporting_round.program):
        raise PermissionDeniedError(_("只有生态办管理员可以关闭或重新开放填报。"))
    comment = ROUND_WORKFLOW.checked_comment(action, comment)
    check_model_values(ReportingRound, note=comment)
    event = workflow_step(obj=reporting_round, workflow=ROUND_WORKFLOW, action=action, actor=actor,
                          comment=comment, expected_version=expected_version,
                          data={"due": reporting_round.due.isoformat()})
    record(actor, AuditAction.ROUND_CLOSE if action == RoundAction.CLOSE else AuditAction.ROUND_REOPEN,
           reporting_round, reason=comment, version=reporting_round.version)
    return event


def round_of_value(value: IndicatorValue) -> ReportingRound | None:
    """The round a value is reported in: its own, else the program's round of its period."""
    if value.round_id is not None:
        return value.round
    return ReportingRound.objects.filter(program_id=value.program_id, period_type=value.period_type,
                                         year=value.year, period_number=value.period_number).first()


# --- values -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueInput:
    number: Decimal | None = None
    qualitative: str = ""
    explanation: str = ""
    source: str = ""
    caliber: str = ""
    note: str = ""
    reason: str = ""

    @classmethod
    def of(cls, data: Mapping[str, object]) -> ValueInput:
        """The input among ``data`` (a form's cleaned data, the API's payload as a dict), by field name."""
        return cls(**{f.name: data[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def check_value_input(*, indicator: Indicator, data: ValueInput, last_approved: Decimal | None,
                      level: str, qualitative: bool | None = None) -> Check:
    """Errors and warnings for a value before it is saved (shared by the form, the API and the import).

    ``level`` is the reporting region's level: an indicator may be qualitative for counties only.
    ``qualitative`` is ``indicator.is_qualitative_for(level)`` when the caller (an import) already knows it.
    Every field must fit its column as given (length, characters, decimals: never truncated or rounded).
    """
    unfit = model_errors(ValueRevision, {"number": data.number, "explanation": data.explanation,
                                         "source": data.source.strip(), "caliber": data.caliber.strip(),
                                         "note": data.note, "reason": data.reason.strip()})
    if unfit:
        return Check(errors=list(unfit.values()))
    if indicator.is_qualitative_for(level) if qualitative is None else qualitative:
        if data.qualitative not in QualitativeStatus.values:
            return Check(errors=["定性指标须选择状态（已建立/实施中/未开展）。"])
        if data.number is not None:
            return Check(errors=["定性指标不填数值。"])
        return Check()
    if data.qualitative:
        return Check(errors=["定量指标不选定性状态，请填写数值。"])
    if data.number is None:
        return Check(errors=["请填写数值。"])
    return check_number(data.number, unit=indicator.unit, last_approved=last_approved,
                        change=is_change(indicator.name))


#: Why a save is refused when someone saved the value since the actor read it.
CONFLICT_MESSAGE = "该指标值已被他人修改，请刷新后再编辑（您的修改未保存）。"


def value_change_refusal(*, version: int, expected_version: int, status: str | None) -> DomainError | None:
    """Why a value may not get a new revision now, or None: the one rule for a single save and the import.

    ``version`` and ``status`` are the value's as locked (``status`` None for a value not yet created);
    ``expected_version`` is the version the actor edited or previewed.
    """
    if version != expected_version:
        return ConflictError(CONFLICT_MESSAGE)
    if status is not None and status not in EDITABLE:
        if status == ReviewStatus.APPROVED:
            return DomainError("该指标值已审核通过并锁定；如需修改，请生态办重新打开。")
        return DomainError("该指标值已提交，等待审核，暂不能修改。")
    return None


def _last_approved(value: IndicatorValue) -> Decimal | None:
    """The jump check's reference: the most recent approved number of this key before the value's year (for
    one key, newest first with ``LIMIT 1``; :func:`last_approved_numbers` answers many keys at once)."""
    return (
        IndicatorValue.objects.filter(program=value.program, region_id=value.region_id,
                                      indicator_id=value.indicator_id, period_type=value.period_type,
                                      year__lt=value.year, approved_revision__number__isnull=False)
        .order_by("-year", "-period_number").values_list("approved_revision__number", flat=True).first()
    )


def _locked_value(reporting_round: ReportingRound, region: Region, indicator: Indicator) -> IndicatorValue | None:
    """The value of (region, indicator) for the round's period, locked; None while nobody has created it (a row
    that does not exist cannot be locked: two first saves race to the unique index)."""
    return (
        IndicatorValue.objects.select_for_update()
        .filter(program=reporting_round.program, region=region, indicator=indicator,
                period_type=reporting_round.period_type, year=reporting_round.year,
                period_number=reporting_round.period_number)
        .first()
    )


@transaction.atomic
def indicator_value_save(
    *, reporting_round: ReportingRound, region: Region, indicator: Indicator, actor: User, data: ValueInput,
    expected_version: int, confirm_warnings: bool = False, submit: bool = False, comment: str = "",
) -> IndicatorValue:
    """Add a revision to the value of (region, indicator) for the round's period, creating it if new; with
    ``submit`` also submit it for review (保存并提交, with ``comment`` on the review event) in the same
    transaction: both happen or neither.

    ``expected_version`` is the version the actor edited (0 for a value not yet created); if someone saved
    meanwhile the save is refused with a conflict and nothing is written.
    """
    program = reporting_round.program
    require_round_open(reporting_round.pk)
    value = _locked_value(reporting_round, region, indicator)
    if value is None:
        value = IndicatorValue(program=program, region=region, indicator=indicator, round=reporting_round,
                               period_type=reporting_round.period_type, year=reporting_round.year,
                               period_number=reporting_round.period_number, version=0)
    value.program, value.region, value.indicator = program, region, indicator
    if not value.review_can_report(actor):
        raise PermissionDeniedError("您无权填报该指标值。")
    refusal = value_change_refusal(version=value.version, expected_version=expected_version,
                                   status=value.status if value.pk else None)
    if refusal is not None:
        raise refusal
    # the jump check compares a number with the last approved one; other input needs no history query
    jump_check = data.number is not None and not data.qualitative and not indicator.is_qualitative_for(region.level)
    check = check_value_input(indicator=indicator, data=data,
                              last_approved=_last_approved(value) if jump_check else None, level=region.level)
    if check.errors:
        raise DomainError("；".join(check.errors))
    if check.warnings and not (confirm_warnings and data.note.strip()):
        raise WarningsUnconfirmed(check.warnings)
    if not value.pk:
        value.version = 1
        try:
            with transaction.atomic():
                value.save()
        except IntegrityError as exc:  # someone created it since the lock found none: their save wins
            raise ConflictError(CONFLICT_MESSAGE) from exc
    else:
        IndicatorValue.objects.filter(pk=value.pk).update(version=F("version") + 1, updated_at=timezone.now())
        value.version += 1
    revision = ValueRevision.objects.create(
        value=value, number=data.number, qualitative=data.qualitative, explanation=data.explanation.strip(),
        source=data.source.strip(), caliber=data.caliber.strip(), note=data.note.strip(),
        warnings=check.warnings, reason=data.reason.strip(), version=value.version, author=actor,
    )
    IndicatorValue.objects.filter(pk=value.pk).update(current_revision=revision)
    value.current_revision = revision
    if submit:
        indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=actor, comment=comment,
                                   expected_version=value.version)
    return value


class EvidenceReasonRequired(DomainError):
    """A submission lacks required evidence and states no reason: the reporter uploads it or says why not."""

    status_code = 422
    code = "evidence_reason_required"

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(_("缺少必需的佐证材料：%(items)s。请先上传，或在意见中说明缺少的理由后再提交。")
                         % {"items": "、".join(missing)})


def evidence_step_data(*, value: IndicatorValue, action: str, comment: str) -> dict[str, object]:
    """The evidence rule of a review step: what the event records of the required evidence still missing.

    The one rule for every submission and approval of a value (page, API, bulk, save-and-submit, imports):
    a submission with required checklist items missing needs a reason (``comment``), recorded with the items
    as ``{"evidence_missing": [...], "reason": ...}``, else :class:`EvidenceReasonRequired`; an approval
    goes through and records ``{"evidence_override": [...]}``. Other steps, or nothing missing: ``{}``.
    """
    if action not in (ReviewAction.SUBMIT, ReviewAction.APPROVE):
        return {}
    missing = evidence_completeness(value.indicator, list(value.evidence.all())).required_missing
    if not missing:
        return {}
    if action == ReviewAction.APPROVE:
        return {"evidence_override": list(missing)}
    reason = (comment or "").strip()
    if not reason:
        raise EvidenceReasonRequired(missing)
    return {"evidence_missing": list(missing), "reason": reason}


@transaction.atomic
def indicator_value_transition(*, value: IndicatorValue, action: str, actor: User, comment: str = "",
                               expected_version: int | None = None) -> ReviewEvent:
    """Submit, approve, return or reopen a value; approval fixes the current revision as the approved one.

    A submission is refused while the value's round is closed (:func:`require_round_open`); the first one after
    the round's due date marks the value late (``submitted_late``, 逾期提交). Approving, returning and reopening
    go on while the round is closed (review of what was submitted).

    Required evidence missing: a submission needs ``comment`` as the reason, an approval is recorded as an
    override (:func:`evidence_step_data`; the event's ``data`` keeps both).
    """
    if action == ReviewAction.SUBMIT and value.current_revision_id is None:
        raise DomainError("请先填写数值再提交。")
    now = timezone.now()
    changes: dict[str, object] = {}
    if action == ReviewAction.SUBMIT:
        reporting_round = round_of_value(value)
        require_round_open(reporting_round.pk if reporting_round is not None else None)
        if value.first_submitted_at is None:  # the first submission marks a value late, once (逾期提交)
            changes["first_submitted_at"] = now
            changes["submitted_late"] = reporting_round is not None and now > reporting_round.due_end()
    if action == ReviewAction.APPROVE:
        changes["approved_revision_id"] = value.current_revision_id
        changes["approved_at"] = now
    return transition(obj=value, action=action, actor=actor, comment=comment, expected_version=expected_version,
                      changes=changes, data=lambda: evidence_step_data(value=value, action=action, comment=comment))


@dataclass(frozen=True)
class ApprovalFailure:
    """A value bulk approval left alone, and why."""

    id: int
    reason: str


@dataclass(frozen=True)
class EvidenceOverride:
    """A value bulk approval approved without some of its required evidence (recorded on its event)."""

    id: int
    missing: list[str]


@dataclass(frozen=True)
class BulkResult:
    approved: list[int] = field(default_factory=list)
    failed: list[ApprovalFailure] = field(default_factory=list)
    overridden: list[EvidenceOverride] = field(default_factory=list)  # approved, required evidence missing


def indicator_values_bulk_approve(*, program: Program, value_ids: list[int], actor: User) -> BulkResult:
    """Approve each selected value that can be approved; report the others with the reason, and those approved
    without their required evidence with the items missing."""
    if not can_manage_program(actor, program):
        raise PermissionDeniedError("只有生态办管理员可以审核。")
    result = BulkResult()
    values = {v.id: v for v in IndicatorValue.objects.filter(program=program, pk__in=value_ids)
              .select_related("indicator").prefetch_related("evidence")}
    for value_id in value_ids:
        value = values.get(value_id)
        if value is None:
            result.failed.append(ApprovalFailure(value_id, "不存在"))
            continue
        value.program = program
        try:
            with transaction.atomic():
                event = indicator_value_transition(value=value, action=ReviewAction.APPROVE, actor=actor)
        except DomainError as exc:
            result.failed.append(ApprovalFailure(value_id, str(exc)))
        else:
            result.approved.append(value_id)
            if event.data.get("evidence_override"):
                result.overridden.append(EvidenceOverride(value_id, list(event.data["evidence_override"])))
    return result


@dataclass(frozen=True)
class SubmitFailure:
    """A draft "submit all" left a draft, and why (the single submission's refusal)."""

    id: int
    label: str  # region · indicator
    reason: str


@dataclass(frozen=True)
class SubmitAllResult:
    submitted: list[int] = field(default_factory=list)
    failed: list[SubmitFailure] = field(default_factory=list)


def indicator_values_submit_drafts(*, reporting_round: ReportingRound, actor: User, reason: str = "") -> SubmitAllResult:
    """Submit every draft the actor reports in the round, each through the single submission's checks.

    Per value, not all-or-nothing: each submission is its own transaction through
    :func:`indicator_value_transition` (permission, a number entered, the evidence rule, the version), and a
    value that fails a check stays a draft and is reported with the reason. After a bulk import one incomplete
    row should not hold back the others; the summary says which to finish. ``reason`` is the comment of every
    submission, so it serves as the stated reason of those lacking required evidence.
    """
    if not reporting_parties(actor, reporting_round.program):
        raise PermissionDeniedError(_("您无权填报本轮调度。"))
    require_round_open(reporting_round.pk)
    result = SubmitAllResult()
    drafts = [o for o in user_obligations(actor, reporting_round)
              if o.value is not None and o.value.status == ReviewStatus.DRAFT]
    for obligation in drafts:
        value = obligation.value
        assert value is not None
        value.program = reporting_round.program
        try:
            with transaction.atomic():
                indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=actor, comment=reason,
                                           expected_version=value.version)
        except DomainError as exc:
            result.failed.append(SubmitFailure(value.id, f"{obligation.region.name} · {obligation.indicator.name}",
                                               str(exc)))
        else:
            result.submitted.append(value.id)
    return result


# --- evidence ---------------------------------------------------------------------------------------------


@transaction.atomic
def evidence_upload(*, value: IndicatorValue, upload: UploadedFile | None, actor: User,
                    checklist_item: str = "") -> Evidence:
    """Attach a checked file (size, type by content, safe name, SHA-256) to an editable value."""
    if not value.review_can_report(actor):
        raise PermissionDeniedError("您无权为该指标值上传佐证材料。")
    if value.status not in EDITABLE:
        raise DomainError("该指标值已提交或已审核通过，不能再上传佐证材料。")
    reporting_round = round_of_value(value)
    require_round_open(reporting_round.pk if reporting_round is not None else None)
    checklist = list(value.indicator.evidence_checklist or [])
    checklist_item = (checklist_item or "").strip()
    if checklist_item and checklist_item not in checklist:
        raise DomainError(f"「{checklist_item}」不在该指标的佐证材料清单中。")
    checked = check_upload(upload, allowed=EVIDENCE_KINDS)
    return evidence_attach(subject=value, upload=checked, actor=actor, checklist_item=checklist_item)

