"""REST endpoints for monitoring imports: upload/check, status (progress), commit, results and sites.

Same permissions as the pages (``access.access_monitoring``); a rejected file answers 400 with
``errors: [{row, column, message}]`` through the project's ImportRejected handler.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.errors import DomainError, ImportRejected, RowError
from apps.programs.selectors import program_regions

from . import schemas, selectors, services
from .access import access_batch, access_monitoring
from .models import BaseValue, BatchStatus, ComputedResult, ImportBatch, Section, Station
from .uploads import check_monitoring_upload

router = Router(tags=["监测数据核算"])


@router.get("/programs/{program_id}/monitoring/stations", response=list[schemas.StationOut])
def stations(request: HttpRequest, program_id: int) -> QuerySet[Station]:
    program = access_monitoring(request.user, program_id)
    return selectors.program_stations(program)


@router.get("/programs/{program_id}/monitoring/sections", response=list[schemas.SectionOut])
def sections(request: HttpRequest, program_id: int) -> QuerySet[Section]:
    program = access_monitoring(request.user, program_id)
    return selectors.program_sections(program)


@router.get("/programs/{program_id}/monitoring/results", response=list[schemas.ResultOut])
def results(request: HttpRequest, program_id: int, year: int | None = None) -> list[ComputedResult]:
    program = access_monitoring(request.user, program_id)
    return selectors.current_results(program, year=year)


@router.get("/programs/{program_id}/monitoring/batches", response=list[schemas.BatchOut])
def batches(request: HttpRequest, program_id: int) -> list[ImportBatch]:
    program = access_monitoring(request.user, program_id)
    return list(selectors.program_batches(program)[:100])


@router.post("/programs/{program_id}/monitoring/batches", response={201: schemas.BatchDetailOut})
def upload(request: HttpRequest, program_id: int, kind: Form[str], file: File[UploadedFile],
           year: Form[str] = "", rule: Form[str] = "", time_label: Form[str] = "") -> Status:
    """Upload and check a file; the check runs in the background (poll the batch) or inline."""
    program = access_monitoring(request.user, program_id, manage=True)
    options = services.clean_options(year=year, rule=rule, time_label=time_label)
    checked = check_monitoring_upload(file)
    batch = services.import_batch_create(program=program, actor=request.user, kind=kind, checked=checked,
                                         options=options)
    services.import_batch_start(batch=batch)
    batch.refresh_from_db()
    if batch.status == BatchStatus.REJECTED:
        raise ImportRejected([RowError.from_dict(e) for e in batch.errors])
    return Status(201, batch)


@router.get("/programs/{program_id}/monitoring/batches/{batch_id}", response=schemas.BatchDetailOut)
def batch_status(request: HttpRequest, program_id: int, batch_id: int) -> ImportBatch:
    program = access_monitoring(request.user, program_id)
    return access_batch(program, batch_id)


@router.post("/programs/{program_id}/monitoring/batches/{batch_id}/commit", response=schemas.BatchDetailOut)
def commit(request: HttpRequest, program_id: int, batch_id: int) -> ImportBatch:
    program = access_monitoring(request.user, program_id, manage=True)
    batch = access_batch(program, batch_id)
    return services.import_batch_commit(batch=batch, actor=request.user)


@router.post("/programs/{program_id}/monitoring/batches/{batch_id}/recheck", response=schemas.BatchDetailOut)
def recheck(request: HttpRequest, program_id: int, batch_id: int) -> ImportBatch:
    """Re-run the check of an interrupted or failed batch from its stored file (office admins)."""
    program = access_monitoring(request.user, program_id, manage=True)
    batch = access_batch(program, batch_id)
    services.import_batch_recheck(batch=batch, actor=request.user)
    return access_batch(program, batch_id)


@router.get("/programs/{program_id}/monitoring/base-values", response=list[schemas.BaseValueOut])
def base_values(request: HttpRequest, program_id: int) -> QuerySet[BaseValue]:
    """Every office-entered base-year value, newest first per region and measure (the first is current)."""
    program = access_monitoring(request.user, program_id)
    return BaseValue.objects.filter(program=program).select_related("region", "created_by")


@router.post("/programs/{program_id}/monitoring/base-values", response={201: schemas.BaseValueOut})
def base_value_add(request: HttpRequest, program_id: int, payload: schemas.BaseValueIn) -> Status:
    program = access_monitoring(request.user, program_id, manage=True)
    region = next((r for r in program_regions(program) if r.code == payload.region_code), None)
    if region is None:
        raise DomainError("区域不属于本创建工作。")
    row = services.base_value_add(program=program, actor=request.user, region=region, measure=payload.measure,
                                  year=payload.year or program.base_year, value=payload.value,
                                  source=payload.source, reason=payload.reason)
    return Status(201, row)
