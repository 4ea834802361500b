"""REST endpoints for reporting; every one fetches and authorizes through the access_* helpers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.uploads import check_upload
from apps.evidence.access import access_evidence
from apps.evidence.views import evidence_response
from apps.geo.access import access_region
from apps.indicators.models import Indicator
from apps.programs.access import access_program, can_manage_program
from apps.programs.selectors import program_indicators, program_regions
from apps.review.models import ReviewEvent
from apps.review.schemas import TransitionIn
from apps.review.services import review_history
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_recover

from . import imports, schemas, selectors, services
from .access import access_round, access_value, access_values_import, round_cell, viewable_pairs
from .exports import department_template, round_progress_xlsx
from .models import IndicatorValue, ReportingRound
from .selectors import (
    ROW_STATUSES,
    ApprovedPoint,
    Obligation,
    RoundProgress,
    ValueDetail,
    approved_points,
    review_contexts,
    review_queue,
    round_progress,
    round_row_values,
    round_rows,
    user_obligations,
)

router = Router(tags=["reporting"])


@router.get("/programs/{program_id}/rounds", response=list[schemas.RoundOut])
def list_rounds(request: HttpRequest, program_id: int) -> QuerySet[ReportingRound]:
    program = access_program(request.user, program_id)
    return program.reporting_rounds.all()


@router.post("/programs/{program_id}/rounds", response={201: schemas.RoundOut})
def create_round(request: HttpRequest, program_id: int, payload: schemas.RoundIn) -> Status:
    program = access_program(request.user, program_id, manage=True)
    indicators = list(Indicator.objects.filter(pk__in=payload.indicator_ids))
    unknown = sorted(set(payload.indicator_ids) - {i.id for i in indicators})
    if unknown:  # never dropped: an empty list means every indicator
        raise DomainError(f"指标不存在：{unknown}")
    regions = [access_region(request.user, rid) for rid in payload.region_ids]
    reporting_round = services.reporting_round_create(
        program=program, actor=request.user, name=payload.name, period_type=payload.period_type,
        year=payload.year, period_number=payload.period_number, due=payload.due, indicators=indicators,
        regions=regions, note=payload.note)
    return Status(201, reporting_round)


@router.post("/programs/{program_id}/rounds/{round_id}/transition", response=schemas.RoundOut)
def round_transition(request: HttpRequest, program_id: int, round_id: int,
                     payload: TransitionIn) -> ReportingRound:
    """Close the round (``action`` ``close``; ``comment`` an optional note) or reopen it (``reopen``; ``comment`` the
    reason, required): the office only; ``expected_version`` is the round's version the office saw (409 if stale). While closed, saving, submitting and importing values of the round are refused
    (409, ``code`` ``round_closed``); review of what was submitted goes on."""
    reporting_round = access_round(request.user, program_id, round_id)
    services.reporting_round_transition(reporting_round=reporting_round, action=payload.action, actor=request.user,
                                        comment=payload.comment, expected_version=payload.expected_version)
    return reporting_round


@router.get("/programs/{program_id}/rounds/{round_id}/history", response=list[schemas.RoundEventOut])
def round_history(request: HttpRequest, program_id: int, round_id: int) -> list[ReviewEvent]:
    """Every close and reopen of the round, oldest first: who, when, the note or reason."""
    reporting_round = access_round(request.user, program_id, round_id)
    return list(review_history(reporting_round))


@router.get("/programs/{program_id}/rounds/{round_id}/obligations", response=list[schemas.ObligationOut])
def my_obligations(request: HttpRequest, program_id: int, round_id: int) -> list[Obligation]:
    """What the requesting user (department, county office, or office) must report in the round."""
    reporting_round = access_round(request.user, program_id, round_id)
    return user_obligations(request.user, reporting_round)


@router.get("/programs/{program_id}/rounds/{round_id}/progress", response=schemas.RoundProgressOut)
def progress(request: HttpRequest, program_id: int, round_id: int) -> RoundProgress:
    """The round's progress over the rows the user may read (a county office: its county's), as the round page."""
    reporting_round = access_round(request.user, program_id, round_id)
    return round_progress(reporting_round, user=request.user)


@router.get("/programs/{program_id}/rounds/{round_id}/rows", response=schemas.RoundRowsOut)
def round_row_list(request: HttpRequest, program_id: int, round_id: int,
                   filters: Query[schemas.RoundRowsFilter]) -> dict[str, object]:
    """The round's rows the user may read, filtered as on the round page's 逐项明细, a page at a time."""
    reporting_round = access_round(request.user, program_id, round_id)
    if filters.status and filters.status not in ROW_STATUSES:
        raise DomainError(f"状态须为 {'、'.join(ROW_STATUSES)} 之一。")
    progress = round_progress(reporting_round, user=request.user)
    lines = [key for key in (filters.reporter, filters.region, filters.indicator) if key]
    known = {line.key for line in (*progress.by_reporter, *progress.by_region, *progress.by_indicator)}
    if set(lines) - known:
        raise DomainError(f"本轮调度中没有可查看的此项：{'、'.join(sorted(set(lines) - known))}")
    rows = round_rows(progress, lines=lines, status=filters.status)
    return {"count": len(rows), "items": round_row_values(rows[filters.offset:filters.offset + filters.limit])}


@router.get("/programs/{program_id}/rounds/{round_id}/progress.xlsx", summary="导出填报进度 xlsx")
def progress_export(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """按填报单位和按区域的填报进度，各带合计行；可查看调度页面的用户均可下载。"""
    return xlsx_response(*round_progress_xlsx(access_round(request.user, program_id, round_id), request.user))


@router.post("/programs/{program_id}/rounds/{round_id}/values", response=schemas.ValueOut)
def save_value(request: HttpRequest, program_id: int, round_id: int, payload: schemas.ValueIn) -> IndicatorValue:
    reporting_round = access_round(request.user, program_id, round_id)
    region, indicator = round_cell(reporting_round, payload.region_id, payload.indicator_id)
    data = services.ValueInput.of(payload.dict())
    return services.indicator_value_save(reporting_round=reporting_round, region=region, indicator=indicator,
                                         actor=request.user, data=data, expected_version=payload.expected_version,
                                         confirm_warnings=payload.confirm_warnings, submit=payload.submit,
                                         comment=payload.comment)


@router.get("/programs/{program_id}/values", response=list[schemas.QueueValueOut])
def list_values(request: HttpRequest, program_id: int, round_id: int | None = None, region_id: int | None = None,
                department_id: int | None = None, status: str | None = None) -> list[IndicatorValue]:
    """The office review queue (submitted and resubmitted by default) with filters; each value with what the
    reviewer weighs: its target in words, last year's approved value and the attainment verdict of the value as
    reported (``attainment``: attained, not_attained, no_data, not_applicable; empty for a value that is not
    annual or whose target cannot be determined)."""
    program = access_program(request.user, program_id)
    if not can_manage_program(request.user, program):
        raise PermissionDeniedError("只有生态办管理员可以查看审核队列。")
    rows = list(review_queue(program, round_id=round_id, region_id=region_id, department_id=department_id,
                             status=status).select_related("current_revision__author", "approved_revision__author"))
    contexts = review_contexts(program, rows)
    for row in rows:
        row.review = contexts[row.id]
    return rows


@router.get("/programs/{program_id}/values/{value_id}", response=schemas.ValueDetailOut)
def value_detail(request: HttpRequest, program_id: int, value_id: int) -> ValueDetail:
    return selectors.value_detail(access_value(request.user, program_id, value_id))


@router.post("/programs/{program_id}/values/{value_id}/transition", response=schemas.TransitionOut)
def value_transition(request: HttpRequest, program_id: int, value_id: int,
                     payload: TransitionIn) -> IndicatorValue:
    """A review step. A submission lacking required evidence needs ``comment`` as the reason (422 without);
    an approval of one goes through and lists the items it overrode (``evidence_override``)."""
    value = access_value(request.user, program_id, value_id)
    event = services.indicator_value_transition(value=value, action=payload.action, actor=request.user,
                                                comment=payload.comment, expected_version=payload.expected_version)
    value = access_value(request.user, program_id, value_id)
    value.step_data = event.data
    return value


@router.post("/programs/{program_id}/rounds/{round_id}/submit-drafts", response=schemas.SubmitDraftsOut)
def submit_drafts(request: HttpRequest, program_id: int, round_id: int,
                  payload: schemas.SubmitDraftsIn) -> services.SubmitAllResult:
    """Submit all my drafts of the round, each with the single submission's checks; per value, not
    all-or-nothing: a draft failing a check stays a draft and is listed in ``failed`` with the reason.
    ``reason`` is every submission's comment (the reason of those lacking required evidence)."""
    reporting_round = access_round(request.user, program_id, round_id)
    return services.indicator_values_submit_drafts(reporting_round=reporting_round, actor=request.user,
                                                   reason=payload.reason)


