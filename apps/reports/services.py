"""Drafting a report: served from the stored file while its data is unchanged, else built as a job.

:func:`report_request` is what the page, the API and anyone else call: it answers the stored
:class:`~.models.ReportFile` of the same kind, program, year and scope whose ``data_version`` is the current
one, or the one being built, or queues a new build (job ``reports.generate``) and answers its row.
:func:`report_render` builds the bytes (the job and the ``report`` command call it).
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop

from apps.assessment.selectors import program_assessment
from apps.core.errors import DomainError
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS, Evidence
from apps.evidence.services import evidence_attach
from apps.jobs.models import JobStatus
from apps.jobs.registry import ReportProgress
from apps.jobs.services import submit
from apps.reporting.models import IndicatorValue
from apps.tasks.selectors import task_rollups
from docgen.render import render_docx

from . import dossier
from .exports import report_docx, report_title
from .models import ZIP_KINDS, ReportFile, ReportKind, VetoEntry
from .selectors import ReportFacts, ReportTarget, attachment_targets, report_data_version, report_facts
from .self_assessment import VETO_YEARS, self_assessment_document, self_assessment_facts, veto_conditions


def _same(target: ReportTarget) -> dict[str, Any]:
    return {"program": target.program, "kind": target.kind, "year": target.year, "region": target.region,
            "department": target.department, "indicator_set": target.indicator_set}


def target_of(report: ReportFile) -> ReportTarget:
    return ReportTarget(kind=report.kind, program=report.program, year=report.year, region=report.region,
                        department=report.department, indicator_set=report.indicator_set)


def dossier_filter(target: ReportTarget) -> dossier.DossierFilter:
    return dossier.DossierFilter(target.program, target.year, target.region, target.indicator_set)


def _self_assessment_extra(target: ReportTarget) -> str:
    """What the self-assessment reads beyond the annual report: the veto answers and the values' evidence."""
    kind = ContentType.objects.get_for_model(IndicatorValue)
    veto = VetoEntry.objects.filter(program=target.program).order_by("id").values_list("id", "occurred")
    values = IndicatorValue.objects.filter(program=target.program, year=target.year).values("id")
    files = Evidence.objects.filter(content_type=kind, object_id__in=values).order_by("id").values_list(
        "id", "original_name")
    veto_files = Evidence.objects.filter(veto_entry__program=target.program).order_by("id").values_list("id")
    return hashlib.sha256(repr((list(veto), list(files), list(veto_files))).encode()).hexdigest()


def data_version_of(target: ReportTarget) -> str:
    """The fingerprint of what the file of ``target`` would hold (see :attr:`.models.ReportFile.data_version`)."""
    if target.kind in ZIP_KINDS:
        return dossier.dossier_data_version(dossier_filter(target), with_changes=target.kind == ReportKind.UPDATE)
    version = report_data_version(target)
    if target.kind == ReportKind.SELF_ASSESSMENT:
        version = hashlib.sha256(f"{version}|{_self_assessment_extra(target)}".encode()).hexdigest()
    return version


def title_of(target: ReportTarget) -> str:
    if target.kind not in ZIP_KINDS:
        return report_title(target)
    place = (target.region or target.program.region).name
    name = "申报材料档案" if target.kind == ReportKind.DOSSIER else "年度更新包"
    scope = "" if not target.indicator_set else f"（{dossier.indicator_set_label(target.indicator_set)}）"
    return f"{place}{target.year}年度{name}{scope}"


def package_write(target: ReportTarget, out: IO[bytes], progress: ReportProgress | None = None) -> int:
    """Write the dossier or the update package of ``target`` into ``out``; answers the evidence files written."""
    step = progress or _silent
    step(2, gettext_noop("读取经审核的指标值和佐证材料"))
    filters = dossier_filter(target)
    storage = Evidence.file.field.storage
    with dossier.EvidenceReaders(storage, out) as readers:  # reading the files while the rows are made
        rows = dossier.dossier_rows(filters, files_found=readers.start)
        title = title_of(target)
        subtitle = (f"{target.program.name} · {target.year}年度 · {(target.region or target.program.region).name} · "
                    f"{dossier.indicator_set_label(target.indicator_set)}；仅收录审核通过的指标值。")
        extra: list[tuple[str, bytes]] = []
        if target.kind == ReportKind.UPDATE:
            extra.append(("变更说明.xlsx", dossier.changes_xlsx(title, dossier.update_changes(filters, rows))))
        step(10, gettext_noop("写入佐证材料"))
        return dossier.write_dossier(out, title=title, subtitle=subtitle, rows=rows, storage=storage, extra=extra,
                                     progress=step, readers=readers)


