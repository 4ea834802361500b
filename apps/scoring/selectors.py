"""Reads of the scoring app: the ranking of a run, one subject's sheet, the comparison of two runs.

Each is a fixed number of queries whatever the number of subjects and items.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from apps.geo.models import Department
from apps.programs.models import Program
from calc.scoring.scheme import Manual

from .facts import office_keys, scheme_subjects
from .models import (
    ItemScore,
    ManualScore,
    ManualScoreRevision,
    Objection,
    OfficeFact,
    OfficeFactRevision,
    Scheme,
    ScoreRun,
    SubjectScore,
    group_label,
)
from .workflow import STANDING, RunStatus


@dataclass
class RankRow:
    department_id: int
    name: str
    group: str
    total: Decimal
    grade: str
    rank: int | None
    """None in a subject's own view before publication (its place among the others is not yet public)."""
    vetoed: bool
    previous_total: Decimal | None = None
    previous_rank: int | None = None
    change: Decimal | None = None
    lost: list[str] = field(default_factory=list)
    """The items that lost points, as 「name −x」, the biggest loss first."""


@dataclass
class RankGroup:
    group: str
    label: str
    rows: list[RankRow]


@dataclass
class Ranking:
    run: ScoreRun
    previous: ScoreRun | None
    groups: list[RankGroup]


def previous_period_run(run: ScoreRun) -> ScoreRun | None:
    """The latest standing run of the same scheme for the period before (the last final/published first)."""
    runs = ScoreRun.objects.filter(program_id=run.program_id, scheme_code=run.scheme_code, period__lt=run.period,
                                   status__in=STANDING).order_by("-period", "-id")
    best = runs.filter(status__in=[RunStatus.PUBLISHED, RunStatus.FINAL]).first()
    return best or runs.first()


def _losses(run: ScoreRun) -> dict[int, list[str]]:
    lost: dict[int, list[tuple[Decimal, str]]] = defaultdict(list)
    for subject_id, name, points, maximum, kind in (ItemScore.objects.filter(run=run)
                                                    .values_list("subject__department_id", "name", "points", "max",
                                                                 "kind")):
        loss = (maximum - points) if kind == "base" else (-points if kind == "deduction" else Decimal(0))
        if loss > 0:
            lost[subject_id].append((loss, name))
    return {unit: [f"{name} −{_num(loss)}" for loss, name in sorted(rows, key=lambda r: -r[0])]
            for unit, rows in lost.items()}


