"""A generated report (年度工作报告, 进展报告) kept as a file with the inputs it was built from.

``data_version`` fingerprints the data the report read (approved values and targets, tasks, milestones,
projects, notices) and the renderer's format: the same request is answered from the stored file while it is
unchanged (:func:`apps.reports.services.report_request`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.core.fields import who_and_when
from apps.programs.access import can_manage_program


class ReportKind(models.TextChoices):
    ANNUAL = "annual", gettext_lazy("年度工作报告")
    PROGRESS = "progress", gettext_lazy("进展报告")
    SELF_ASSESSMENT = "self_assessment", gettext_lazy("技术自查评估报告")
    DOSSIER = "dossier", gettext_lazy("申报材料档案")
    UPDATE = "update", gettext_lazy("年度更新包")


#: The kinds stored as a zip (the others are Word files).
ZIP_KINDS = frozenset({ReportKind.DOSSIER, ReportKind.UPDATE})


class ReportFile(models.Model):
    kind = models.CharField("报告类型", max_length=16, choices=ReportKind.choices)
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="report_files")
    year = models.PositiveIntegerField("年度")
    region = models.ForeignKey("geo.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="县区")
    department = models.ForeignKey("geo.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="牵头单位")
    #: The dossier's and the update package's indicator set: "" all, "binding", "domain:<领域>" (the region
    #: filter is ``region``).
    indicator_set = models.CharField("指标范围", max_length=40, blank=True, default="")
    title = models.CharField("标题", max_length=200, blank=True)
    data_version = models.CharField("数据版本", max_length=64, blank=True)
    file = models.FileField("文件", upload_to="reports/%Y/", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告文件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "kind", "year", "region", "department", "data_version"])]

    def __str__(self) -> str:
        return self.title or f"{self.year} {self.get_kind_display()}"

    @property
    def ready(self) -> bool:
        return bool(self.file)

    @property
    def is_zip(self) -> bool:
        return self.kind in ZIP_KINDS

    @property
    def filename(self) -> str:
        return f"{self.title}.{'zip' if self.is_zip else 'docx'}"


class VetoEntry(models.Model):
    """The office's self-check of one veto condition (否决事项) for one year: 无 or 有, a note and the evidence.

    Append-only: each save is a new row; the latest row of (program, condition, year) is the answer
    (:func:`apps.reports.selectors.veto_checklist`). Files are ``apps.evidence`` rows on the entry.
    """

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="veto_entries",
                                verbose_name="创建工作")
    condition = models.CharField("否决事项", max_length=40)
    year = models.PositiveIntegerField("年度")
    occurred = models.BooleanField("存在该情形", default=False)
    note = models.TextField("说明", blank=True, max_length=2000)
    documents = models.TextField("佐证材料（文件名称、文号）", blank=True, max_length=2000)
    recorded_by, recorded_at = who_and_when("填写人", "填写时间")
    evidence = GenericRelation("evidence.Evidence", related_query_name="veto_entry")

    class Meta:
        verbose_name = "否决事项自查"
        ordering = ["program", "condition", "year", "id"]
        indexes = [models.Index(fields=["program", "condition", "year"])]

    def __str__(self) -> str:
        return f"{self.condition} {self.year}"

    def evidence_can_view(self, user) -> bool:  # type: ignore[no-untyped-def]
        """Who may read the self-assessment report may read its evidence (as :mod:`.access` says)."""
        return can_manage_program(user, self.program) or reads_region(user, self.program, self.program.region)


#: Roles that read reports of the regions within their own (the office also drafts them).
READERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)


def reads_region(user, program, region) -> bool:  # type: ignore[no-untyped-def]
    """A reader (office, leader, inspector) of the program whose region covers ``region`` (no query)."""
    return any(d.home is not None and region.path.startswith(d.home.path)
               for d in user.duties_as(*READERS, program_id=program.id))