def _silent(progress: int, stage: str = "") -> None:  # noqa: ARG001 - a ReportProgress that shows nothing
    return None


def report_render(target: ReportTarget, progress: ReportProgress | None = None, *, attachments: bool = True) -> bytes:
    """The report's .docx bytes, built from the current data (``attachments``: the annual report with each
    county's and lead unit's progress report attached; the benchmark measures it both ways)."""
    step = progress or _silent
    step(5, gettext_noop("读取指标、任务、项目和督办数据"))  # stages are stored Chinese, translated when shown
    if target.kind == ReportKind.SELF_ASSESSMENT:
        document = self_assessment_document(self_assessment_facts(target))
        step(60, gettext_noop("生成 Word 文档"))
        data = render_docx(document)
    else:
        facts = report_facts(target)
        attached: tuple[ReportFacts, ...] = ()
        if target.kind == ReportKind.ANNUAL and attachments:  # each county's and lead unit's progress report, as 附件
            step(30, gettext_noop("读取各县区和牵头单位的进展情况"))
            assessment = program_assessment(target.program, year=target.year, today=facts.today)
            rollups = task_rollups(target.program, today=facts.today)
            attached = tuple(report_facts(t, today=facts.today, assessment=assessment, rollups=rollups)
                             for t in attachment_targets(target))
        step(60, gettext_noop("生成 Word 文档"))
        data = report_docx(facts, attached)
    step(95, gettext_noop("保存文件"))
    return data


@transaction.atomic
def report_request(*, target: ReportTarget, actor: Any, backend: str | None = None) -> tuple[ReportFile, bool]:
    """The stored report for ``target`` if its data is unchanged (``False``: nothing new was queued), else a new
    row whose build runs as a job (``True``) on ``backend`` (default: ``ECOCIV_JOB_BACKEND``)."""
    version = data_version_of(target)
    same = ReportFile.objects.filter(**_same(target), data_version=version).select_related("job")
    stored = same.exclude(file="").first()
    if stored is not None:
        return stored, False
    building = same.filter(file="", job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if building is not None and not building.job.interrupted:  # type: ignore[union-attr]
        return building, False
    report = ReportFile.objects.create(**_same(target), data_version=version, title=title_of(target),
                                       created_by=actor)
    job = submit("reports.generate", actor=actor, backend=backend, report_id=report.id)
    ReportFile.objects.filter(pk=report.pk).update(job=job)
    report.refresh_from_db()
    return report, True


def report_build(*, report_id: int, progress: ReportProgress) -> dict[str, Any]:
    """The job's work: build the report of the row, store the file with its SHA-256 and the data version read."""
    report = ReportFile.objects.select_related("program__region", "region", "department__region").get(pk=report_id)
    target = target_of(report)
    version = data_version_of(target)  # the data read now, which may be newer than at the request
    report.data_version = version
    if report.is_zip:
        with tempfile.TemporaryFile() as out:
            package_write(target, out, progress)
            out.seek(0)
            digest = hashlib.sha256()
            while chunk := out.read(dossier.CHUNK):
                digest.update(chunk)
            report.sha256, report.size = digest.hexdigest(), out.tell()
            out.seek(0)
            report.file.save(f"report-{report.id}-{report.kind}-{report.year}.zip", File(out), save=False)
    else:
        data = report_render(target, progress)
        report.sha256 = hashlib.sha256(data).hexdigest()
        report.size = len(data)
        report.file.save(f"report-{report.id}-{report.kind}-{report.year}.docx", ContentFile(data), save=False)
    report.save(update_fields=["data_version", "sha256", "size", "file"])
    return {"report_id": report.id, "sha256": report.sha256, "size": report.size}


@transaction.atomic
def veto_entry_record(*, program: Any, condition: str, year: int, occurred: bool, actor: Any, note: str = "",
                      documents: str = "", upload: Any = None) -> VetoEntry:
    """The office's answer to one veto condition for one year: a new row (earlier answers are kept), with an
    optional evidence file checked like every upload. The caller checks that ``actor`` manages the program."""
    if condition not in {c.code for c in veto_conditions()}:
        raise DomainError("没有这个否决事项。")
    if not program.base_year - VETO_YEARS <= year <= program.target_year + 30:
        raise DomainError(f"没有{year}年度的否决事项自查。")
    entry = VetoEntry(program=program, condition=condition, year=year, occurred=occurred, note=note.strip(),
                      documents=documents.strip(), recorded_by=actor)
    entry.full_clean()
    entry.save()
    if upload is not None:
        evidence_attach(subject=entry, upload=check_upload(upload, allowed=EVIDENCE_KINDS), actor=actor)
    return entry
