"""What a committed plan document leaves besides the lists it fills: a record of the document and its project
summary (共计196个项目，总投资2221.71亿元, and the counts by category), shown on the plan import page."""

from __future__ import annotations

from django.db import models

from apps.core.fields import who_and_when

#: The staged-import kind of a plan document, and the formats it reads.
PLAN_KIND = "planimport.plan"
PLAN_FORMATS = frozenset({"docx", "pdf", "txt", "html"})


class PlanSummary(models.Model):
    """One committed plan document of a program: which file (its SHA-256), who, when, and its project summary.

    Append-only: a new import of a plan adds a row; the latest is the program's current summary."""

    program = models.ForeignKey("programs.Program", verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="plan_summaries")
    staged_import = models.ForeignKey("staging.StagedImport", verbose_name="导入", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    document = models.CharField("文件标题", max_length=200, blank=True)
    original_name = models.CharField("文件名", max_length=120)
    sha256 = models.CharField("文件校验值（SHA-256）", max_length=64)
    projects_count = models.PositiveIntegerField("项目数", null=True, blank=True)
    investment_yi_yuan = models.DecimalField("总投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    categories = models.JSONField("分类", default=list, blank=True)  # [[name, count|null, investment|null]]
    blanket_units = models.JSONField("适用于全部任务的单位", default=list, blank=True)
    tasks = models.PositiveIntegerField("写入任务数", default=0)
    created_by, created_at = who_and_when("导入人", "导入时间")

    class Meta:
        verbose_name = "规划文件导入记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.document or self.original_name
