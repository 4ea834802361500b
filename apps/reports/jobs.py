"""The reports' job: ``reports.generate`` builds one requested report (see :func:`.services.report_build`)."""

from __future__ import annotations

from typing import Any

from apps.jobs.registry import JobContext, job

from .services import report_build


@job("reports.generate")
def generate(context: JobContext, *, report_id: int) -> dict[str, Any]:
    return report_build(report_id=report_id, progress=context.report_progress)
