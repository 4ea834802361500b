"""Monitoring sites, import batches and the indicator measures computed from monitoring data.

Raw hourly/monthly rows are not stored row by row: the checked uploaded file is kept (``ImportBatch.file``,
a staged import, with its SHA-256) and what the standards derive from it is stored per region × year × measure
(``ComputedResult``) with the inputs summary that explains it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from apps.core.fields import who_and_when
from apps.geo.models import Region
from apps.programs.models import Program
from apps.staging.models import StagedImport, StagedStatus

from .compute import Measure, measures


class Waterbody(models.TextChoices):
    RIVER = "river", gettext_lazy("河流")
    LAKE = "lake", gettext_lazy("湖库")


class _Site(models.Model):
    """A monitoring point of a region, known by its ``code`` and ``name`` (each kind names them its own way)."""

    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True
        ordering = ["region__path", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"  # type: ignore[attr-defined]


class Station(_Site):
    """An ambient air monitoring station (空气质量监测站点) in a region."""

    code = models.CharField("站点编码", max_length=32, unique=True)
    name = models.CharField("站点名称", max_length=80)
    category = models.CharField("站点类型", max_length=20, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta(_Site.Meta):
        verbose_name = "空气监测站点"


class Section(_Site):
    """A surface-water monitoring section (地表水监测断面) or drinking-water source point."""

    code = models.CharField("断面编码", max_length=32, unique=True)
    name = models.CharField("断面名称", max_length=80)
    waterbody = models.CharField("水体类型", max_length=8, choices=Waterbody.choices, default=Waterbody.RIVER)
    river = models.CharField("所属河流/流域", max_length=80)
    drinking_source = models.BooleanField("集中式饮用水水源地", default=False)
    volume = models.DecimalField("供水量（万立方米）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(_Site.Meta):
        verbose_name = "地表水监测断面"


class ImportKind(models.TextChoices):
    STATIONS = "stations", gettext_lazy("空气监测站点")
    SECTIONS = "sections", gettext_lazy("地表水监测断面")
    AIR = "air", gettext_lazy("空气质量小时数据")
    WATER = "water", gettext_lazy("地表水月度监测数据")
    LANDUSE = "landuse", gettext_lazy("土地利用/生态环境状况指数基础数据")


#: A monitoring batch's statuses are those of every staged import.
BatchStatus = StagedStatus


def batch_path(instance: object, filename: str) -> str:  # noqa: ARG001 - Django's upload_to signature
    """Where batches stored before the staging app kept their files (named in migration 0001)."""
    return f"monitoring/{instance.program_id}/{instance.sha256}.{instance.file_format}"  # type: ignore[attr-defined]


class ImportBatchManager(models.Manager["ImportBatch"]):
    def get_queryset(self) -> models.QuerySet[ImportBatch]:
        return super().get_queryset().filter(kind__in=ImportKind.values)


class ImportBatch(StagedImport):
    """One uploaded monitoring file: the staged imports whose kind is a monitoring data type.

    A proxy: the file, its SHA-256, the status, progress, plan and row errors are the staged import's
    (:class:`apps.staging.models.StagedImport`); monitoring adds only the vocabulary of its kinds.
    """

    objects = ImportBatchManager()

    class Meta:
        proxy = True
        verbose_name = "监测数据导入批次"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    def get_kind_display(self) -> str:
        return kind_label(self.kind)


def kind_label(kind: str) -> str:
    return str(ImportKind(kind).label) if kind in ImportKind.values else kind


class ComputedResult(models.Model):
    """A measure computed by a standard for one region and year, with the inputs that explain it.

    Append-only per batch: a later import adds a newer row; the latest row per (program, region, year,
    measure) is the current one.
    """

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="monitoring_results")
    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年份")
    measure = models.CharField("核算量", max_length=40)
    value = models.DecimalField("数值", max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.CharField("等级/说明", max_length=200, blank=True)
    method = models.CharField("方法", max_length=60)
    inputs = models.JSONField("输入概况", default=dict, blank=True)
    provenance = models.TextField("核算说明")
    # What the commit did with it in the reporting workflow (written / skipped + reason / not mapped).
    write_action = models.CharField("写入", max_length=8, blank=True)
    write_reason = models.CharField("跳过原因", max_length=200, blank=True)
    indicator_value = models.ForeignKey("reporting.IndicatorValue", verbose_name="指标数值", null=True,
                                        blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "监测核算结果"
        ordering = ["region__path", "year", "measure", "-id"]
        indexes = [models.Index(fields=["program", "region", "year", "measure"])]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.measure}"


def _measure(key: str) -> Measure | None:
    return measures().get(key)


ComputedResult.label = property(lambda self: _measure(self.measure).label if _measure(self.measure) else self.measure)
ComputedResult.unit = property(lambda self: _measure(self.measure).unit if _measure(self.measure) else "")


#: Measures whose base-year value is needed by a later year's computation (and may be entered by the office).
BASE_MEASURES = ("air.pm25_mean", "water.share_i_iii", "water.share_worse_v")


class BaseValue(models.Model):
    """An office-entered base-year value (e.g. from the year's environmental bulletin), append-only.

    A change is a new row with who, when and why; the latest row per (program, region, year, measure) is the
    current one. Used by the computation only when no imported base-year result exists (imports win).
    """

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="monitoring_base_values")
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年份")
    measure = models.CharField("核算量", max_length=40)
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)
    source = models.CharField("来源", max_length=200)
    reason = models.CharField("录入/修改原因", max_length=200, blank=True)
    created_by, created_at = who_and_when("录入人", "创建时间")

    class Meta:
        verbose_name = "基准年数值（生态办录入）"
        ordering = ["region__path", "measure", "year", "-id"]
        indexes = [models.Index(fields=["program", "measure", "year"])]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.measure} {self.value}"


BaseValue.label = ComputedResult.label
BaseValue.unit = ComputedResult.unit
