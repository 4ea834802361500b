"""The Celery tasks of the job runner (found by ``app.autodiscover_tasks()`` in ``config/celery.py``).

Celery carries only a job's id: the job's name, arguments, progress and result are in the ``Job`` row, so any
app process shows them and a task delivered twice runs once (``job_run`` takes only a queued job).

A job survives a worker restart: tasks are acknowledged late (after they ran) and given back to the broker when
their worker process is lost, and :func:`apps.jobs.services.jobs_reap` (at every worker's start and from beat
every minute) queues a job whose heartbeat stopped again while it has attempts left, else fails it with the
reason.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready

from .backends import CeleryBackend
from .models import Job, JobStatus, stale_after
from .runner import heartbeat, job_run
from .services import jobs_reap, submit


@shared_task(name=CeleryBackend.TASK, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             max_retries=3)
def run_job(self: Task, job_id: int) -> None:
    """Run the job ``job_id`` in this worker, its heartbeat beating while it runs."""
    job = Job.objects.filter(pk=job_id).only("id", "status", "updated_at").first()
    if job is None:
        return  # deleted before it ran
    if job.status == JobStatus.RUNNING:
        if job.interrupted:
            # Given back after its worker process was lost: end it (queued again or failed) as the reaper does.
            jobs_reap()
            return
        # Running elsewhere, or its process was lost a moment ago (its heartbeat not stale yet): look again once
        # it would be stale (a bounded number of times; beat's reaper covers the rest).
        raise self.retry(countdown=stale_after().total_seconds() + 1)
    with heartbeat(job_id):
        job_run(job_id=job_id)


@shared_task(name="ecociv.jobs.reap", ignore_result=True)
def reap_jobs() -> dict[str, int]:
    """End jobs whose runner is gone (beat runs this every minute; every worker at its start)."""
    return jobs_reap()


@shared_task(name="ecociv.jobs.submit", ignore_result=True)
def submit_job(name: str, **args: Any) -> int:
    """Submit the registered job ``name`` (beat's way to start scheduled work as a job, visible in the list)."""
    return submit(name, **args).id


@worker_ready.connect
def reap_on_worker_start(**_kwargs: Any) -> None:
    reap_jobs.delay()
