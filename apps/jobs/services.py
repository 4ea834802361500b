"""Writes for jobs: submit and retry. ``submit`` is the one interface the apps use.

The backend (``settings.ECOCIV_JOB_BACKEND``) decides where :func:`apps.jobs.runner.job_run` is called.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError

from .backends import get_backend
from .models import Job, JobStatus, stale_after
from .registry import job_function
from .runner import report_progress

__all__ = ["job_retry", "jobs_reap", "report_progress", "submit"]

logger = logging.getLogger(__name__)


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


def max_attempts() -> int:
    return max(1, int(getattr(settings, "ECOCIV_JOB_MAX_ATTEMPTS", 3)))


def jobs_reap(*, backend: str | None = None) -> dict[str, int]:
    """End every job whose runner is gone, so none stays "running" for ever (the workers run this at start and
    Celery beat every minute; any process may).

    A running job whose heartbeat has stopped for the stale time lost its process (a killed or restarted
    worker): it is queued again while it has attempts left (``ECOCIV_JOB_MAX_ATTEMPTS``), else failed with the
    reason. A queued job that no runner took within the stale time (its message lost with the broker) is handed
    to the backend again; a duplicate delivery runs once, as ``job_run`` takes only a queued job.
    """
    now = timezone.now()
    cutoff = now - stale_after()
    requeued: list[int] = []
    failed = 0
    with transaction.atomic():
        for job in Job.objects.select_for_update(skip_locked=True).filter(
                status=JobStatus.RUNNING, updated_at__lt=cutoff).only("id", "attempts", "updated_at"):
            if job.attempts < max_attempts():
                requeued.append(job.id)
                continue
            reason = (f"运行该任务的进程已停止（最后心跳 {timezone.localtime(job.updated_at):%Y-%m-%d %H:%M:%S}），"
                      f"已运行 {job.attempts} 次，不再自动重试。")
            Job.objects.filter(pk=job.id).update(status=JobStatus.FAILED, finished_at=now, updated_at=now,
                                                 error=reason)
            failed += 1
        Job.objects.filter(pk__in=requeued).update(status=JobStatus.QUEUED, progress=0, stage="", updated_at=now,
                                                   error="")
        lost = list(Job.objects.filter(status=JobStatus.QUEUED, updated_at__lt=cutoff).values_list("id", flat=True))
        Job.objects.filter(pk__in=lost).update(updated_at=now)
    engine = get_backend(backend)
    for job_id in requeued + lost:
        engine.enqueue(job_id)
    if requeued or failed or lost:
        logger.warning("Reaped jobs: %s requeued, %s failed, %s queued again", len(requeued), failed, len(lost))
    return {"requeued": len(requeued), "failed": failed, "resent": len(lost)}
