"""Reads for reporting: who must report what, values by period, approved series, progress.

Every function here issues a fixed number of queries whatever the number of rows. What they hand to the
pages and the API are frozen dataclasses (``schemas.py`` reads them by attribute).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.accounts.models import User
from apps.core.latest import latest_per_key
from apps.evidence.models import Evidence
from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from apps.programs.models import Program, Responsibility, ResponsibilityRole
from apps.programs.selectors import ResolvedTarget, assigned_values, resolve_targets
from apps.review.models import ReviewEvent
from apps.review.services import review_history
from apps.review.workflow import ReviewStatus
from calc.attainment import Evaluation, Observation, evaluate, not_applicable

from .access import ReportingParty, reporting_parties, viewable_pairs
from .models import IndicatorValue, PeriodType, QualitativeStatus, ReportingRound, ValueRevision

SUBMITTED_STATES = {ReviewStatus.SUBMITTED, ReviewStatus.RESUBMITTED}
#: Statuses in which a value has left the reporter: its evidence should be complete (or its lack explained).
PASSED_REPORTER = SUBMITTED_STATES | {ReviewStatus.APPROVED}


# --- obligations: who reports which (region × indicator) ------------------------------------------


@dataclass(frozen=True, slots=True)
class Reporter:
    """A reporting party: a city department (lead unit) or a county office (its county)."""

    key: str  # "dept:<id>" or "county:<region id>"
    label: str
    department_id: int | None = None
    county_id: int | None = None


@dataclass(frozen=True, slots=True)
class Obligation:
    reporter: Reporter
    region: Region
    indicator: Indicator
    target: str
    value: IndicatorValue | None = None

    @property
    def status(self) -> str:
        return self.value.status if self.value is not None else "missing"


def round_scope(reporting_round: ReportingRound) -> tuple[list[Region], list[Indicator]]:
    regions = sorted(reporting_round.regions.all(), key=lambda r: (r.level != "city", r.code))
    indicators = sorted(
        reporting_round.indicators.select_related("parent").prefetch_related("targets").filter(~Q(scope_levels=[])),
        key=lambda i: (i.order, i.id),
    )
    return regions, indicators


def round_obligations(
    reporting_round: ReportingRound, *, department: Department | None = None, county: Region | None = None,
    with_values: bool = True,
) -> list[Obligation]:
    """Every row that must be reported in the round, optionally for one department or one county office.

    City-level rows go to the indicator's lead units (from the responsibility list); a county's rows go
    to that county's office. Rows whose target does not apply to the region are left out. Without
    ``with_values`` the rows' values are not loaded (see :func:`round_value_states` for a lean read).
    """
    if department is None and county is None:
        return _obligations(reporting_round, None, with_values=with_values)
    return _obligations(reporting_round, ({department.id} if department is not None else set(),
                                          {county.id} if county is not None else set()), with_values=with_values)


def _obligations(reporting_round: ReportingRound, scope: tuple[set[int], set[int]] | None, *,
                 with_values: bool) -> list[Obligation]:
    """The round's rows: all of them (``scope`` None) or those of some units and some county offices.

    ``scope`` is (department ids, county ids); the queries do not grow with either.
    """
    program = reporting_round.program
    regions, indicators = round_scope(reporting_round)
    departments, counties = scope if scope is not None else (set(), set())
    if scope is not None:
        regions = [r for r in regions if (r.id == program.region_id and departments)
                   or (r.id in counties and r.id != program.region_id)]
    targets = resolve_targets(program, regions, indicators)
    leads: dict[int, list[Department]] = defaultdict(list)
    responsibility_rows = Responsibility.objects.filter(program=program, role=ResponsibilityRole.LEAD,
                                                        indicator__in=indicators).select_related("department")
    if scope is not None:
        responsibility_rows = responsibility_rows.filter(department_id__in=departments)
    for resp in responsibility_rows.order_by("order", "id"):
        leads[resp.indicator_id].append(resp.department)
    units = {unit.id: Reporter(f"dept:{unit.id}", unit.name, department_id=unit.id)
             for lead_units in leads.values() for unit in lead_units}
    obligations: list[Obligation] = []
    for region in regions:
        is_city = region.id == program.region_id
        office = Reporter(f"county:{region.id}", f"{region.name}生态办", county_id=region.id)
        for indicator in indicators:
            resolved = targets.get((region.id, indicator.id))
            if resolved is None or not resolved.applicable:
                continue
            if is_city:
                for unit in leads.get(indicator.id, []):
                    obligations.append(Obligation(units[unit.id], region, indicator, resolved.text))
            else:
                obligations.append(Obligation(office, region, indicator, resolved.text))
    return _with_values(reporting_round, obligations) if with_values else obligations


def _with_values(reporting_round: ReportingRound, obligations: list[Obligation]) -> list[Obligation]:
    values = round_values(reporting_round, regions=list({o.region.id for o in obligations}),
                          indicators=list({o.indicator.id for o in obligations}))
    return [replace(o, value=values.get((o.region.id, o.indicator.id))) for o in obligations]


def annual_round(program: Program, year: int) -> ReportingRound | None:
    """The program's annual round (年度调度) of ``year``, which computed values (monitoring, surveys, the disclosure
    rate) are written into, with its program attached; None when the office has not opened it."""
    return (ReportingRound.objects.select_related("program")
            .filter(program=program, period_type=PeriodType.YEAR, year=year, period_number=1).first())


def value_queryset() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.select_related(
        "region", "indicator", "indicator__parent", "current_revision", "approved_revision", "round"
    ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("id", "content_type_id", "object_id",
                                                                              "checklist_item")))


def round_values(reporting_round: ReportingRound, *, regions: list[int] | None = None,
                 indicators: list[int] | None = None) -> dict[tuple[int, int], IndicatorValue]:
    rows = value_queryset().filter(
        program_id=reporting_round.program_id, period_type=reporting_round.period_type, year=reporting_round.year,
        period_number=reporting_round.period_number,
    )
    if regions is not None:
        rows = rows.filter(region_id__in=regions)
    if indicators is not None:
        rows = rows.filter(indicator_id__in=indicators)
    return {(v.region_id, v.indicator_id): v for v in rows}


@dataclass(frozen=True)
class ValueState:
    """What an import needs of an existing value: its lock version, its status and its current content."""

    id: int
    version: int
    status: str
    number: Decimal | None
    qualitative: str
    explanation: str
    source: str
    caliber: str


def round_value_states(reporting_round: ReportingRound) -> dict[tuple[int, int], ValueState]:
    """The round period's values by (region id, indicator id), read as plain columns. One query."""
    rows = IndicatorValue.objects.filter(
        program_id=reporting_round.program_id, period_type=reporting_round.period_type, year=reporting_round.year,
        period_number=reporting_round.period_number,
    ).values_list("region_id", "indicator_id", "id", "version", "status", "current_revision__number",
                  "current_revision__qualitative", "current_revision__explanation", "current_revision__source",
                  "current_revision__caliber")
    return {(region_id, indicator_id): ValueState(pk, version, status, number, qualitative or "", explanation or "",
                                                  source or "", caliber or "")
            for region_id, indicator_id, pk, version, status, number, qualitative, explanation, source, caliber
            in rows}


