"""Jobs through a real Celery worker on Redis: one job of each registered kind, and a worker killed mid-job.

Needs ``ECOCIV_TEST_BROKER_URL`` (CI: ``redis://127.0.0.1:6379/15``) and a reachable Redis; without them the
tests are skipped (``make test`` shows why). Each test starts its own worker subprocess on its own queue, with
the test database and media folder of this session in its environment (``tests/jobs/worker_settings.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connection
from pytest_django.fixtures import Settings

from apps.core.uploads import CheckedUpload
from apps.jobs.models import Job, JobStatus
from apps.jobs.registry import registered
from apps.jobs.services import submit
from apps.monitoring.models import ImportBatch
from apps.monitoring.samples import to_bytes
from apps.monitoring.services import import_batch_create
from apps.reports.models import ReportFile
from apps.reports.selectors import ReportTarget
from apps.reports.services import report_request
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.services import staged_import_check, staged_import_commit, staged_import_create
from apps.tasks.models import SupervisionNotice
from config.celery import app as celery_app

from . import celery_jobs  # noqa: F401 - registers the test job and import kind here as in the worker

BROKER = os.environ.get("ECOCIV_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 2
#: One queue for this test process (pytest-xdist runs several): its workers take only this process's jobs.
QUEUE = f"ecociv-test-{uuid.uuid4().hex[:12]}"
TIMEOUT = 90  # seconds for a worker to start and finish a job on a loaded machine

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _redis_answers(url: str) -> str | None:
    import redis  # noqa: PLC0415

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


class Worker:
    """A ``celery worker`` subprocess on ``queue`` (solo pool: the job runs in the worker process itself, so a
    SIGKILL to it kills the job mid-way)."""

    def __init__(self, queue: str, env: dict[str, str], log: Path) -> None:
        self.queue, self.env, self.log = queue, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **extra_env: str) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", self.queue,
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
                   "-n", f"{self.queue}@%h"]
        self.marker = f"--- worker started {uuid.uuid4().hex} ---"
        with self.log.open("a") as out:
            out.write(self.marker + "\n")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **extra_env}, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> Worker:
        """Until the worker takes tasks (its log says "ready")."""
        deadline = time.monotonic() + TIMEOUT
        while " ready." not in self.log.read_text(errors="replace").split(self.marker, 1)[-1]:
            assert self.process is not None and self.process.poll() is None, f"the worker died:\n{self.output()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{self.output()}"
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def worker(settings: Settings) -> Iterator[Callable[..., Worker]]:
    """Starts workers that share this test's database, media folder and a queue of their own."""
    if not BROKER:
        pytest.skip("ECOCIV_TEST_BROKER_URL is not set: the Celery worker tests need Redis (.ci/run sets it)")
    if (problem := _redis_answers(BROKER)) is not None:
        pytest.skip(f"Redis at ECOCIV_TEST_BROKER_URL does not answer: {problem}")
    queue = QUEUE
    database = {key: connection.settings_dict[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST",
                                                                "PORT", "OPTIONS")}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings", "PYTHONPATH": str(ROOT),
           "ECOCIV_BROKER_URL": BROKER, "ECOCIV_JOB_QUEUE": queue, "ECOCIV_JOB_STALE_SECONDS": str(STALE_SECONDS),
           "ECOCIV_WORKER_DATABASE": json.dumps({**database, "CONN_MAX_AGE": 0}),
           "ECOCIV_WORKER_MEDIA_ROOT": str(django_settings.MEDIA_ROOT)}
    # This process sends to the same broker and queue.
    settings.ECOCIV_JOB_BACKEND = "celery"
    settings.ECOCIV_JOB_STALE_SECONDS = STALE_SECONDS
    # (Set before this process first sends anything; left so for the session: the other tests run jobs inline.)
    celery_app.conf.update(broker_url=BROKER, task_default_queue=queue)
    started: list[Worker] = []
    log = Path(tempfile.mkdtemp(prefix="ecociv-worker-")) / "worker.log"

    def start(**extra_env: str) -> Worker:
        one = Worker(queue, env, log)
        one.start(**extra_env)
        started.append(one)
        return one

    yield start
    for one in started:
        one.stop()


def wait_for(job: Job, done: Callable[[Job], bool], worker: Worker, what: str) -> Job:
    deadline = time.monotonic() + TIMEOUT
    while True:
        job.refresh_from_db()
        if done(job):
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job} did not get {what}: {job.status} {job.progress} {job.stage!r} "
                        f"{job.error[:300]!r}\n--- worker log ---\n{worker.output()}")
        time.sleep(0.1)


def finished(job: Job) -> bool:
    return job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


def _checked(data: bytes, name: str) -> CheckedUpload:
    return CheckedUpload(name=name, kind=name.rsplit(".", 1)[-1], size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), data=data)


