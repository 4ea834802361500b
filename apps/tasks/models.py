"""Task list (任务清单), project list (项目清单) and supervision notices (督办)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.accounts.models import Role, User
from apps.core.fields import who_and_when
from apps.evidence.models import Evidence
from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from apps.programs.access import can_manage_program
from apps.programs.models import Program, ResponsibilityRole
from apps.review.models import Reviewable, ReviewEvent

from .access import can_view_task
from .notice_workflow import NOTICE_WORKFLOW, NoticeStatus

# --- tasks -------------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")


class Task(models.Model):
    """One line of the task list; ``parent`` makes the tree (（一） → 1. → （1）), ``number`` is as written."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", verbose_name="上级任务", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    level = models.PositiveSmallIntegerField("层级", default=0)
    number = models.CharField("序号", max_length=20, blank=True)
    order = models.PositiveIntegerField("排序", default=0, db_index=True)
    title = models.CharField("任务名称", max_length=200)
    description = models.TextField("工作内容", blank=True)
    start = models.DateField("开始时间", null=True, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=60, blank=True)
    departments = models.ManyToManyField(Department, verbose_name="单位", through="TaskUnit", related_name="tasks")
    indicators = models.ManyToManyField(Indicator, verbose_name="相关指标", blank=True, related_name="tasks")
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    percent = models.PositiveSmallIntegerField("完成比例（%）", default=0)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "任务"
        ordering = ["program", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="task_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def is_overdue(self, today: dt.date) -> bool:
        """Past its own deadline and not done by its own status; due today is not overdue. What pages, the API and
        supervision read is the roll-up (``selectors.task_rollups``), which for a group also looks at its children."""
        return self.deadline is not None and self.deadline < today and self.status != TaskStatus.COMPLETED


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey(Department, verbose_name="单位", on_delete=models.PROTECT,
                                   related_name="task_units")
    role = models.CharField("责任", max_length=16, choices=ResponsibilityRole.choices)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "任务责任单位"
        ordering = ["role", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="taskunit_unique")]

    def __str__(self) -> str:
        return f"{self.task}：{self.department}（{self.get_role_display()}）"


class TaskMilestone(models.Model):
    """A 工作实施节点 of a task: what must be done by when."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("时间")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "任务节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due < today


class TaskProgress(Reviewable):
    """A progress update of a task by one of its units; reviewed like an indicator value."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="progress_updates")
    department = models.ForeignKey(Department, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成比例（%）")
    created_by, created_at = who_and_when("填报人", "创建时间")
    evidence = GenericRelation(Evidence, related_query_name="task_progress")

    class Meta:
        verbose_name = "任务进展"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task}：{self.percent}%"

    def review_can_report(self, user: User) -> bool:
        return user.is_active and any(d.department.id == self.department_id for d in user.duties_as(
            Role.DEPARTMENT_REPORTER, program_id=self.task.program_id))

    def review_can_review(self, user: User) -> bool:
        return can_manage_program(user, self.task.program)

    def evidence_can_view(self, user: User) -> bool:
        """Whoever may see the task (``apps.tasks.access`` holds the rule)."""
        return can_view_task(user, self.task)


# --- projects ----------------------------------------------------------------------------------

DEFAULT_CATEGORIES = ["生态屏障建设", "净空净水净土", "环境综合整治", "生态工业", "生态农业", "生态服务业",
                      "资源集约利用", "生态扶贫"]


