"""Scoring schemes, score runs (snapshots of inputs and results), the office's entries and the subjects' objections.

A :class:`Scheme` keeps its TOML text as the source of truth (``calc.scoring.schemefile``); saving parses it and
copies code, name, version, groups and period from it, refusing a text with problems. A :class:`ScoreRun` stores
the exact inputs it scored (the four frames as Parquet with their SHA-256) and its results; rerunning the stored
inputs gives the same numbers, whatever happened to the data since.

The office's entries are revisions, never overwritten: an :class:`OfficeFact` or a :class:`ManualScore` is one row
per key holding the latest content (what the fact loader reads in bulk), and every change appends an
:class:`OfficeFactRevision` or :class:`ManualScoreRevision` with who, when, why and the revision it follows
(``apps.scoring.services`` writes both, in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.models import User
from apps.core.fields import user_field, who_and_when, who_and_when_later
from apps.evidence.models import Evidence
from apps.programs.access import can_manage_program
from calc.scoring.scheme import Scheme as SchemeData
from calc.scoring.schemefile import SchemeError, loads

from .units import own_units
from .workflow import RUN_WORKFLOW, ObjectionStatus, RunStatus

#: The subject groups a scheme may score, named in the reader's language by :func:`group_label`.
GROUP_LABELS = {"county": gettext_lazy("县（市、区）政府"), "department": gettext_lazy("市级部门")}


def group_label(group: str) -> str:
    """A subject group's name (``county`` → 县（市、区）政府); an unknown group is shown as it is written."""
    return str(GROUP_LABELS.get(group, group))


PERIOD_LABELS = {"year": "年度", "half": "半年", "month": "月度"}


class Scheme(models.Model):
    """A version of a scoring scheme (评分细则) of a program; the office edits the TOML text."""

    program = models.ForeignKey("programs.Program", verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="scoring_schemes")
    code = models.CharField("编码", max_length=60, editable=False)
    name = models.CharField("名称", max_length=200, editable=False)
    version = models.PositiveIntegerField("版本", editable=False)
    groups = models.JSONField("考核对象", default=list, editable=False)
    period = models.CharField("考核周期", max_length=8, editable=False)
    text = models.TextField("评分细则（TOML）")
    sources = models.JSONField(
        "指标数据映射", default=dict, blank=True,
        help_text="事实键 → 指标编码，如 {\"air.good_days\": \"2019-07a\"}：该项取县区已审核通过的指标值。")
    created_by, created_at = who_and_when("录入人", "创建时间", optional=True)

    class Meta:
        verbose_name = "评分细则"
        ordering = ["program", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["program", "code", "version"], name="scoring_scheme_unique")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def save(self, *args: object, **kwargs: object) -> None:
        self.clean()  # the parsed check: a scheme whose text does not load is never stored
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @cached_property
    def data(self) -> SchemeData:
        """The parsed scheme (the text was checked on save)."""
        return loads(self.text)

    def clean(self) -> None:
        try:
            data = loads(self.text)
        except SchemeError as error:
            raise ValidationError({"text": [str(p) for p in error.problems] or [str(error)]}) from error
        self.__dict__["data"] = data
        self.code, self.name, self.version = data.code, data.name, data.version
        self.groups, self.period = list(data.groups), data.period
        if not isinstance(self.sources, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in self.sources.items()):
            raise ValidationError({"sources": "指标数据映射应为“事实键 → 指标编码”的对照表。"})

    @property
    def groups_label(self) -> str:
        return "、".join(group_label(g) for g in self.groups)

    def eco_shares(self) -> list[tuple[str, object]]:
        """(group label, share % of ecological items in the base points): evidence for 示范区 indicator 3."""
        return [(group_label(g), self.data.eco_share(g)) for g in self.data.groups]


class ScoreRun(models.Model):
    """One scoring of a scheme for one period: its input snapshot, versions, status and results."""

    program = models.ForeignKey("programs.Program", verbose_name="创建工作", on_delete=models.CASCADE,
                                related_name="score_runs")
    scheme = models.ForeignKey(Scheme, verbose_name="评分细则", on_delete=models.PROTECT, related_name="runs")
    scheme_code = models.CharField("细则编码", max_length=60)
    scheme_version = models.PositiveIntegerField("细则版本")
    period = models.CharField("考核期", max_length=8)
    code_version = models.CharField("程序版本", max_length=64)
    status, version = RUN_WORKFLOW.status_fields(default=RunStatus.DRAFT)
    inputs = models.BinaryField("输入快照", editable=False)
    inputs_sha256 = models.CharField("输入快照SHA-256", max_length=64)
    fact_count = models.PositiveIntegerField("事实条数", default=0)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name="被取代的结果")
    note = models.CharField("说明", max_length=300, blank=True)
    created_by, created_at = who_and_when("录入人", "创建时间", optional=True)

    class Meta:
        verbose_name = "考核结果"
        ordering = ["program", "-period", "scheme_code", "-id"]
        indexes = [models.Index(fields=["program", "scheme_code", "period"])]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.period}（{self.get_status_display()}）"

    @property
    def published(self) -> bool:
        return self.status == RunStatus.PUBLISHED