def _monitoring_check(world: SimpleNamespace) -> tuple[Job, Callable[[Job], None]]:
    from tests.monitoring.test_import import _hourly  # noqa: PLC0415

    batch = import_batch_create(program=world.program, actor=world.users.office, kind="air",
                                checked=_checked(to_bytes(_hourly(days=3), "csv"), "air.csv"))
    job = submit("monitoring.check", actor=world.users.office, batch_id=batch.pk)

    def check(done: Job) -> None:
        batch = ImportBatch.objects.get(pk=done.args["batch_id"])
        assert done.result == {"status": batch.status} and batch.progress == 100
        assert batch.status in (StagedStatus.PREVIEWED, StagedStatus.REJECTED)

    return job, check


def _staged(world: SimpleNamespace) -> StagedImport:
    return staged_import_create(kind="tests.numbers", actor=world.users.office, program=world.program,
                                checked=_checked(b"4\n5\n6\n", "numbers.csv"))


def _staging_check(world: SimpleNamespace) -> tuple[Job, Callable[[Job], None]]:
    staged = _staged(world)
    job = submit("staging.check", actor=world.users.office, staged_id=staged.pk)

    def check(done: Job) -> None:
        staged.refresh_from_db()
        assert (done.result, staged.status, staged.rows) == ({"status": "previewed"}, StagedStatus.PREVIEWED, 3)

    return job, check


def _staging_commit(world: SimpleNamespace) -> tuple[Job, Callable[[Job], None]]:
    staged = staged_import_check(staged=_staged(world))
    staged = staged_import_commit(staged=staged, actor=world.users.office)  # the page's confirm: a job
    assert staged.status == StagedStatus.COMMITTING
    job = Job.objects.get(pk=staged.job_id)

    def check(done: Job) -> None:
        staged.refresh_from_db()
        assert staged.status == StagedStatus.COMMITTED and done.result == {"status": "committed", "created": 3}

    return job, check


def _supervision(world: SimpleNamespace) -> tuple[Job, Callable[[Job], None]]:
    job = submit("tasks.supervision", actor=None, program_id=world.program.pk, date="2026-06-30")

    def check(done: Job) -> None:
        (run,) = done.result["programs"]
        assert run["program"] == world.program.pk
        assert run["issued"] == SupervisionNotice.objects.filter(program=world.program).count()

    return job, check


def _reports_generate(world: SimpleNamespace) -> tuple[Job, Callable[[Job], None]]:
    report, queued = report_request(target=ReportTarget(kind="annual", program=world.program, year=2025),
                                    actor=world.users.office)
    assert queued and report.job is not None

    def check(done: Job) -> None:
        stored = ReportFile.objects.get(pk=report.pk)
        assert done.result["report_id"] == stored.pk and stored.file and stored.sha256 == done.result["sha256"]

    return report.job, check


#: How to submit one job of each registered kind, and what it must have done. A new job kind fails
#: ``test_every_registered_job_runs_on_the_worker`` until it is added here.
KINDS = {"monitoring.check": _monitoring_check, "staging.check": _staging_check,
         "staging.commit": _staging_commit, "tasks.supervision": _supervision,
         "reports.generate": _reports_generate}


def test_every_registered_job_runs_on_the_worker(worker: Callable[..., Worker], world: SimpleNamespace) -> None:
    kinds = {name for name in registered() if not name.startswith("tests.")}
    assert kinds == set(KINDS), "every registered job kind runs through the worker here"
    running = worker().wait_ready()  # (a commit waiting longer than the stale time would read as interrupted)
    submitted = [KINDS[name](world) for name in sorted(KINDS)]
    for job, check in submitted:
        done = wait_for(job, finished, running, "finished")
        assert done.status == JobStatus.SUCCEEDED, done.error
        assert (done.progress, done.attempts) == (100, 1)
        check(done)


def _kill_mid_job(worker: Callable[..., Worker], **restart_env: str) -> Job:
    first = worker()
    job = submit("tests.celery.sleep", seconds=6, steps=12)
    wait_for(job, lambda j: j.status == JobStatus.RUNNING and j.progress >= 25, first, "half-way")
    first.kill()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1  # left running by the dead worker
    time.sleep(STALE_SECONDS + 0.5)  # its heartbeat goes stale
    second = worker(**restart_env)
    return wait_for(job, finished, second, "finished after the restart")


def test_a_job_whose_worker_was_killed_is_retried_and_done(worker: Callable[..., Worker]) -> None:
    job = _kill_mid_job(worker)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job.result == {"slept": 6}


def test_a_job_whose_worker_was_killed_fails_with_the_reason_when_out_of_attempts(
        worker: Callable[..., Worker]) -> None:
    job = _kill_mid_job(worker, ECOCIV_JOB_MAX_ATTEMPTS="1")
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert "运行该任务的进程已停止" in job.error and "不再自动重试" in job.error
