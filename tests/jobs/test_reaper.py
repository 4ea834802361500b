"""The reaper: a job whose runner is gone is queued again while it has attempts left, else failed with the
reason; a job that is alive is left alone. And the worker heartbeat that keeps a long step alive."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from apps.jobs.models import Job, JobStatus
from apps.jobs.registry import JobContext, job
from apps.jobs.runner import heartbeat
from apps.jobs.services import jobs_reap


@job("tests.reaper.echo")
def echo(_context: JobContext, *, word: str) -> dict[str, str]:
    return {"word": word}


@pytest.fixture(autouse=True)
def inline(settings: Settings) -> None:
    settings.ECOCIV_JOB_BACKEND = "inline"
    settings.ECOCIV_JOB_STALE_MINUTES = 10
    settings.ECOCIV_JOB_STALE_SECONDS = None
    settings.ECOCIV_JOB_MAX_ATTEMPTS = 3


def _job(status: str, *, attempts: int, minutes_ago: int) -> Job:
    beat = timezone.now() - dt.timedelta(minutes=minutes_ago)
    created = Job.objects.create(name="tests.reaper.echo", args={"word": "again"}, status=status, attempts=attempts,
                                 progress=40, stage="half-way")
    Job.objects.filter(pk=created.pk).update(updated_at=beat)
    return created


@pytest.mark.django_db
def test_a_lost_running_job_is_run_again_while_it_has_attempts_left() -> None:
    lost = _job(JobStatus.RUNNING, attempts=1, minutes_ago=11)
    alive = _job(JobStatus.RUNNING, attempts=1, minutes_ago=2)
    assert jobs_reap() == {"requeued": 1, "failed": 0, "resent": 0}
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert (lost.status, lost.attempts, lost.result) == (JobStatus.SUCCEEDED, 2, {"word": "again"})
    assert (alive.status, alive.attempts, alive.progress) == (JobStatus.RUNNING, 1, 40)


@pytest.mark.django_db
def test_a_lost_running_job_out_of_attempts_fails_with_the_reason(settings: Settings) -> None:
    settings.ECOCIV_JOB_MAX_ATTEMPTS = 2
    lost = _job(JobStatus.RUNNING, attempts=2, minutes_ago=30)
    assert jobs_reap()["failed"] == 1
    lost.refresh_from_db()
    assert lost.status == JobStatus.FAILED and lost.finished_at is not None and not lost.running
    assert "运行该任务的进程已停止" in lost.error and "已运行 2 次" in lost.error
    assert jobs_reap() == {"requeued": 0, "failed": 0, "resent": 0}  # ended once


@pytest.mark.django_db
def test_a_queued_job_nobody_took_is_sent_again(settings: Settings) -> None:
    settings.ECOCIV_JOB_STALE_SECONDS = 60  # the seconds setting wins over the minutes
    waiting = _job(JobStatus.QUEUED, attempts=0, minutes_ago=2)
    assert jobs_reap()["resent"] == 1
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.SUCCEEDED and waiting.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_a_long_step_runs(settings: Settings) -> None:
    settings.ECOCIV_JOB_STALE_SECONDS = 1
    running = _job(JobStatus.RUNNING, attempts=1, minutes_ago=5)
    with heartbeat(running.pk, every=0.1):
        time.sleep(0.6)
    running.refresh_from_db()
    assert not running.interrupted and timezone.now() - running.updated_at < dt.timedelta(seconds=1)
    assert jobs_reap()["requeued"] == 0
