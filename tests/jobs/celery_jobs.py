"""The job (and, through tests/staging/test_flow.py, the import kind) that the worker tests run; imported by
the test and by the worker (``tests/jobs/worker_settings.py`` lists this module in ``CELERY_IMPORTS``), so both
know the names."""

from __future__ import annotations

import time

from apps.jobs.registry import JobContext, job
from tests.staging import test_flow  # noqa: F401 - registers the import kind "tests.numbers" (numbers, one a line)


@job("tests.celery.sleep")
def sleep(context: JobContext, *, seconds: float, steps: int = 1) -> dict[str, object]:
    """Sleep in ``steps`` steps, reporting progress after each: a long job to kill a worker in."""
    for step in range(1, steps + 1):
        time.sleep(seconds / steps)
        context.report_progress(100 * step // steps, f"第 {step} 步")
    return {"slept": seconds}
