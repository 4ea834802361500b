"""Writes for jobs: submit and retry. ``submit`` is the one interface the apps use.

The backend (``settings.ECOCIV_JOB_BACKEND``) decides where :func:`apps.jobs.runner.job_run` is called.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError

from .backends import get_backend
from .models import Job, JobStatus
from .registry import job_function
from .runner import report_progress

__all__ = ["job_retry", "report_progress", "submit"]


def submit(name: str, *, actor: Any = None, backend: str | None = None, **args: Any) -> Job:
    """Queue the job ``name`` with JSON ``args`` and hand it to the backend; returns the queued row."""
    job_function(name)  # an unknown name fails here, in the caller, not later in a worker
    created = Job.objects.create(name=name, args=args, created_by=actor)
    get_backend(backend).enqueue(created.id)
    return created


def job_retry(*, job: Job, backend: str | None = None) -> Job:
    """Queue an interrupted or failed job again with the same arguments (the same row, attempts counted)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not (job.interrupted or job.status == JobStatus.FAILED):
            raise DomainError(f"任务状态为“{job.display_status_label}”，无需重试。")
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, progress=0, stage="", error="", result=None,
                                             finished_at=None, updated_at=timezone.now())
    get_backend(backend).enqueue(job.pk)
    job.refresh_from_db()
    return job
