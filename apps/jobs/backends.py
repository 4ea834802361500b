"""Where a submitted job runs, chosen by ``settings.ECOCIV_JOB_BACKEND``.

- ``inline``: at once, in the caller (tests; management commands that want the result).
- ``thread``: in a background thread of this process, started when the submitting transaction commits (the
  embedded default: nothing else to run).
- ``celery``: on a Celery worker (``apps/jobs/tasks.py``), sent when the submitting transaction commits; the
  default when ``ECOCIV_BROKER_URL`` is set. See ``docs/jobs-and-imports.md``.
- a dotted path to a class with ``enqueue(job_id: int) -> None``: anything else.
"""

from __future__ import annotations

import threading
from typing import Protocol

from django.conf import settings
from django.db import connections, transaction
from django.utils.module_loading import import_string

from .runner import job_run


class Backend(Protocol):
    def enqueue(self, job_id: int) -> None: ...


class InlineBackend:
    """Runs the job now, in the caller's thread (and transaction)."""

    def enqueue(self, job_id: int) -> None:
        job_run(job_id=job_id)


def _run_in_thread(job_id: int) -> None:
    try:
        job_run(job_id=job_id)
    finally:
        connections.close_all()  # this thread's own connections; the thread ends here


class ThreadBackend:
    """Runs the job in a daemon thread once the submitting transaction has committed (so the row is visible)."""

    def enqueue(self, job_id: int) -> None:
        def start() -> None:
            threading.Thread(target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True).start()

        transaction.on_commit(start)


class CeleryBackend:
    """Sends the job's id to a Celery worker once the submitting transaction has committed (the worker must see
    the row). The worker runs the same :func:`job_run` (``apps.jobs.tasks.run_job``)."""

    #: The name of ``apps.jobs.tasks.run_job`` (sent by name: this module is below the tasks that import it).
    TASK = "ecociv.jobs.run"

    def enqueue(self, job_id: int) -> None:
        from celery import current_app  # noqa: PLC0415 - the app of config/celery.py, loaded with the settings

        transaction.on_commit(lambda: current_app.send_task(self.TASK, args=(job_id,)))


BACKENDS: dict[str, type] = {"inline": InlineBackend, "thread": ThreadBackend, "celery": CeleryBackend}


def get_backend(name: str | None = None) -> Backend:
    name = name or getattr(settings, "ECOCIV_JOB_BACKEND", "thread")
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