@router.post("/programs/{program_id}/bulk-approve", response=schemas.BulkApproveOut)
def bulk_approve(request: HttpRequest, program_id: int, payload: schemas.BulkApproveIn) -> services.BulkResult:
    program = access_program(request.user, program_id, manage=True)
    return services.indicator_values_bulk_approve(program=program, value_ids=payload.value_ids, actor=request.user)


@router.post("/programs/{program_id}/values/{value_id}/evidence", response={201: schemas.ValueEvidenceOut})
def upload_evidence(request: HttpRequest, program_id: int, value_id: int, file: File[UploadedFile],
                    checklist_item: Form[str] = "") -> Status:
    value = access_value(request.user, program_id, value_id)
    return Status(201, services.evidence_upload(value=value, upload=file, actor=request.user,
                                                checklist_item=checklist_item))


@router.get("/programs/{program_id}/values/{value_id}/evidence/{evidence_id}",
            summary="下载指标值的佐证材料（与 /api/evidence/{evidence_id} 相同）")
def download_evidence(request: HttpRequest, program_id: int, value_id: int, evidence_id: int) -> HttpResponse:
    value = access_value(request.user, program_id, value_id)
    return evidence_response(access_evidence(request.user, evidence_id, subject=value))


@router.get("/programs/{program_id}/rounds/{round_id}/template.xlsx")
def template(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    reporting_round = access_round(request.user, program_id, round_id)
    data, filename = department_template(reporting_round, request.user)
    return xlsx_response(data, filename)


@router.post("/programs/{program_id}/rounds/{round_id}/import", response=schemas.ValuesImportOut)
def import_values(request: HttpRequest, program_id: int, round_id: int, file: File[UploadedFile],
                  commit: Form[bool] = False, confirm_warnings: Form[bool] = False,
                  note: Form[str] = "") -> StagedImport:
    """Without ``commit`` a preview (a staged import, confirmed by ``…/imports/{id}/commit``); with it all or
    nothing (422/400 with row errors on any bad row). A commit runs as a job: poll ``…/imports/{id}``."""
    reporting_round = access_round(request.user, program_id, round_id)
    imports.values_import_authorize(request.user, reporting_round.program)  # before the file is read
    checked = check_upload(file, allowed={"xlsx"})
    if commit:
        staged = imports.values_import_upload_and_commit(reporting_round=reporting_round, actor=request.user,
                                                         checked=checked, confirm_warnings=confirm_warnings,
                                                         note=note)
    else:
        staged = imports.values_import_upload(reporting_round=reporting_round, actor=request.user, checked=checked)
    return staged


@router.get("/programs/{program_id}/rounds/{round_id}/imports/{import_id}", response=schemas.ValuesImportOut)
def import_status(request: HttpRequest, program_id: int, round_id: int, import_id: int) -> StagedImport:
    """One of the user's values imports: its progress while it commits, then what it wrote or refused."""
    reporting_round = access_round(request.user, program_id, round_id)
    return staged_import_recover(staged=access_values_import(request.user, reporting_round, import_id))


@router.post("/programs/{program_id}/rounds/{round_id}/imports/{import_id}/commit", response=schemas.ValuesImportOut)
def import_commit(request: HttpRequest, program_id: int, round_id: int, import_id: int,
                  payload: schemas.ImportConfirmIn) -> StagedImport:
    """Confirm a previewed values import (only its uploader); the commit runs as a job."""
    reporting_round = access_round(request.user, program_id, round_id)
    staged = access_values_import(request.user, reporting_round, import_id, previewed=True)
    return imports.values_import_confirm(staged=staged, actor=request.user,
                                         confirm_warnings=payload.confirm_warnings, note=payload.note)


@router.get("/programs/{program_id}/approved-values", response=list[schemas.ApprovedOut])
def approved(request: HttpRequest, program_id: int, years: Query[list[int]], region_ids: Query[list[int]] = None,
             indicator_ids: Query[list[int]] = None) -> list[ApprovedPoint]:
    """Approved annual values (the dashboard series) of the pairs the user may read (``viewable_pairs``, as a
    value's page): a county office its county's, a unit's reporter its unit's indicators. Asking for a region
    of which the user reads nothing is refused."""
    program = access_program(request.user, program_id)
    regions = [r for r in program_regions(program) if not region_ids or r.id in region_ids]
    indicators = [i.id for i in program_indicators(program) if not indicator_ids or i.id in indicator_ids]
    pairs = viewable_pairs(request.user, program, regions, indicators)
    if region_ids and indicators and not {r for r, _ in pairs} >= set(region_ids):
        raise PermissionDeniedError("您无权查看该区域。")
    points = approved_points(program, regions, indicators, years)
    return [p for p in points if (p.region_id, p.indicator_id) in pairs]
