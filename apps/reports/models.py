"""A generated report (年度工作报告, 进展报告) kept as a file with the inputs it was built from.

``data_version`` fingerprints the data the report read (approved values and targets, tasks, milestones,
projects, notices) and the renderer's format: the same request is answered from the stored file while it is
unchanged (:func:`apps.reports.services.report_request`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class ReportKind(models.TextChoices):
    ANNUAL = "annual", gettext_lazy("年度工作报告")
    PROGRESS = "progress", gettext_lazy("进展报告")


class ReportFile(models.Model):
    kind = models.CharField("报告类型", max_length=16, choices=ReportKind.choices)
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="report_files")
    year = models.PositiveIntegerField("年度")
    region = models.ForeignKey("geo.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="县区")
    department = models.ForeignKey("geo.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="牵头单位")
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
        verbose_name_plural = "报告文件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "kind", "year", "region", "department", "data_version"])]

    def __str__(self) -> str:
        return self.title or f"{self.year} {self.get_kind_display()}"

    @property
    def ready(self) -> bool:
        return bool(self.file)