def _num(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def ranking(run: ScoreRun, departments: set[int] | None = None) -> Ranking:
    """Every subject of the run by group and rank, with the change from the last period and the items lost
    (``departments``: only these rows, without ranks: a subject's own view before publication)."""
    previous = previous_period_run(run)
    before = {s.department_id: s for s in SubjectScore.objects.filter(run=previous)} if previous else {}
    losses = _losses(run)
    groups: dict[str, list[RankRow]] = defaultdict(list)
    subjects = SubjectScore.objects.filter(run=run).order_by("group", "rank", "name")
    if departments is not None:
        subjects = subjects.filter(department_id__in=departments)
    for s in subjects:
        old = before.get(s.department_id)
        groups[s.group].append(RankRow(
            department_id=s.department_id, name=s.name, group=s.group, total=s.total, grade=s.grade,
            rank=s.rank if departments is None else None, vetoed=s.vetoed,
            previous_total=old.total if old else None,
            previous_rank=old.rank if old and departments is None else None,
            change=s.total - old.total if old else None, lost=losses.get(s.department_id, [])))
    return Ranking(run=run, previous=previous, groups=[RankGroup(g, group_label(g), rows)
                                                      for g, rows in groups.items()])


def sheet_items(subject: SubjectScore) -> QuerySet[ItemScore]:
    return subject.items.order_by("order")


def objections(run: ScoreRun, subject: SubjectScore | None = None) -> QuerySet[Objection]:
    rows = (Objection.objects.filter(run=run).select_related("subject", "created_by", "ruled_by")
            .prefetch_related("evidence"))
    return rows.filter(subject=subject) if subject is not None else rows


@dataclass
class Move:
    """What moved for one subject and item between two runs, with both sentences."""

    department_id: int
    name: str
    item: str
    item_name: str
    before: Decimal | None
    after: Decimal | None
    delta: Decimal
    sentence_before: str
    sentence_after: str


@dataclass
class Comparison:
    run: ScoreRun
    other: ScoreRun | None
    totals: list[RankRow]
    moves: list[Move]


def comparison(run: ScoreRun, other: ScoreRun | None = None) -> Comparison:
    """Compare a run with ``other`` (by default the run it replaced, else the last period's): per subject the
    total's change, per subject and item the points that moved and why (both sentences)."""
    other = other or (ScoreRun.objects.filter(pk=run.previous_id).first() if run.previous_id else None) \
        or previous_period_run(run)
    totals = [row for group in ranking(run).groups for row in group.rows]
    if other is None:
        return Comparison(run, None, totals, [])
    old_totals = {s.department_id: s for s in SubjectScore.objects.filter(run=other)}
    for row in totals:
        old = old_totals.get(row.department_id)
        row.previous_total, row.previous_rank = (old.total, old.rank) if old else (None, None)
        row.change = row.total - old.total if old else None
    fields = ("subject__department_id", "subject__name", "item", "name", "points", "sentence")
    old_items = {(r[0], r[2]): r for r in ItemScore.objects.filter(run=other).values_list(*fields)}
    moves = []
    for unit, name, item, item_name, points, sentence in ItemScore.objects.filter(run=run).order_by(
            "subject__group", "subject__rank", "order").values_list(*fields):
        old = old_items.get((unit, item))
        before = old[4] if old else None
        if before == points and old is not None and old[5] == sentence:
            continue
        moves.append(Move(unit, name, item, item_name, before, points, points - (before or 0),
                          old[5] if old else "", sentence))
    return Comparison(run, other, totals, moves)


@dataclass(frozen=True)
class OfficeEntries:
    """What the office enters for a scheme and period: its facts (the keys the scheme reads that the system
    does not hold) and the points of the manual items, each with its evidence; and what is still missing."""

    scheme: Scheme
    period: str
    units: list[Department]
    keys: list[str]
    manual_items: list[tuple[str, str, Decimal]]  # code, name, points
    facts: list[OfficeFact]
    manual: list[ManualScore]
    missing: list[tuple[str, int]]  # key, how many subjects have no fact for it


def _revisions(model: type[OfficeFactRevision | ManualScoreRevision]) -> Prefetch:
    return Prefetch("revisions", queryset=model.objects.select_related("author").order_by("-at", "-id"))


def office_entries(program: Program, scheme: Scheme, period: str) -> OfficeEntries:
    """Six queries whatever the number of subjects and facts (units, facts, manual points, their evidence and
    their revisions with who entered them)."""
    data = scheme.data
    units = scheme_subjects(program, data.groups)
    keys = office_keys(data, scheme.sources)
    facts = list(OfficeFact.objects.filter(program=program, period=period, department__in=units)
                 .select_related("department", "created_by")
                 .prefetch_related("evidence", _revisions(OfficeFactRevision))
                 .order_by("key", "department__kind", "department__order", "department_id", "part"))
    manual_items = [(i.code, i.name, i.points) for i in data.items if isinstance(i.rule, Manual)]
    manual = list(ManualScore.objects.filter(program=program, scheme_code=scheme.code, period=period,
                                             department__in=units)
                  .select_related("department", "created_by")
                  .prefetch_related("evidence", _revisions(ManualScoreRevision))
                  .order_by("item", "department__kind", "department__order", "department_id"))
    have: dict[str, set[int]] = defaultdict(set)
    for fact in facts:
        have[fact.key].add(fact.department_id)
    missing = [(key, len(units) - len(have[key])) for key in keys if len(have[key]) < len(units)]
    return OfficeEntries(scheme, period, units, keys, manual_items, facts, manual, missing)


def office_entry(program: Program, model: type[OfficeFact | ManualScore], pk: int) -> OfficeFact | ManualScore | None:
    """One office fact or manual points of the program with its evidence and its revisions (newest first, with
    who entered them): three queries."""
    revisions = OfficeFactRevision if model is OfficeFact else ManualScoreRevision
    return (model.objects.filter(program=program, pk=pk)  # type: ignore[attr-defined]
            .prefetch_related("evidence", _revisions(revisions)).first())
