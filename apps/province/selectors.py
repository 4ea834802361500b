"""Reads for the province cockpit: every city program of a province in a fixed number of queries.

The whole cockpit (every city program's row, the totals, the weak spots) is one snapshot in the Django cache
(Redis in production, so shared by every app process), stored with the *write stamp* it was computed at
(:func:`write_stamp`): the newest id of every table a write that changes the cockpit adds a row to, read in one
query of index lookups whatever the number of rows, plus the day. A request whose stamp matches the stored one
reads the snapshot and nothing else; after any such write the next request builds it again.

Building it, the gate of each city program is apps.assessment's certification gate of the program's own region in
its default year (:func:`apps.assessment.selectors.program_assessment`), kept in the cache under a per-program
*data version* read for all programs at once: grouped aggregates over the tables whose rows change a gate
(approved values, assigned numbers, overrides, local edits, county goals) and the province's targets, plus the
day. Only a program whose data changed is assessed again (its own few queries, and the assessment's cache).
Timeliness, counties and weak spots are grouped queries over all the province's programs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, Max, Model, Q, QuerySet, Subquery

from apps.assessment.selectors import program_assessment
from apps.audit.models import AuditEvent
from apps.geo.models import Region, RegionLevel
from apps.indicators.models import Indicator
from apps.programs.models import (
    AssignedTarget,
    Program,
    ProvinceTarget,
    RegionGoal,
    TargetEdit,
    TargetOverride,
    TitleSought,
)
from apps.programs.selectors import province_targets
from apps.reporting.models import IndicatorValue, PeriodType, ReportingRound, ValueRevision
from apps.review.models import ReviewEvent
from apps.staging.models import StagedWrite
from calc.attainment import EvaluationStatus

from .data import (
    CityGate,
    CityRow,
    CockpitSnapshot,
    ProvinceCockpit,
    ProvinceTargetRow,
    ProvinceTargets,
    Timeliness,
    WeakIndicator,
)

#: City rows per page of the cockpit.
PAGE_SIZE = 50
#: How many indicators the weak spots list.
WEAK_SPOTS = 10
#: How long a city's gate is kept (its data version changes with the data anyway).
GATE_SECONDS = 24 * 3600
#: How long a province's cockpit snapshot is trusted. The write stamp changes with the data; this bounds what it
#: cannot see: on PostgreSQL a transaction that commits after a later one (whose ids are higher) adds no newer id,
#: so a snapshot built between the two commits would miss it until the next write or this long. (The page's tables
#: are kept under the snapshot's own id, so they are never older than it.)
SNAPSHOT_SECONDS = 300


def city_programs(province: Region) -> QuerySet[Program]:
    """The programs of the province's cities (not the province's own, nor a county's), by city code."""
    return (Program.objects.filter(region__path__startswith=province.path, region__level=RegionLevel.CITY)
            .select_related("region", "framework").order_by("region__code", "id"))


# --- gates ---------------------------------------------------------------------------------------------------


def _grouped(rows: QuerySet[Any], **aggregates: Any) -> dict[int, str]:
    """``rows`` aggregated per program, as one text per program id."""
    found = rows.order_by().values("program_id").annotate(**aggregates)
    return {r["program_id"]: ":".join(str(r[name]) for name in aggregates) for r in found}


def data_versions(programs: list[Program], province: Region, today: dt.date) -> dict[int, str]:
    """The data version of each program's gate (seven queries whatever the number of programs)."""
    ids = [p.id for p in programs]
    values = IndicatorValue.objects.filter(program_id__in=ids, period_type=PeriodType.YEAR,
                                           approved_revision__isnull=False)
    parts = [_grouped(values, count=Count("id"), rev=Max("approved_revision_id"), at=Max("approved_at"))]
    for model in (AssignedTarget, TargetOverride, TargetEdit, RegionGoal):
        parts.append(_grouped(model.objects.filter(program_id__in=ids), count=Count("id"), top=Max("id")))
    rules = ProvinceTarget.objects.filter(province=province).aggregate(count=Count("id"), top=Max("id"))
    common = f"{rules['count']}:{rules['top']}|{today.isoformat()}"
    versions = {}
    for program in programs:
        text = "|".join(part.get(program.id, "-") for part in parts)
        shape = f"{program.region_id}:{program.framework_id}:{program.base_year}:{program.target_year}"
        versions[program.id] = hashlib.sha256(f"{shape}|{text}|{common}".encode()).hexdigest()[:24]
    return versions


