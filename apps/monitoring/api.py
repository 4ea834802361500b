"""REST endpoints for monitoring imports: upload/check, status (progress), commit, results and sites.

Same permissions as the pages (``views.access_monitoring``); a rejected file answers 400 with
``errors: [{row, column, message}]`` through the project's ImportRejected handler.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.errors import DomainError, ImportRejected, RowError
from apps.programs.selectors import program_regions

from . import schemas, selectors, services
from .models import BaseValue, BatchStatus, ImportBatch
from .uploads import check_monitoring_upload
from .views import access_monitoring

router = Router(tags=["监测数据核算"])


def _batch_out(batch: ImportBatch, *, detail: bool = False) -> dict:
    out = {
        "id": batch.id, "kind": batch.kind, "original_name": batch.original_name, "file_format": batch.file_format,
        "sha256": batch.sha256, "rows": batch.rows, "status": batch.display_status,
        "interrupted": batch.interrupted, "finished": batch.finished, "progress": batch.progress,
        "stage": batch.stage, "summary": batch.summary, "options": batch.options, "errors": batch.errors,
        "created_by": str(batch.created_by), "created_at": batch.created_at, "committed_at": batch.committed_at,
    }
    if detail:
        out["writes"] = (batch.plan or {}).get("writes", [])
        out["results"] = (batch.plan or {}).get("results", [])
    return out


@router.get("/programs/{program_id}/monitoring/stations", response=list[schemas.StationOut])
def stations(request: HttpRequest, program_id: int):  # noqa: ANN201
    program = access_monitoring(request.user, program_id)
    return [{"code": s.code, "name": s.name, "region_code": s.region.code, "region": s.region.name,
             "category": s.category} for s in selectors.program_stations(program)]


@router.get("/programs/{program_id}/monitoring/sections", response=list[schemas.SectionOut])
def sections(request: HttpRequest, program_id: int):  # noqa: ANN201
    program = access_monitoring(request.user, program_id)
    return [{"code": s.code, "name": s.name, "region_code": s.region.code, "region": s.region.name,
             "waterbody": s.waterbody, "river": s.river, "drinking_source": s.drinking_source}
            for s in selectors.program_sections(program)]


@router.get("/programs/{program_id}/monitoring/results", response=list[schemas.ResultOut])
def results(request: HttpRequest, program_id: int, year: int | None = None):  # noqa: ANN201
    program = access_monitoring(request.user, program_id)
    return [{"region_code": r.region.code, "region": r.region.name, "year": r.year, "measure": r.measure,
             "label": r.label, "unit": r.unit, "value": r.value, "text": r.text, "method": r.method,
             "provenance": r.provenance, "inputs": r.inputs, "batch_id": r.batch_id,
             "write_action": r.write_action, "write_reason": r.write_reason,
             "indicator_value_id": r.indicator_value_id,
             "indicator_value_status": r.indicator_value.status if r.indicator_value_id else ""}
            for r in selectors.current_results(program, year=year)]


@router.get("/programs/{program_id}/monitoring/batches", response=list[schemas.BatchOut])
def batches(request: HttpRequest, program_id: int):  # noqa: ANN201
    program = access_monitoring(request.user, program_id)
    return [_batch_out(b) for b in selectors.program_batches(program)[:100]]


@router.post("/programs/{program_id}/monitoring/batches", response={201: schemas.BatchDetailOut})
def upload(request: HttpRequest, program_id: int, kind: Form[str], file: File[UploadedFile],  # noqa: ANN201
           year: Form[str] = "", rule: Form[str] = "", time_label: Form[str] = ""):
    """Upload and check a file; the check runs in the background (poll the batch) or inline."""
    program = access_monitoring(request.user, program_id, manage=True)
    options = services.clean_options(year=year, rule=rule, time_label=time_label)
    checked = check_monitoring_upload(file)
    batch = services.import_batch_create(program=program, actor=request.user, kind=kind, checked=checked,
                                         options=options)
    services.import_batch_start(batch=batch)
    batch.refresh_from_db()
    if batch.status == BatchStatus.REJECTED:
        raise ImportRejected([RowError(e["row"], e["column"], e["message"]) for e in batch.errors])
    return Status(201, _batch_out(batch, detail=True))


@router.get("/programs/{program_id}/monitoring/batches/{batch_id}", response=schemas.BatchDetailOut)
def batch_status(request: HttpRequest, program_id: int, batch_id: int):  # noqa: ANN201
    program = access_monitoring(request.user, program_id)
    return _batch_out(selectors.access_batch(program, batch_id), detail=True)


@router.post("/programs/{program_id}/monitoring/batches/{batch_id}/commit", response=schemas.BatchDetailOut)
def commit(request: HttpRequest, program_id: int, batch_id: int):  # noqa: ANN201
    program = access_monitoring(request.user, program_id, manage=True)
    batch = selectors.access_batch(program, batch_id)
    return _batch_out(services.import_batch_commit(batch=batch, actor=request.user), detail=True)


@router.post("/programs/{program_id}/monitoring/batches/{batch_id}/recheck", response=schemas.BatchDetailOut)
def recheck(request: HttpRequest, program_id: int, batch_id: int):  # noqa: ANN201
    """Re-run the check of an interrupted or failed batch from its stored file (office admins)."""
    program = access_monitoring(request.user, program_id, manage=True)
    batch = selectors.access_batch(program, batch_id)
    services.import_batch_recheck(batch=batch, actor=request.user)
    return _batch_out(selectors.access_batch(program, batch_id), detail=True)


def _base_out(row: BaseValue) -> dict:
    return {"id": row.id, "region_code": row.region.code, "region": row.region.name, "year": row.year,
            "measure": row.measure, "label": row.label, "unit": row.unit, "value": row.value, "source": row.source,
            "reason": row.reason, "created_by": str(row.created_by), "created_at": row.created_at}


@router.get("/programs/{program_id}/monitoring/base-values", response=list[schemas.BaseValueOut])
def base_values(request: HttpRequest, program_id: int):  # noqa: ANN201
    """Every office-entered base-year value, newest first per region and measure (the first is current)."""
    program = access_monitoring(request.user, program_id)
    rows = BaseValue.objects.filter(program=program).select_related("region", "created_by")
    return [_base_out(row) for row in rows]


@router.post("/programs/{program_id}/monitoring/base-values", response={201: schemas.BaseValueOut})
def base_value_add(request: HttpRequest, program_id: int, payload: schemas.BaseValueIn):  # noqa: ANN201
    program = access_monitoring(request.user, program_id, manage=True)
    region = next((r for r in program_regions(program) if r.code == payload.region_code), None)
    if region is None:
        raise DomainError("区域不属于本创建工作。")
    row = services.base_value_add(program=program, actor=request.user, region=region, measure=payload.measure,
                                  year=payload.year or program.base_year, value=payload.value,
                                  source=payload.source, reason=payload.reason)
    return Status(201, _base_out(row))