def user_obligations(user: User, reporting_round: ReportingRound) -> list[Obligation]:
    """What this user reports in the round: its units' rows and its counties' rows, or all (the office)."""
    return party_obligations(reporting_round, reporting_parties(user, reporting_round.program))


def party_obligations(reporting_round: ReportingRound, parties: list[ReportingParty], *,
                      with_values: bool = True) -> list[Obligation]:
    """The rows these parties report in the round: the union for a person with several duties.

    The same number of queries for one party or several.
    """
    if not parties:
        return []
    if any(p.is_office for p in parties):
        return _obligations(reporting_round, None, with_values=with_values)
    scope = ({p.department.id for p in parties if p.department is not None},
             {p.county.id for p in parties if p.county is not None})
    return _obligations(reporting_round, scope, with_values=with_values)


# --- inbox -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inbox:
    """The user's rows of a round by what is left to do, as :class:`RoundRow`s (plain columns; an office reports
    every row of the round, 20,000 in a large one): :func:`inbox_obligations` loads the values of the rows shown."""

    round: ReportingRound
    overdue: bool
    to_do: tuple[RoundRow, ...]  # missing or draft
    returned: tuple[RoundRow, ...]
    waiting: tuple[RoundRow, ...]  # submitted, awaiting review
    done: tuple[RoundRow, ...]  # approved

    @property
    def drafts(self) -> int:
        """Rows saved but not submitted: what "submit all my drafts" would submit."""
        return sum(1 for row in self.to_do if row.facts is not None)


