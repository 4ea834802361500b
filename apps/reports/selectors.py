"""Reads for a report: the typed facts an annual or progress report states, in a constant number of queries.

:func:`report_facts` gathers one scope's facts (the whole program, a county, or a lead unit) for one year
from the selectors the dashboards already use: attainment from :func:`apps.assessment.selectors.
program_assessment` (its sentences: :func:`apps.assessment.dashboards.weak_spots`,
:func:`calc.attainment.pace_details`), task roll-ups from :func:`apps.tasks.selectors.task_rollups`, and
aggregate queries over projects and supervision notices. :mod:`.exports` writes the facts as a document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.assessment.access import Scope
from apps.assessment.dashboards import cell_state, gate_headline, region_counts, weak_spots
from apps.assessment.data import WeakSpot
from apps.assessment.selectors import ProgramAssessment, data_version, program_assessment
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.models import Milestone, Program, Responsibility, ResponsibilityRole
from apps.review.models import ReviewEvent
from apps.scoring.models import ScoreRun
from apps.scoring.selectors import ranking
from apps.scoring.workflow import RunStatus
from apps.tasks.models import (
    NoticeLevel,
    Project,
    ProjectCategory,
    ProjectYear,
    SupervisionNotice,
    Task,
    TaskMilestone,
    TaskUnit,
)
from apps.tasks.notice_workflow import NoticeAction, NoticeStatus
from apps.tasks.selectors import task_rollups
from calc.attainment import EvaluationStatus, pace_details
from calc.attainment.text import unit_label
from calc.tasks.rollup import Rollup

from .models import ReportKind

#: Bump when the builder or the renderer changes what a stored file would contain: stored files then read as
#: out of date and the next request builds a new one.
REPORT_FORMAT = "2"


def default_year(program: Program) -> int:
    """Last year, within the program's years: reports and checklists are written early in the next year about the
    one before."""
    return min(max(timezone.localdate().year - 1, program.base_year), program.target_year)


@dataclass(frozen=True)
class ReportTarget:
    """What a report is about: the whole program (annual), a county or a lead unit (progress)."""

    kind: str
    program: Program
    year: int
    region: Region | None = None
    department: Department | None = None
    indicator_set: str = ""  # the dossier's indicator set (see :mod:`.dossier`)

    @property
    def focus(self) -> Region:
        """The region whose values the report states."""
        return self.region or self.program.region

    @property
    def scope_name(self) -> str:
        if self.department is not None:
            return self.department.name
        return self.focus.name


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    binding: bool
    unit: str
    target: str
    value: Decimal | None
    last_value: Decimal | None
    change: Decimal | None
    status: str  # an EvaluationStatus
    status_label: str
    reach_label: str


@dataclass(frozen=True)
class Sentence:
    """A weak spot: the indicator, the dashboards' sentence and the clauses explaining its pace."""

    name: str
    binding: bool
    label: str
    sentence: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class RegionLine:
    name: str
    binding_attained: int
    binding_applicable: int
    not_attained: int
    no_data: int
    passed: bool


@dataclass(frozen=True)
class TaskLine:
    number: str
    title: str
    percent: int
    status: str
    overdue: bool
    tasks: int
    completed: int


@dataclass(frozen=True)
class TaskFacts:
    leaves: int
    completed: int
    in_progress: int
    not_started: int
    overdue: int
    top: tuple[TaskLine, ...]
    milestones_due: int
    milestones_done_on_time: int
    milestones_done_late: int
    milestones_open_overdue: int
    program_milestones: tuple[tuple[dt.date, str], ...]


@dataclass(frozen=True)
class CategoryLine:
    name: str
    count: int
    total: Decimal  # 万元
    planned: Decimal  # 万元, in the year
    completed: Decimal  # 万元, in the year


@dataclass(frozen=True)
class ProjectFacts:
    count: int
    total: Decimal
    planned: Decimal
    completed: Decimal
    completed_to_date: Decimal
    finished: int
    by_category: tuple[CategoryLine, ...]


@dataclass(frozen=True)
class NoticeLine:
    level: str
    issued: int
    closed: int
    closed_on_time: int
    open: int


@dataclass(frozen=True)
class NoticeFacts:
    lines: tuple[NoticeLine, ...]

    @property
    def issued(self) -> int:
        return sum(line.issued for line in self.lines)

    @property
    def closed(self) -> int:
        return sum(line.closed for line in self.lines)

    @property
    def closed_on_time(self) -> int:
        return sum(line.closed_on_time for line in self.lines)


@dataclass(frozen=True)
class ScoreLine:
    rank: int | None
    name: str
    total: Decimal
    grade: str
    change: Decimal | None
    vetoed: bool


