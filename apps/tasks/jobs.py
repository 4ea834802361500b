"""This app's jobs: the daily supervision run, started by Celery beat (``config/celery.py``) or by hand."""

from __future__ import annotations

import datetime as dt

from apps.jobs.registry import JobContext, job
from apps.programs.models import Program

from .supervision import supervision_run


@job("tasks.supervision")
def supervision(context: JobContext, *, date: str | None = None, program_id: int | None = None,
                ) -> dict[str, object]:
    """Run the daily supervision for every program (or one): notices issued, escalated and resolved."""
    today = dt.date.fromisoformat(date) if date else None
    programs = Program.objects.order_by("pk")
    if program_id is not None:
        programs = programs.filter(pk=program_id)
    found = list(programs)
    runs = []
    for done, program in enumerate(found, start=1):
        result = supervision_run(program=program, today=today)
        runs.append({"program": program.pk, "issued": result.issued, "escalated": result.escalated,
                     "resolved": result.resolved})
        context.report_progress(100 * done // len(found), str(program)[:120])
    return {"programs": runs}