def city_gate(program: Program, today: dt.date) -> CityGate:
    """The gate of the program's own region in its default year, from apps.assessment (its own queries)."""
    assessment = program_assessment(program, today=today)
    rows = assessment.gates.filter(pl.col("region_id") == program.region_id).to_dicts()
    not_attained = assessment.year_grid().filter(
        (pl.col("region_id") == program.region_id) & (pl.col("status") == EvaluationStatus.NOT_ATTAINED))
    if not rows:
        return CityGate(assessment.year, False, 0, 0, (), ())
    row = rows[0]
    return CityGate(year=assessment.year, passed=bool(row["passed"]),
                    binding_applicable=int(row["binding_applicable"]), binding_attained=int(row["binding_attained"]),
                    blockers=tuple(int(i) for i in row["blockers"]),
                    not_attained=tuple(int(i) for i in not_attained["indicator_id"].to_list()))


def city_gates(programs: list[Program], province: Region, today: dt.date) -> dict[int, CityGate]:
    """The gate of every program, from the cache when its data version is current."""
    versions = data_versions(programs, province, today)
    keys = {program.id: f"province-gate:{program.id}:{versions[program.id]}" for program in programs}
    cached = cache.get_many(list(keys.values()))
    gates: dict[int, CityGate] = {}
    fresh: dict[str, CityGate] = {}
    for program in programs:
        gate = cached.get(keys[program.id])
        if gate is None:
            gate = fresh[keys[program.id]] = city_gate(program, today)
        gates[program.id] = gate
    if fresh:
        cache.set_many(fresh, GATE_SECONDS)
    return gates


# --- counties seeking titles -----------------------------------------------------------------------------------


def counties_seeking(programs: list[Program], province: Region) -> dict[int, dict[str, set[int]]]:
    """Per city id, the counties seeking each title: the county goals of the city programs and the programs set
    up at a county (two queries)."""
    city_of = {p.id: p.region_id for p in programs}
    seeking: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    goals = RegionGoal.objects.filter(program_id__in=list(city_of)).values_list("program_id", "region_id",
                                                                                  "title_sought")
    for program_id, county_id, title in goals:
        seeking[city_of[program_id]][title].add(county_id)
    county_programs = Program.objects.filter(region__path__startswith=province.path,
                                             region__level=RegionLevel.COUNTY)
    for county_id, city_id, title in county_programs.values_list("region_id", "region__parent_id", "title_sought"):
        seeking[city_id][title].add(county_id)
    return seeking


# --- reporting timeliness ----------------------------------------------------------------------------------------


def latest_rounds(programs: list[Program], today: dt.date) -> dict[int, dict[str, Any]]:
    """Per program, its latest round whose due date has passed (one query)."""
    rounds = (ReportingRound.objects.filter(program_id__in=[p.id for p in programs], due__lt=today)
              .order_by("program_id", "-due", "-id").values("id", "program_id", "name", "due"))
    latest: dict[int, dict[str, Any]] = {}
    for row in rounds:
        latest.setdefault(row["program_id"], row)
    return latest


def _expected(round_ids: list[int]) -> dict[int, int]:
    """Per round, its regions × its indicators that apply at the region's level (two queries)."""
    levels: dict[int, list[str]] = defaultdict(list)
    for round_id, level in ReportingRound.regions.through.objects.filter(
            reportinground_id__in=round_ids).values_list("reportinground_id", "region__level"):
        levels[round_id].append(level)
    scopes: dict[int, list[list[str]]] = defaultdict(list)
    for round_id, scope in ReportingRound.indicators.through.objects.filter(
            reportinground_id__in=round_ids).values_list("reportinground_id", "indicator__scope_levels"):
        scopes[round_id].append(scope or [])
    return {r: sum(1 for level in levels[r] for scope in scopes[r] if level in scope) for r in round_ids}