@dataclass(frozen=True)
class ScoreTable:
    """One group of a final or published scoring run of the year (apps.scoring), ranked."""

    scheme: str
    status: str
    group: str
    lines: tuple[ScoreLine, ...]

    @property
    def grades(self) -> tuple[tuple[str, int], ...]:
        """How many subjects got each grade, in the order the grades first appear down the ranking."""
        counts = Counter(line.grade for line in self.lines)
        return tuple((grade, counts[grade]) for grade in dict.fromkeys(line.grade for line in self.lines))


@dataclass(frozen=True)
class ReportFacts:
    target: ReportTarget
    today: dt.date
    gate_headline: str
    indicators: tuple[IndicatorLine, ...]
    gaps: tuple[Sentence, ...]
    paces: tuple[Sentence, ...]
    regions: tuple[RegionLine, ...]  # the counties (annual report only)
    tasks: TaskFacts
    projects: ProjectFacts
    notices: NoticeFacts
    scores: tuple[ScoreTable, ...] = ()  # the annual report only

    @property
    def counts(self) -> Counter[str]:
        return Counter(line.status for line in self.indicators)

    @property
    def binding_without_data(self) -> tuple[str, ...]:
        """The binding indicators with no approved value or status in the year: a gap of the gate too."""
        return tuple(line.name for line in self.indicators if line.binding and line.status == EvaluationStatus.NO_DATA)


# --- scope ------------------------------------------------------------------------------------------------


def _unit_indicators(target: ReportTarget) -> set[int] | None:
    """A unit's report covers the indicators it leads or cooperates on; other scopes cover all."""
    if target.department is None:
        return None
    return set(Responsibility.objects.filter(program=target.program, department=target.department)
               .values_list("indicator_id", flat=True))


def _unit_filter(target: ReportTarget, field: str) -> Q:
    """Rows of the scope through their responsible unit (``field`` names the unit's foreign key)."""
    if target.department is not None:
        return Q(**{field: target.department})
    if target.region is not None:
        return Q(**{f"{field}__region__path__startswith": target.region.path})
    return Q()


# --- attainment -------------------------------------------------------------------------------------------


def _values_of_year(assessment: ProgramAssessment, region_id: int, year: int) -> dict[int, Decimal]:
    frame = assessment.frames.values.filter((pl.col("region_id") == region_id) & (pl.col("year") == year))
    return {iid: Decimal(value) for iid, value in frame.select("indicator_id", "value").iter_rows()}


def _indicator_lines(assessment: ProgramAssessment, region_id: int, wanted: set[int] | None
                     ) -> tuple[IndicatorLine, ...]:
    indicators = [i for i in assessment.indicators if wanted is None or i.id in wanted]
    results = assessment.scalar([(region_id, i.id) for i in indicators])
    last = _values_of_year(assessment, region_id, assessment.year - 1)
    lines = []
    for indicator in indicators:
        evaluation, reach = results[(region_id, indicator.id)]
        if evaluation.status == EvaluationStatus.NOT_APPLICABLE:
            continue
        value, before = evaluation.value, last.get(indicator.id)
        lines.append(IndicatorLine(
            code=indicator.code, name=indicator.full_name, binding=bool(indicator.binding),
            unit=unit_label(indicator.unit), target=evaluation.target_text, value=value, last_value=before,
            change=value - before if value is not None and before is not None else None,
            status=evaluation.status, status_label=evaluation.label,
            reach_label=cell_state(evaluation.status, reach.status if reach is not None else None).reach_label,
        ))
    lines.sort(key=lambda line: not line.binding)  # binding first, plan order within (a stable sort)
    return tuple(lines)


def _sentences(assessment: ProgramAssessment, region_id: int, wanted: set[int] | None
               ) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...]]:
    spots = weak_spots(assessment, region_id)
    results = assessment.scalar([(region_id, s.indicator_id) for s in (*spots.gaps, *spots.paces)])

    def sentence(spot: WeakSpot, *, pace: bool) -> Sentence:
        reach = results[(region_id, spot.indicator_id)][1]
        details = pace_details(reach) if pace and reach is not None else ()
        return Sentence(spot.name, spot.binding, spot.label, spot.sentence, details)

    keep = [s for s in spots.gaps if wanted is None or s.indicator_id in wanted]
    paces = [s for s in spots.paces if wanted is None or s.indicator_id in wanted]
    return tuple(sentence(s, pace=False) for s in keep), tuple(sentence(s, pace=True) for s in paces)


