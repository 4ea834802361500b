"""Drafting a report: served from the stored file while its data is unchanged, else built as a job.

:func:`report_request` is what the page, the API and anyone else call: it answers the stored
:class:`~.models.ReportFile` of the same kind, program, year and scope whose ``data_version`` is the current
one, or the one being built, or queues a new build (job ``reports.generate``) and answers its row.
:func:`report_render` builds the bytes (the job and the ``report`` command call it).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop

from apps.jobs.models import JobStatus
from apps.jobs.registry import ReportProgress
from apps.jobs.services import submit

from .exports import report_docx, report_title
from .models import ReportFile
from .selectors import ReportTarget, report_data_version, report_facts


def _same(target: ReportTarget) -> dict[str, Any]:
    return {"program": target.program, "kind": target.kind, "year": target.year, "region": target.region,
            "department": target.department}


def target_of(report: ReportFile) -> ReportTarget:
    return ReportTarget(kind=report.kind, program=report.program, year=report.year, region=report.region,
                        department=report.department)


def _silent(progress: int, stage: str = "") -> None:  # noqa: ARG001 - a ReportProgress that shows nothing
    return None


def report_render(target: ReportTarget, progress: ReportProgress | None = None) -> bytes:
    """The report's .docx bytes, built from the current data."""
    step = progress or _silent
    step(5, gettext_noop("读取指标、任务、项目和督办数据"))  # stages are stored Chinese, translated when shown
    facts = report_facts(target)
    step(60, gettext_noop("生成 Word 文档"))
    data = report_docx(facts)
    step(95, gettext_noop("保存文件"))
    return data


@transaction.atomic
def report_request(*, target: ReportTarget, actor: Any, backend: str | None = None) -> tuple[ReportFile, bool]:
    """The stored report for ``target`` if its data is unchanged (``False``: nothing new was queued), else a new
    row whose build runs as a job (``True``) on ``backend`` (default: ``ECOCIV_JOB_BACKEND``)."""
    version = report_data_version(target)
    same = ReportFile.objects.filter(**_same(target), data_version=version).select_related("job")
    stored = same.exclude(file="").first()
    if stored is not None:
        return stored, False
    building = same.filter(file="", job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if building is not None and not building.job.interrupted:  # type: ignore[union-attr]
        return building, False
    report = ReportFile.objects.create(**_same(target), data_version=version, title=report_title(target),
                                       created_by=actor)
    job = submit("reports.generate", actor=actor, backend=backend, report_id=report.id)
    ReportFile.objects.filter(pk=report.pk).update(job=job)
    report.refresh_from_db()
    return report, True


def report_build(*, report_id: int, progress: ReportProgress) -> dict[str, Any]:
    """The job's work: build the report of the row, store the file with its SHA-256 and the data version read."""
    report = ReportFile.objects.select_related("program__region", "region", "department__region").get(pk=report_id)
    target = target_of(report)
    version = report_data_version(target)  # the data read now, which may be newer than at the request
    data = report_render(target, progress)
    report.data_version = version
    report.sha256 = hashlib.sha256(data).hexdigest()
    report.size = len(data)
    report.file.save(f"report-{report.id}-{report.kind}-{report.year}.docx", ContentFile(data), save=False)
    report.save(update_fields=["data_version", "sha256", "size", "file"])
    return {"report_id": report.id, "sha256": report.sha256, "size": report.size}
