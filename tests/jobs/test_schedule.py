"""Celery beat's schedule: the daily supervision run (as a job) and the reaper; the submit task beat sends."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pytest_django.fixtures import Settings

from apps.jobs.models import Job, JobStatus
from apps.jobs.tasks import submit_job
from apps.tasks.models import SupervisionNotice
from config.celery import app


def test_beat_runs_the_supervision_daily_and_the_reaper_every_minute() -> None:
    app.finalize(auto=True)
    schedule = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    daily = schedule["ecociv.jobs.submit"]
    assert daily["args"] == ("tasks.supervision",)
    assert (daily["schedule"].hour, daily["schedule"].minute) == ({7}, {0})
    assert schedule["ecociv.jobs.reap"]["schedule"] == 60.0


@pytest.mark.django_db
def test_the_scheduled_supervision_run_is_a_job_with_its_result(settings: Settings, world: SimpleNamespace,
                                                                ) -> None:
    settings.ECOCIV_JOB_BACKEND = "inline"
    job = Job.objects.get(pk=submit_job.run("tasks.supervision", date="2026-06-30"))
    assert job.status == JobStatus.SUCCEEDED, job.error
    runs = {run["program"]: run for run in job.result["programs"]}
    assert world.program.pk in runs
    assert sum(run["issued"] for run in runs.values()) == SupervisionNotice.objects.count()