def _regions(assessment: ProgramAssessment, program: Program) -> tuple[RegionLine, ...]:
    summaries = region_counts(assessment, Scope(program, None, program.region_id))
    return tuple(RegionLine(s.name, s.binding_attained, s.binding_applicable,
                            s.counts.get(EvaluationStatus.NOT_ATTAINED, 0), s.counts.get(EvaluationStatus.NO_DATA, 0),
                            s.passed) for s in summaries if s.region_id != program.region_id)


# --- tasks, projects, notices -----------------------------------------------------------------------------


def _task_lines(tasks: QuerySet[Task], rollups: dict[int, Rollup], *, leaves: bool) -> tuple[TaskLine, ...]:
    lines = []
    for task in tasks.order_by("order", "id").only("id", "number", "title"):
        rollup = rollups[task.id]
        if not (leaves and rollup.is_group):
            lines.append(TaskLine(task.number, task.title, rollup.percent, rollup.status, rollup.overdue,
                                  rollup.tasks, rollup.completed))
    return tuple(lines)


def _task_facts(target: ReportTarget, today: dt.date, rollups: dict[int, Rollup] | None = None) -> TaskFacts:
    """The program's top-level task groups (a county or unit: the tasks it works on), their leaves counted, and
    the milestones due in the year."""
    program, year = target.program, target.year
    rollups = rollups if rollups is not None else task_rollups(program, today=today)
    if target.department is not None or target.region is not None:
        ids = set(TaskUnit.objects.filter(_unit_filter(target, "department"), task__program=program)
                  .values_list("task_id", flat=True))
        lines = _task_lines(Task.objects.filter(program=program, id__in=ids), rollups, leaves=True)
    else:
        ids = set(rollups)
        lines = _task_lines(Task.objects.filter(program=program, parent__isnull=True), rollups, leaves=False)
    leaves = [r for tid, r in rollups.items() if tid in ids and not r.is_group]
    stats = TaskMilestone.objects.filter(task__program=program, task_id__in=ids, due__year=year).aggregate(
        n_due=Count("id"), n_on_time=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due"))),
        n_late=Count("id", filter=Q(done_on__isnull=False, done_on__gt=F("due"))),
        n_open_overdue=Count("id", filter=Q(done_on__isnull=True, due__lt=today)))
    phases = tuple(Milestone.objects.filter(phase__program=program, due__year=year).order_by("due")
                   .values_list("due", "title"))
    return TaskFacts(
        leaves=len(leaves), completed=sum(r.completed for r in leaves), in_progress=sum(r.in_progress for r in leaves),
        not_started=sum(r.not_started for r in leaves), overdue=sum(r.overdue_tasks for r in leaves), top=lines,
        milestones_due=stats["n_due"], milestones_done_on_time=stats["n_on_time"],
        milestones_done_late=stats["n_late"], milestones_open_overdue=stats["n_open_overdue"],
        program_milestones=phases)


def _project_facts(target: ReportTarget) -> ProjectFacts:
    projects = Project.objects.filter(program=target.program)
    if target.department is not None:
        projects = projects.filter(department=target.department)
    elif target.region is not None:
        projects = projects.filter(region__path__startswith=target.region.path)
    year = target.year
    years = ProjectYear.objects.filter(project__in=projects)
    by_category: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"p": Decimal(0), "c": Decimal(0)})
    for category, planned, completed in years.filter(year=year).values_list("project__category_id").annotate(
            p=Sum("planned"), c=Sum("completed")):
        by_category[category] = {"p": planned or Decimal(0), "c": completed or Decimal(0)}
    names = dict(ProjectCategory.objects.values_list("id", "name"))
    lines = []
    for row in projects.values("category_id").annotate(n=Count("id"), t=Sum("total_investment")).order_by(
            "category__order", "category_id"):
        year_sums = by_category[row["category_id"]]
        lines.append(CategoryLine(names[row["category_id"]], row["n"], row["t"] or Decimal(0), year_sums["p"],
                                  year_sums["c"]))
    totals = projects.aggregate(n=Count("id"), t=Sum("total_investment"),
                                done=Count("id", filter=Q(status="completed")))
    to_date = years.filter(year__lte=year).aggregate(c=Sum("completed"))["c"] or Decimal(0)
    return ProjectFacts(count=totals["n"], total=totals["t"] or Decimal(0),
                        planned=sum((line.planned for line in lines), Decimal(0)),
                        completed=sum((line.completed for line in lines), Decimal(0)),
                        completed_to_date=to_date, finished=totals["done"], by_category=tuple(lines))


