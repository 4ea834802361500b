"""REST endpoints for monitoring imports: upload/check, status (progress), commit, results and sites.

Same permissions as the pages (``views.access_monitoring``); a rejected file answers 400 with
``errors: [{row, column, message}]`` through the project's ImportRejected handler.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.errors import ImportRejected, RowError

from . import schemas, selectors, services
from .models import BatchStatus, ImportBatch
from .uploads import check_monitoring_upload
from .views import access_monitoring

router = Router(tags=["监测数据核算"])


def _batch_out(batch: ImportBatch, *, detail: bool = False) -> dict:
    out = {
        "id": batch.id, "kind": batch.kind, "original_name": batch.original_name, "file_format": batch.file_format,
        "sha256": batch.sha256, "rows": batch.rows, "status": batch.status, "progress": batch.progress,
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
             "provenance": r.provenance, "inputs": r.inputs, "batch_id": r.batch_id}
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
    access_monitoring(request.user, program_id)
    return _batch_out(selectors.access_batch(request.user, program_id, batch_id), detail=True)


@router.post("/programs/{program_id}/monitoring/batches/{batch_id}/commit", response=schemas.BatchDetailOut)
def commit(request: HttpRequest, program_id: int, batch_id: int):  # noqa: ANN201
    access_monitoring(request.user, program_id, manage=True)
    batch = selectors.access_batch(request.user, program_id, batch_id)
    return _batch_out(services.import_batch_commit(batch=batch, actor=request.user), detail=True)