def timeliness(programs: list[Program], today: dt.date) -> dict[int, Timeliness]:
    """Per program, how its latest past-due round's obligations were submitted: on time, late, not yet
    (four queries). A value approved without a submission (the office's own entry) counts as on time."""
    latest = latest_rounds(programs, today)
    round_ids = [row["id"] for row in latest.values()]
    submitted = Q(first_submitted_at__isnull=False) | Q(approved_revision__isnull=False)
    counts = {r["round_id"]: r for r in IndicatorValue.objects.filter(round_id__in=round_ids).order_by()
              .values("round_id").annotate(on_time=Count("id", filter=submitted & Q(submitted_late=False)),
                                           late=Count("id", filter=Q(submitted_late=True)))}
    expected = _expected(round_ids)
    result = {}
    for program in programs:
        row = latest.get(program.id)
        if row is None:
            result[program.id] = Timeliness(None, "", None, 0, 0, 0)
            continue
        count = counts.get(row["id"], {})
        result[program.id] = Timeliness(row["id"], row["name"], row["due"], expected[row["id"]],
                                        count.get("on_time", 0), count.get("late", 0))
    return result


# --- weak spots --------------------------------------------------------------------------------------------------


def weak_spots(programs: list[Program], gates: dict[int, CityGate]) -> tuple[WeakIndicator, ...]:
    """The indicators most often not attained across the city programs, with the cities (one query)."""
    cities: dict[int, list[str]] = defaultdict(list)
    for program in programs:
        for indicator_id in gates[program.id].not_attained:
            cities[indicator_id].append(program.region.name)
    top = Counter({i: len(names) for i, names in cities.items()}).most_common()
    indicators = Indicator.objects.in_bulk([i for i, _n in top])
    ranked = sorted(top, key=lambda pair: (-pair[1], not indicators[pair[0]].binding, indicators[pair[0]].order))
    return tuple(WeakIndicator(indicator_id=i, code=indicators[i].code, name=indicators[i].name,
                               binding=bool(indicators[i].binding), count=n,
                               cities=tuple(dict.fromkeys(cities[i])))
                 for i, n in ranked[:WEAK_SPOTS])


# --- the cockpit ---------------------------------------------------------------------------------------------------


def _count(seeking: Iterable[dict[str, set[int]]], title: str) -> int:
    return len(set().union(*(by_title.get(title, set()) for by_title in seeking)))


#: The tables a write that changes the cockpit adds a row to: values and their revisions, every review step of a
#: value or a round (submit, approve, return, reopen, close), every staged import's write and undo, the append-only
#: target revisions, county goals, programs and rounds (and a round's regions and indicators), and the audit log,
#: which records the edits and deletes of the set-up pages, the services and the admin (a goal, a program).
STAMPED: tuple[type[Model], ...] = (
    IndicatorValue, ValueRevision, ReviewEvent, StagedWrite, AuditEvent, AssignedTarget, TargetOverride, TargetEdit,
    ProvinceTarget, RegionGoal, Program, ReportingRound, ReportingRound.regions.through,
    ReportingRound.indicators.through,
)


@functools.cache
def _stamp_sql(alias: str) -> str:
    """The write stamp's query for a database, compiled by the ORM once per process (compiling fourteen
    subqueries cost more than running them); its one parameter is the province's id."""
    newest = {f"t{n}": Subquery(model._default_manager.order_by("-pk").values("pk")[:1])
              for n, model in enumerate(STAMPED)}
    query = Region.objects.using(alias).filter(pk=0).annotate(**newest).values_list(*newest).query
    sql, params = query.get_compiler(alias).as_sql()
    if list(params) != [0]:
        raise AssertionError(f"unexpected parameters of the write stamp's query: {params!r}")
    return str(sql)


def write_stamp(province: Region, today: dt.date) -> str:
    """The newest id of each :data:`STAMPED` table, and the day: one query of index lookups (the primary keys'),
    whose cost does not grow with the rows. Any write there changes it, in this province or another."""
    alias = router.db_for_read(Region)
    with connections[alias].cursor() as cursor:
        cursor.execute(_stamp_sql(alias), [province.pk])
        ids = cursor.fetchone()
    return f"{today.isoformat()}|{':'.join(str(i) for i in ids or ())}"