def inbox(user: User, reporting_round: ReportingRound, *, today: dt.date | None = None) -> Inbox:
    today = today or timezone.localdate()
    groups: dict[str, list[RoundRow]] = {"to_do": [], "returned": [], "waiting": [], "done": []}
    obligations = party_obligations(reporting_round, reporting_parties(user, reporting_round.program),
                                    with_values=False)
    for row in _round_rows(reporting_round, obligations):
        status = row.status
        if status == ReviewStatus.RETURNED:
            groups["returned"].append(row)
        elif status in SUBMITTED_STATES:
            groups["waiting"].append(row)
        elif status == ReviewStatus.APPROVED:
            groups["done"].append(row)
        else:
            groups["to_do"].append(row)
    return Inbox(round=reporting_round, overdue=reporting_round.is_overdue(today),
                 **{name: tuple(rows) for name, rows in groups.items()})


def inbox_obligations(rows: list[RoundRow]) -> list[Obligation]:
    """These rows of an inbox (the pages shown) as obligations with their values, a returned value with the
    office's latest return comment. Two queries."""
    obligations = [row.obligation for row in round_row_values(rows)]
    _attach_return_comments([o for o in obligations if o.status == ReviewStatus.RETURNED])
    return obligations


@dataclass(frozen=True)
class RoundDue:
    """What a unit still owes in one round: rows to fill (missing or draft) and rows returned to it."""

    round: ReportingRound
    to_do: int
    returned: int
    overdue: bool


def department_round_dues(program: Program, department: Department, today: dt.date) -> list[RoundDue]:
    """The rounds in which this unit has rows to fill or returned rows, each with its counts.

    A round whose rows are all submitted or approved is left out. The queries grow with the program's rounds
    (a handful a year), not with its rows.
    """
    dues: list[RoundDue] = []
    for reporting_round in ReportingRound.objects.filter(program=program).select_related("program"):
        counts = {"to_do": 0, "returned": 0}
        for obligation in round_obligations(reporting_round, department=department):
            status = obligation.status
            if status == ReviewStatus.RETURNED:
                counts["returned"] += 1
            elif status not in PASSED_REPORTER:
                counts["to_do"] += 1
        if counts["to_do"] or counts["returned"]:
            dues.append(RoundDue(reporting_round, overdue=reporting_round.is_overdue(today), **counts))
    return dues


def _attach_return_comments(obligations: list[Obligation]) -> None:
    """The office's latest return comment on each returned value, in one query."""
    values = {o.value.id: o.value for o in obligations if o.value is not None}
    if not values:
        return
    returns = ReviewEvent.objects.filter(content_type=ContentType.objects.get_for_model(IndicatorValue),
                                         object_id__in=list(values), action="return")
    latest = latest_per_key(returns, key=("object_id",), newest_first=("-at", "-id"))
    for object_id, comment in latest.values_list("object_id", "comment"):
        values[object_id].return_comment = comment


# --- one value: the entry form and the detail ------------------------------------------------------------


@dataclass(frozen=True)
class ValueEntry:
    """What the value form shows for one region × indicator of a round."""

    region: Region
    indicator: Indicator
    value: IndicatorValue | None  # None until the first save
    target_text: str  # "" when no applicable target resolves
    qualitative: bool
    qualitative_choices: tuple[tuple[str, str], ...]
    previous: tuple[ApprovedValue, ...]  # approved values of the three years before, oldest first


def value_entry(reporting_round: ReportingRound, region: Region, indicator: Indicator) -> ValueEntry:
    """The round's value of the pair (if any), its target, the qualitative choices and the recent approved values."""
    program = reporting_round.program
    value = IndicatorValue.objects.select_related("current_revision").filter(
        program=program, region=region, indicator=indicator, period_type=reporting_round.period_type,
        year=reporting_round.year, period_number=reporting_round.period_number).first()
    resolved = resolve_targets(program, [region], [indicator]).get((region.id, indicator.id))
    target_text = resolved.text if resolved is not None and resolved.applicable else ""
    # 已建立 reads as the target's own wording (制定实施, 全面实施 …) where it has one
    qualitative = indicator.is_qualitative_for(region.level)
    choices = tuple((v, target_text if v == QualitativeStatus.ACHIEVED and qualitative and target_text else label)
                    for v, label in QualitativeStatus.choices)
    years = list(range(reporting_round.year - 3, reporting_round.year))
    previous = approved_values(program, [region], [indicator], years).get((region.id, indicator.id), {})
    return ValueEntry(region=region, indicator=indicator, value=value, target_text=target_text,
                      qualitative=qualitative, qualitative_choices=choices,
                      previous=tuple(sorted(previous.values(), key=lambda a: a.year)))


