from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from apps.core.fields import who_and_when
from apps.geo.models import Department, Region, RegionLevel
from apps.indicators.models import Framework, Indicator


class TitleSought(models.TextChoices):
    NATIONAL = "national", "国家生态文明建设示范区"
    PROVINCIAL = "provincial", "省级生态文明建设示范区"


#: How many years after its target year a program still runs: consolidation phases (巩固提升阶段) and the
#: rounds that report them, as real plans have them. Phases and round years are checked against it.
YEARS_AFTER_TARGET = 5


class Program(models.Model):
    """A campaign (创建工作): a region seeking a title on a framework version by a target year."""

    region = models.ForeignKey(Region, verbose_name="创建区域", on_delete=models.PROTECT, related_name="programs")
    framework = models.ForeignKey(Framework, verbose_name="指标体系", on_delete=models.PROTECT,
                                  related_name="programs")
    name = models.CharField("名称", max_length=120)
    title_sought = models.CharField("创建称号", max_length=16, choices=TitleSought.choices)
    base_year = models.PositiveIntegerField("基准年")
    target_year = models.PositiveIntegerField("目标年")
    plan_document = models.CharField("规划/方案名称", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "创建工作"
        ordering = ["region__path", "-target_year"]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="phases")
    name = models.CharField("阶段", max_length=40)
    start = models.DateField("开始")
    end = models.DateField("结束")
    description = models.TextField("主要工作", blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "阶段"
        ordering = ["program", "order", "start"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Dates in order, within the program's years, and around the phase's milestones."""
        if self.start is None or self.end is None:
            return
        if self.start > self.end:
            raise ValidationError({"end": "阶段的开始日期不能晚于结束日期。"})
        if self.program_id is not None:
            last_year = self.program.target_year + YEARS_AFTER_TARGET
            first, last = dt.date(self.program.base_year, 1, 1), dt.date(last_year, 12, 31)
            if self.start < first or self.end > last:
                raise ValidationError(
                    f"阶段须在创建工作的年限内（基准年{self.program.base_year}年至目标年后{YEARS_AFTER_TARGET}年，"
                    f"即{last_year}年）。")
        if self.pk is not None:
            outside = self.milestones.exclude(due__range=(self.start, self.end)).order_by("due").first()
            if outside is not None:
                raise ValidationError(f"节点“{outside.title}”不在阶段的起止日期内，请先修改或删除该节点。")


class Milestone(models.Model):
    phase = models.ForeignKey(Phase, verbose_name="阶段", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("时间")

    class Meta:
        verbose_name = "节点"
        ordering = ["due"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.due is not None and self.phase_id is not None and not self.phase.start <= self.due <= self.phase.end:
            raise ValidationError({"due": "节点时间须在所属阶段的起止日期内。"})


class RegionGoal(models.Model):
    """Which county seeks which title by when (e.g. 县A 2023年创建国家级)."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="region_goals")
    region = models.ForeignKey(Region, verbose_name="县区", on_delete=models.PROTECT, related_name="goals")
    title_sought = models.CharField("创建称号", max_length=16, choices=TitleSought.choices)
    target_year = models.PositiveIntegerField("目标年")

    class Meta:
        verbose_name = "县区创建目标"
        ordering = ["target_year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "region", "title_sought"], name="regiongoal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region}：{self.target_year}年创建{self.get_title_sought_display()}"


class _Revision(models.Model):
    """Append-only: a change is a new row with who/when/why; the current one is the latest."""

    reason = models.CharField("理由", max_length=300)
    created_by, created_at = who_and_when("修改人", "修改时间", db_index=True)

    class Meta:
        abstract = True
        get_latest_by = ["created_at", "id"]


class _LevelTarget(_Revision):
    """A target for a national indicator at one level (city or county) replacing the national one; an empty
    ``target`` (each model says whose) withdraws it."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)

    class Meta(_Revision.Meta):
        abstract = True

    def __str__(self) -> str:
        return f"{self.indicator}（{self.get_level_display()}）→ {self.target or '恢复国家目标'}"


class TargetEdit(_LevelTarget):
    """A program-wide local edit of a national target for one level (e.g. 政府绿色采购比例 ≥95)."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="target_edits")
    target = models.CharField("目标", max_length=255, blank=True, help_text="留空表示撤销地方调整，恢复国家目标。")

    class Meta(_LevelTarget.Meta):
        verbose_name = "地方目标调整"
        indexes = [models.Index(fields=["program", "indicator", "level"])]


class ProvinceTarget(_LevelTarget):
    """A province's target for a national indicator at one level (city or county): it applies to every program
    of the province's cities, between the national rule and a program's local edit (see
    ``apps.programs.selectors.target_chain``). An empty target withdraws it (the national one applies again)."""

    province = models.ForeignKey(Region, verbose_name="省", on_delete=models.PROTECT, related_name="+")
    target = models.CharField("目标", max_length=255, blank=True, help_text="留空表示撤销省级目标，恢复国家目标。")

    class Meta(_LevelTarget.Meta):
        verbose_name = "省级目标"
        indexes = [models.Index(fields=["province", "indicator", "level"])]

    def __str__(self) -> str:
        return f"{self.province} {super().__str__()}"


class _RegionTarget(_Revision):
    """A target of one indicator for one region of a program (each model has its own ``program``, for its related
    name)."""

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")

    class Meta(_Revision.Meta):
        abstract = True


class TargetOverride(_RegionTarget):
    """An office override of one region's resolved target, or marking an indicator not applicable."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="target_overrides")
    target = models.CharField("目标", max_length=255, blank=True)
    not_applicable = models.BooleanField("不适用", default=False)
    cleared = models.BooleanField("撤销调整", default=False)

    class Meta(_RegionTarget.Meta):
        verbose_name = "区域目标调整"
        indexes = [models.Index(fields=["program", "region", "indicator"])]

    def __str__(self) -> str:
        change = "不适用" if self.not_applicable else "撤销调整" if self.cleared else self.target
        return f"{self.region} {self.indicator} → {change}"


class AssignedTarget(_RegionTarget):
    """The year's number for a 完成上级规定的考核任务 target, as set from above and entered by the office."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="assigned_targets")
    year = models.PositiveIntegerField("年度")
    value = models.DecimalField("考核任务值", max_digits=14, decimal_places=4)
    document = models.CharField("下达文件", max_length=200, blank=True)

    class Meta(_RegionTarget.Meta):
        verbose_name = "上级下达考核任务"
        indexes = [models.Index(fields=["program", "region", "indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator} {self.year}年：{self.value}"


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    COOPERATE = "cooperate", "配合单位"


class Responsibility(models.Model):
    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="responsibilities")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT,
                                  related_name="responsibilities")
    department = models.ForeignKey(Department, verbose_name="责任单位", on_delete=models.PROTECT,
                                   related_name="responsibilities")
    role = models.CharField("责任", max_length=16, choices=ResponsibilityRole.choices)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "责任分工"
        ordering = ["indicator__order", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "indicator", "department"], name="responsibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_role_display()}：{self.department}"
