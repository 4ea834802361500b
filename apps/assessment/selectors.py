"""Reads for attainment: a program's approved data as frames, evaluated in bulk, with gates per region.

One entry point, :func:`program_assessment`, gathers everything of a program (all its regions × leaf
indicators × years) in a constant number of queries, runs the polars bulk engine
(:func:`calc.attainment.evaluate_frame`, :func:`calc.attainment.reachability_frame`) over it, and
summarises the certification gate of every region with polars. The scalar functions
(:func:`calc.attainment.evaluate`, :func:`calc.attainment.reachability`, :func:`certification_gate`,
:func:`city_gate`) are called only for the rows a page shows, because only they write sentences.

The computed frames are cached (Django cache) under the program and a *data version*: an aggregate
query on each table that changes results (approved values, assigned numbers, overrides, local edits)
plus a fingerprint of the regions, indicators and goals that are fetched anyway. See
``docs/attainment.md`` ("Django side").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

import polars as pl
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from apps.core.errors import NotFoundError
from apps.core.latest import latest_per_key
from apps.geo.access import ancestor_paths
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import (
    AssignedTarget,
    Program,
    ProvinceTarget,
    RegionGoal,
    TargetEdit,
    TargetOverride,
)
from apps.programs.selectors import ResolvedTarget, program_indicators, program_regions, resolve_targets
from apps.reporting.models import IndicatorValue, PeriodType
from calc.attainment import (
    EVALUATION_STATUSES,
    CityGateResult,
    CountyGoal,
    Evaluation,
    EvaluationStatus,
    GateItem,
    GateResult,
    Observation,
    Reachability,
    TargetStep,
    certification_gate,
    city_gate,
    evaluate,
    evaluate_prepared,
    not_applicable,
    prepare_frames,
    reachability,
    reachability_prepared,
    target_line,
)
from calc.targets import unparse

#: The bulk engine needs a parsable target on every row; not-applicable rows carry this one (never evaluated).
NOT_APPLICABLE_TARGET = "qual:不适用"
KEYS = ["region_id", "indicator_id"]
CACHE_SECONDS = 3600
#: How far from the program's base and target years an evaluated year may lie.
YEAR_MARGIN = 30

#: Below this share of applicable region × indicator pairs with an approved value or status, a year's coverage is
#: shown in amber and the page says its review is not finished.
COVERAGE_THRESHOLD = Decimal("0.6")

#: The statuses in display order; :func:`gate_frame` has one count column per status.
STATUS_ORDER = EVALUATION_STATUSES


# --- frames: the production loader ------------------------------------------------------------------


@dataclass(frozen=True)
class Frames:
    """The bulk engine's inputs for a whole program (see docs/attainment.md §4 for the columns)."""

    values: pl.DataFrame  # region_id, indicator_id, year, value (decimal text)
    statuses: pl.DataFrame  # region_id, indicator_id, year, status
    assigned: pl.DataFrame  # region_id, indicator_id, year, value (decimal text), latest entry only
    targets: pl.DataFrame  # region_id, indicator_id, target, direction, base_year, deadline_year, applicable
    errors: frozenset[tuple[int, int]] = frozenset()  # applicable pairs whose target cannot be resolved