@dataclass(frozen=True)
class ValueDetail:
    """A value with its revisions, review events and evidence (the API's value detail)."""

    id: int
    region_id: int
    indicator_id: int
    period_label: str
    year: int
    status: str
    version: int
    submitted_late: bool
    current_revision: ValueRevision | None
    approved_revision: ValueRevision | None
    revisions: tuple[ValueRevision, ...]
    events: tuple[ReviewEvent, ...]
    evidence: tuple[Evidence, ...]
    evidence_missing: tuple[str, ...]
    evidence_required_missing: tuple[str, ...]


def value_detail(value: IndicatorValue) -> ValueDetail:
    evidence = tuple(value.evidence.all())
    completeness = evidence_completeness(value.indicator, list(evidence))
    return ValueDetail(
        id=value.id, region_id=value.region_id, indicator_id=value.indicator_id, period_label=value.period_label,
        year=value.year, status=value.status, version=value.version, submitted_late=value.submitted_late,
        current_revision=value.current_revision,
        approved_revision=value.approved_revision, revisions=tuple(value.revisions.select_related("author")),
        events=tuple(review_history(value)), evidence=evidence,
        evidence_missing=completeness.missing, evidence_required_missing=completeness.required_missing,
    )


# --- evidence completeness ----------------------------------------------------------------------------


#: The one checklist item of an indicator without a checklist: any file covers it, and it is required.
ANY_EVIDENCE = "佐证材料"


@dataclass(frozen=True)
class Completeness:
    covered: int
    required: int  # the checklist's items (the label's denominator), required or optional
    missing: tuple[str, ...]
    required_missing: tuple[str, ...] = ()  # the missing items a submission must have (or state why not)

    @property
    def complete(self) -> bool:
        return self.covered >= self.required

    @property
    def label(self) -> str:
        return f"{self.covered}/{self.required}"


def evidence_completeness(indicator: Indicator, evidence: list[Evidence]) -> Completeness:
    """Which of the indicator's evidence checklist items have a file, and which required ones do not; with no
    checklist, one file of any item is required."""
    return checklist_completeness(indicator, {e.checklist_item for e in evidence})


def checklist_completeness(indicator: Indicator, items: Collection[str]) -> Completeness:
    """:func:`evidence_completeness` from the checklist items the value's files name (``""`` for a file naming
    none): what a list reads as plain columns instead of evidence rows."""
    checklist = list(indicator.evidence_checklist or [])
    if not checklist:
        missing = () if items else (ANY_EVIDENCE,)
        return Completeness(min(len(items), 1), 1, missing, missing)
    missing = tuple(item for item in checklist if item not in items)
    required = set(indicator.evidence_required)
    return Completeness(len(checklist) - len(missing), len(checklist), missing,
                        tuple(item for item in missing if item in required))


# --- review queue ---------------------------------------------------------------------------------------


def review_queue(program: Program, *, round_id: int | None = None, region_id: int | None = None,
                 department_id: int | None = None, status: str | None = None) -> QuerySet[IndicatorValue]:
    rows = value_queryset().filter(program=program)
    if status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=SUBMITTED_STATES)
    if round_id:
        rows = rows.filter(round_id=round_id)
    if region_id:
        rows = rows.filter(region_id=region_id)
    if department_id:
        rows = rows.filter(
            region_id=program.region_id,
            indicator__responsibilities__program=program,
            indicator__responsibilities__department_id=department_id,
            indicator__responsibilities__role=ResponsibilityRole.LEAD,
        )
    return rows.order_by("region__path", "indicator__order", "-year", "id")


# --- what a reviewer weighs: target, last year's value, attainment --------------------------------------------


@dataclass(frozen=True)
class ReviewContext:
    """Beside a value under review: its target in words, last year's approved value of the same indicator and
    region, and whether the value as reported attains the target (the attainment floor's verdict)."""

    target: str  # in words ("—" when the target does not apply, the reason when it cannot be determined)
    last_year: ApprovedValue | None
    verdict: Evaluation | None  # None for a value that is not annual (attainment is judged on annual values)

    @property
    def verdict_label(self) -> str:
        return self.verdict.label if self.verdict is not None else ""

    @property
    def verdict_status(self) -> str:
        return str(self.verdict.status) if self.verdict is not None else ""


