"""Monitoring's job and staged-import kinds, registered when the app is ready."""

from __future__ import annotations

from apps.jobs.registry import JobContext, job
from apps.programs.access import require_manage
from apps.staging.registry import StagedKind, register_kind

from . import services
from .models import ImportBatch, ImportKind


@job("monitoring.check")
def check(context: JobContext, *, batch_id: int) -> dict[str, object]:
    """Check and compute one batch (``services.import_batch_check``), reporting progress to the job too."""
    batch = ImportBatch.objects.select_related("program__region", "program__framework").get(pk=batch_id)
    services.import_batch_check(batch=batch, progress=context.report_progress)
    return {"status": batch.status}


def authorize(actor: object, program: object, _options: dict[str, object]) -> None:
    require_manage(actor, program, services.NOT_A_MANAGER)  # type: ignore[arg-type]


for _kind in ImportKind.values:
    register_kind(StagedKind(_kind, authorize=authorize, check=services.check_batch, commit=services.commit_batch,
                             formats=frozenset({"csv", "xlsx", "parquet"})))
