"""Jobs and an import kind that the worker tests run; imported by the test and by the worker
(``tests/jobs/worker_settings.py`` lists this module in ``CELERY_IMPORTS``), so both know the names."""

from __future__ import annotations

import time

from apps.core.errors import ImportRejected, RowError
from apps.jobs.registry import JobContext, job
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, ReportProgress, StagedKind, register_kind
from apps.staging.services import staged_import_read


@job("tests.celery.sleep")
def sleep(context: JobContext, *, seconds: float, steps: int = 1) -> dict[str, object]:
    """Sleep in ``steps`` steps, reporting progress after each: a long job to kill a worker in."""
    for step in range(1, steps + 1):
        time.sleep(seconds / steps)
        context.report_progress(100 * step // steps, f"第 {step} 步")
    return {"slept": seconds}


def _check(staged: StagedImport, report: ReportProgress) -> Checked:
    lines = staged_import_read(staged).decode().split()
    report(50, "逐行检查")
    errors = [RowError(i, "值", "不是数字") for i, line in enumerate(lines, start=1) if not line.isdigit()]
    if errors:
        raise ImportRejected(errors)
    return Checked(plan={"values": lines}, rows=len(lines), summary=f"{len(lines)}行")


def _commit(staged: StagedImport, _actor: object) -> Committed:
    return Committed(result={"total": sum(int(v) for v in staged.plan["values"])})


register_kind(StagedKind("tests.celery.numbers", authorize=lambda *_: None, check=_check, commit=_commit,
                         formats=frozenset({"csv"})))