def review_contexts(program: Program, values: list[IndicatorValue]) -> dict[int, ReviewContext]:
    """:class:`ReviewContext` per value id, for a page or list of values under review.

    The verdict is :func:`calc.attainment.evaluate` (the one the dashboards use) of the value's current revision
    as its year's value, over the approved values of the other years and the assigned numbers: what the
    dashboards will say once the office approves it. Six queries, however many values.
    """
    if not values:
        return {}
    regions = list({v.region_id: v.region for v in values}.values())
    indicators = list(Indicator.objects.filter(pk__in={v.indicator_id for v in values})
                      .select_related("parent").prefetch_related("targets"))
    by_indicator = {i.id: i for i in indicators}
    targets = resolve_targets(program, regions, indicators)
    first = min(program.base_year, min(v.year for v in values) - 1)
    years = list(range(first, max(v.year for v in values) + 1))
    approved = approved_values(program, regions, indicators, years)
    assigned: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for (region_id, indicator_id, year), entry in assigned_values(program, regions=regions).items():
        assigned[(region_id, indicator_id)][year] = entry.value
    contexts: dict[int, ReviewContext] = {}
    for value in values:
        key = (value.region_id, value.indicator_id)
        indicator = by_indicator[value.indicator_id]
        resolved = targets.get(key)
        series = approved.get(key, {})
        verdict = None
        if value.period_type == PeriodType.YEAR and resolved is not None:
            verdict = _verdict(program, value, indicator, resolved, series, assigned.get(key, {}))
        contexts[value.id] = ReviewContext(
            target=resolved.text if resolved is not None else "—", last_year=series.get(value.year - 1),
            verdict=verdict)
    return contexts


def _verdict(program: Program, value: IndicatorValue, indicator: Indicator, resolved: ResolvedTarget,
             series: dict[int, ApprovedValue], assigned: dict[int, Decimal]) -> Evaluation | None:
    """The attainment of the value's year with its current revision counted as approved (worded as reported, not
    reviewed, until it is); None when its target cannot be determined (the target column says why)."""
    if not resolved.applicable:
        return not_applicable(year=value.year, indicator_name=indicator.name, direction=indicator.direction,
                              unit=indicator.unit, reason=resolved.reason or None)
    target = resolved.target
    if target is None:
        return None
    numbers = {year: a.number for year, a in series.items() if a.number is not None and year != value.year}
    statuses = {year: a.qualitative for year, a in series.items() if a.qualitative and year != value.year}
    revision = value.current_revision
    if revision is not None and revision.number is not None:
        numbers[value.year] = revision.number
    if revision is not None and revision.qualitative:
        statuses[value.year] = revision.qualitative
    observation = Observation(values=numbers, statuses=statuses, assigned=assigned, base_year=program.base_year)
    verdict = evaluate(target, year=value.year, direction=indicator.direction, unit=indicator.unit,
                       indicator_name=indicator.name, observation=observation)
    return verdict if value.status == ReviewStatus.APPROVED else _as_reported(verdict)


#: How the attainment sentences speak of the year's reported status when it has not been approved yet: calc
#: words them for approved data (经审核), which a value under review is not.
_UNREVIEWED_WORDING = (("经审核已达到", "填报为已达到"), ("经审核", "填报"))


def _as_reported(verdict: Evaluation) -> Evaluation:
    """The verdict of a value not yet approved, its sentences (its parts' too) claiming no review."""

    def reword(text: str) -> str:
        for approved, reported in _UNREVIEWED_WORDING:
            text = text.replace(approved, reported)
        return text

    return replace(verdict, reason=reword(verdict.reason), explanation=reword(verdict.explanation),
                   parts=tuple(_as_reported(part) for part in verdict.parts))


# --- history ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    kind: str  # "revision" or "event"
    actor: User
    revision: ValueRevision | None = None
    event: object | None = None


def value_history(value: IndicatorValue) -> list[HistoryEntry]:
    """Every revision and every review event of a value, oldest first."""
    entries = [HistoryEntry(r.at, "revision", r.author, revision=r)
               for r in value.revisions.select_related("author").order_by("at", "id")]
    entries += [HistoryEntry(e.at, "event", e.actor, event=e) for e in review_history(value)]
    return sorted(entries, key=lambda e: (e.at, 0 if e.kind == "revision" else 1))


