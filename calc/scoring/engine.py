"""The scoring engine: every subject × item × period of a scheme in one pass of polars expressions.

All arithmetic is on exact integers (Int128): fact values and scheme numbers in units of 10⁻⁶, points in units
of 10⁻ᵖ (``p`` = the scheme's ``places``). Each division rounds the exact rational once, half away from zero
(四舍五入). The rules, with the order of floor, bonus and zero-if, are stated in ``docs/scoring.md``; every result
column is explained there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import polars as pl

from calc.scoring.inputs import (
    UNIT,
    period_pattern,
    prepare_exemptions,
    prepare_facts,
    prepare_manual,
    prepare_subjects,
)
from calc.scoring.scheme import (
    BonusCapped,
    CompositeIndex,
    EventDeduction,
    GapLinear,
    GradeMap,
    Item,
    PeriodicEvents,
    RankPoints,
    Scheme,
    ThresholdCount,
)
from calc.scoring.text import explain

__all__ = ["STATUSES", "TOTAL_COLUMNS", "TRACE_COLUMNS", "Scoring", "score"]

#: What a trace row's ``status`` says.
STATUSES: Final = {
    "scored": "按规则计分",
    "missing": "缺数据",
    "not_applicable": "不适用",
    "unmapped": "等级无对应分值",
    "zeroed": "触发零分条件",
    "hit": "触发",
    "clear": "未触发",
}
#: Columns of :attr:`Scoring.trace`, in order.
TRACE_COLUMNS: Final = (
    "subject", "period", "group", "section", "item", "rule", "kind", "status", "points", "max", "actual", "text",
    "target", "comparison", "gap", "counted_gap", "rounding", "count", "severe", "waived_parts", "waived",
    "deduction", "bonus", "bonus_count", "cap_hit", "floor_hit", "rank", "ranked", "top", "index",
    "missing_inputs", "na_inputs", "cond_value", "cond_other", "hit", "grade", "reason",
)
#: Columns of :attr:`Scoring.totals` (then the subjects' own extra columns).
TOTAL_COLUMNS: Final = (
    "subject", "period", "group", "total", "base", "bonus", "deduction", "band_grade", "grade", "vetoed", "capped",
    "rank", "ranked",
)
_PARTITION = ["group", "period", "item"]
_SP = ["subject", "period"]
_I128 = pl.Int128


def _i(value: int) -> pl.Expr:
    return pl.lit(value, dtype=_I128)


def _neg(expr: pl.Expr) -> pl.Expr:
    return _i(0) - expr  # polars has no unary minus for Int128


def _rdiv(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """``numerator / denominator`` (denominator > 0) rounded half away from zero."""
    quotient = (numerator.abs() * 2 + denominator) // (denominator * 2)
    return pl.when(numerator < 0).then(_neg(quotient)).otherwise(quotient)


def _max0(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr < 0).then(_i(0)).otherwise(expr)


def _min(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(a < b).then(a).otherwise(b)


def _s6(value: Decimal | None) -> int | None:
    return None if value is None else int(value * UNIT)


def _compare(left: pl.Expr, op: pl.Expr, right: pl.Expr) -> pl.Expr:
    """``left op right`` for a column of operators; false when either side is missing."""
    result = (pl.when(op == ">=").then(left >= right).when(op == ">").then(left > right)
              .when(op == "<=").then(left <= right).when(op == "<").then(left < right)
              .when(op == "=").then(left == right).when(op == "!=").then(left != right))
    return result.fill_null(False)


# --------------------------------------------------------------------------------------------------
# the scheme as frames


def _rule_params(item: Item, q: int) -> dict[str, Any]:
    rule = item.rule
    row: dict[str, Any] = {"key": getattr(rule, "key", None)}
    if isinstance(rule, GapLinear):
        row.update(target=_s6(rule.target), target_key=rule.target_key, per=_s6(rule.per), deduct=_s6(rule.deduct),
                   rounding=rule.rounding, comparison=rule.comparison)
    elif isinstance(rule, ThresholdCount):
        row.update(required=_s6(rule.required), deduct=_s6(rule.deduct))
    elif isinstance(rule, RankPoints | CompositeIndex):
        row.update(order=getattr(rule, "order", "higher"), mode=rule.mode, step=int(rule.step * q))
    elif isinstance(rule, PeriodicEvents):
        row.update(deduct=_s6(rule.deduct), severe_deduct=_s6(rule.severe_deduct))
    elif isinstance(rule, BonusCapped | EventDeduction):
        row.update(per=_s6(rule.per))
    return row


def _item_frame(scheme: Scheme) -> pl.DataFrame:
    q = 10**scheme.places
    rows = []
    for order, item in enumerate(scheme.items):
        section = scheme.section_of(item.code)
        base = {
            "item": item.code, "section": section.code, "rule": item.rule.type, "kind": item.kind, "ord": order,
            "P": int(item.points * q), "missing_full": item.missing == "full", "floor": item.floor,
            **_rule_params(item, q),
        }
        if item.bonus is not None:
            base.update(bonus_key=item.bonus.key, bonus_per=_s6(item.bonus.per), bonus_cap=int(item.bonus.cap * q))
        if item.zero_if is not None:
            base.update(zero_key=item.zero_if.key, zero_op=item.zero_if.op, zero_value=_s6(item.zero_if.value),
                        zero_other=item.zero_if.other_key)
        rows += [{**base, "group": group} for group in (item.groups or scheme.groups)]
    ints = ("P", "target", "per", "deduct", "required", "step", "severe_deduct", "bonus_per", "bonus_cap",
            "zero_value")
    strings = ("key", "target_key", "rounding", "comparison", "order", "mode", "bonus_key", "zero_key", "zero_op",
               "zero_other")
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "group": pl.String, "item": pl.String, "section": pl.String, "rule": pl.String, "kind": pl.String,
        "ord": pl.Int64, "missing_full": pl.Boolean, "floor": pl.Boolean,
        **{name: _I128 for name in ints}, **{name: pl.String for name in strings},
    }
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema, orient="row")


def _map_frame(scheme: Scheme) -> pl.DataFrame:
    q = 10**scheme.places
    rows = [(item.code, name, int(points * q)) for item in scheme.items if isinstance(item.rule, GradeMap)
            for name, points in item.rule.points]
    return pl.DataFrame(rows, schema={"item": pl.String, "text": pl.String, "map_points": _I128}, orient="row")


def _indicator_frame(scheme: Scheme) -> pl.DataFrame:
    rows = [(item.code, ind.key, _s6(ind.weight), ind.order) for item in scheme.items
            if isinstance(item.rule, CompositeIndex) for ind in item.rule.indicators]
    return pl.DataFrame(rows, schema={"item": pl.String, "key": pl.String, "weight": _I128, "order": pl.String},
                        orient="row")


def _periodic_frame(scheme: Scheme) -> pl.DataFrame:
    rows = []
    for item in scheme.items:
        rule = item.rule
        if isinstance(rule, PeriodicEvents):
            rows += [(item.code, key, role) for key, role in
                     ((rule.key, "missed"), (rule.severe_key, "severe"), (rule.waiver_key, "waiver")) if key]
    return pl.DataFrame(rows, schema={"item": pl.String, "key": pl.String, "role": pl.String}, orient="row")


def _key_frame(scheme: Scheme) -> pl.DataFrame:
    rows = [(item.code, key) for item in scheme.items for key in item.keys()]
    return pl.DataFrame(rows, schema={"item": pl.String, "key": pl.String}, orient="row")


# --------------------------------------------------------------------------------------------------
# facts attached to the grid


def _attach(grid: pl.DataFrame, table: pl.DataFrame, key_column: str, columns: dict[str, str]) -> pl.DataFrame:
    """Left-join ``table``'s ``columns`` (renamed) on subject, period and ``grid[key_column]`` = ``table.key``."""
    right = table.select(*_SP, pl.col("key").alias(key_column), *[pl.col(a).alias(b) for a, b in columns.items()])
    return grid.join(right, on=[*_SP, key_column], how="left")


