"""The fact loader: what the system knows about each subject, as the engine's long-form facts frame.

A few bulk queries, one per source, whatever the number of subjects (no per-subject loop, no service calls):

=============================  ============================================================  =====================
key                            what                                                          source (trace)
=============================  ============================================================  =====================
(scheme ``sources``)           the approved value of a mapped indicator for the county;      ``value_revision``
                               ``<key>.previous`` the year before
``tasks.on_time_rate``         % of the subject's tasks due in the period done by the        ``task`` (the late
``tasks.lead.on_time_rate``    deadline (all, led, supported); ``tasks.late`` one row per    ones)
``tasks.support.on_time_rate`` late task
``milestones.on_time_rate``    % of its tasks' milestones due in the period done on time     —
``projects.investment_rate``   investment done ÷ planned in the period's year (%)            —
``reporting.on_time_rate``     % of its values in rounds due in the period submitted and     —
                               not flagged 逾期提交 (county: its county's values; a department:
                               the indicators it leads)
``reporting.return_rate``      % of those values returned at least once                      —
``evidence.complete_rate``     % of those values with at least one piece of evidence         —
``notices.count``              one row per supervision notice issued in the period           ``notice``
``notices.criticised``         one row per notice at level 通报                              ``notice``
``notices.overdue_responses``  the number of notices first answered (the answer's business    —
                               date) after their due date, or not yet, 0 when none;
                               ``notices.overdue`` one row per such notice                   ``notice``
(office facts)                 :class:`OfficeFact`: the office's entries, replacing the      ``office_fact``
                               system's value of the same key
=============================  ============================================================  =====================

A rate with nothing to count for a subject (no task due, no project year, no value to report) is marked not
applicable (``na``): a base item on it keeps its points (不涉及的不扣分).

Subjects are units (``department:<id>``): a county government (``kind = government``, the county it ``governs``)
is in group ``county``, a department of the program's region in group ``department``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, TextField
from django.db.models import Value as V
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, NullIf
from django.utils import timezone

from apps.evidence.models import Evidence
from apps.geo.models import Department, DepartmentKind
from apps.programs.models import Program, Responsibility, ResponsibilityRole
from apps.reporting.models import IndicatorValue
from apps.review.models import ReviewEvent
from apps.tasks.models import NoticeLevel, ProjectYear, SupervisionNotice, TaskMilestone, TaskUnit
from calc.scoring.scheme import Scheme as SchemeData

from .models import ManualScore, OfficeFact

SIX = Decimal("0.000001")
FACT_SCHEMA: dict[str, pl.DataType] = {
    "subject": pl.String(), "period": pl.String(), "key": pl.String(), "value": pl.Decimal(38, 6),
    "part": pl.String(), "text": pl.String(), "na": pl.Boolean(), "source_kind": pl.String(),
    "source_id": pl.Int64(),
}
SUBJECT_SCHEMA: dict[str, pl.DataType] = {"subject": pl.String(), "group": pl.String(), "name": pl.String()}
MANUAL_SCHEMA: dict[str, pl.DataType] = {
    "subject": pl.String(), "period": pl.String(), "item": pl.String(), "points": pl.Decimal(38, 6),
    "reason": pl.String(), "source_kind": pl.String(), "source_id": pl.Int64(),
}
EXEMPTION_SCHEMA: dict[str, pl.DataType] = {
    "subject": pl.String(), "period": pl.String(), "item": pl.String(), "reason": pl.String(),
}


#: Rates over the subject's own work: with nothing to count in the period (no task due, no project year, no value
#: to report) the key does not apply to it (不涉及), so a base item on it keeps its points.
RATES = ("tasks.on_time_rate", "tasks.lead.on_time_rate", "tasks.support.on_time_rate", "milestones.on_time_rate",
         "projects.investment_rate", "reporting.on_time_rate", "reporting.return_rate", "evidence.complete_rate")


#: The keys this loader produces from the system's data (besides the scheme's indicator ``sources``).
SYSTEM_KEYS = frozenset({*RATES, "tasks.late", "notices.count", "notices.criticised", "notices.overdue",
                         "notices.overdue_responses"})


def office_keys(scheme: SchemeData, sources: dict[str, str]) -> list[str]:
    """The fact keys a scheme reads that the system does not hold: the office enters them (考核事实)."""
    mapped = set(sources) | {f"{key}.previous" for key in sources}
    return sorted(scheme_keys(scheme) - SYSTEM_KEYS - mapped)


#: A unit's subject group by its kind: a county government is scored in ``county``, a department in ``department``.
GROUP_OF_KIND: dict[str, str] = {DepartmentKind.GOVERNMENT: "county", DepartmentKind.DEPARTMENT: "department"}


def subject_key(department_id: int) -> str:
    return f"department:{department_id}"


def department_id(subject: str) -> int:
    return int(subject.split(":", 1)[1])


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period label (``2025``, ``2025-H1``, ``2025-03``)."""
    year = int(period[:4])
    if len(period) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period[5] == "H":
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if period[6] == "1" else (dt.date(year, 7, 1),
                                                                                     dt.date(year, 12, 31))
    month = int(period[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """A percentage with 6 decimals; None (no data) when there is nothing to count."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(SIX) if whole else None


@dataclass(frozen=True)
class Inputs:
    """The engine's four input frames for one scheme and period, and the units they name."""

    subjects: pl.DataFrame
    facts: pl.DataFrame
    exemptions: pl.DataFrame
    manual: pl.DataFrame


def scheme_subjects(program: Program, groups: Iterable[str]) -> list[Department]:
    """The units a scheme scores in a program: its region's county governments and/or departments."""
    kinds = {"county": DepartmentKind.GOVERNMENT, "department": DepartmentKind.DEPARTMENT}
    wanted = [kinds[g] for g in groups if g in kinds]
    return list(Department.objects.filter(region=program.region, kind__in=wanted).order_by("kind", "order", "id"))


class _Facts:
    """Collects fact rows; a key is kept only when the scheme reads it."""

    def __init__(self, period: str, keys: set[str]) -> None:
        self.period, self.keys = period, keys
        self.rows: list[dict[str, object]] = []

    def add(self, unit_id: int, key: str, value: Decimal | int | None, *, part: str | None = None,
            text: str | None = None, na: bool = False, source: tuple[str, int | None] = ("", None)) -> None:
        if key not in self.keys:
            return
        self.rows.append({
            "subject": subject_key(unit_id), "period": self.period, "key": key,
            "value": None if value is None else Decimal(value).quantize(SIX), "part": part, "text": text, "na": na,
            "source_kind": source[0] or None, "source_id": source[1],
        })

    def not_applicable(self, units: Iterable[int], keys: Iterable[str]) -> None:
        """Mark ``keys`` as not applicable (不涉及) for the units without a value: nothing to count, no deduction."""
        have = {(row["subject"], row["key"]) for row in self.rows}
        for unit in units:
            for key in keys:
                if (subject_key(unit), key) not in have:
                    self.add(unit, key, None, na=True)

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=FACT_SCHEMA, orient="row") if self.rows else pl.DataFrame(
            schema=FACT_SCHEMA)


def scheme_keys(scheme: SchemeData) -> set[str]:
    keys = {key for item in scheme.items for key in item.keys()}
    keys |= {k for a in scheme.adjustments for k in (a.when.key, a.when.other_key) if k}
    return keys


def _indicator_facts(out: _Facts, program: Program, sources: dict[str, str], governments: dict[int, int],
                     year: int) -> None:
    """Approved values of mapped indicators for each county (and the year before as ``<key>.previous``)."""
    by_code = defaultdict(list)
    for key, code in sources.items():
        by_code[code].append(key)
    if not by_code or not governments:
        return
    unit_of_region = {region: unit for unit, region in governments.items()}
    rows = (IndicatorValue.objects
            .filter(program=program, indicator__code__in=list(by_code), period_type="year", year__in=[year, year - 1],
                    region_id__in=list(unit_of_region), approved_revision__isnull=False)
            .values_list("region_id", "indicator__code", "year", "approved_revision_id", "approved_revision__number"))
    for region_id, code, value_year, revision_id, number in rows:
        for key in by_code[code]:
            out.add(unit_of_region[region_id], key if value_year == year else f"{key}.previous", number,
                    source=("value_revision", revision_id))


def _task_facts(out: _Facts, program: Program, units: list[int], start: dt.date, end: dt.date) -> None:
    rows = (TaskUnit.objects
            .filter(task__program=program, department_id__in=units, task__deadline__range=(start, end))
            .values_list("department_id", "role", "task_id", "task__deadline", "task__completed_on"))
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for unit, role, task_id, deadline, completed_on in rows:
        on_time = completed_on is not None and completed_on <= deadline
        for bucket in ("all", "lead" if role == ResponsibilityRole.LEAD else "support"):
            counts[unit, bucket][0] += on_time
            counts[unit, bucket][1] += 1
        if not on_time:
            out.add(unit, "tasks.late", 1, part=f"task:{task_id}", source=("task", task_id))
    names = {"all": "tasks.on_time_rate", "lead": "tasks.lead.on_time_rate", "support": "tasks.support.on_time_rate"}
    for (unit, bucket), (done, total) in counts.items():
        out.add(unit, names[bucket], rate(done, total))
    milestones = (TaskMilestone.objects
                  .filter(task__program=program, due__range=(start, end), task__units__department_id__in=units)
                  .values("task__units__department_id")
                  .annotate(total=Count("id"), done=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due")))))
    for row in milestones:
        out.add(row["task__units__department_id"], "milestones.on_time_rate", rate(row["done"], row["total"]))


def _project_facts(out: _Facts, program: Program, units: list[int], governments: dict[int, int], year: int) -> None:
    years = ProjectYear.objects.filter(project__program=program, year=year)
    for row in (years.filter(project__department_id__in=units).values("project__department_id")
                .annotate(planned=Sum("planned"), done=Sum("completed"))):
        if row["project__department_id"] not in governments:
            out.add(row["project__department_id"], "projects.investment_rate", rate(row["done"], row["planned"]))
    unit_of_region = {region: unit for unit, region in governments.items()}
    for row in (years.filter(project__region_id__in=list(unit_of_region)).values("project__region_id")
                .annotate(planned=Sum("planned"), done=Sum("completed"))):
        out.add(unit_of_region[row["project__region_id"]], "projects.investment_rate",
                rate(row["done"], row["planned"]))


def _reporting_facts(out: _Facts, program: Program, units: list[int], governments: dict[int, int],
                     start: dt.date, end: dt.date) -> None:
    """Timeliness, returns and evidence of the values each subject reports in the rounds due in the period."""
    values = IndicatorValue.objects.filter(program=program, round__due__range=(start, end))
    value_type = ContentType.objects.get_for_model(IndicatorValue)
    annotated = values.annotate(
        returned=Exists(ReviewEvent.objects.filter(content_type=value_type, object_id=OuterRef("pk"), action="return")),
        evidenced=Exists(Evidence.objects.filter(content_type=value_type, object_id=OuterRef("pk"))),
    )
    unit_of_region = {region: unit for unit, region in governments.items()}
    leads = Responsibility.objects.filter(program=program, role=ResponsibilityRole.LEAD,
                                          department_id__in=[u for u in units if u not in governments])
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    county_rows = annotated.filter(region_id__in=list(unit_of_region)).values_list(
        "region_id", "first_submitted_at", "submitted_late", "returned", "evidenced")
    for region_id, submitted, late, returned, evidenced in county_rows:
        _tally(tallies[unit_of_region[region_id]], submitted is not None and not late, returned, evidenced)
    lead_rows = annotated.filter(region=program.region, indicator__responsibilities__in=leads).values_list(
        "indicator__responsibilities__department_id", "first_submitted_at", "submitted_late", "returned",
        "evidenced")
    for unit, submitted, late, returned, evidenced in lead_rows:
        _tally(tallies[unit], submitted is not None and not late, returned, evidenced)
    for unit, (total, on_time, returned_count, evidenced_count) in tallies.items():
        out.add(unit, "reporting.on_time_rate", rate(on_time, total))
        out.add(unit, "reporting.return_rate", rate(returned_count, total))
        out.add(unit, "evidence.complete_rate", rate(evidenced_count, total))


def _tally(tally: list[int], on_time: bool, returned: bool, evidenced: bool) -> None:
    """Count one value: on time (submitted, and its first submission not flagged 逾期提交 by reporting, which
    judges it against the end of the due date in the site's time zone), returned, evidenced."""
    tally[0] += 1
    tally[1] += on_time
    tally[2] += bool(returned)
    tally[3] += bool(evidenced)


def _notice_facts(out: _Facts, program: Program, units: list[int], start: dt.date, end: dt.date,
                  today: dt.date) -> None:
    notice_type = ContentType.objects.get_for_model(SupervisionNotice)
    answers = ReviewEvent.objects.filter(content_type=notice_type, object_id=OuterRef("pk"), action="respond")
    # The answer's business date (the notice workflow records it as data.on), else the day it was recorded.
    first_on = answers.values("object_id").annotate(on=Min(KT("data__on"))).values("on")
    first_at = answers.values("object_id").annotate(at=Min("at")).values("at")
    rows = (SupervisionNotice.objects.filter(program=program, department_id__in=units, issued_on__range=(start, end))
            .annotate(answered_on=first_on, answered_at=first_at)
            .values_list("id", "department_id", "level", "response_due", "answered_on", "answered_at"))
    cutoff = min(today, end)
    overdue = dict.fromkeys(units, 0)
    for notice_id, unit, level, due, answered_on, answered_at in rows:
        source = ("notice", notice_id)
        out.add(unit, "notices.count", 1, part=f"notice:{notice_id}", source=source)
        if level == NoticeLevel.CIRCULATE:
            out.add(unit, "notices.criticised", 1, part=f"notice:{notice_id}", source=source)
        answered = (dt.date.fromisoformat(answered_on) if answered_on
                    else timezone.localtime(answered_at).date() if answered_at is not None else None)
        late = answered > due if answered is not None else due < cutoff
        if late:
            overdue[unit] += 1
            out.add(unit, "notices.overdue", 1, part=f"notice:{notice_id}", source=source)
    for unit, count in overdue.items():  # a measurement: every subject has one, 0 when nothing was late
        out.add(unit, "notices.overdue_responses", count)


def load_inputs(program: Program, scheme: SchemeData, sources: dict[str, str], period: str,
                today: dt.date | None = None) -> Inputs:
    """The inputs of one scoring: subjects, facts from every source, the office's facts and manual points."""
    today = today or dt.date.today()
    start, end = period_range(period)
    subjects = scheme_subjects(program, scheme.groups)
    units = [unit.id for unit in subjects]
    governments = {unit.id: unit.governs_id for unit in subjects
                   if unit.kind == DepartmentKind.GOVERNMENT and unit.governs_id is not None}
    out = _Facts(period, scheme_keys(scheme))
    _indicator_facts(out, program, {k: v for k, v in sources.items() if k in out.keys or f"{k}.previous" in out.keys},
                     governments, start.year)
    _task_facts(out, program, units, start, end)
    _project_facts(out, program, units, governments, start.year)
    _reporting_facts(out, program, units, governments, start, end)
    _notice_facts(out, program, units, start, end, today)
    out.not_applicable(units, RATES)
    system = out.frame()
    office, manual = office_frames(program, scheme.code, [period], units, out.keys)
    facts = pl.concat([system.join(office.select("subject", "key").unique(), on=["subject", "key"], how="anti"),
                       office])
    subject_frame = pl.DataFrame([{"subject": subject_key(u.id), "group": GROUP_OF_KIND[u.kind], "name": u.name}
                                  for u in subjects], schema=SUBJECT_SCHEMA, orient="row")
    return Inputs(
        subjects=subject_frame, facts=facts,
        exemptions=pl.DataFrame(schema=EXEMPTION_SCHEMA),
        manual=manual,
    )


def _frame(queryset: QuerySet, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """A ``values_list`` queryset read straight into a frame: its SQL run on a plain cursor (no model objects, no
    per-value converters) and the rows handed to polars in one go; text columns are then cast to ``columns``'
    types (decimals travel as exact text: ``CAST(… AS TEXT)`` on SQLite, ``::text`` on PostgreSQL)."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # column by column (polars builds a column from a list far faster than a frame from row tuples)
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    raw = pl.DataFrame({name: pl.Series(name, column, strict=False) for name, column in zip(columns, values,
                                                                                             strict=True)})
    return raw.select(pl.col(name).cast(kind) for name, kind in columns.items())


def _department_key() -> Concat:
    return Concat(V("department:"), Cast("department_id", CharField()), output_field=CharField())


def office_frames(program: Program, scheme_code: str, periods: list[str], units: list[int],
                  keys: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The office's facts (of ``keys``) and manual points for these periods and units: one query each, read
    straight into the engine's frames (:func:`_frame`: no object per row)."""
    texts = {"subject_key": _department_key(), "value_text": Cast("value", TextField()),
             "part_or_null": NullIf("part", V("")), "text_or_null": NullIf("text", V("")),
             "kind": V("office_fact", output_field=CharField())}
    facts = _frame(
        OfficeFact.objects.filter(program=program, period__in=periods, department_id__in=units, key__in=keys)
        .annotate(**texts).order_by().values_list("subject_key", "period", "key", "value_text", "part_or_null",
                                                  "text_or_null", "na", "kind", "id"),
        FACT_SCHEMA)
    manual = _frame(
        ManualScore.objects.filter(program=program, scheme_code=scheme_code, period__in=periods,
                                   department_id__in=units)
        .annotate(subject_key=_department_key(), points_text=Cast("points", TextField()),
                  kind=V("manual_score", output_field=CharField())).order_by()
        .values_list("subject_key", "period", "item", "points_text", "reason", "kind", "id"),
        MANUAL_SCHEMA)
    return facts, manual