# --- approved values: the series dashboards read ---------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedValue:
    year: int
    number: Decimal | None
    qualitative: str  # "" or a QualitativeStatus value
    display: str
    revision_id: int
    value_id: int
    approved_at: dt.datetime | None


def approved_values(
    program: Program, regions: list[Region] | list[int], indicators: list[Indicator] | list[int], years: list[int]
) -> dict[tuple[int, int], dict[int, ApprovedValue]]:
    """Latest approved annual value per (region id, indicator id) → {year: ApprovedValue}.

    Only annual periods count. A value reopened after approval keeps its last approved revision until a
    new one is approved. One query.
    """
    region_ids = [r if isinstance(r, int) else r.id for r in regions]
    indicator_ids = [i if isinstance(i, int) else i.id for i in indicators]
    rows = (
        IndicatorValue.objects.filter(
            program=program, period_type=PeriodType.YEAR, year__in=list(years), region_id__in=region_ids,
            indicator_id__in=indicator_ids, approved_revision__isnull=False,
        )
        .select_related("approved_revision")
        .only("id", "region_id", "indicator_id", "year", "approved_at", "approved_revision__number",
              "approved_revision__qualitative", "approved_revision__id")
    )
    result: dict[tuple[int, int], dict[int, ApprovedValue]] = defaultdict(dict)
    for row in rows:
        revision = row.approved_revision
        result[(row.region_id, row.indicator_id)][row.year] = ApprovedValue(
            row.year, revision.number, revision.qualitative, revision.display, revision.id, row.id, row.approved_at
        )
    return dict(result)



@dataclass(frozen=True)
class ApprovedPoint:
    """One approved annual value of one region and indicator, as the approved-values API lists it."""

    region_id: int
    indicator_id: int
    year: int
    number: Decimal | None
    qualitative: str
    display: str


def approved_points(
    program: Program, regions: list[Region] | list[int], indicators: list[Indicator] | list[int], years: list[int]
) -> list[ApprovedPoint]:
    """:func:`approved_values` flattened: per (region, indicator) its years in order."""
    return [
        ApprovedPoint(region_id, indicator_id, year, v.number, v.qualitative, v.display)
        for (region_id, indicator_id), series in approved_values(program, regions, indicators, years).items()
        for year, v in sorted(series.items())
    ]

def last_approved_numbers(program: Program, pairs: list[tuple[int, int]], *, before_year: int,
                          period_type: str = PeriodType.YEAR) -> dict[tuple[int, int], tuple[int, Decimal]]:
    """For the jump check: the most recent approved number before ``before_year`` per (region, indicator).

    The newest row per pair is chosen by a window (``ROW_NUMBER() … = 1``), one pass over the rows: the
    ``NOT EXISTS`` of :func:`apps.core.latest.latest_per_key`, with its filters repeated inside, ran as a
    nested loop on PostgreSQL for an import of 10,000 rows (close to a minute).
    """
    if not pairs:
        return {}
    region_ids = {p[0] for p in pairs}
    indicator_ids = {p[1] for p in pairs}
    approved = IndicatorValue.objects.filter(program=program, period_type=period_type, year__lt=before_year,
                                             region_id__in=region_ids, indicator_id__in=indicator_ids,
                                             approved_revision__number__isnull=False)
    newest = Window(RowNumber(), partition_by=[F("region_id"), F("indicator_id")],
                    order_by=[F("year").desc(), F("period_number").desc()])
    rows = approved.annotate(newest=newest).filter(newest=1).order_by()
    return {(region_id, indicator_id): (year, number) for region_id, indicator_id, year, number
            in rows.values_list("region_id", "indicator_id", "year", "approved_revision__number")}


# --- progress ----------------------------------------------------------------------------------------------------
#
# A round of 500 counties × 40 indicators has 20,000 rows. Progress reads each row's value as a few plain columns
# (status, submitted, on time) and its evidence as (value id, checklist item) pairs, never as model instances
# with a prefetch per value (that took seconds), and counts the rows per line with a Counter of (line, counts)
# pairs. The round page shows the counts and one page of rows at a time (:func:`round_rows`).

#: The statuses a row of the round can be in: ``missing`` (no value yet) and the review statuses.
MISSING = "missing"