def _periodic(facts: pl.DataFrame, scheme: Scheme, items: pl.DataFrame) -> pl.DataFrame:
    """Per subject × period × periodic item: counted misses, deductions (units 10⁻¹²) and waivers."""
    roles = _periodic_frame(scheme)
    params = items.select("item", "deduct", "severe_deduct").unique("item")
    role_value = {role: pl.col("v").filter(pl.col("role") == role) for role in ("missed", "severe", "waiver")}
    parts = (facts.join(roles, on="key").group_by(*_SP, "item", "part")
             .agg(missed=role_value["missed"].sum(), severe=role_value["severe"].sum(),
                  waived=(role_value["waiver"] != 0).any())
             .join(params, on="item")
             .with_columns(ded=pl.col("missed") * pl.col("deduct") + pl.col("severe") * pl.col("severe_deduct")))
    kept = ~pl.col("waived")
    return parts.group_by(*_SP, "item").agg(
        pe_missed=pl.col("missed").filter(kept).sum(), pe_severe=pl.col("severe").filter(kept).sum(),
        pe_ded=pl.col("ded").filter(kept).sum(), pe_waived=pl.col("ded").filter(pl.col("waived")).sum(),
        pe_waived_parts=pl.col("waived").sum().cast(pl.Int64))


def _composite(single: pl.DataFrame, scheme: Scheme, grid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per subject × period × composite item: the index; and per indicator its individual index."""
    indicators = _indicator_frame(scheme)
    rows = (grid.filter(pl.col("rule") == "composite_index").select(*_SP, "group", "item")
            .join(indicators, on="item")
            .join(single.select(*_SP, "key", "v", "na"), on=[*_SP, "key"], how="left")
            .with_columns(pl.col("na").fill_null(False)))
    ok = pl.col("v").is_not_null() & ~pl.col("na")
    window = ["group", "period", "item", "key"]
    low, high = pl.col("v").filter(ok).min().over(window), pl.col("v").filter(ok).max().over(window)
    rise = pl.when(pl.col("order") == "higher").then(pl.col("v") - low).otherwise(high - pl.col("v"))
    rows = rows.with_columns(index=pl.when(pl.col("na")).then(None).when(pl.col("v").is_null()).then(_i(60 * UNIT))
                             .when(high == low).then(_i(100 * UNIT))
                             .otherwise(_i(60 * UNIT) + _rdiv(rise * (40 * UNIT), high - low)))
    weight = pl.when(pl.col("na")).then(_i(0)).otherwise(pl.col("weight"))
    agg = rows.group_by(*_SP, "item").agg(
        ci_weight=weight.sum(), ci_sum=(weight * pl.col("index").fill_null(0)).sum(),
        missing_inputs=(pl.col("v").is_null() & ~pl.col("na")).sum().cast(pl.Int64),
        na_inputs=pl.col("na").sum().cast(pl.Int64))
    agg = agg.with_columns(ci_index=pl.when(pl.col("ci_weight") > 0).then(_rdiv(pl.col("ci_sum"), pl.col("ci_weight"))))
    return agg.drop("ci_sum"), rows.select(*_SP, "item", "key", "index")


def _manual_points(manual: pl.DataFrame, scheme: Scheme, grid: pl.DataFrame) -> pl.DataFrame:
    """Manual entries checked against their items (kind, range, decimals); ``mq`` in units of 10⁻ᵖ."""
    step = 10 ** (6 - scheme.places)
    joined = manual.join(grid.select(*_SP, "item", "rule", "kind", "P"), on=[*_SP, "item"], how="left")
    stray = joined.filter(pl.col("rule").is_null() | (pl.col("rule") != "manual"))
    if stray.height:
        row = stray.row(0, named=True)
        raise ValueError(f"manual: {row['subject']} {row['period']} {row['item']} is not a manual item of a scored "
                         "subject and period")
    mq = pl.col("mv") // step
    low = pl.when(pl.col("kind") == "deduction").then(_neg(pl.col("P"))).otherwise(_i(0))
    high = pl.when(pl.col("kind") == "deduction").then(_i(0)).otherwise(pl.col("P"))
    bad = joined.filter((pl.col("mv") % step != 0) | (mq < low) | (mq > high))
    if bad.height:
        row = bad.row(0, named=True)
        raise ValueError(f"manual: {row['subject']} {row['period']} {row['item']}: points {row['points']} are out of "
                         f"range or have more than {scheme.places} decimals")
    return joined.select(*_SP, "item", mq.alias("mq"), pl.col("reason").alias("manual_reason"))


def _grid(scheme: Scheme, subjects: pl.DataFrame, periods: Sequence[str]) -> pl.DataFrame:
    pairs = subjects.select("subject", "group").join(pl.DataFrame({"period": list(periods)}, schema={"period": pl.String}),
                                                     how="cross")
    return pairs.join(_item_frame(scheme), on="group")


def _with_facts(grid: pl.DataFrame, facts: pl.DataFrame, scheme: Scheme, exemptions: pl.DataFrame,
                manual: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    single = facts.filter(pl.col("part").is_null()).select(*_SP, "key", "v", "text", "na")
    counted = (ThresholdCount, BonusCapped, EventDeduction)
    count_keys = {item.rule.key for item in scheme.items if isinstance(item.rule, counted)}
    count_keys |= {item.bonus.key for item in scheme.items if item.bonus is not None}
    totals = (facts.filter(pl.col("key").is_in(sorted(count_keys))).group_by(*_SP, "key")
              .agg(total=pl.col("v").sum()))
    grid = _attach(grid, single, "key", {"v": "actual", "text": "text", "na": "na_main"})
    grid = _attach(grid, totals, "key", {"total": "cnt"})
    grid = _attach(grid, single, "target_key", {"v": "own_target"})
    grid = _attach(grid, totals, "bonus_key", {"total": "bonus_count"})
    grid = _attach(grid, single, "zero_key", {"v": "cond_value"})
    grid = _attach(grid, single, "zero_other", {"v": "cond_other_fact"})
    composite, indexes = _composite(single, scheme, grid)
    grid = (grid.join(_periodic(facts, scheme, grid), on=[*_SP, "item"], how="left")
            .join(composite, on=[*_SP, "item"], how="left")
            .join(_map_frame(scheme), on=["item", "text"], how="left")
            .join(exemptions.rename({"reason": "na_reason"}), on=[*_SP, "item"], how="left")
            .join(_manual_points(manual, scheme, grid), on=[*_SP, "item"], how="left"))
    return grid, indexes


# --------------------------------------------------------------------------------------------------
# the rules


def _rule_is(*names: str) -> pl.Expr:
    return pl.col("rule").is_in(names)


def _gap_columns() -> list[pl.Expr]:
    target = pl.coalesce(pl.col("target"), pl.col("own_target"))
    gap = _max0(pl.when(pl.col("comparison") == "<=").then(pl.col("actual") - target)
                .otherwise(target - pl.col("actual")))
    short = _max0(pl.col("required") - pl.col("cnt").fill_null(0))
    return [pl.when(_rule_is("gap_linear")).then(target).when(_rule_is("threshold_count")).then(pl.col("required"))
            .alias("target"),
            pl.when(_rule_is("gap_linear")).then(gap).when(_rule_is("threshold_count")).then(short).alias("gap")]


def _counted_gap() -> pl.Expr:
    """The gap as counted: exactly, or in whole ``per`` steps rounded up or down."""
    gap, per = pl.col("gap"), pl.col("per")
    return (pl.when(pl.col("rounding") == "up").then((gap + per - 1) // per * per)
            .when(pl.col("rounding") == "down").then(gap // per * per).otherwise(gap))


def _amounts(q: int) -> list[pl.Expr]:
    """``deduction``: what a deduction rule takes off before the floor or cap; ``bonus``: an attached bonus
    after its cap, or what a ``bonus_capped`` item earns before its cap."""
    count = pl.col("cnt").fill_null(0)
    per_event = _rdiv(count * pl.col("per") * q, UNIT * UNIT)
    deduction = (pl.when(_rule_is("gap_linear")).then(_rdiv(pl.col("counted_gap") * pl.col("deduct") * q,
                                                            pl.col("per") * UNIT))
                 .when(_rule_is("threshold_count")).then(_rdiv(pl.col("gap") * pl.col("deduct") * q, UNIT * UNIT))
                 .when(_rule_is("periodic_events")).then(_rdiv(pl.col("pe_ded").fill_null(0) * q, UNIT * UNIT))
                 .when(_rule_is("event_deduction")).then(per_event))
    earned = _rdiv(pl.col("bonus_count").fill_null(0) * pl.col("bonus_per") * q, UNIT * UNIT)
    bonus = (pl.when(_rule_is("bonus_capped")).then(per_event)
             .when(pl.col("bonus_key").is_not_null()).then(_min(earned, pl.col("bonus_cap"))))
    cap_hit = (pl.when(_rule_is("bonus_capped", "event_deduction")).then(per_event > pl.col("P"))
               .when(pl.col("bonus_key").is_not_null()).then(earned > pl.col("bonus_cap")).otherwise(False))
    return [deduction.alias("deduction"), bonus.alias("bonus"), cap_hit.fill_null(False).alias("cap_hit")]


def _rank_columns(partition: list[str]) -> list[pl.Expr]:
    ranks = _rule_is("rank_points") | (_rule_is("composite_index") & (pl.col("mode") == "step"))
    value = (pl.when(_rule_is("composite_index")).then(pl.col("ci_index"))
             .when(pl.col("order") == "lower").then(_neg(pl.col("actual"))).otherwise(pl.col("actual")))
    value = pl.when(ranks & ~pl.col("na")).then(value)
    return [value.rank("min", descending=True).over(partition).cast(pl.Int64).alias("rank"),
            value.count().over(partition).cast(pl.Int64).alias("ranked"),
            pl.when(_rule_is("rank_points") & ~pl.col("na")).then(pl.col("actual")).max().over(partition).alias("top")]


def _raw() -> pl.Expr:
    """The item's points by its rule, before bonus, floor and status."""
    stepped = _max0(pl.col("P") - (pl.col("rank").cast(_I128) - 1) * pl.col("step"))
    share = pl.when(pl.col("top") > 0).then(_rdiv(pl.col("P") * _max0(pl.col("actual")), pl.col("top"))).otherwise(_i(0))
    return (pl.when(_rule_is("gap_linear", "threshold_count", "periodic_events")).then(pl.col("P") - pl.col("deduction"))
            .when(_rule_is("bonus_capped")).then(_min(pl.col("bonus"), pl.col("P")))
            .when(_rule_is("event_deduction")).then(_neg(_min(pl.col("deduction"), pl.col("P"))))
            .when(pl.col("mode") == "step").then(stepped)
            .when(_rule_is("rank_points")).then(share)
            .when(_rule_is("composite_index")).then(_rdiv(pl.col("P") * pl.col("ci_index"), 100 * UNIT))
            .when(_rule_is("grade_map")).then(pl.col("map_points"))
            .when(_rule_is("manual")).then(pl.col("mq")))


def _missing() -> pl.Expr:
    return (pl.when(_rule_is("gap_linear")).then(pl.col("actual").is_null() | pl.col("target").is_null())
            .when(_rule_is("rank_points")).then(pl.col("actual").is_null())
            .when(_rule_is("grade_map")).then(pl.col("text").is_null())
            .when(_rule_is("manual")).then(pl.col("mq").is_null())
            .otherwise(False))


def _finish(bonus_order: str) -> list[pl.Expr]:
    raw, bonus = pl.col("raw"), pl.col("bonus").fill_null(0)
    base = pl.col("kind") == "base"
    if bonus_order == "after":
        floored, floor_hit = _max0(raw) + bonus, raw < 0
    else:
        floored, floor_hit = _max0(raw + bonus), raw + bonus < 0
    scored = pl.when(base & pl.col("floor")).then(floored).when(base).then(raw + bonus).otherwise(raw)
    full = pl.when(base).then(pl.col("P")).otherwise(_i(0))
    status = (pl.when(pl.col("na")).then(pl.lit("not_applicable")).when(pl.col("missing")).then(pl.lit("missing"))
              .when(_rule_is("grade_map") & pl.col("map_points").is_null()).then(pl.lit("unmapped"))
              .when(pl.col("zeroed")).then(pl.lit("zeroed")).otherwise(pl.lit("scored")))
    points = (pl.when(status == "not_applicable").then(full)
              .when(status == "missing").then(pl.when(pl.col("missing_full")).then(full).otherwise(_i(0)))
              .when(status == "scored").then(scored).otherwise(_i(0)))
    return [status.alias("status"), points.alias("points"),
            (base & pl.col("floor") & floor_hit.fill_null(False)).alias("floor_hit")]


def _score_items(grid: pl.DataFrame, q: int, bonus_order: str) -> pl.DataFrame:
    grid = grid.with_columns(
        na=(pl.col("na_reason").is_not_null() | (~_rule_is("composite_index") & pl.col("na_main").fill_null(False))
            | (_rule_is("composite_index") & (pl.col("ci_weight").fill_null(0) == 0))),
        zeroed=_compare(pl.col("cond_value"), pl.col("zero_op"), pl.coalesce(pl.col("zero_value"), pl.col("cond_other_fact"))),
        cond_other=pl.coalesce(pl.col("zero_value"), pl.col("cond_other_fact")),
        reason=pl.coalesce(pl.col("na_reason"), pl.col("manual_reason")),
    ).with_columns(_gap_columns()).with_columns(_rank_columns(_PARTITION), counted_gap=_counted_gap()
    ).with_columns(_amounts(q)).with_columns(raw=_raw(), missing=_missing())
    return grid.with_columns(_finish(bonus_order)).with_columns(
        count=pl.when(_rule_is("periodic_events")).then(pl.col("pe_missed").fill_null(0))
        .when(_rule_is("threshold_count", "bonus_capped", "event_deduction")).then(pl.col("cnt").fill_null(0)),
        severe=pl.when(_rule_is("periodic_events")).then(pl.col("pe_severe").fill_null(0)),
        waived=pl.when(_rule_is("periodic_events")).then(_rdiv(pl.col("pe_waived").fill_null(0) * q, UNIT * UNIT)),
        waived_parts=pl.when(_rule_is("periodic_events")).then(pl.col("pe_waived_parts").fill_null(0)),
        bonus_count=pl.when(pl.col("bonus_key").is_not_null()).then(pl.col("bonus_count").fill_null(0)),
        hit=pl.lit(None, dtype=pl.Boolean), grade=pl.lit(None, dtype=pl.String),
        index=pl.col("ci_index"),
    )


def _adjustments(scheme: Scheme, subjects: pl.DataFrame, periods: Sequence[str], single: pl.DataFrame) -> pl.DataFrame:
    rows = [(a.code, a.kind, order, a.when.key, a.when.op, _s6(a.when.value), a.when.other_key, a.grade or None)
            for order, a in enumerate(scheme.adjustments, start=len(scheme.items))]
    schema = {"item": pl.String, "rule": pl.String, "ord": pl.Int64, "key": pl.String, "op": pl.String,
              "value": _I128, "other_key": pl.String, "grade": pl.String}
    adjustments = pl.DataFrame(rows, schema=schema, orient="row")
    grid = (subjects.select("subject", "group").join(pl.DataFrame({"period": list(periods)}, schema={"period": pl.String}),
                                                     how="cross").join(adjustments, how="cross"))
    grid = _attach(grid, single, "key", {"v": "cond_value"})
    grid = _attach(grid, single, "other_key", {"v": "other_fact"})
    hit = _compare(pl.col("cond_value"), pl.col("op"), pl.coalesce(pl.col("value"), pl.col("other_fact")))
    return grid.with_columns(
        cond_other=pl.coalesce(pl.col("value"), pl.col("other_fact")), hit=hit, kind=pl.lit("adjustment"),
        status=pl.when(hit).then(pl.lit("hit")).otherwise(pl.lit("clear")), section=pl.lit(None, dtype=pl.String),
        points=_i(0), P=_i(0), cap_hit=pl.lit(False), floor_hit=pl.lit(False))


# --------------------------------------------------------------------------------------------------
# totals and output


def _points(expr: pl.Expr, places: int) -> pl.Expr:
    return expr.cast(_I128).reinterpret(dtype=pl.Decimal(38, places))


def _value(expr: pl.Expr) -> pl.Expr:
    return expr.cast(_I128).reinterpret(dtype=pl.Decimal(38, 6))


def _totals(scheme: Scheme, trace: pl.DataFrame, subjects: pl.DataFrame) -> pl.DataFrame:
    kind = pl.col("kind")
    names = [g.name for g in scheme.grades]
    worst = len(names) - 1
    band = pl.lit(worst, dtype=pl.Int64)
    for index in range(worst - 1, -1, -1):
        minimum = scheme.grades[index].min
        assert minimum is not None
        band = pl.when(pl.col("total") >= int(minimum * 10**scheme.places)).then(pl.lit(index, dtype=pl.Int64)).otherwise(band)
    cap_index = pl.col("grade").replace_strict({n: i for i, n in enumerate(names)}, default=None, return_dtype=pl.Int64)
    adjust = pl.col("hit").fill_null(False)
    totals = trace.group_by(*_SP, "group").agg(
        total=pl.col("points").filter(kind != "adjustment").sum(),
        base=pl.col("points").filter(kind == "base").sum(), bonus=pl.col("points").filter(kind == "bonus").sum()
        + pl.col("bonus").filter(kind == "base").sum(),
        deduction=pl.col("points").filter(kind == "deduction").sum(),
        vetoed=(adjust & (pl.col("rule") == "veto")).any(),
        cap=cap_index.filter(adjust & (pl.col("rule") == "grade_cap")).max(),
    ).with_columns(band=band)
    final = (pl.when(pl.col("vetoed")).then(pl.lit(worst, dtype=pl.Int64))
             .when(pl.col("cap") > pl.col("band")).then(pl.col("cap")).otherwise(pl.col("band")))
    totals = totals.with_columns(
        band_grade=pl.col("band").replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        grade=final.replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        capped=~pl.col("vetoed") & (pl.col("cap") > pl.col("band")).fill_null(False),
        rank=pl.col("total").rank("min", descending=True).over("group", "period").cast(pl.Int64),
        ranked=pl.len().over("group", "period").cast(pl.Int64),
    )
    places = scheme.places
    extra = [c for c in subjects.columns if c not in ("subject", "group")]
    return (totals.with_columns(_points(pl.col(c), places) for c in ("total", "base", "bonus", "deduction"))
            .select(TOTAL_COLUMNS).join(subjects.select("subject", *extra), on="subject", how="left")
            .sort("group", "period", "rank", "subject"))


def _trace_frame(items: pl.DataFrame, adjustments: pl.DataFrame, places: int) -> pl.DataFrame:
    frame = pl.concat([items, adjustments], how="diagonal_relaxed")
    points = ("points", "max", "deduction", "bonus", "waived")
    values = ("actual", "target", "gap", "counted_gap", "count", "severe", "bonus_count", "top", "index",
              "cond_value", "cond_other")
    frame = frame.rename({"P": "max"}).sort("subject", "period", "ord")
    return frame.select(
        *[_points(pl.col(c), places) if c in points else _value(pl.col(c)) if c in values else pl.col(c)
          for c in TRACE_COLUMNS])


@dataclass(frozen=True)
class Scoring:
    """The result of :func:`score`.

    ``totals``: one row per subject × period (``TOTAL_COLUMNS``); ``trace``: one row per subject × period × item
    and adjustment (``TRACE_COLUMNS``); ``inputs``: the facts each trace row read, with their sources.
    """

    scheme: Scheme
    periods: tuple[str, ...]
    totals: pl.DataFrame
    trace: pl.DataFrame
    inputs: pl.DataFrame

    def sheet(self, subject: str, period: str) -> list[dict[str, Any]]:
        """One subject's score sheet: its trace rows in scheme order, each with its ``sentence``."""
        rows = self.trace.filter((pl.col("subject") == subject) & (pl.col("period") == period)).to_dicts()
        return [{**row, "sentence": explain(row, self.scheme)} for row in rows]

    def explained(self) -> pl.DataFrame:
        """:attr:`trace` with a ``sentence`` column (per row in Python: for pages and exports, not bulk work)."""
        sentences = [explain(row, self.scheme) for row in self.trace.iter_rows(named=True)]
        return self.trace.with_columns(pl.Series("sentence", sentences, dtype=pl.String))


def _periods(scheme: Scheme, facts: pl.DataFrame, manual: pl.DataFrame, periods: Iterable[str] | None) -> tuple[str, ...]:
    if periods is None:
        found = set(facts.get_column("period").unique().to_list()) | set(manual.get_column("period").unique().to_list())
    else:
        found = {str(p) for p in periods}
    pattern = period_pattern(scheme.period)
    wrong = sorted(p for p in found if not pattern.fullmatch(p))
    if wrong:
        raise ValueError(f"periods {wrong} are not {scheme.period} periods (e.g. 2025, 2025-H1, 2025-03)")
    return tuple(sorted(found))


def _inputs(facts: pl.DataFrame, scheme: Scheme, trace: pl.DataFrame, indexes: pl.DataFrame) -> pl.DataFrame:
    scored = trace.filter(pl.col("kind") != "adjustment").select(*_SP, "item")
    rows = (facts.join(_key_frame(scheme), on="key").join(scored, on=[*_SP, "item"], how="semi")
            .join(indexes.filter(pl.col("index").is_not_null()), on=[*_SP, "item", "key"], how="left"))
    return rows.select(*_SP, "item", "key", "part", pl.col("value").cast(pl.Decimal(38, 6)), "text", "na",
                       "source_kind", "source_id", _value(pl.col("index")).alias("index")).sort(*_SP, "item", "key", "part")


def score(scheme: Scheme, subjects: pl.DataFrame, facts: pl.DataFrame, *, periods: Iterable[str] | None = None,
          exemptions: pl.DataFrame | None = None, manual: pl.DataFrame | None = None) -> Scoring:
    """Score every subject in every period by ``scheme``.

    Parameters
    ----------
    scheme : Scheme
        A validated scheme (:func:`calc.scoring.schemefile.loads`).
    subjects, facts, exemptions, manual : polars.DataFrame
        See :mod:`calc.scoring.inputs` for their columns.
    periods : iterable of str, optional
        The periods to score; by default every period of ``facts`` and ``manual``.

    Returns
    -------
    Scoring
        Totals, trace rows and the inputs each row read. Each total is the sum of its trace rows' points.

    Raises
    ------
    ValueError, TypeError
        Frames with missing columns, floats, duplicate facts, unknown groups, wrong period labels, or manual
        points out of range.
    """
    subjects = prepare_subjects(subjects, scheme.groups)
    facts = prepare_facts(facts)
    manual_frame = prepare_manual(manual)
    chosen = _periods(scheme, facts, manual_frame, periods)
    facts = facts.filter(pl.col("period").is_in(chosen))
    grid, indexes = _with_facts(_grid(scheme, subjects, chosen), facts, scheme, prepare_exemptions(exemptions),
                                manual_frame)
    q = 10**scheme.places
    items = _score_items(grid, q, scheme.bonus_order)
    single = facts.filter(pl.col("part").is_null()).select(*_SP, "key", "v")
    adjustments = _adjustments(scheme, subjects, chosen, single)
    trace = _trace_frame(items, adjustments, scheme.places)
    totals = _totals(scheme, trace.with_columns(pl.col("points").to_physical().cast(_I128),
                                                pl.col("bonus").to_physical().cast(_I128).fill_null(0)), subjects)
    return Scoring(scheme=scheme, periods=chosen, totals=totals, trace=trace, inputs=_inputs(facts, scheme, trace, indexes))