def cockpit_snapshot(province: Region, today: dt.date) -> CockpitSnapshot:
    """The province's cockpit as stored for the current write stamp, built (and stored) when there is none."""
    stamp = write_stamp(province, today)
    key = f"province-cockpit:{province.id}"
    stored = cache.get(key)
    if isinstance(stored, CockpitSnapshot) and stored.stamp == stamp:
        return stored
    snapshot = build_snapshot(province, stamp, today)
    cache.set(key, snapshot, SNAPSHOT_SECONDS)
    return snapshot


def build_snapshot(province: Region, stamp: str, today: dt.date) -> CockpitSnapshot:
    """Every city program's row, the totals and the weak spots (a fixed number of queries, plus the gates of the
    programs whose data changed)."""
    programs = list(city_programs(province))
    gates = city_gates(programs, province, today)
    seeking = counties_seeking(programs, province)
    on_time = timeliness(programs, today)
    rows = tuple(
        CityRow(program_id=p.id, program_name=p.name, city_id=p.region_id, city_name=p.region.name,
                title_sought=p.get_title_sought_display(), target_year=p.target_year, gate=gates[p.id],
                counties_national=len(seeking[p.region_id].get(TitleSought.NATIONAL, ())),
                counties_provincial=len(seeking[p.region_id].get(TitleSought.PROVINCIAL, ())),
                timeliness=on_time[p.id])
        for p in programs)
    return CockpitSnapshot(
        stamp=stamp, snapshot_id=uuid.uuid4().hex, rows=rows, passed=sum(1 for g in gates.values() if g.passed),
        counties_national=_count(seeking.values(), TitleSought.NATIONAL),
        counties_provincial=_count(seeking.values(), TitleSought.PROVINCIAL),
        weak_spots=weak_spots(programs, gates))


def province_cockpit(province: Region, *, manages: bool, page: int = 1, today: dt.date) -> ProvinceCockpit:
    """The province's cockpit: one row per city program (a page of :data:`PAGE_SIZE`), the counties seeking
    titles, the weak spots across cities and each program's reporting timeliness; from the stored snapshot (the
    write stamp's one query and a cache read) while nothing changed."""
    snapshot = cockpit_snapshot(province, today)
    pages = max(1, -(-len(snapshot.rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return ProvinceCockpit(
        province_id=province.id, province_name=province.name, manages=manages, total=len(snapshot.rows),
        passed=snapshot.passed, counties_national=snapshot.counties_national,
        counties_provincial=snapshot.counties_provincial, weak_spots=snapshot.weak_spots, page=page, pages=pages,
        cities=snapshot.rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], snapshot_id=snapshot.snapshot_id)


# --- the province's targets ----------------------------------------------------------------------------------------

#: The levels a province sets targets for (its cities' programs and their counties).
TARGET_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


def province_indicators(province: Region) -> list[Indicator]:
    """The national indicators (leaves) of the frameworks its cities' programs follow (two queries)."""
    frameworks = city_programs(province).values("framework_id")
    return [i for i in Indicator.objects.filter(framework_id__in=frameworks, program__isnull=True)
            .select_related("parent").prefetch_related("targets").order_by("framework_id", "order", "id")
            if i.scope_levels]


def province_targets_page(province: Region, *, manages: bool) -> ProvinceTargets:
    return ProvinceTargets(province.id, manages, tuple(province_target_rows(province)))


def province_target_rows(province: Region) -> list[ProvinceTargetRow]:
    """Every national indicator × city/county level it applies at, with the province's current target."""
    current = province_targets(ProvinceTarget.objects.filter(province=province))
    rows = []
    for indicator in province_indicators(province):
        for level in TARGET_LEVELS:
            if level not in indicator.scope_levels:
                continue
            given = current.get((indicator.id, level))
            rows.append(ProvinceTargetRow(
                indicator_id=indicator.id, code=indicator.code, name=indicator.full_name, level=level,
                level_label=str(RegionLevel(level).label), national=indicator.printed_target(level),
                province_target=given.target if given else "", reason=given.reason if given else "",
                set_at=given.created_at if given else None))
    return rows