#: What :func:`round_rows` filters by: a row's status, ``evidence_incomplete`` or ``late`` (逾期提交).
ROW_STATUSES = (MISSING, *ReviewStatus.values, "evidence_incomplete", "late")

#: The counts of a progress line, in :class:`ProgressLine`'s order after ``label``.
COUNTS = ("total", "reported", "approved", "on_time", "late", "returned", "evidence_complete",
          "evidence_incomplete")


@dataclass(frozen=True)
class ProgressLine:
    label: str
    total: int = 0
    reported: int = 0  # ever submitted
    approved: int = 0
    on_time: int = 0
    late: int = 0  # first submitted after the due date (逾期提交)
    returned: int = 0
    evidence_complete: int = 0
    evidence_incomplete: int = 0  # submitted or approved, required evidence missing
    key: str = ""  # the rows it counts, as :func:`round_rows` filters them: "dept:<id>", "county:<id>", …

    @staticmethod
    def _rate(part: int, whole: int) -> int:
        return round(part * 100 / whole) if whole else 0

    @property
    def completeness(self) -> int:
        return self._rate(self.approved, self.total)

    @property
    def on_time_rate(self) -> int:
        return self._rate(self.on_time, self.reported)

    @property
    def evidence_rate(self) -> int:
        return self._rate(self.evidence_complete, self.total)


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What progress reads of one value of the round: plain columns, no model instance."""

    value_id: int
    status: str
    reported: bool  # ever submitted
    on_time: bool  # first submitted by the end of the due day (not marked ``submitted_late``)
    late: bool  # first submitted after it (逾期提交), as marked when it was submitted
    evidence_complete: bool
    evidence_incomplete: bool  # left the reporter (submitted or approved) with required evidence missing


@dataclass(frozen=True, slots=True)
class RoundRow:
    """One row of the round as the progress counts it: the obligation (without its value) and its value's facts."""

    obligation: Obligation
    facts: RowFacts | None  # None: not reported yet

    @property
    def status(self) -> str:
        return self.facts.status if self.facts is not None else MISSING

    # read as its obligation (the API's row schema extends the obligation's)
    reporter = property(lambda self: self.obligation.reporter)
    region = property(lambda self: self.obligation.region)
    indicator = property(lambda self: self.obligation.indicator)
    target = property(lambda self: self.obligation.target)
    value = property(lambda self: self.obligation.value)

    def lines(self) -> tuple[str, str, str]:
        """The keys of the progress lines it counts in: its reporter, its region, its indicator."""
        o = self.obligation
        return o.reporter.key, f"region:{o.region.id}", f"indicator:{o.indicator.id}"

    def counts(self) -> tuple[int, ...]:
        """1 or 0 for each of :data:`COUNTS`."""
        facts = self.facts
        if facts is None:
            return (1,) + (0,) * (len(COUNTS) - 1)
        return (1, int(facts.reported), int(facts.status == ReviewStatus.APPROVED), int(facts.on_time),
                int(facts.late), int(facts.status == ReviewStatus.RETURNED), int(facts.evidence_complete),
                int(facts.evidence_incomplete))


@dataclass(frozen=True)
class RoundProgress:
    round: ReportingRound
    by_reporter: tuple[ProgressLine, ...]
    by_region: tuple[ProgressLine, ...]
    total: ProgressLine
    by_indicator: tuple[ProgressLine, ...] = ()
    rows: tuple[RoundRow, ...] = ()  # every row counted, in the round's order (regions, then indicators)


def _row_facts(reporting_round: ReportingRound,
               indicators: dict[int, Indicator]) -> dict[tuple[int, int], RowFacts]:
    """The round period's values by (region id, indicator id) as :class:`RowFacts`. Two queries: the values'
    columns (submitted computed by the database; on time or late as marked when first submitted), and their
    evidence's checklist items."""
    values = IndicatorValue.objects.filter(
        program_id=reporting_round.program_id, period_type=reporting_round.period_type, year=reporting_round.year,
        period_number=reporting_round.period_number, indicator_id__in=list(indicators),
    )
    items: dict[int, set[str]] = defaultdict(set)
    for object_id, item in Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(IndicatorValue), object_id__in=values.values("id"),
    ).values_list("object_id", "checklist_item").distinct():
        items[object_id].add(item)
    columns = values.annotate(
        reported=ExpressionWrapper(Q(first_submitted_at__isnull=False), output_field=BooleanField()),
    ).values_list("region_id", "indicator_id", "id", "status", "reported", "submitted_late")
    unevidenced = {pk: checklist_completeness(indicator, ()) for pk, indicator in indicators.items()}
    facts: dict[tuple[int, int], RowFacts] = {}
    for region_id, indicator_id, pk, status, reported, late in columns:
        covered = items.get(pk)
        completeness = (unevidenced[indicator_id] if covered is None
                        else checklist_completeness(indicators[indicator_id], covered))
        facts[(region_id, indicator_id)] = RowFacts(
            pk, status, bool(reported), bool(reported) and not late, bool(reported) and bool(late),
            completeness.complete,
            status in PASSED_REPORTER and bool(completeness.required_missing))
    return facts


