"""The job runner: submit → run with progress → succeeded/failed; the inline and thread backends; retry."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone, translation
from pytest_django.fixtures import Settings

from apps.core.errors import DomainError
from apps.jobs.backends import InlineBackend, get_backend
from apps.jobs.models import Job, JobStatus
from apps.jobs.registry import JobContext, job
from apps.jobs.selectors import interrupted_jobs
from apps.jobs.services import job_retry, submit

CALLS: list[tuple[str, dict]] = []


@job("tests.add")
def add(context: JobContext, *, a: int, b: int) -> dict[str, int]:
    context.report_progress(50, "adding")
    CALLS.append((threading.current_thread().name, {"a": a, "b": b}))
    return {"sum": a + b}


@job("tests.language")
def language(context: JobContext) -> dict[str, str]:  # noqa: ARG001
    return {"language": translation.get_language()}


@job("tests.boom")
def boom(context: JobContext) -> None:
    context.report_progress(30, "about to fail")
    raise ValueError("no good")


@pytest.fixture(autouse=True)
def inline(settings: Settings):
    settings.ECOCIV_JOB_BACKEND = "inline"
    CALLS.clear()


@pytest.mark.django_db
def test_inline_job_runs_at_once_and_keeps_its_result() -> None:
    done = submit("tests.add", actor=None, a=2, b=3)
    done.refresh_from_db()
    assert (done.status, done.progress, done.result, done.attempts) == (JobStatus.SUCCEEDED, 100, {"sum": 5}, 1)
    assert done.started_at and done.finished_at and done.finished
    assert CALLS == [(threading.current_thread().name, {"a": 2, "b": 3})]


@pytest.mark.django_db
def test_a_job_runs_in_the_site_language_whoever_asked() -> None:
    """A worker has no request; the inline backend runs in the asking request's thread, but its documents must not
    be written in the language of that page (an English reader's Chinese 通报)."""
    with translation.override("en"):
        done = submit("tests.language", actor=None)
        assert translation.get_language() == "en"
    done.refresh_from_db()
    assert done.result == {"language": "zh-hans"}


@pytest.mark.django_db
def test_failed_job_records_the_error_and_can_be_retried() -> None:
    failed = Job.objects.get(pk=submit("tests.boom").pk)
    assert failed.status == JobStatus.FAILED and "no good" in failed.error and failed.progress == 30
    again = job_retry(job=failed)
    assert again.status == JobStatus.FAILED and again.attempts == 2


@pytest.mark.django_db
def test_unknown_job_is_refused_when_submitted() -> None:
    with pytest.raises(LookupError):
        submit("tests.nothing")
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_job_whose_heartbeat_stopped_reads_as_interrupted_and_is_retried(settings: Settings) -> None:
    stuck = Job.objects.create(name="tests.add", args={"a": 1, "b": 1}, status=JobStatus.RUNNING, progress=40)
    assert not stuck.interrupted
    Job.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    stuck.refresh_from_db()
    assert stuck.interrupted and stuck.display_status == "interrupted" and list(interrupted_jobs()) == [stuck]
    settings.ECOCIV_JOB_STALE_MINUTES = 30
    assert not stuck.interrupted
    settings.ECOCIV_JOB_STALE_MINUTES = 10
    done = job_retry(job=stuck)
    assert (done.status, done.result) == (JobStatus.SUCCEEDED, {"sum": 2})


@pytest.mark.django_db
def test_a_finished_job_is_not_retried() -> None:
    done = submit("tests.add", a=1, b=2)
    with pytest.raises(DomainError):
        job_retry(job=done)


@pytest.mark.django_db(transaction=True)
def test_thread_backend_runs_in_the_background(settings: Settings) -> None:
    settings.ECOCIV_JOB_BACKEND = "thread"
    queued = submit("tests.add", a=4, b=5)
    deadline = time.monotonic() + 30
    while Job.objects.get(pk=queued.pk).running:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert Job.objects.get(pk=queued.pk).result == {"sum": 9}
    assert CALLS and CALLS[0][0] == f"job-{queued.pk}"


def test_backend_by_dotted_path() -> None:
    assert isinstance(get_backend("apps.jobs.backends.InlineBackend"), InlineBackend)