class SubjectScore(models.Model):
    """One subject's result in a run: total, grade and rank within its group."""

    run = models.ForeignKey(ScoreRun, verbose_name="考核结果", on_delete=models.CASCADE, related_name="subjects")
    department = models.ForeignKey("geo.Department", verbose_name="考核对象", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("考核对象", max_length=80)
    group = models.CharField("类别", max_length=16)
    total = models.DecimalField("总分", max_digits=12, decimal_places=4)
    base = models.DecimalField("基本分", max_digits=12, decimal_places=4)
    bonus = models.DecimalField("加分", max_digits=12, decimal_places=4)
    deduction = models.DecimalField("扣分", max_digits=12, decimal_places=4)
    band_grade = models.CharField("分数等次", max_length=16)
    grade = models.CharField("等次", max_length=16)
    vetoed = models.BooleanField("一票否决", default=False)
    capped = models.BooleanField("等次封顶", default=False)
    rank = models.PositiveIntegerField("排名")
    ranked = models.PositiveIntegerField("参与排名数")

    class Meta:
        verbose_name = "考核对象得分"
        ordering = ["run", "group", "rank", "name"]
        constraints = [models.UniqueConstraint(fields=["run", "department"], name="scoring_subject_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.total}"


class ItemScore(models.Model):
    """One line of a subject's score sheet: the item's points, its trace row and its sentence."""

    run = models.ForeignKey(ScoreRun, verbose_name="考核结果", on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(SubjectScore, verbose_name="考核对象得分", on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField("顺序")
    section = models.CharField("考核内容", max_length=200)
    item = models.CharField("编码", max_length=60)
    name = models.CharField("考核指标", max_length=200)
    kind = models.CharField("类型", max_length=16)
    status = models.CharField("计分状态", max_length=16)
    points = models.DecimalField("得分", max_digits=12, decimal_places=4)
    max = models.DecimalField("分值", max_digits=12, decimal_places=4)
    trace = models.JSONField("计分过程", default=dict)
    sentence = models.TextField("得分说明")

    class Meta:
        verbose_name = "评分项得分"
        ordering = ["subject", "order"]
        indexes = [models.Index(fields=["run", "item"])]

    def __str__(self) -> str:
        return f"{self.item} {self.points}"

    @property
    def lost(self) -> object:
        return self.max - self.points if self.kind == "base" else 0


@dataclass(frozen=True)
class RevisionChange:
    """One revision of an entry as the history shows it: when, who, old → new, why."""

    revision: Any  # an OfficeFactRevision or a ManualScoreRevision
    old: str  # "" for the first revision
    new: str


def revision_changes(revisions: list[Any]) -> list[RevisionChange]:
    """Each revision with the content of the revision it follows (by its ``previous`` pointer), in the given order."""
    by_id = {r.id: r for r in revisions}
    return [RevisionChange(r, by_id[r.previous_id].display if r.previous_id in by_id else "", r.display)
            for r in revisions]


class OfficeEntry(models.Model):
    """What the office enters about one subject (考核对象) and period of a program: who entered it, when, and who
    may see its basis (the evidence)."""

    program = models.ForeignKey("programs.Program", verbose_name="创建工作", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("geo.Department", verbose_name="考核对象", on_delete=models.PROTECT,
                                   related_name="+")
    period = models.CharField("考核期", max_length=8)
    created_by = user_field("录入人")
    created_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        abstract = True

    @property
    def history(self) -> list[RevisionChange]:
        """The revisions, newest first, each as old → new (reads the prefetched ``revisions`` when there)."""
        return revision_changes(list(self.revisions.all()))  # type: ignore[attr-defined]

    def evidence_can_view(self, user: User) -> bool:
        """The office, and the unit the entry is about (its basis)."""
        return can_manage_program(user, self.program) or self.department_id in own_units(user, self.program)


class OfficeFact(OfficeEntry):
    """A fact the system does not hold, entered by the office with a reason (荣誉、事件、核查结论 …)."""

    key = models.CharField("事实键", max_length=80)
    part = models.CharField("分项", max_length=80, blank=True, help_text="同一事实的分项，如监测断面；留空表示整体数值。")
    value = models.DecimalField("数值", max_digits=18, decimal_places=6, null=True, blank=True)
    text = models.CharField("等级/类别", max_length=40, blank=True)
    na = models.BooleanField("不涉及", default=False)
    reason = models.CharField("依据", max_length=300)
    evidence = GenericRelation(Evidence, related_query_name="scoring_fact")

    class Meta:
        verbose_name = "考核事实（人工录入）"
        ordering = ["program", "period", "department", "key"]
        constraints = [models.UniqueConstraint(fields=["program", "department", "period", "key", "part"],
                                               name="scoring_fact_unique")]

    def __str__(self) -> str:
        return f"{self.department} {self.period} {self.key}"


class ManualScore(OfficeEntry):
    """The points of a manual item (人工评分) for one subject, entered by the office with a reason."""

    scheme_code = models.CharField("细则编码", max_length=60)
    item = models.CharField("评分项编码", max_length=60)
    points = models.DecimalField("得分", max_digits=12, decimal_places=4)
    reason = models.CharField("理由", max_length=300)
    evidence = GenericRelation(Evidence, related_query_name="scoring_manual")

    class Meta:
        verbose_name = "人工评分"
        ordering = ["program", "period", "department", "item"]
        constraints = [models.UniqueConstraint(fields=["program", "scheme_code", "department", "period", "item"],
                                               name="scoring_manual_unique")]

    def __str__(self) -> str:
        return f"{self.department} {self.item} {self.points}"


class AppendOnly(models.Model):
    """A revision row: only ever inserted (the services write it; the admin shows it read-only); ``previous`` is
    the revision it follows."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    author = user_field("录入人")
    previous = models.ForeignKey("self", verbose_name="上一修订", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("修订记录只能追加，不能修改。")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OfficeFactRevision(AppendOnly):
    """One state of an office fact: its content when it was entered, by whom, when, why, after which revision."""

    fact = models.ForeignKey(OfficeFact, verbose_name="考核事实", on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField("数值", max_digits=18, decimal_places=6, null=True, blank=True)
    text = models.CharField("等级/类别", max_length=40, blank=True)
    na = models.BooleanField("不涉及", default=False)
    reason = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "考核事实修订"
        ordering = ["fact", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.fact_id} {self.display}"

    @property
    def display(self) -> str:
        """The content as one text: 不涉及, the number (no trailing zeros) and/or the grade."""
        if self.na:
            return gettext("不涉及")
        number = "" if self.value is None else format(self.value.normalize(), "f")
        return " ".join(p for p in (number, self.text) if p) or "—"


class ManualScoreRevision(AppendOnly):
    """One state of a manual item's points: the points, by whom, when, why, after which revision."""

    entry = models.ForeignKey(ManualScore, verbose_name="人工评分", on_delete=models.CASCADE, related_name="revisions")
    points = models.DecimalField("得分", max_digits=12, decimal_places=4)
    reason = models.CharField("理由", max_length=300)

    class Meta:
        verbose_name = "人工评分修订"
        ordering = ["entry", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.display}"

    @property
    def display(self) -> str:
        return format(self.points.normalize(), "f")


class Objection(models.Model):
    """A subject's objection (异议) to an item of its sheet, and the office's ruling."""

    run = models.ForeignKey(ScoreRun, verbose_name="考核结果", on_delete=models.CASCADE, related_name="objections")
    subject = models.ForeignKey(SubjectScore, verbose_name="考核对象得分", on_delete=models.CASCADE,
                                related_name="objections")
    item = models.CharField("评分项编码", max_length=60, blank=True, help_text="留空表示对总分或等次的异议。")
    reason = models.TextField("异议理由")
    status = models.CharField("状态", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    ruling = models.TextField("裁定意见", blank=True)
    created_by, created_at = who_and_when("录入人", "创建时间")
    ruled_by, ruled_at = who_and_when_later("裁定人", "裁定时间")
    evidence = GenericRelation(Evidence, related_query_name="scoring_objection")

    class Meta:
        verbose_name = "考核异议"
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.subject.name} {self.item or '总分'}"

    def evidence_can_view(self, user: User) -> bool:
        """The office that rules on it and the objecting unit: nobody else, even after publication."""
        program = self.run.program
        return can_manage_program(user, program) or self.subject.department_id in own_units(user, program)