def _notice_facts(target: ReportTarget) -> NoticeFacts:
    notices = SupervisionNotice.objects.filter(_unit_filter(target, "department"), program=target.program,
                                               issued_on__year=target.year)
    rows = list(notices.values_list("id", "level", "status", "response_due"))
    kind = ContentType.objects.get_for_model(SupervisionNotice)
    closed_at = dict(ReviewEvent.objects.filter(
        content_type=kind, object_id__in=[r[0] for r in rows], action__in=[NoticeAction.CLOSE, NoticeAction.RESOLVE])
        .values_list("object_id").annotate(at=Max("at")))
    lines = []
    for level in sorted(NoticeLevel, reverse=True):
        mine = [r for r in rows if r[1] == level]
        closed = [r for r in mine if r[2] == NoticeStatus.CLOSED]
        on_time = [r for r in closed if r[0] in closed_at and timezone.localdate(closed_at[r[0]]) <= r[3]]
        lines.append(NoticeLine(str(level.label), len(mine), len(closed), len(on_time), len(mine) - len(closed)))
    return NoticeFacts(tuple(lines))


def _score_facts(target: ReportTarget) -> tuple[ScoreTable, ...]:
    """The year's assessment results: of each scheme, the latest final or published run of the year's period."""
    runs = (ScoreRun.objects.filter(program=target.program, period=str(target.year),
                                    status__in=[RunStatus.FINAL, RunStatus.PUBLISHED])
            .select_related("scheme").order_by("scheme_code", "-id"))
    latest: dict[str, ScoreRun] = {}
    for run in runs:
        latest.setdefault(run.scheme_code, run)
    tables = []
    for run in latest.values():
        for group in ranking(run).groups:
            tables.append(ScoreTable(run.scheme.name, run.get_status_display(), group.label, tuple(
                ScoreLine(row.rank, row.name, row.total, row.grade, row.change, row.vetoed) for row in group.rows)))
    return tuple(tables)


# --- the facts and their version --------------------------------------------------------------------------


def report_facts(target: ReportTarget, *, today: dt.date | None = None,
                 assessment: ProgramAssessment | None = None, rollups: dict[int, Rollup] | None = None
                 ) -> ReportFacts:
    """Everything one report states, for ``target``'s scope and year (``assessment``: the program's of the year,
    ``rollups``: its task roll-ups, when the caller has them already)."""
    today = today or timezone.localdate()
    assessment = assessment or program_assessment(target.program, year=target.year, today=today)
    focus = target.focus.id
    wanted = _unit_indicators(target)
    gaps, paces = _sentences(assessment, focus, wanted)
    return ReportFacts(
        target=target, today=today,
        gate_headline=gate_headline(assessment.region_gate(focus)) if wanted is None else "",
        indicators=_indicator_lines(assessment, focus, wanted), gaps=gaps, paces=paces,
        regions=(_regions(assessment, target.program)
                 if target.kind in (ReportKind.ANNUAL, ReportKind.SELF_ASSESSMENT) else ()),
        tasks=_task_facts(target, today, rollups), projects=_project_facts(target), notices=_notice_facts(target),
        scores=_score_facts(target) if target.kind == ReportKind.ANNUAL else (),
    )


def attachment_targets(target: ReportTarget) -> tuple[ReportTarget, ...]:
    """The progress reports attached to a city's annual report: each county's, then each lead unit's."""
    program = target.program
    counties = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.COUNTY).order_by("code")
    units = (Department.objects.select_related("region")
             .filter(responsibilities__program=program, responsibilities__role=ResponsibilityRole.LEAD)
             .distinct().order_by("region__path", "order", "id"))
    return (*(ReportTarget(ReportKind.PROGRESS, program, target.year, region=c) for c in counties),
            *(ReportTarget(ReportKind.PROGRESS, program, target.year, department=u) for u in units))


def report_data_version(target: ReportTarget) -> str:
    """A fingerprint of every input of the report: when it is unchanged, the stored file is still right."""
    program = target.program
    parts = [REPORT_FORMAT, str(target.year), data_version(program)]
    for rows in (
        Task.objects.filter(program=program).values_list("id", "parent_id", "status", "percent", "deadline", "title"),
        TaskMilestone.objects.filter(task__program=program).values_list("id", "due", "done_on"),
        TaskUnit.objects.filter(task__program=program).values_list("id", "department_id"),
        Project.objects.filter(program=program).values_list("id", "total_investment", "status", "category_id"),
        ProjectYear.objects.filter(project__program=program).values_list("id", "planned", "completed"),
        SupervisionNotice.objects.filter(program=program).values_list("id", "level", "status", "version"),
        Responsibility.objects.filter(program=program).values_list("indicator_id", "department_id", "role"),
        Milestone.objects.filter(phase__program=program).values_list("id", "due", "title"),
        ScoreRun.objects.filter(program=program).values_list("id", "status", "version"),
    ):
        parts.append(hashlib.sha256(repr(list(rows.order_by("pk"))).encode()).hexdigest())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