def _round_rows(reporting_round: ReportingRound, obligations: list[Obligation]) -> tuple[RoundRow, ...]:
    """The obligations (without values) with their values' facts. Two queries."""
    facts = _row_facts(reporting_round, {o.indicator.id: o.indicator for o in obligations})
    return tuple(RoundRow(o, facts.get((o.region.id, o.indicator.id))) for o in obligations)


def round_progress(reporting_round: ReportingRound, *, user: User | None = None) -> RoundProgress:
    """Completeness (approved share), reporting and on-time rates, evidence complete and values that left the
    reporter without their required evidence: in all, by reporting unit, by region and by indicator.

    With ``user``, only the rows the user may read count (:func:`~apps.reporting.access.viewable_pairs`: a county
    office its county, a unit's reporter its indicators). The same number of queries for 20 rows or 20,000.
    """
    obligations = round_obligations(reporting_round, with_values=False)
    if user is not None:
        visible = viewable_pairs(user, reporting_round.program, {o.region.id: o.region for o in obligations}.values(),
                                 {o.indicator.id for o in obligations})
        obligations = [o for o in obligations if (o.region.id, o.indicator.id) in visible]
    rows = _round_rows(reporting_round, obligations)
    indicators = {o.indicator.id: o.indicator for o in obligations}
    labels: dict[str, str] = {}
    reporters, regions = [], []
    for o in obligations:  # first-seen order: the round's regions, the city's units by responsibility order
        for key, label, order in ((o.reporter.key, o.reporter.label, reporters),
                                  (f"region:{o.region.id}", o.region.name, regions)):
            if key not in labels:
                labels[key] = label
                order.append(key)
    by_indicator = []
    for indicator in sorted(indicators.values(), key=lambda i: (i.order, i.id)):
        key = f"indicator:{indicator.id}"
        labels[key] = f"{indicator.number_label} {indicator.full_name}"
        by_indicator.append(key)
    tally = Counter((key, counts) for row in rows for counts in (row.counts(),) for key in (*row.lines(), ""))
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for (key, counts), times in tally.items():
        line = sums[key]
        for n, hit in enumerate(counts):
            line[n] += hit * times

    def lines(keys: list[str]) -> tuple[ProgressLine, ...]:
        return tuple(ProgressLine(labels[key], *sums[key], key=key) for key in keys)

    return RoundProgress(reporting_round, lines(reporters), lines(regions), ProgressLine("合计", *sums[""]),
                         lines(by_indicator), rows)


def round_rows(progress: RoundProgress, *, lines: Collection[str] = (), status: str = "") -> list[RoundRow]:
    """The progress's rows that are in every one of ``lines`` (:attr:`ProgressLine.key`s: a unit and a region, say)
    and of one status (:data:`MISSING`, a review status, ``evidence_incomplete`` or ``late``); all of them without
    filters."""
    rows = list(progress.rows)
    if lines:
        wanted = set(lines)
        rows = [row for row in rows if wanted.issubset(row.lines())]
    if status == "evidence_incomplete":
        rows = [row for row in rows if row.facts is not None and row.facts.evidence_incomplete]
    elif status == "late":
        rows = [row for row in rows if row.facts is not None and row.facts.late]
    elif status:
        rows = [row for row in rows if row.status == status]
    return rows


def round_row_values(rows: list[RoundRow]) -> list[RoundRow]:
    """These rows (one page of them) with their values and current revisions on their obligations. One query."""
    ids = [row.facts.value_id for row in rows if row.facts is not None]
    values = {v.id: v for v in IndicatorValue.objects.select_related("current_revision").filter(pk__in=ids)}
    return [replace(row, obligation=replace(row.obligation, value=values.get(row.facts.value_id)))
            if row.facts is not None else row for row in rows]
