"""Reporting rounds (调度) and indicator values with append-only revisions (evidence is ``apps.evidence``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.fields import who_and_when
from apps.evidence.models import Evidence
from apps.geo.access import can_see_region
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.access import can_manage_program
from apps.programs.models import Program
from apps.review.models import Reviewable

from .access import reportable_pairs, viewable_pairs
from .round_workflow import RoundStatus


class PeriodType(models.TextChoices):
    YEAR = "year", _("年度")
    HALF = "half", _("半年")
    QUARTER = "quarter", _("季度")
    MONTH = "month", _("月度")


#: How many periods of each type a year has (the period number runs 1..n; a year has number 1).
PERIODS_PER_YEAR = {PeriodType.YEAR: 1, PeriodType.HALF: 2, PeriodType.QUARTER: 4, PeriodType.MONTH: 12}


def period_label(period_type: str, year: int, number: int) -> str:
    """2025年度, 2025年上半年, 2025年第3季度, 2025年6月 (in the active language)."""
    if period_type == PeriodType.YEAR:
        return gettext("%(year)s年度") % {"year": year}
    if period_type == PeriodType.HALF:
        if number == 1:
            return gettext("%(year)s年上半年") % {"year": year}
        return gettext("%(year)s年下半年") % {"year": year}
    if period_type == PeriodType.QUARTER:
        return gettext("%(year)s年第%(number)s季度") % {"year": year, "number": number}
    return gettext("%(year)s年%(number)s月") % {"year": year, "number": number}


class QualitativeStatus(models.TextChoices):
    ACHIEVED = "achieved", _("已建立")
    IN_PROGRESS = "in_progress", _("实施中")
    NOT_STARTED = "not_started", _("未开展")


class ReportingRound(models.Model):
    """One dispatch (调度): which period is reported, by when, on which indicators and regions."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="reporting_rounds")
    name = models.CharField("名称", max_length=80)
    period_type = models.CharField("周期", max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR)
    year = models.PositiveIntegerField("年份")
    period_number = models.PositiveSmallIntegerField("期次", default=1)
    due = models.DateField("截止日期")
    indicators = models.ManyToManyField(Indicator, verbose_name="调度指标", related_name="+")
    regions = models.ManyToManyField(Region, verbose_name="调度区域", related_name="+")
    note = models.TextField("说明", blank=True)
    created_by, created_at = who_and_when("发起人", "创建时间")
    #: Written only by :func:`apps.reporting.services.reporting_round_transition` (closed: no more reporting).
    status = models.CharField("填报状态", max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "调度轮次"
        ordering = ["-year", "-period_number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "period_type", "year", "period_number"],
                                    name="reportinground_unique_period"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        return period_label(self.period_type, self.year, self.period_number)

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.due

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    def due_end(self) -> dt.datetime:
        """The last instant of the due date in the site's time zone: a submission after it is late."""
        return dt.datetime.combine(self.due, dt.time.max, tzinfo=timezone.get_current_timezone())


class IndicatorValue(Reviewable):
    """The reported value of one indicator for one region and period; its content lives in revisions."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="indicator_values")
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    period_type = models.CharField("周期", max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR)
    year = models.PositiveIntegerField("年份")
    period_number = models.PositiveSmallIntegerField("期次", default=1)
    round = models.ForeignKey(ReportingRound, verbose_name="调度轮次", null=True, blank=True,
                              on_delete=models.SET_NULL,
                              related_name="values")
    current_revision = models.ForeignKey("ValueRevision", verbose_name="当前版本", null=True, blank=True,
                                         on_delete=models.SET_NULL,
                                         related_name="+")
    approved_revision = models.ForeignKey("ValueRevision", verbose_name="审核通过版本", null=True, blank=True,
                                          on_delete=models.SET_NULL,
                                          related_name="+", help_text="最近一次审核通过的修订；重新打开后仍保留。")
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    #: Set once, by the first submission, when it came after the round's due date (逾期提交).
    submitted_late = models.BooleanField("逾期提交", default=False, db_default=False)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    evidence = GenericRelation(Evidence, related_query_name="indicator_value")

    class Meta:
        verbose_name = "指标值"
        ordering = ["program", "region__path", "indicator__order", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "region", "indicator", "period_type", "year", "period_number"],
                name="indicatorvalue_unique_period",
            )
        ]
        indexes = [
            models.Index(fields=["program", "period_type", "year", "period_number"]),
            # covers the assessment's data version (apps.assessment.selectors.data_version): its aggregate over a
            # program's approved annual values reads the index alone, not 30,000 rows, on every dashboard request
            models.Index(fields=["program", "period_type", "approved_revision", "approved_at"],
                         name="indicatorvalue_approved_idx"),
            # a year's approved values (apps.reports.dossier.DossierFilter.values): the dossier's queries select
            # their revisions, review events and evidence by these ids; without it SQLite walks all the program's
            # values (65,000 in the benchmark) for each of those queries
            models.Index(fields=["program", "year", "status", "approved_revision"],
                         name="indicatorvalue_year_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator} {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.period_type, self.year, self.period_number)

    def review_can_report(self, user: User) -> bool:
        """Office admins; the lead unit's reporters for the program region; the county office for its county."""
        key = (self.region_id, self.indicator_id)
        return key in reportable_pairs(user, self.program, {key})

    def review_can_review(self, user: User) -> bool:
        return user.is_active and can_manage_program(user, self.program)

    def can_view(self, user: User) -> bool:
        """Reporters and reviewers; leaders and inspectors of the region; units that cooperate on it."""
        return (self.region_id, self.indicator_id) in viewable_pairs(user, self.program, [self.region],
                                                                     [self.indicator_id])

    def evidence_can_view(self, user: User) -> bool:
        """Whoever may see the value within a program they may see (as its page does)."""
        return can_see_region(user, self.program.region, self.program_id) and self.can_view(user)


class ValueRevision(models.Model):
    """Append-only content of a value: every save is a new row with who, when and why."""

    value = models.ForeignKey(IndicatorValue, verbose_name="指标数值", on_delete=models.CASCADE,
                              related_name="revisions")
    number = models.DecimalField("数值", max_digits=18, decimal_places=4, null=True, blank=True)
    qualitative = models.CharField("定性状态", max_length=16, choices=QualitativeStatus.choices, blank=True)
    explanation = models.TextField("情况说明", blank=True)
    source = models.CharField("数据来源", max_length=200, blank=True)
    caliber = models.CharField("统计口径", max_length=300, blank=True)
    note = models.TextField("备注（含警告确认说明）", blank=True)
    warnings = models.JSONField("已确认的警告", default=list, blank=True)
    reason = models.CharField("修改理由", max_length=300, blank=True)
    version = models.PositiveIntegerField("保存后版本")
    author, at = who_and_when("填报人", "时间", db_index=True)
    #: The import that wrote this revision (its chunks are undone by this id if the import fails).
    staged_import = models.ForeignKey("staging.StagedImport", verbose_name="导入批次", null=True, blank=True,
                                      on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = "指标值修订"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.value} v{self.version}"

    @property
    def display(self) -> str:
        if self.qualitative:
            return self.get_qualitative_display()
        if self.number is None:
            return "—"
        return format(self.number.normalize(), "f")


def evidence_path(instance: models.Model, filename: str) -> str:  # noqa: ARG001
    """The old evidence table's upload path; only migration 0001 refers to it (evidence is ``apps.evidence``)."""
    return f"reporting/evidence/{instance.value.program_id}/{instance.value_id}/{uuid.uuid4().hex}.{instance.kind}"