class ProjectCategory(models.Model):
    """A project category; the eight usual ones are created by the migration, offices may add more."""

    name = models.CharField("类别", max_length=40, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "项目类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    # Marked with gettext_noop, not gettext_lazy: these labels are written into stored texts (supervision
    # reasons, escalation notes) and read back by imports, so they stay Chinese in Python and pages translate
    # them at render time ({% translate %}).
    PLANNED = "planned", gettext_noop("未开工")
    UNDER_WAY = "under_way", gettext_noop("在建")
    COMPLETED = "completed", gettext_noop("已完工")
    SUSPENDED = "suspended", gettext_noop("停缓建")


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", gettext_noop("财政资金")
    SPECIAL = "special", gettext_noop("上级专项")
    PPP = "ppp", "PPP"
    GREEN_BOND = "green_bond", gettext_noop("绿色债券")
    SOCIAL = "social", gettext_noop("社会资本")
    OTHER = "other", gettext_noop("其他")


class Project(models.Model):
    """A key project; money is stored in 万元 (1 亿元 = 10000 万元)."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="projects")
    number = models.CharField("序号", max_length=20, blank=True)
    order = models.PositiveIntegerField("排序", default=0, db_index=True)
    name = models.CharField("项目名称", max_length=200)
    category = models.ForeignKey(ProjectCategory, verbose_name="项目类别", on_delete=models.PROTECT,
                                 related_name="projects")
    region = models.ForeignKey(Region, verbose_name="所在县区", on_delete=models.PROTECT, related_name="+")
    location = models.CharField("建设地点", max_length=120, blank=True)
    department = models.ForeignKey(Department, verbose_name="责任单位", on_delete=models.PROTECT,
                                   related_name="projects")
    content = models.TextField("建设内容", blank=True)
    start = models.DateField("开工时间")
    end = models.DateField("完工时间")
    total_investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    status = models.CharField("状态", max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    percent = models.PositiveSmallIntegerField("形象进度（%）", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目"
        ordering = ["program", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="project_unique_name"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="project_percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_late(self, today: dt.date) -> bool:
        return self.end < today and self.status != ProjectStatus.COMPLETED


class ProjectFunding(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="funding")
    source = models.CharField("资金来源", max_length=16, choices=FundingSource.choices)
    amount = models.DecimalField("金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "资金来源"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="projectfunding_unique")]

    def __str__(self) -> str:
        return self.get_source_display()


class ProjectYear(models.Model):
    """Planned and completed investment of one project in one year (万元)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField("年度")
    planned = models.DecimalField("计划投资（万元）", max_digits=14, decimal_places=2, default=0)
    completed = models.DecimalField("完成投资（万元）", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "年度投资"
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="projectyear_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


# --- supervision -------------------------------------------------------------------------------


class NoticeLevel(models.IntegerChoices):
    REMIND = 1, gettext_noop("提醒")
    URGE = 2, gettext_noop("催办")
    CIRCULATE = 3, gettext_noop("通报")


LEVEL_COLOURS = {NoticeLevel.REMIND: "yellow", NoticeLevel.URGE: "orange", NoticeLevel.CIRCULATE: "red"}


class SupervisionNotice(models.Model):
    """A supervision notice to a responsible unit. ``key`` (rule + source object + unit) makes the daily run
    idempotent; hand-issued notices have no key. ``status`` and ``level`` change only through
    :func:`apps.tasks.supervision.notice_transition` (table in :mod:`.notice_workflow`), which bumps ``version``
    and records each move in the one workflow history (``events``)."""

    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="notices")
    department = models.ForeignKey(Department, verbose_name="责任单位", on_delete=models.PROTECT,
                                   related_name="notices")
    rule = models.CharField("规则", max_length=40, default="manual")
    key = models.CharField("去重键", max_length=120, null=True, blank=True, unique=True)
    source_type = models.ForeignKey(ContentType, verbose_name="来源类型", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    title = models.CharField("督办事项", max_length=200)
    reason = models.TextField("督办原因", blank=True)
    level = models.PositiveSmallIntegerField("督办等级", choices=NoticeLevel.choices, default=NoticeLevel.REMIND)
    status, version = NOTICE_WORKFLOW.status_fields(default=NoticeStatus.OPEN)
    issued_on = models.DateField("下发日期")
    response_due = models.DateField("答复期限")
    created_by, created_at = who_and_when("发出人", "创建时间", optional=True)
    events = GenericRelation(ReviewEvent)

    class Meta:
        verbose_name = "督办通知"
        ordering = ["-level", "response_due", "id"]
        indexes = [models.Index(fields=["program", "status"]), models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"【{self.get_level_display()}】{self.title}"

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[NoticeLevel(self.level)]
