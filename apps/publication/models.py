"""Publications: immutable snapshots of what the office makes public, and the portal's settings per program.

A publication starts as a draft (title, year, for a news item its text, for a plan document its file and 文号).
Publishing builds its ``payload`` from the selectors of the apps below (approved data only) and stores it with
the inputs' version; from then on nothing writes the payload again, so data that changes later never reaches a
published snapshot. The public portal reads only published payloads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.programs.models import Program

from .workflow import PublicationStatus


class PublicationKind(models.TextChoices):
    INDICATORS = "indicators", _("指标数值")
    ATTAINMENT = "attainment", _("达标情况")
    PROJECTS = "projects", _("重点项目进展")
    PLAN = "plan", _("规划文件")
    NEWS = "news", _("工作动态")
    SURVEY = "survey", _("调查结果")


#: Kinds that describe one year (the others carry no year, or the year of the document).
YEAR_KINDS = {PublicationKind.INDICATORS, PublicationKind.ATTAINMENT, PublicationKind.PROJECTS, PublicationKind.SURVEY}


class PortalStatus(models.TextChoices):
    CREATING = "creating", _("创建中")
    PROVINCIAL = "provincial", _("省级已命名")
    NATIONAL = "national", _("国家已命名")
    REVIEW = "review", _("复核中")


class Publication(models.Model):
    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="publications")
    kind = models.CharField("类型", max_length=16, choices=PublicationKind.choices)
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    file = models.FileField("文件", upload_to="publications/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    file_sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    status = models.CharField("状态", max_length=16, choices=PublicationStatus.choices,
                              default=PublicationStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    payload = models.JSONField("发布快照", null=True, blank=True)
    input_version = models.CharField("数据版本", max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "发布"
        verbose_name_plural = "发布"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "status", "kind"])]

    def __str__(self) -> str:
        return self.title


class PortalSetting(models.Model):
    """What the portal's banner says about the program (创建中 / 省级已命名 / …) and its short introduction."""

    program = models.OneToOneField(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                   related_name="portal_setting")
    status = models.CharField("创建状态", max_length=16, choices=PortalStatus.choices,
                              default=PortalStatus.CREATING)
    intro = models.TextField("门户简介", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "门户设置"
        verbose_name_plural = "门户设置"

    def __str__(self) -> str:
        return f"{self.program} · {self.get_status_display()}"
