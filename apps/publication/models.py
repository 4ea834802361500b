"""Publications: immutable snapshots of what the office makes public, and the portal's settings per program.

A publication starts as a draft (title, year, for a news item its text, for a plan document its file and 文号).
Publishing builds its ``payload`` from the selectors of the apps below (approved data only) and stores it with
the inputs' version; from then on nothing writes the payload again, so data that changes later never reaches a
published snapshot. The public portal reads only published payloads.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import who_and_when, who_and_when_later
from apps.programs.models import Program

from .workflow import NOTICE_WORKFLOW, PUBLICATION_WORKFLOW, NoticeStatus, PublicationStatus


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
    status, version = PUBLICATION_WORKFLOW.status_fields(default=PublicationStatus.DRAFT)
    payload = models.JSONField("发布快照", null=True, blank=True)
    input_version = models.CharField("数据版本", max_length=80, blank=True)
    created_by, created_at = who_and_when("创建人", "创建时间")
    published_by, published_at = who_and_when_later("发布人", "发布时间")
    withdrawn_by, withdrawn_at = who_and_when_later("撤回人", "撤回时间")
    withdraw_reason = models.CharField("撤回理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "发布"
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
    slug = models.CharField("门户短名", max_length=40, null=True, blank=True, unique=True,
                            help_text="公开门户网址中代替编号的短名，如 qinchuan（小写字母开头，字母、数字和连字符）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "门户设置"

    def __str__(self) -> str:
        return f"{self.program} · {self.get_status_display()}"


class MapLayer(models.Model):
    """A county map (GeoJSON, cleaned by :func:`docimport.geojson.read_county_map`) uploaded by the office.

    Rows are never changed: the latest is the program's map; an attainment snapshot embeds the one it used."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="map_layers")
    name = models.CharField("名称", max_length=100)
    geojson = models.JSONField("边界（GeoJSON）")
    sha256 = models.CharField("SHA-256", max_length=64)
    codes = models.JSONField("区划代码", default=list)
    uploaded_by, uploaded_at = who_and_when("上传人", "上传时间")

    class Meta:
        verbose_name = "县区地图"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A 公示 notice: scope, legal basis, a list (a small table), the period, the feedback channels and the issuer.

    Published, it is open for public comments from ``start`` for ``days`` days; once the period has ended the
    office publishes the outcome (公示结果), frozen in ``outcome``. The content cannot change after publishing."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="public_notices")
    number = models.PositiveIntegerField("公示编号")
    title = models.CharField("标题", max_length=200)
    scope = models.TextField("公示内容", max_length=4000)
    legal_basis = models.TextField("依据", max_length=2000, blank=True)
    columns = models.JSONField("名单表头", default=list, blank=True)
    rows = models.JSONField("名单", default=list, blank=True)
    start = models.DateField("公示开始日期")
    days = models.PositiveSmallIntegerField("公示天数", default=7)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    issuer = models.CharField("发布单位", max_length=100)
    status, version = NOTICE_WORKFLOW.status_fields(default=NoticeStatus.DRAFT)
    outcome = models.JSONField("公示结果", null=True, blank=True)
    created_by, created_at = who_and_when("创建人", "创建时间")
    published_by, published_at = who_and_when_later("发布人", "发布时间")
    concluded_at = models.DateTimeField("结果公布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "公示"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="notice_number_per_program")]

    def __str__(self) -> str:
        return self.title

    @property
    def end(self) -> dt.date:
        """The last day of the period (the start day counts as the first)."""
        return self.start + dt.timedelta(days=self.days - 1)

    def is_open(self, today: dt.date) -> bool:
        return self.status == NoticeStatus.PUBLISHED and self.start <= today <= self.end


class NoticeComment(models.Model):
    """A comment from the public on a notice; stored for the office, never shown on the portal as such."""

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.CASCADE, related_name="comments")
    name = models.CharField("姓名", max_length=40, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    body = models.TextField("意见", max_length=2000)
    ip_hash = models.CharField("来源（散列）", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    reply = models.TextField("答复", max_length=2000, blank=True)
    replied_by, replied_at = who_and_when_later("答复人", "答复时间")

    class Meta:
        verbose_name = "公示意见"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:30]


class DisclosureItem(models.Model):
    """An item the office must disclose (信息公开清单): matched to publications of its kind and year."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="disclosure_items")
    name = models.CharField("公开事项", max_length=200)
    kind = models.CharField("对应发布类型", max_length=16)
    year = models.PositiveIntegerField("年度")
    due = models.DateField("应公开日期")
    created_by, created_at = who_and_when("创建人", "创建时间")

    class Meta:
        verbose_name = "信息公开事项"
        ordering = ["year", "due", "id"]

    def __str__(self) -> str:
        return self.name
