"""Reads of jobs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import Job, JobStatus, stale_after


def job_get(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def interrupted_jobs() -> QuerySet[Job]:
    """Queued or running jobs whose heartbeat has stopped: candidates for a retry."""
    return Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
                              updated_at__lt=timezone.now() - stale_after())