def _rows(queryset: QuerySet[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run an ORM query on the raw DB-API cursor and put its rows straight into polars (no model instances)."""
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with connection.cursor() as wrapper:  # counted by the test query log, like any other query
        if connection.queries_logged:
            wrapper.execute(sql, params)
            rows = wrapper.fetchall()
        else:
            cursor = wrapper.cursor  # the driver's own cursor: no per-call wrapper overhead
            cursor.execute(sql.replace("%s", "?") if connection.vendor == "sqlite" else sql, params)
            rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def load_values(program: Program) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Approved annual numbers (as exact decimal text) and qualitative statuses of the program, in one query.

    On SQLite a decimal column holds a REAL (or an INTEGER), whose text form has at most 15 significant
    digits: the same digits Django's own converter reads back.
    """
    rows = _rows(
        IndicatorValue.objects.filter(
            program=program, period_type=PeriodType.YEAR, approved_revision__isnull=False
        )
        .order_by()  # the model's default ordering joins regions and indicators: not needed here
        .values_list(
            "region_id",
            "indicator_id",
            "year",
            Cast("approved_revision__number", TextField()),
            "approved_revision__qualitative",
        ),
        {
            "region_id": pl.Int64,
            "indicator_id": pl.Int64,
            "year": pl.Int64,
            "value": pl.String,
            "status": pl.String,
        },
    )
    values = rows.filter(pl.col("value").is_not_null()).select([*KEYS, "year", "value"])
    statuses = rows.filter(pl.col("status").is_not_null() & (pl.col("status") != "")).select(
        [*KEYS, "year", "status"]
    )
    return values, statuses


def load_assigned(program: Program) -> pl.DataFrame:
    """The current assigned number per region, indicator and year (the latest entry wins), in one query.

    The database picks the latest entries; earlier ones are never fetched.
    """
    current = latest_per_key(
        AssignedTarget.objects.filter(program=program), key=("region", "indicator", "year")
    )
    return _rows(
        current.order_by("created_at", "id").values_list(
            "region_id", "indicator_id", "year", Cast("value", TextField())
        ),
        {"region_id": pl.Int64, "indicator_id": pl.Int64, "year": pl.Int64, "value": pl.String},
    )


def assigned_since(program: Program, before: pl.DataFrame, was: str, now: str) -> pl.DataFrame | None:
    """:func:`load_assigned` from ``before`` (its frame at version part ``was``) and the entries added since.

    Assigned numbers are append-only and the latest entry (by creation time, then id) of a key wins, so when every
    entry since (id above ``was``'s top) is at least as new as every earlier one, the current frame is ``before``
    without their keys followed by them (the last of each key), in :func:`load_assigned`'s order. Two queries
    over the few new entries instead of one over every key; None when the entries since are not simply newer ones
    (an entry deleted, an earlier creation time): then the caller loads them all.
    """
    count, top = (int(n) if n != "None" else None for n in was.split(":"))
    total = int(now.split(":")[0])
    if top is None:
        return None
    rows = AssignedTarget.objects.filter(program=program)
    edge = rows.aggregate(
        old=Max("created_at", filter=Q(id__lte=top)),
        new=Min("created_at", filter=Q(id__gt=top)),
        added=Count("id", filter=Q(id__gt=top)),
    )
    if total - (count or 0) != edge["added"] or (edge["old"] and edge["new"] and edge["new"] < edge["old"]):
        return None
    keys = [*KEYS, "year"]
    since = _rows(
        rows.filter(id__gt=top)
        .order_by("created_at", "id")
        .values_list("region_id", "indicator_id", "year", Cast("value", TextField())),
        before.schema,
    )
    since = since.unique(subset=keys, keep="last", maintain_order=True)
    return pl.concat([before.join(since.select(keys), on=keys, how="anti", maintain_order="left"), since])


class ResolvedTable(Mapping[tuple[int, int], ResolvedTarget]):
    """(region id, indicator id) → :class:`ResolvedTarget`, stored as the distinct results and one index per pair.

    Regions of one profile share their representative's results (:func:`resolved_targets`): the table keeps
    each distinct result once and gives a pair its own copy (with its region id) when asked. Pickled, it is those
    few hundred results and a small index, not one target object per region × indicator: the cached entry stays
    small and quick to read back (the gate of a province of 200 counties × 40 indicators is ~8,000 pairs).
    """

    __slots__ = ("_index", "_made", "_shared")

    def __init__(self, shared: list[ResolvedTarget], index: dict[tuple[int, int], int]) -> None:
        self._shared = shared
        self._index = index
        self._made: dict[tuple[int, int], ResolvedTarget] = {}

    def __getitem__(self, pair: tuple[int, int]) -> ResolvedTarget:
        found = self._made.get(pair)
        if found is None:
            found = self._shared[self._index[pair]]
            if found.region_id != pair[0]:
                found = replace(found, region_id=pair[0])
            self._made[pair] = found
        return found

    def shared(self, pair: tuple[int, int]) -> ResolvedTarget:
        """The pair's result as shared with its profile (its ``region_id`` may be the representative's)."""
        return self._shared[self._index[pair]]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __reduce__(
        self,
    ) -> tuple[type[ResolvedTable], tuple[list[ResolvedTarget], dict[tuple[int, int], int]]]:
        return (ResolvedTable, (self._shared, self._index))


def resolved_targets(program: Program, regions: list[Region], indicators: list[Indicator]) -> ResolvedTable:
    """:func:`apps.programs.selectors.resolve_targets` for every region, resolving each distinct profile once.

    A region's target depends only on its profile unless the office overrode one of its targets, so
    regions without overrides share the result of one representative per profile. Three queries.
    """
    overridden = set(
        TargetOverride.objects.filter(program=program).values_list("region_id", flat=True).distinct()
    )
    representative: dict[object, Region] = {}
    individual: list[Region] = []
    for region in regions:
        if region.id in overridden:
            individual.append(region)
        else:
            representative.setdefault(region.profile(), region)
    resolved = resolve_targets(program, [*representative.values(), *individual], indicators)
    shared = list(resolved.values())
    position = {pair: n for n, pair in enumerate(resolved)}
    index: dict[tuple[int, int], int] = {}
    leaves = [i for i in indicators if i.scope_levels]
    for region in regions:
        source = region if region.id in overridden else representative[region.profile()]
        for indicator in leaves:
            index[(region.id, indicator.id)] = position[(source.id, indicator.id)]
    return ResolvedTable(shared, index)


def target_frame(
    program: Program,
    regions: list[Region],
    indicators: list[Indicator],
    resolved: ResolvedTable,
    deadlines: dict[int, int],
) -> tuple[pl.DataFrame, frozenset[tuple[int, int]]]:
    texts: dict[int, str] = {}  # id(target) → unparsed text; targets are shared between regions of a profile
    region_col, indicator_col, target_col, direction_col, deadline_col, applicable_col = (
        [],
        [],
        [],
        [],
        [],
        [],
    )
    errors = set()
    for region in regions:
        deadline = deadlines[region.id]
        for indicator in indicators:
            found = resolved.shared((region.id, indicator.id))  # no per-pair copy: only the target is read
            region_col.append(region.id)
            indicator_col.append(indicator.id)
            direction_col.append(indicator.direction)
            deadline_col.append(deadline)
            if found.applicable and found.target is not None:
                key = id(found.target)
                text = texts.get(key)
                if text is None:
                    text = texts[key] = unparse(found.target)
                target_col.append(text)
                applicable_col.append(True)
            else:
                if found.applicable:  # "无法确定": shown as no data, never silently not applicable
                    errors.add((region.id, indicator.id))
                target_col.append(NOT_APPLICABLE_TARGET)
                applicable_col.append(False)
    frame = pl.DataFrame(
        {
            "region_id": pl.Series(region_col, dtype=pl.Int64),
            "indicator_id": pl.Series(indicator_col, dtype=pl.Int64),
            "target": pl.Series(target_col, dtype=pl.String),
            "direction": pl.Series(direction_col, dtype=pl.String),
            "base_year": pl.Series([program.base_year] * len(region_col), dtype=pl.Int64),
            "deadline_year": pl.Series(deadline_col, dtype=pl.Int64),
            "applicable": pl.Series(applicable_col, dtype=pl.Boolean),
        }
    )
    return frame, frozenset(errors)


def region_deadlines(program: Program, regions: list[Region], goals: dict[int, RegionGoal]) -> dict[int, int]:
    """A county with a goal must be ready by its goal year; everything else by the program's target year."""
    return {r.id: goals[r.id].target_year if r.id in goals else program.target_year for r in regions}


def program_goals(program: Program) -> dict[int, RegionGoal]:
    """Each county's goal (the earliest when it has several), in one query."""
    goals: dict[int, RegionGoal] = {}
    for goal in RegionGoal.objects.filter(program=program).order_by("target_year", "id"):
        goals.setdefault(goal.region_id, goal)
    return goals


def load_frames(
    program: Program,
    regions: list[Region],
    indicators: list[Indicator],
    resolved: ResolvedTable,
    deadlines: dict[int, int],
) -> Frames:
    """Everything the bulk engine needs for the program, in three queries."""
    values, statuses = load_values(program)
    assigned = load_assigned(program)
    targets, errors = target_frame(program, regions, indicators, resolved, deadlines)
    return Frames(values=values, statuses=statuses, assigned=assigned, targets=targets, errors=errors)


# --- computation ------------------------------------------------------------------------------------------


def data_years(frames: Frames, *, until: int) -> list[int]:
    years = set(frames.values.get_column("year").unique().to_list())
    years |= set(frames.statuses.get_column("year").unique().to_list())
    return sorted(y for y in years if y <= until)


def _error_frame(frames: Frames) -> pl.DataFrame:
    """The pairs with an unresolvable target (``frames.errors``), flagged ``_error`` for a left join."""
    return pl.DataFrame(
        list(frames.errors), schema={"region_id": pl.Int64, "indicator_id": pl.Int64}, orient="row"
    ).with_columns(pl.lit(True).alias("_error"))


def evaluate_frames(frames: Frames, *, years: list[int], year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Evaluation of every year and reachability at ``year``: the production code path the benchmark times."""
    prepared = prepare_frames(
        frames.values, frames.targets, assigned=frames.assigned, statuses=frames.statuses
    )
    grid = evaluate_prepared(
        prepared, years=years or [year]
    )  # one preparation for both: the inputs are the same
    reach = reachability_prepared(prepared, current_year=year)
    if frames.errors:
        grid = (
            grid.join(_error_frame(frames), on=KEYS, how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_error"))
                .then(pl.lit(EvaluationStatus.NO_DATA))
                .otherwise(pl.col("status"))
                .alias("status")
            )
            .drop("_error")
        )
    return grid, reach


def gate_frame(grid: pl.DataFrame, binding: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """The certification gate of every region in ``year``, vectorised; equals :func:`certification_gate`.

    Columns: region_id, passed, binding_applicable, binding_attained, reference_applicable,
    reference_attained, attained, not_attained, no_data, not_applicable, blockers (indicator ids).
    """
    rows = grid.filter(pl.col("year") == year).join(
        binding, on="indicator_id", how="left", maintain_order="left"
    )
    applicable = pl.col("status") != EvaluationStatus.NOT_APPLICABLE
    attained = pl.col("status") == EvaluationStatus.ATTAINED
    bind = pl.col("binding").fill_null(False)
    summary = rows.group_by("region_id", maintain_order=True).agg(
        (bind & applicable).sum().alias("binding_applicable"),
        (bind & attained).sum().alias("binding_attained"),
        (~bind & applicable).sum().alias("reference_applicable"),
        (~bind & attained).sum().alias("reference_attained"),
        *[(pl.col("status") == s).sum().alias(s) for s in STATUS_ORDER],
        pl.col("indicator_id").filter(bind & applicable & ~attained).alias("blockers"),
    )
    return summary.with_columns(
        (
            (pl.col("binding_applicable") > 0) & (pl.col("binding_attained") == pl.col("binding_applicable"))
        ).alias("passed")
    )


# --- the assessment of a program --------------------------------------------------------------------------


@dataclass
class ProgramAssessment:
    """A program's attainment in one year: bulk frames for the grid, scalar results on demand."""

    program: Program
    year: int
    years: list[int]
    regions: list[Region]
    indicators: list[Indicator]  # leaf indicators, plan order
    resolved: ResolvedTable
    goals: dict[int, RegionGoal]
    deadlines: dict[int, int]
    frames: Frames
    grid: pl.DataFrame  # evaluate_frame over all data years
    reach: pl.DataFrame  # reachability_frame at ``year``
    gates: pl.DataFrame  # gate_frame at ``year``
    coverage: pl.DataFrame  # coverage_frame: approved / applicable per region and year
    default_year: int  # the year shown when none is asked for (default_year)
    #: The cache key of the frames (None when not cached) and the data version in it: snapshots of results
    #: computed from the frames are stored under the same key (:meth:`snapshot`).
    key: str | None = None
    version: str | None = None
    #: After a data change, the stored entry this assessment was refreshed from (:func:`refresh`), whose results
    #: of the regions that did not change are kept.
    previous: Previous | None = None
    _scalar: dict[tuple[int, int], tuple[Evaluation, Reachability | None]] = field(default_factory=dict)
    _evaluations: dict[tuple[int, int], Evaluation] = field(default_factory=dict)
    _region_gates: dict[int, GateResult] = field(default_factory=dict)

    # -- snapshots: results computed once per data version --

    def snapshot(self, name: str, build: Callable[[], T], *, regions: Iterable[int] | None = None) -> T:
        """``build()``, kept in the cache next to the frames, under their key (program, data version, day, year).

        The stored :class:`Snapshot` carries the data version it was computed from; a data change gives a new
        key, so the next request computes afresh, unless ``regions`` names every region the result reads and the
        change touched none of them (:attr:`previous`): then the previous entry's snapshot is still true and is
        kept. Without a key (``use_cache=False``) nothing is stored.
        """
        if self.key is None:
            return build()
        key = f"{self.key}:{name}"
        stored = cache.get(key)
        if isinstance(stored, Snapshot) and stored.version == self.version:
            return stored.value  # type: ignore[no-any-return]
        kept = self.previous_snapshot(name) if regions is not None and self.unchanged(regions) else None
        value = kept.value if kept is not None else build()
        cache.set(key, Snapshot(version=self.version or "", value=value), CACHE_SECONDS)
        return value  # type: ignore[no-any-return]

    def unchanged(self, regions: Iterable[int]) -> bool:
        """Whether this assessment was refreshed from a stored entry of the same year (:attr:`previous`) and none
        of ``regions`` changed since."""
        return (
            self.previous is not None
            and self.previous.year == self.year
            and self.previous.changed.isdisjoint(regions)
        )

    def previous_snapshot(self, name: str) -> Snapshot | None:
        """The snapshot ``name`` of the entry this assessment was refreshed from, if it is still stored."""
        if self.previous is None:
            return None
        stored = cache.get(f"{self.previous.key}:{name}")
        return stored if isinstance(stored, Snapshot) and stored.version == self.previous.version else None

    # -- lookups over the bulk frames --

    @cached_property
    def region_by_id(self) -> dict[int, Region]:
        return {r.id: r for r in self.regions}

    @cached_property
    def indicator_by_id(self) -> dict[int, Indicator]:
        return {i.id: i for i in self.indicators}

    def year_grid(self) -> pl.DataFrame:
        return self.grid.filter(pl.col("year") == self.year)

    def status_map(
        self, region_ids: Iterable[int] | None = None, indicator_ids: Iterable[int] | None = None
    ) -> dict[tuple[int, int], dict]:
        """(region id, indicator id) → evaluation row of the year (with reachability status), of the given regions
        and indicators (all when None)."""
        reach = self.reach.select([*KEYS, pl.col("status").alias("reach_status")])
        grid = self.year_grid()
        if region_ids is not None:
            grid = grid.filter(pl.col("region_id").is_in(list(region_ids)))
        if indicator_ids is not None:
            grid = grid.filter(pl.col("indicator_id").is_in(list(indicator_ids)))
        rows = grid.join(reach, on=KEYS, how="left", maintain_order="left")
        names = rows.columns  # column by column, then zipped: a third quicker than iter_rows(named=True)
        region, indicator = names.index("region_id"), names.index("indicator_id")
        return {
            (r[region], r[indicator]): dict(zip(names, r, strict=True))
            for r in zip(*(rows.get_column(n).to_list() for n in names), strict=True)
        }

    # -- scalar results for displayed rows --

    def scalar(
        self, pairs: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], tuple[Evaluation, Reachability | None]]:
        """Scalar evaluation (and reachability) with sentences for the given pairs."""
        wanted = [p for p in dict.fromkeys(pairs) if p not in self._scalar]
        if wanted:
            observations = self._observations(wanted)
            for pair in wanted:
                self._scalar[pair] = self._compute_scalar(pair, observations.get(pair, Observation()))
        return {p: self._scalar[p] for p in pairs}

    def _observations(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Observation]:
        wanted = pl.DataFrame(pairs, schema={"region_id": pl.Int64, "indicator_id": pl.Int64}, orient="row")
        parts: dict[tuple[int, int], dict[str, dict]] = defaultdict(
            lambda: {"values": {}, "statuses": {}, "assigned": {}}
        )
        for name, frame, column in (
            ("values", self.frames.values, "value"),
            ("statuses", self.frames.statuses, "status"),
            ("assigned", self.frames.assigned, "value"),
        ):
            for rid, iid, year, item in (
                frame.join(wanted, on=KEYS, how="semi").select([*KEYS, "year", column]).iter_rows()
            ):
                parts[(rid, iid)][name][year] = Decimal(item) if column == "value" else item
        return {pair: Observation(base_year=self.program.base_year, **data) for pair, data in parts.items()}

    def evaluations(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Evaluation]:
        """Scalar evaluations with sentences for the given pairs, without the reachability :meth:`scalar` adds."""
        pairs = list(dict.fromkeys(pairs))
        for pair, (evaluation, _) in self._scalar.items():
            self._evaluations.setdefault(pair, evaluation)
        wanted = [p for p in pairs if p not in self._evaluations]
        if wanted:
            observations = self._observations(wanted)
            for pair in wanted:
                self._evaluations[pair] = self._compute_scalar(
                    pair, observations.get(pair, Observation()), reach=False
                )[0]
        return {p: self._evaluations[p] for p in pairs}

    def _compute_scalar(
        self, pair: tuple[int, int], observation: Observation, *, reach: bool = True
    ) -> tuple[Evaluation, Reachability | None]:
        region_id, indicator_id = pair
        indicator = self.indicator_by_id[indicator_id]
        found = self.resolved[pair]
        name = indicator.name
        if not found.applicable:
            return not_applicable(
                year=self.year,
                indicator_name=name,
                direction=indicator.direction,
                unit=indicator.unit,
                reason=found.reason or None,
            ), None
        if found.target is None:
            return _unresolvable(self.year, name, indicator.unit, found.text), None
        common = {
            "direction": indicator.direction,
            "unit": indicator.unit,
            "indicator_name": name,
            "observation": observation,
        }
        evaluation = evaluate(found.target, year=self.year, **common)
        if not reach:
            return evaluation, None
        found_reach = reachability(
            found.target, current_year=self.year, deadline_year=self.deadlines[region_id], **common
        )
        return evaluation, found_reach

    def target_line(self, pair: tuple[int, int], years: Iterable[int]) -> tuple[TargetStep, ...]:
        """The numeric target of each year for one region × indicator (:func:`calc.attainment.target_line`)."""
        found = self.resolved[pair]
        if not found.applicable or found.target is None:
            return ()
        observation = self._observations([pair]).get(pair, Observation(base_year=self.program.base_year))
        return target_line(
            found.target,
            years=years,
            direction=self.indicator_by_id[pair[1]].direction,
            observation=observation,
        )

    def region_gate(self, region_id: int) -> GateResult:
        """:func:`certification_gate` of one region in the year, with the blockers' sentences.

        The gates of the program's region and of the counties with a goal (what the cockpit, the gates API and
        the reports show) are one snapshot per data version; another region's gate is computed when asked.
        """
        if not self._region_gates:
            self._region_gates.update(self.snapshot("gates", self.stored_gates))
        if region_id not in self._region_gates:
            self._region_gates.update(self.compute_gates([region_id]))
        return self._region_gates[region_id]

    def stored_gates(self) -> dict[int, GateResult]:
        """The gates of :meth:`gate_regions`, as the snapshot keeps them.

        After a data change (:attr:`previous`), the previous snapshot's gate of a region whose inputs did not change
        is still its gate (a gate reads only its region's evaluations in the same year), so it is kept; only the
        changed regions' gates are computed.
        """
        wanted = list(dict.fromkeys(self.gate_regions()))
        kept: dict[int, GateResult] = {}
        stored = self.previous_snapshot("gates") if self.unchanged(()) else None
        if stored is not None and self.previous is not None:
            kept = {r: g for r, g in stored.value.items() if r not in self.previous.changed}
        computed = self.compute_gates([r for r in wanted if r not in kept])
        return {r: kept[r] if r in kept else computed[r] for r in wanted}

    def gate_regions(self) -> list[int]:
        """The regions whose gate is kept in the snapshot: the program's region and the counties with a goal."""
        return [self.program.region_id, *(r for r in self.goals if r in self.region_by_id)]

    def compute_gates(self, region_ids: Iterable[int]) -> dict[int, GateResult]:
        """:func:`certification_gate` of each region, with scalar evaluations for the blocking indicators only.

        The bulk grid gives every pair's status (equal to the scalar function's, see tests/calc); the gate reads a
        sentence only from a blocker (a binding indicator 未达标 or 无数据), so only those are evaluated one by one,
        and no reachability is computed: the gate has no use for it.
        """
        wanted = list(dict.fromkeys(region_ids))
        statuses = {
            (r, i): st
            for r, i, st in self.year_grid()
            .filter(pl.col("region_id").is_in(wanted))
            .select([*KEYS, "status"])
            .iter_rows()
        }
        binding = {i.id for i in self.indicators if i.binding}
        blocking = {EvaluationStatus.NOT_ATTAINED, EvaluationStatus.NO_DATA}
        blockers = [
            (r, i.id)
            for r in wanted
            for i in self.indicators
            if i.id in binding and statuses.get((r, i.id), EvaluationStatus.NO_DATA) in blocking
        ]
        sentences = self.evaluations(blockers)
        gates = {}
        for region_id in wanted:
            items = []
            for indicator in self.indicators:
                pair = (region_id, indicator.id)
                evaluation = sentences.get(pair) or _status_only(
                    EvaluationStatus(statuses.get(pair, EvaluationStatus.NO_DATA)), self.year, indicator
                )
                items.append(GateItem(indicator.code, indicator.name, bool(indicator.binding), evaluation))
            gates[region_id] = certification_gate(items)
        return gates

    def city_gate(self) -> CityGateResult:
        """The program region's gate next to its counties' goals (:func:`city_gate`) in the year."""
        counties = {}
        by_id = self.region_by_id
        for region_id, goal in self.goals.items():
            if region_id in by_id and region_id != self.program.region_id:
                counties[by_id[region_id].name] = CountyGoal(
                    goal.get_title_sought_display(), goal.target_year, self.region_gate(region_id)
                )
        return city_gate(self.region_gate(self.program.region_id), counties, year=self.year)


T = TypeVar("T")


@dataclass(frozen=True)
class Packed:
    """The cached entry of :func:`program_assessment`: its polars frames as zstd-compressed Arrow IPC bytes.

    Polars pickles a frame as uncompressed IPC (7.9 MB for 200 counties × 40 indicators × 4 years, read back
    from Redis on every request); compressed, the entry is a fraction of that and still read back in
    milliseconds. ``frames`` are the loader's four, ``computed`` the engine's four, in field order.
    """

    resolved: ResolvedTable
    errors: frozenset[tuple[int, int]]
    frames: tuple[bytes, ...]
    computed: tuple[bytes, ...]
    years: list[int]
    year: int
    default_year: int


_FRAMES = ("values", "statuses", "assigned", "targets")
_COMPUTED = ("grid", "reach", "gates", "coverage")


def _to_ipc(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")
    return buffer.getvalue()


def _from_ipc(data: bytes) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(data))


def pack(resolved: ResolvedTable, frames: Frames, computed: Computed) -> Packed:
    return Packed(
        resolved=resolved,
        errors=frames.errors,
        frames=tuple(_to_ipc(getattr(frames, n)) for n in _FRAMES),
        computed=tuple(_to_ipc(getattr(computed, n)) for n in _COMPUTED),
        years=computed.years,
        year=computed.year,
        default_year=computed.default_year,
    )


def unpack(packed: Packed) -> tuple[ResolvedTable, Frames, Computed]:
    frames = dict(zip(_FRAMES, map(_from_ipc, packed.frames), strict=True))
    computed = dict(zip(_COMPUTED, map(_from_ipc, packed.computed), strict=True))
    return (
        packed.resolved,
        Frames(**frames, errors=packed.errors),
        Computed(years=packed.years, year=packed.year, default_year=packed.default_year, **computed),
    )


def unpack_computed(packed: Packed) -> Computed:
    """The engine's output of a stored entry, without its input frames."""
    computed = dict(zip(_COMPUTED, map(_from_ipc, packed.computed), strict=True))
    return Computed(years=packed.years, year=packed.year, default_year=packed.default_year, **computed)


@dataclass(frozen=True)
class Snapshot:
    """A result stored in the cache with the data version it was computed from (:meth:`ProgramAssessment.snapshot`)."""

    version: str
    value: Any


def _status_only(status: EvaluationStatus, year: int, indicator: Indicator) -> Evaluation:
    """A non-blocking gate item's evaluation as the bulk grid gives it: the status, which is all the gate reads."""
    return Evaluation(
        status=status,
        year=year,
        indicator_name=indicator.name,
        target_text="",
        form="bulk",
        unit=indicator.unit,
        reason="",
        explanation="",
    )


def _unresolvable(year: int, name: str, unit: str, text: str) -> Evaluation:
    return Evaluation(
        status=EvaluationStatus.NO_DATA,
        year=year,
        indicator_name=name,
        target_text=text,
        form="error",
        unit=unit,
        reason=text,
        explanation=f"{year}年{name}目标{text}",
    )


def _fingerprint(
    program: Program, regions: list[Region], indicators: list[Indicator], goals: dict[int, RegionGoal]
) -> str:
    parts = [
        f"{program.id}|{program.created_at.isoformat()}|{program.base_year}|{program.target_year}"
        f"|{program.framework_id}|{program.region_id}"
    ]
    parts += [f"r{r.id}:{r.path}:{r.profile()}" for r in regions]
    parts += [
        f"i{i.id}:{i.code}:{i.name}:{i.unit}:{i.direction}:{i.binding}:{i.scope_levels}:{i.coastal_only}"
        f":{i.target_texts}:{i.order}"
        for i in indicators
    ]
    parts += [f"g{g.id}:{g.region_id}:{g.title_sought}:{g.target_year}" for g in goals.values()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class VersionParts:
    """The data version in three parts, one per kind of input it covers: the approved values and statuses, the
    assigned numbers, and what resolves targets (overrides, local edits, the province's targets).

    A request after a data change reloads only the inputs whose part moved (:func:`program_assessment`)."""

    values: str
    assigned: str
    targets: str

    @property
    def text(self) -> str:
        """The data version as one string (:func:`data_version`)."""
        return f"{self.values}|{self.assigned}|{self.targets}"


def version_parts(program: Program) -> VersionParts:
    """Five aggregate queries, one per table whose append-only rows change results (values, numbers, overrides,
    edits, the province's targets)."""
    values = IndicatorValue.objects.filter(program=program, period_type=PeriodType.YEAR)
    stats = values.filter(approved_revision__isnull=False).aggregate(
        count=Count("id"), rev=Max("approved_revision_id"), at=Max("approved_at")
    )
    tail = []
    for model in (AssignedTarget, TargetOverride, TargetEdit):
        agg = model.objects.filter(program=program).aggregate(count=Count("id"), top=Max("id"))
        tail.append(f"{agg['count']}:{agg['top']}")
    province = ProvinceTarget.objects.filter(
        province__path__in=ancestor_paths(program.region.path)
    ).aggregate(
        count=Count("id"), top=Max("id")
    )  # the province's targets (apps.programs.selectors.province_layer)
    tail.append(f"{province['count']}:{province['top']}")
    return VersionParts(
        values=f"{stats['count']}:{stats['rev']}:{stats['at'] and stats['at'].isoformat()}",
        assigned=tail[0],
        targets="|".join(tail[1:]),
    )


def data_version(program: Program) -> str:
    """The program's data version: :func:`version_parts` as one string (five aggregate queries)."""
    return version_parts(program).text


def latest_year(years: list[int], program: Program, today: dt.date) -> int:
    if years:
        return years[-1]
    return min(today.year, program.target_year)


def coverage_frame(frames: Frames, years: list[int]) -> pl.DataFrame:
    """Approved coverage per region and year, vectorised: region_id, year, approved, applicable.

    ``applicable`` counts the region's applicable leaf indicators (an unresolvable target counts: it is
    shown as 无数据); ``approved`` those of them with an approved number or status in the year.
    """
    targets = frames.targets.select(KEYS + ["applicable"])
    if frames.errors:
        targets = (
            targets.join(_error_frame(frames), on=KEYS, how="left")
            .with_columns((pl.col("applicable") | pl.col("_error").fill_null(False)).alias("applicable"))
            .drop("_error")
        )
    applicable = targets.filter(pl.col("applicable")).select(KEYS)
    per_region = applicable.group_by("region_id").agg(pl.len().cast(pl.Int64).alias("applicable"))
    # values and statuses each hold one row per pair and year; a status is counted only where that year has no
    # number (a revision may carry both), which avoids a unique() over every approved row
    keyed = [*KEYS, "year"]
    statuses_only = frames.statuses.select(keyed).join(frames.values.select(keyed), on=keyed, how="anti")
    observed = pl.concat([frames.values.select(keyed), statuses_only]).join(applicable, on=KEYS, how="semi")
    approved = observed.group_by(["region_id", "year"]).agg(pl.len().cast(pl.Int64).alias("approved"))
    grid = per_region.join(pl.DataFrame({"year": pl.Series(years, dtype=pl.Int64)}), how="cross")
    return (
        grid.join(approved, on=["region_id", "year"], how="left")
        .with_columns(pl.col("approved").fill_null(0))
        .select(["region_id", "year", "approved", "applicable"])
        .sort(["year", "region_id"])
    )


def year_coverage(
    coverage: pl.DataFrame, region_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """year → (approved, applicable) summed over the given regions (all when None)."""
    rows = coverage if region_ids is None else coverage.filter(pl.col("region_id").is_in(list(region_ids)))
    totals = rows.group_by("year").agg(pl.col("approved").sum(), pl.col("applicable").sum()).sort("year")
    return {y: (a, n) for y, a, n in totals.iter_rows()}


def default_year(years: list[int], program: Program, today: dt.date) -> int:
    """The year a dashboard opens on when none is asked for: the latest year with approved data (≤ this year).

    With no approved data at all, this year capped at the program's target year. The page says why that year is
    shown ("显示有数据的最近年份：2025年") and how much of it is reviewed; another year is one choice away. (An
    earlier rule opened the latest year reviewed to :data:`COVERAGE_THRESHOLD`, which left offices looking at
    an old year without saying so; the threshold now only colours the coverage.)
    """
    return latest_year(years, program, today)


@dataclass(frozen=True)
class Loaded:
    """Everything read from the database for a program's assessment (the loader's output)."""

    regions: list[Region]
    indicators: list[Indicator]
    goals: dict[int, RegionGoal]
    deadlines: dict[int, int]
    resolved: ResolvedTable
    frames: Frames


@dataclass(frozen=True)
class Computed:
    """The bulk engine's output for one evaluated year."""

    years: list[int]
    year: int
    grid: pl.DataFrame
    reach: pl.DataFrame
    gates: pl.DataFrame
    coverage: pl.DataFrame  # coverage_frame over the data years and the evaluated year
    default_year: int


def load_program(program: Program) -> Loaded:
    """The production loader: regions, leaf indicators, goals, resolved targets and the engine's frames."""
    regions = program_regions(program)
    indicators = [i for i in program_indicators(program) if i.scope_levels]
    return _load(program, regions, indicators, program_goals(program))


def _load(
    program: Program, regions: list[Region], indicators: list[Indicator], goals: dict[int, RegionGoal]
) -> Loaded:
    deadlines = region_deadlines(program, regions, goals)
    resolved = resolved_targets(program, regions, indicators)
    frames = load_frames(program, regions, indicators, resolved, deadlines)
    return Loaded(regions, indicators, goals, deadlines, resolved, frames)


def compute(
    loaded: Loaded,
    program: Program,
    *,
    year: int | None,
    today: dt.date,
    since: tuple[Computed, frozenset[int]] | None = None,
) -> Computed:
    """Full evaluation (every data year), reachability at the evaluated year, and the gate of every region.

    ``since`` is a result computed before a data change and the regions whose inputs changed since
    (:func:`refresh`): when the years are the same, only those regions are evaluated and their rows replace theirs
    in its grid and reachability (:func:`patch_frames`); the gates and coverage are computed over the whole.
    """
    years = data_years(loaded.frames, until=today.year)
    fallback = latest_year(years, program, today)
    coverage = coverage_frame(loaded.frames, sorted(set(years) | {fallback} | ({year} if year else set())))
    default = default_year(years, program, today)
    chosen = year if year is not None else default
    evaluated = sorted(set(years) | {chosen})
    patched = None
    if since is not None and since[0].year == chosen and sorted(set(since[0].years) | {chosen}) == evaluated:
        patched = patch_frames(loaded.frames, since[0], since[1], years=evaluated, year=chosen)
    grid, reach = patched or evaluate_frames(loaded.frames, years=evaluated, year=chosen)
    binding = pl.DataFrame(
        {
            "indicator_id": [i.id for i in loaded.indicators],
            "binding": [bool(i.binding) for i in loaded.indicators],
        },
        schema={"indicator_id": pl.Int64, "binding": pl.Boolean},
    )
    return Computed(years, chosen, grid, reach, gate_frame(grid, binding, year=chosen), coverage, default)


def patch_frames(
    frames: Frames, before: Computed, changed: frozenset[int], *, years: list[int], year: int
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The grid and reachability of ``frames`` from ``before``'s, evaluating only the ``changed`` regions.

    Each row of the bulk engine depends on its own region × indicator's inputs only, except the common decimal
    scale of its number columns (the most decimal places of any number). The changed regions are evaluated on
    their own; when their scale is ``before``'s, the whole program's scale is too (the other regions' numbers
    are as before), and their rows replace theirs, in the engine's order (target row, then year). Otherwise
    None: the caller evaluates everything.
    """
    if not changed:  # the same inputs (a value approved again with the same number): the same rows
        return before.grid, before.reach
    wanted = pl.col("region_id").is_in(list(changed))
    part = Frames(
        values=frames.values.filter(wanted),
        statuses=frames.statuses.filter(wanted),
        assigned=frames.assigned.filter(wanted),
        targets=frames.targets.filter(wanted),
        errors=frozenset(p for p in frames.errors if p[0] in changed),
    )
    grid, reach = evaluate_frames(part, years=years, year=year)
    if grid.schema != before.grid.schema or reach.schema != before.reach.schema:
        return None  # another decimal scale (or no rows to tell it by)
    order = frames.targets.select(KEYS).with_row_index("_row")

    def patched(old: pl.DataFrame, new: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        rows = pl.concat([old.filter(~wanted), new])
        return rows.join(order, on=KEYS, how="left").sort(by).drop("_row")

    return patched(before.grid, grid, ["_row", "year"]), patched(before.reach, reach, ["_row"])


@dataclass(frozen=True)
class Latest:
    """Which entry :func:`program_assessment` stored last for a program, fingerprint, day and asked year: its key
    and version parts, so that the first request after a data change starts from that entry (:func:`refresh`)."""

    key: str
    parts: VersionParts


@dataclass(frozen=True)
class Previous:
    """The stored entry a refreshed assessment started from: its key, data version and evaluated year, and the
    regions whose inputs changed since. Results stored under that key for any other region are still true."""

    key: str
    version: str
    year: int
    changed: frozenset[int]


def changed_regions(old: pl.DataFrame, new: pl.DataFrame) -> set[int]:
    """The regions with a row in one of two frames of the same columns and not in the other."""
    gone = old.join(new, on=old.columns, how="anti", nulls_equal=True)
    came = new.join(old, on=old.columns, how="anti", nulls_equal=True)
    return set(pl.concat([gone, came]).get_column("region_id").unique().to_list())


def refresh(
    program: Program,
    regions: list[Region],
    indicators: list[Indicator],
    goals: dict[int, RegionGoal],
    packed: Packed,
    was: VersionParts,
    now: VersionParts,
) -> tuple[Loaded, frozenset[int]] | None:
    """The loader's output after a data change, from the stored entry ``packed`` of version ``was``, and the regions
    whose inputs changed; None when the targets changed (then :func:`_load` reads everything again).

    Only the inputs whose part of the version moved are read again (the values and statuses in one query, the
    assigned numbers added since in two small ones, :func:`assigned_since`); the resolved targets and the
    target frame are kept, as the regions, indicators and goals are (they are in the cache key's fingerprint).
    The frames are then those a full load would give, so :func:`compute` gives the same results.
    """
    if was.targets != now.targets:
        return None
    old = dict(zip(_FRAMES, packed.frames, strict=True))
    if was.values == now.values:
        values, statuses = _from_ipc(old["values"]), _from_ipc(old["statuses"])
        changed: set[int] = set()
    else:
        values, statuses = load_values(program)
        changed = changed_regions(_from_ipc(old["values"]), values)
        changed |= changed_regions(_from_ipc(old["statuses"]), statuses)
    before = _from_ipc(old["assigned"])
    if was.assigned == now.assigned:
        assigned = before
    else:
        found = assigned_since(program, before, was.assigned, now.assigned)
        assigned = found if found is not None else load_assigned(program)
        changed |= changed_regions(before, assigned)
    frames = Frames(
        values=values,
        statuses=statuses,
        assigned=assigned,
        targets=_from_ipc(old["targets"]),
        errors=packed.errors,
    )
    loaded = Loaded(
        regions, indicators, goals, region_deadlines(program, regions, goals), packed.resolved, frames
    )
    return loaded, frozenset(changed)


def _inputs(
    program: Program, year: int | None, today: dt.date | None
) -> tuple[dt.date, list[Region], list[Indicator], dict[int, RegionGoal]]:
    """What :func:`program_assessment` and :func:`assessment_key` read first: the day (today by default), the
    program's regions, its leaf indicators of some level and the counties' goals; a ``year`` too far from the
    program's years is a :class:`NotFoundError`."""
    if year is not None and not (
        program.base_year - YEAR_MARGIN <= year <= program.target_year + YEAR_MARGIN
    ):
        raise NotFoundError(f"没有{year}年度的评估。")
    regions = program_regions(program)
    indicators = [i for i in program_indicators(program) if i.scope_levels]
    return today or timezone.localdate(), regions, indicators, program_goals(program)


def _base_key(
    program: Program, regions: list[Region], indicators: list[Indicator], goals: dict[int, RegionGoal]
) -> str:
    """The cache keys' stem: the program and the fingerprint of its regions, indicators and goals."""
    return f"assessment:{program.id}:{_fingerprint(program, regions, indicators, goals)}"


def program_assessment(
    program: Program, *, year: int | None = None, today: dt.date | None = None, use_cache: bool = True
) -> ProgramAssessment:
    """Evaluation, reachability and gates of every region × leaf indicator of ``program``.

    ``year`` defaults to :func:`default_year` (the latest year with approved data). A constant number of
    queries whatever the number of regions, indicators and values. With ``use_cache`` the loaded and
    computed frames are kept in the Django cache under the program's data version; after a data change, the
    first request reads again only the inputs that changed (:func:`refresh`) and keeps the stored gates of the
    regions whose inputs did not (:meth:`ProgramAssessment.region_gate`).
    """
    today, regions, indicators, goals = _inputs(program, year, today)
    key = version = latest_key = parts = None
    payload = None
    previous = since = None
    if use_cache:
        parts = version_parts(program)
        version = parts.text
        base = _base_key(program, regions, indicators, goals)
        key = f"{base}:{version}:{today}:{year}"
        latest_key = f"{base}:latest:{today}:{year}"
        stored = cache.get(key)
        payload = unpack(stored) if isinstance(stored, Packed) else None
    if payload is None:
        loaded = None
        if key is not None and parts is not None:
            latest = cache.get(latest_key)
            stored = cache.get(latest.key) if isinstance(latest, Latest) else None
            found = (
                refresh(program, regions, indicators, goals, stored, latest.parts, parts)
                if isinstance(stored, Packed)
                else None
            )
            if found is not None:
                loaded, changed = found
                previous = Previous(
                    key=latest.key, version=latest.parts.text, year=stored.year, changed=changed
                )
                since = (unpack_computed(stored), changed)
        if loaded is None:
            loaded = _load(program, regions, indicators, goals)
        payload = (
            loaded.resolved,
            loaded.frames,
            compute(loaded, program, year=year, today=today, since=since),
        )
        if key is not None and parts is not None:
            cache.set(key, pack(*payload), CACHE_SECONDS)
            cache.set(latest_key, Latest(key=key, parts=parts), CACHE_SECONDS)
    resolved, frames, computed = payload
    if previous is not None and previous.year != computed.year:
        previous = None  # the stored results are of another year
    return ProgramAssessment(
        program=program,
        year=computed.year,
        years=computed.years,
        regions=regions,
        indicators=indicators,
        resolved=resolved,
        goals=goals,
        deadlines=region_deadlines(program, regions, goals),
        frames=frames,
        grid=computed.grid,
        reach=computed.reach,
        gates=computed.gates,
        coverage=computed.coverage,
        default_year=computed.default_year,
        key=key,
        version=version,
        previous=previous,
    )


@dataclass(frozen=True)
class AssessmentKey:
    """Where :func:`program_assessment` keeps a program's frames and snapshots, found without reading them."""

    key: str
    version: str
    regions: list[Region]  # the program's regions, as program_assessment reads them


def assessment_key(
    program: Program, *, year: int | None = None, today: dt.date | None = None
) -> AssessmentKey:
    """The cache key and data version :func:`program_assessment` uses for the same arguments (the same queries,
    but not the cached frames): a page whose presented result is a snapshot reads it with :func:`stored_snapshot`
    and needs the frames only when the snapshot is missing or out of date."""
    today, regions, indicators, goals = _inputs(program, year, today)
    version = data_version(program)
    key = f"{_base_key(program, regions, indicators, goals)}:{version}:{today}:{year}"
    return AssessmentKey(key=key, version=version, regions=regions)


def stored_snapshots(where: AssessmentKey, *names: str) -> dict[str, Any]:
    """The values of the snapshots ``names`` that :meth:`ProgramAssessment.snapshot` stored under ``where`` and
    that are of its data version (one cache read for all; a missing or outdated one is left out)."""
    found = cache.get_many([f"{where.key}:{name}" for name in names])
    return {
        name: stored.value
        for name in names
        if isinstance(stored := found.get(f"{where.key}:{name}"), Snapshot)
        and stored.version == where.version
    }


__all__ = [
    "AssessmentKey",
    "Computed",
    "Frames",
    "Latest",
    "Loaded",
    "Packed",
    "Previous",
    "assigned_since",
    "ProgramAssessment",
    "ResolvedTable",
    "Snapshot",
    "assessment_key",
    "compute",
    "coverage_frame",
    "default_year",
    "load_program",
    "data_version",
    "evaluate_frames",
    "gate_frame",
    "load_frames",
    "pack",
    "patch_frames",
    "program_assessment",
    "refresh",
    "resolved_targets",
    "stored_snapshots",
    "unpack",
    "version_parts",
    "VersionParts",
]
