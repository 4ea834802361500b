"""The staging jobs: the check and the commit of a staged import, run by the job runner."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from apps.jobs.registry import JobContext, job

from . import services
from .models import StagedImport


@job("staging.check")
def check(context: JobContext, *, staged_id: int) -> dict[str, object]:
    staged = StagedImport.objects.select_related("program").get(pk=staged_id)
    services.staged_import_check(staged=staged, progress=context.report_progress)
    return {"status": staged.status}


@job("staging.commit")
def commit(context: JobContext, *, staged_id: int, actor_id: int) -> dict[str, object]:
    actor = get_user_model().objects.get(pk=actor_id)
    context.report_progress(10, "写入中")
    staged = services.staged_import_run_commit(staged_id=staged_id, actor=actor)
    return {"status": staged.status, **(staged.result or {})}
