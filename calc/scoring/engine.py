"""The scoring engine: every subject × item × period of a scheme in one pass of polars expressions.

All arithmetic is on exact integers: fact values and scheme numbers in units of 10⁻⁶, points in units of 10⁻ᵖ
(``p`` = the scheme's ``places``); a product that could leave Int64 is taken in Int128. Each division rounds the
exact rational once, half away from zero (四舍五入). The rules, with the order of floor, bonus and zero-if, are
stated in ``docs/scoring.md``; every result column is explained there too.

How it is fast: subjects, periods, fact keys and items become integer codes; the facts a rule reads are laid out
in dense arrays indexed by (subject, period, key) and gathered, never joined; each rule's formulas run only on
its own rows (one block per rule type); what follows from the item alone (section, rule, kind, comparison,
rounding) is never carried per row but named by item code at the end, as the status by its code; each block is
turned into exact decimals on its own columns only; ``Scoring.inputs`` is built when first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Final

import polars as pl

from calc.scoring import scheme as sc
from calc.scoring.inputs import (
    UNIT,
    period_pattern,
    prepare_exemptions,
    prepare_facts,
    prepare_manual,
    prepare_subjects,
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
_I64, _I128 = pl.Int64, pl.Int128
#: Inside the engine a trace row's status is its index here, a gap's rounding its index in ``_ROUNDINGS``.
_STATUSES = tuple(STATUSES)
_STATUS = {name: number for number, name in enumerate(_STATUSES)}
_ROUNDINGS = ("exact", "up", "down")
_KINDS = {"bonus_capped": "bonus", "event_deduction": "deduction"}
#: Trace columns that follow from the item alone: gathered by item code at the end, never carried per row.
_BY_ITEM = frozenset({"section", "rule", "kind", "comparison", "rounding"})
_POINT_COLUMNS = ("points", "max", "deduction", "bonus", "waived")
_VALUE_COLUMNS = ("actual", "target", "gap", "counted_gap", "count", "severe", "bonus_count", "top", "index",
                  "cond_value", "cond_other")


def _rdiv(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """``numerator / denominator`` (denominator > 0) rounded half away from zero, computed in Int128."""
    n = numerator.cast(_I128)
    d = denominator.cast(_I128) if isinstance(denominator, pl.Expr) else pl.lit(denominator, dtype=_I128)
    quotient = ((n.abs() * 2 + d) // (d * 2)).cast(_I64)
    return pl.when(n < 0).then(-quotient).otherwise(quotient)


def _max0(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr < 0).then(0).otherwise(expr)


def _min(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(a < b).then(a).otherwise(b)


def _s6(value: Decimal | None) -> int | None:
    return None if value is None else int(value * UNIT)


def _compare(left: pl.Expr, op: str, right: pl.Expr) -> pl.Expr:
    """``left op right``; false when either side is missing."""
    result = {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right, "=": left == right,
              "!=": left != right}[op]
    return result.fill_null(False)


# --------------------------------------------------------------------------------------------------
# codes and dense facts


@dataclass(frozen=True)
class _Codes:
    """Integer codes: subjects (with their group), periods, the scheme's fact keys, items."""

    subjects: list[str]
    groups: list[str]
    periods: list[str]
    keys: list[str]
    scheme: sc.Scheme

    @property
    def width(self) -> int:
        return len(self.periods) * len(self.keys)

    def kid(self, key: str | None) -> int | None:
        return None if key is None else self.keys.index(key)

    def pos(self, kid: pl.Expr) -> pl.Expr:
        """The dense position of (``sid``, ``pid``, ``kid``)."""
        return (pl.col("sid") * len(self.periods) + pl.col("pid")) * len(self.keys) + kid


def _scheme_keys(scheme: sc.Scheme) -> list[str]:
    keys = {key for item in scheme.items for key in item.keys()}
    keys |= {key for a in scheme.adjustments for key in (a.when.key, a.when.other_key) if key}
    return sorted(keys)


def _encode(facts: pl.DataFrame, codes: _Codes) -> pl.DataFrame:
    """The facts the scheme reads, coded: ``sid``, ``pid``, ``kid``, ``pos`` instead of the strings, ``pcode`` the
    part's code (0: no part); duplicates refused."""
    coded = facts.select(
        sid=pl.col("subject").cast(pl.Enum(codes.subjects), strict=False).to_physical().cast(_I64),
        pid=pl.col("period").cast(pl.Enum(codes.periods), strict=False).to_physical().cast(_I64),
        kid=pl.col("key").cast(pl.Enum(codes.keys), strict=False).to_physical().cast(_I64),
        part=pl.col("part"), pcode=(pl.col("part").cast(pl.Categorical).to_physical().cast(_I64) + 1).fill_null(0),
        v=pl.col("v"), text=pl.col("text"), na=pl.col("na"), source_kind=pl.col("source_kind"),
        source_id=pl.col("source_id"),
    ).drop_nulls(["sid", "pid", "kid"]).with_columns(pos=codes.pos(pl.col("kid")))
    if len(codes.subjects) * codes.width < 2**30:  # (pos, pcode) as one integer: one hash pass
        distinct = coded.select((pl.col("pos") * 2**33 + pl.col("pcode")).n_unique()).item()
    else:
        distinct = coded.select("pos", "pcode").n_unique()
    if distinct != coded.height:
        raise ValueError("facts: a (subject, period, key, part) appears twice")
    if coded.get_column("pos").is_sorted():  # the loader's order (its unique index): sums by position go sorted
        coded = coded.with_columns(pl.col("pos").set_sorted())
    return coded


@dataclass(frozen=True)
class _Dense:
    """The facts laid out by (subject, period, key): the single value, text and na flag, and the sum over parts."""

    value: pl.Series
    text: pl.Series
    na: pl.Series
    total: pl.Series

    @classmethod
    def build(cls, coded: pl.DataFrame, codes: _Codes) -> _Dense:
        """Single values of every key, texts of the keys read as categories, sums of the keys read as counts."""
        size = len(codes.subjects) * codes.width
        items = codes.scheme.items
        counted = {codes.kid(i.rule.key) for i in items if isinstance(i.rule, sc.ThresholdCount | sc.BonusCapped
                                                                       | sc.EventDeduction)}
        counted |= {codes.kid(i.bonus.key) for i in items if i.bonus is not None}
        texts = [codes.kid(i.rule.key) for i in items if isinstance(i.rule, sc.GradeMap)]
        single = coded.select("pos", "kid", "v", "text", "na", "part").filter(pl.col("part").is_null())
        counted_kids = sorted(k for k in counted if k is not None)
        totals = (coded.select("pos", "kid", "v").filter(pl.col("kid").is_in(counted_kids))
                  .group_by("pos").agg(pl.col("v").sum()))
        value = pl.Series("v", [None] * 0, dtype=_I64).extend_constant(None, size)
        text = pl.Series("t", [], dtype=pl.String).extend_constant(None, size)
        na = pl.Series("na", [], dtype=pl.Boolean).extend_constant(False, size)
        total = pl.Series("n", [], dtype=_I64).extend_constant(0, size)
        if single.height:
            value.scatter(single.get_column("pos"), single.get_column("v"))
            flagged = single.filter(pl.col("na"))
            na.scatter(flagged.get_column("pos"), flagged.get_column("na"))
            named = single.filter(pl.col("kid").is_in(texts) & pl.col("text").is_not_null())
            text.scatter(named.get_column("pos"), named.get_column("text"))
        if totals.height:
            total.scatter(totals.get_column("pos"), totals.get_column("v"))
        return cls(value, text, na, total)

    def gather(self, frame: pl.DataFrame, codes: _Codes, kid: str, **columns: str) -> pl.DataFrame:
        """``frame`` with the dense arrays (``value``, ``text``, ``na``, ``total``) at its ``kid`` column."""
        positions = frame.select(codes.pos(pl.col(kid))).to_series()
        return frame.with_columns(getattr(self, source).gather(positions).alias(name)
                                  for name, source in columns.items())


# --------------------------------------------------------------------------------------------------
# the grid of subjects × periods × items, one rule at a time


def _params(item: sc.Item, codes: _Codes, q: int) -> dict[str, Any]:
    rule = item.rule
    row: dict[str, Any] = {"kid": codes.kid(getattr(rule, "key", None)), "P": int(item.points * q),
                           "missing_full": item.missing == "full", "floor": item.floor}
    if isinstance(rule, sc.GapLinear):
        row.update(target=_s6(rule.target), target_kid=codes.kid(rule.target_key), per=_s6(rule.per),
                   deduct=_s6(rule.deduct), rounding=_ROUNDINGS.index(rule.rounding), below=rule.comparison == "<=")
    elif isinstance(rule, sc.ThresholdCount):
        row.update(required=_s6(rule.required), deduct=_s6(rule.deduct))
    elif isinstance(rule, sc.RankPoints | sc.CompositeIndex):
        row.update(lower=getattr(rule, "order", "higher") == "lower", stepped=rule.mode == "step",
                   step=int(rule.step * q))
    elif isinstance(rule, sc.PeriodicEvents):
        row.update(deduct=_s6(rule.deduct), severe_deduct=_s6(rule.severe_deduct))
    elif isinstance(rule, sc.BonusCapped | sc.EventDeduction):
        row.update(per=_s6(rule.per))
    if item.bonus is not None:
        row.update(bonus_kid=codes.kid(item.bonus.key), bonus_per=_s6(item.bonus.per), bonus_cap=int(item.bonus.cap * q))
    if item.zero_if is not None:
        row.update(zero_kid=codes.kid(item.zero_if.key), zero_value=_s6(item.zero_if.value),
                   zero_other_kid=codes.kid(item.zero_if.other_key))
    return row


_PARAM_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "iid": _I64, "kid": _I64, "P": _I64, "missing_full": pl.Boolean, "floor": pl.Boolean, "target": _I64,
    "target_kid": _I64, "per": _I64, "deduct": _I64, "rounding": pl.Int8, "below": pl.Boolean,
    "required": _I64, "lower": pl.Boolean, "stepped": pl.Boolean, "step": _I64, "severe_deduct": _I64, "bonus_kid": _I64,
    "bonus_per": _I64, "bonus_cap": _I64, "zero_kid": _I64, "zero_value": _I64, "zero_other_kid": _I64,
}


#: The parameter columns each rule reads (besides ``iid``, ``kid``, ``P``, ``missing_full`` and ``floor``).
_RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "gap_linear": ("target", "target_kid", "per", "deduct", "rounding", "below"),
    "threshold_count": ("required", "deduct"),
    "rank_points": ("lower", "stepped", "step"),
    "composite_index": ("stepped", "step"),
    "periodic_events": ("deduct", "severe_deduct"),
    "bonus_capped": ("per",),
    "event_deduction": ("per",),
    "grade_map": (),
    "manual": (),
}


def _subgrid(pairs: pl.DataFrame, codes: _Codes, rule: str, iids: Sequence[int], q: int) -> pl.DataFrame:
    """Subjects × periods × these items (of one rule type), with the parameters they use as columns."""
    items = codes.scheme.items
    names = ["iid", "kid", "P", "missing_full", "floor", *_RULE_PARAMS[rule]]
    if any(items[i].bonus is not None for i in iids):
        names += ["bonus_kid", "bonus_per", "bonus_cap"]
    if any(items[i].zero_if is not None for i in iids):
        names += ["zero_kid", "zero_value", "zero_other_kid"]
    rows = [{**_params(items[i], codes, q), "iid": i} for i in iids]
    params = pl.DataFrame([{k: r.get(k) for k in names} for r in rows], schema={k: _PARAM_TYPES[k] for k in names},
                          orient="row")
    grid = pairs.join(params, how="cross")
    limited = [i for i in iids if items[i].groups]
    if limited:
        groups = codes.scheme.groups
        allowed = pl.DataFrame([(i, groups.index(g)) for i in iids for g in (items[i].groups or groups)],
                               schema={"iid": _I64, "gid": _I64}, orient="row")
        grid = grid.join(allowed, on=["iid", "gid"], how="semi")
    return grid


def _gap_linear(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int) -> pl.DataFrame:
    grid = dense.gather(grid, codes, "kid", actual="value", na_main="na")
    grid = dense.gather(grid, codes, "target_kid", own_target="value")
    target = pl.coalesce("target", "own_target")
    gap = _max0(pl.when(pl.col("below")).then(pl.col("actual") - target)
                .otherwise(target - pl.col("actual")))
    grid = grid.with_columns(target=target, gap=gap)
    per = pl.col("per")
    counted = (pl.when(pl.col("rounding") == _ROUNDINGS.index("up")).then((pl.col("gap") + per - 1) // per * per)
               .when(pl.col("rounding") == _ROUNDINGS.index("down")).then(pl.col("gap") // per * per)
               .otherwise(pl.col("gap")))
    grid = grid.with_columns(counted_gap=counted)
    deduction = _rdiv(pl.col("counted_gap").cast(_I128) * pl.col("deduct") * q, per.cast(_I128) * UNIT)
    return grid.with_columns(deduction=deduction, raw=pl.col("P") - deduction,
                             missing=pl.col("actual").is_null() | pl.col("target").is_null())


def _threshold(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int) -> pl.DataFrame:
    grid = dense.gather(grid, codes, "kid", actual="value", na_main="na", count="total")
    grid = grid.with_columns(target=pl.col("required"), gap=_max0(pl.col("required") - pl.col("count")))
    deduction = _rdiv(pl.col("gap").cast(_I128) * pl.col("deduct"), UNIT * UNIT // q)
    return grid.with_columns(deduction=deduction, raw=pl.col("P") - deduction, missing=pl.lit(False))


def _events(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int, bonus: bool) -> pl.DataFrame:
    grid = dense.gather(grid, codes, "kid", actual="value", na_main="na", count="total")
    amount = _rdiv(pl.col("count").cast(_I128) * pl.col("per"), UNIT * UNIT // q)
    grid = grid.with_columns(amount=amount)
    capped = _min(pl.col("amount"), pl.col("P"))
    return grid.with_columns(
        raw=capped if bonus else -capped, cap_hit=pl.col("amount") > pl.col("P"), missing=pl.lit(False),
        **({"bonus": pl.col("amount")} if bonus else {"deduction": pl.col("amount")}))


def _periodic(grid: pl.DataFrame, coded: pl.DataFrame, dense: _Dense, codes: _Codes, q: int) -> pl.DataFrame:
    """Per subject × period × item: counted misses, deductions (units 10⁻¹²) and waivers, part by part."""
    items = codes.scheme.items
    missed, severe, waiver = 0, 1, 2
    roles = pl.DataFrame(
        [(int(i), codes.kid(key), role) for i in grid.get_column("iid").unique().to_list()
         for key, role in ((getattr(items[i].rule, "key", None), missed),
                           (getattr(items[i].rule, "severe_key", None), severe),
                           (getattr(items[i].rule, "waiver_key", None), waiver)) if key],
        schema={"iid": _I64, "kid": _I64, "role": pl.UInt8}, orient="row")
    # a key with one role in one item: its item and role by lookup (the usual case); a shared key: a join
    shared = roles.filter(pl.col("kid").is_duplicated())
    once = roles.filter(~pl.col("kid").is_duplicated())
    iid_of = pl.Series("iid", [], dtype=_I64).extend_constant(None, len(codes.keys))
    role_of = pl.Series("role", [], dtype=pl.UInt8).extend_constant(None, len(codes.keys))
    if once.height:
        iid_of.scatter(once.get_column("kid"), once.get_column("iid"))
        role_of.scatter(once.get_column("kid"), once.get_column("role"))
    kid = coded.get_column("kid")
    rows = coded.select("sid", "pid", "pcode", "v", iid=iid_of.gather(kid), role=role_of.gather(kid)).filter(
        pl.col("iid").is_not_null())
    if shared.height:
        rows = pl.concat([rows, coded.select("sid", "pid", "kid", "pcode", "v").join(shared, on="kid").select(
            rows.columns)])
    # one integer per (subject, period, item) and per (…, part); a part is waived when its waiver fact is not 0
    cell = (pl.col("sid") * len(codes.periods) + pl.col("pid")) * len(items) + pl.col("iid")
    role, v = pl.col("role"), pl.col("v")
    rows = rows.select("role", "v", cell=cell, key=cell * 2**32 + pl.col("pcode"))
    waivers = rows.filter((role == waiver) & (v != 0).fill_null(False))
    counted = rows.filter(role != waiver).with_columns(w=pl.col("key").is_in(waivers.get_column("key").implode()))
    w, zero = pl.col("w"), pl.lit(0, dtype=_I64)

    def of(role_code: int, waived: bool) -> pl.Expr:
        return pl.when((w if waived else ~w) & (role == role_code)).then(v).otherwise(zero)

    # the rates are the item's: Σ(misses × rate) = rate × Σ misses, so only integers are summed
    summary = pl.concat([
        counted.select("cell", count=of(missed, False), severe=of(severe, False), waived_missed=of(missed, True),
                       waived_severe=of(severe, True), waived_parts=zero),
        waivers.select("cell", count=zero, severe=zero, waived_missed=zero, waived_severe=zero,
                       waived_parts=pl.lit(1, dtype=_I64)),
    ]).group_by("cell").sum()
    grid = grid.with_columns(cell=cell)
    grid = dense.gather(grid, codes, "kid", actual="value", na_main="na")
    grid = grid.join(summary, on="cell", how="left").drop("cell").with_columns(
        pl.col("count", "severe", "waived_missed", "waived_severe", "waived_parts").fill_null(0))

    def amount(missed: str, severe: str) -> pl.Expr:
        return _rdiv(pl.col(missed).cast(_I128) * pl.col("deduct") + pl.col(severe).cast(_I128) * pl.col("severe_deduct"),
                     UNIT * UNIT // q)

    grid = grid.with_columns(deduction=amount("count", "severe"), waived=amount("waived_missed", "waived_severe"))
    return grid.with_columns(raw=pl.col("P") - pl.col("deduction"), missing=pl.lit(False)).drop(
        "waived_missed", "waived_severe")


def _window(codes: _Codes) -> pl.Expr:
    """Group × period × item as one integer (a window over one integer column: no hashing of three)."""
    return (pl.col("gid") * len(codes.periods) + pl.col("pid")) * len(codes.scheme.items) + pl.col("iid")


def _ranked(grid: pl.DataFrame, value: pl.Expr) -> pl.DataFrame:
    """``rank`` (ties share the better rank) and ``ranked`` (how many) within group × period × item (the grid's
    ``window`` column: :func:`_window`)."""
    value = pl.when(~pl.col("na")).then(value)
    return grid.with_columns(rank=value.rank("min", descending=True).over("window").cast(_I64),
                             ranked=value.count().over("window").cast(_I64))


def _stepped() -> pl.Expr:
    return _max0(pl.col("P") - (pl.col("rank") - 1) * pl.col("step"))


def _rank_points(grid: pl.DataFrame, dense: _Dense, codes: _Codes) -> pl.DataFrame:
    grid = dense.gather(grid, codes, "kid", actual="value", na_main="na")
    grid = grid.with_columns(na=pl.col("na") | pl.col("na_main"))
    grid = _ranked(grid.with_columns(window=_window(codes)),
                   pl.when(pl.col("lower")).then(-pl.col("actual")).otherwise(pl.col("actual")))
    grid = grid.with_columns(top=pl.when(~pl.col("na")).then(pl.col("actual")).max().over("window"))
    share = pl.when(pl.col("top") > 0).then(_rdiv(pl.col("P").cast(_I128) * _max0(pl.col("actual")), pl.col("top")))
    return grid.with_columns(raw=pl.when(pl.col("stepped")).then(_stepped()).otherwise(share.otherwise(0)),
                             missing=pl.col("actual").is_null())


def _grade_map(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int) -> pl.DataFrame:
    items = codes.scheme.items
    table = pl.DataFrame([(int(i), name, int(points * q)) for i in grid.get_column("iid").unique().to_list()
                          for name, points in getattr(items[i].rule, "points", ())],
                         schema={"iid": _I64, "text": pl.String, "raw": _I64}, orient="row")
    grid = dense.gather(grid, codes, "kid", text="text", na_main="na")
    return grid.join(table, on=["iid", "text"], how="left").with_columns(
        missing=pl.col("text").is_null(), unmapped=pl.col("text").is_not_null() & pl.col("raw").is_null())


def _composite(grid: pl.DataFrame, dense: _Dense, codes: _Codes) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 绿色发展指数 of each row, and each indicator's individual index (for the inputs).

    The j-th indicator of every item is one set of columns on the grid's own rows (no join, no grouping by row):
    its value, its individual index (min and max over the group, period and item) and its weight."""
    items = codes.scheme.items
    indicators = {int(i): getattr(items[i].rule, "indicators", ()) for i in grid.get_column("iid").unique().to_list()}
    grid = grid.with_columns(window=_window(codes))
    weight_sum: pl.Expr = pl.lit(0, dtype=_I64)
    weighted: pl.Expr = pl.lit(0, dtype=_I128)
    missing_inputs: pl.Expr = pl.lit(0, dtype=_I64)
    na_inputs: pl.Expr = pl.lit(0, dtype=_I64)
    indexes = []
    for j in range(max((len(found) for found in indicators.values()), default=0)):
        chosen = {i: found[j] for i, found in indicators.items() if len(found) > j}

        def per_item(values: dict[int, Any], dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
            return pl.col("iid").replace_strict(values, default=None, return_dtype=dtype)

        grid = grid.with_columns(ikid=per_item({i: codes.kid(ind.key) for i, ind in chosen.items()}, _I64))
        grid = dense.gather(grid, codes, "ikid", v="value", ina="na")
        present, v, ina = pl.col("ikid").is_not_null(), pl.col("v"), pl.col("ina").fill_null(False)
        known = pl.when(v.is_not_null() & ~ina).then(v)
        # each window aggregate once, as a column (an expression used three times would be evaluated three times)
        grid = grid.with_columns(low=known.min().over("window"), high=known.max().over("window"))
        low, high = pl.col("low"), pl.col("high")
        higher = per_item({i: ind.order == "higher" for i, ind in chosen.items()}, pl.Boolean)
        rise = pl.when(higher).then(v - low).otherwise(high - v)
        index = (pl.when(~present | ina).then(None).when(v.is_null()).then(60 * UNIT).when(high == low).then(100 * UNIT)
                 .otherwise(60 * UNIT + _rdiv(rise.cast(_I128) * (40 * UNIT), high - low)))
        weight = pl.when(~present | ina).then(0).otherwise(per_item({i: _s6(ind.weight) for i, ind in chosen.items()},
                                                                      _I64))
        grid = grid.with_columns(pl.col("ikid").alias(f"ikid{j}"), index.alias(f"index{j}"), weight.alias(f"weight{j}"),
                                 (present & v.is_null() & ~ina).alias(f"missing{j}"), (present & ina).alias(f"na{j}"))
        indexes.append(grid.select("sid", "pid", "iid", kid=pl.col(f"ikid{j}"), index=pl.col(f"index{j}"))
                       .filter(pl.col("kid").is_not_null()))
        weight_sum = weight_sum + pl.col(f"weight{j}")
        weighted = weighted + pl.col(f"weight{j}").cast(_I128) * pl.col(f"index{j}").fill_null(0)
        missing_inputs = missing_inputs + pl.col(f"missing{j}").cast(_I64)
        na_inputs = na_inputs + pl.col(f"na{j}").cast(_I64)
    grid = grid.with_columns(weight=weight_sum, weighted=weighted, missing_inputs=missing_inputs, na_inputs=na_inputs)
    grid = grid.with_columns(index=pl.when(pl.col("weight") > 0).then(_rdiv(pl.col("weighted"), pl.col("weight"))),
                             na_main=pl.col("weight") == 0)
    empty = pl.DataFrame(schema={"sid": _I64, "pid": _I64, "iid": _I64, "kid": _I64, "index": _I64})
    return grid, pl.concat(indexes) if indexes else empty


def _composite_points(grid: pl.DataFrame) -> pl.DataFrame:
    grid = _ranked(grid.with_columns(na=pl.col("na") | pl.col("na_main")),
                   pl.when(pl.col("stepped")).then(pl.col("index")))
    share = _rdiv(pl.col("P").cast(_I128) * pl.col("index"), 100 * UNIT)
    return grid.with_columns(raw=pl.when(pl.col("stepped")).then(_stepped()).otherwise(share),
                             missing=pl.lit(False))


def _manual(grid: pl.DataFrame, manual: pl.DataFrame, codes: _Codes) -> pl.DataFrame:
    step = 10 ** (6 - codes.scheme.places)
    entries = manual.select("sid", "pid", "iid", raw=pl.col("mv") // step, reason=pl.col("reason"))
    return grid.join(entries, on=["sid", "pid", "iid"], how="left").with_columns(missing=pl.col("raw").is_null())


# --------------------------------------------------------------------------------------------------
# common steps: applicability, zero-if, bonus, floor, status


def _column(grid: pl.DataFrame, name: str, default: Any = None, dtype: Any = None) -> pl.Expr:
    return pl.col(name) if name in grid.columns else pl.lit(default, dtype=dtype)


def _bonus_and_zero(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int) -> pl.DataFrame:
    """An attached bonus (after its cap) and the zero-if condition, where the block's items have them."""
    bonus, cap_hit = _column(grid, "bonus", None, _I64), _column(grid, "cap_hit", False).fill_null(False)
    columns: dict[str, pl.Expr] = {"zeroed": pl.lit(False), "cond_value": pl.lit(None, dtype=_I64),
                                   "cond_other": pl.lit(None, dtype=_I64), "bonus_count": pl.lit(None, dtype=_I64)}
    if "bonus_kid" in grid.columns:
        grid = dense.gather(grid, codes, "bonus_kid", bonus_count="total")
        has = pl.col("bonus_kid").is_not_null()
        earned = _rdiv(pl.col("bonus_count").cast(_I128) * pl.col("bonus_per"), UNIT * UNIT // q)
        bonus = pl.when(has).then(_min(earned, pl.col("bonus_cap"))).otherwise(bonus)
        cap_hit = pl.when(has).then(earned > pl.col("bonus_cap")).otherwise(cap_hit)
        columns["bonus_count"] = pl.when(has).then(pl.col("bonus_count"))
    if "zero_kid" in grid.columns:
        grid = dense.gather(dense.gather(grid, codes, "zero_kid", cond_value="value"), codes, "zero_other_kid",
                            cond_other_fact="value")
        zero_ops = {i: item.zero_if.op for i, item in enumerate(codes.scheme.items) if item.zero_if is not None}
        other = pl.coalesce("zero_value", "cond_other_fact")
        zeroed = pl.lit(False)
        for op in sorted(set(zero_ops.values())):
            zeroed = zeroed | (pl.col("iid").is_in([i for i, o in zero_ops.items() if o == op])
                               & _compare(pl.col("cond_value"), op, other))
        columns.update(zeroed=zeroed, cond_value=pl.col("cond_value"), cond_other=other)
    return grid.with_columns(bonus=bonus, cap_hit=cap_hit, **columns)


def _finish(grid: pl.DataFrame, dense: _Dense, codes: _Codes, q: int, kind: str) -> pl.DataFrame:
    """Status and points of one rule's block: not applicable, missing, unmapped, zeroed or scored (bonus, floor)."""
    grid = _bonus_and_zero(grid, dense, codes, q).with_columns(
        na=pl.col("na") | _column(grid, "na_main", False).fill_null(False))
    raw, bonus, base = pl.col("raw"), pl.col("bonus").fill_null(0), kind == "base"
    if codes.scheme.bonus_order == "after":
        floored, floor_hit = _max0(raw) + bonus, raw < 0
    else:
        floored, floor_hit = _max0(raw + bonus), raw + bonus < 0
    scored = pl.when(pl.col("floor")).then(floored).otherwise(raw + bonus) if base else raw
    full = pl.col("P") if base else pl.lit(0, dtype=_I64)
    status = (pl.when(pl.col("na")).then(_STATUS["not_applicable"]).when(pl.col("missing")).then(_STATUS["missing"])
              .when(_column(grid, "unmapped", False).fill_null(False)).then(_STATUS["unmapped"])
              .when(pl.col("zeroed")).then(_STATUS["zeroed"]).otherwise(_STATUS["scored"]))
    grid = grid.with_columns(status=status.cast(pl.UInt8))
    points = (pl.when(pl.col("status") == _STATUS["not_applicable"]).then(full)
              .when(pl.col("status") == _STATUS["missing"]).then(pl.when(pl.col("missing_full")).then(full).otherwise(0))
              .when(pl.col("status") == _STATUS["scored"]).then(scored).otherwise(0))
    return grid.with_columns(
        points=points, floor_hit=(pl.col("floor") & floor_hit).fill_null(False) if base else pl.lit(False),
        reason=pl.coalesce(_column(grid, "na_reason", None, pl.String), _column(grid, "reason", None, pl.String)))


@dataclass(frozen=True)
class _Block:
    """The trace rows of one rule type (or of the adjustments), integer-coded, with only the columns it fills."""

    kind: str
    frame: pl.DataFrame


def _items(pairs: pl.DataFrame, coded: pl.DataFrame, dense: _Dense, codes: _Codes, exemptions: pl.DataFrame,
           manual: pl.DataFrame) -> tuple[list[_Block], pl.DataFrame]:
    q = 10**codes.scheme.places
    by_rule: dict[str, list[int]] = {}
    for iid, item in enumerate(codes.scheme.items):
        by_rule.setdefault(item.rule.type, []).append(iid)
    blocks = []
    indexes = pl.DataFrame(schema={"sid": _I64, "pid": _I64, "iid": _I64, "kid": _I64, "index": _I64})
    keep = {"sid", "pid", "gid", "iid", "P", *TRACE_COLUMNS} - _BY_ITEM
    for rule, iids in by_rule.items():
        grid = _subgrid(pairs, codes, rule, iids, q)
        if exemptions.height:
            grid = grid.join(exemptions, on=["sid", "pid", "iid"], how="left")
        grid = grid.with_columns(na=_column(grid, "na_reason", None, pl.String).is_not_null())
        if rule == "gap_linear":
            grid = _gap_linear(grid, dense, codes, q)
        elif rule == "threshold_count":
            grid = _threshold(grid, dense, codes, q)
        elif rule in ("bonus_capped", "event_deduction"):
            grid = _events(grid, dense, codes, q, bonus=rule == "bonus_capped")
        elif rule == "periodic_events":
            grid = _periodic(grid, coded, dense, codes, q)
        elif rule == "rank_points":
            grid = _rank_points(grid, dense, codes)
        elif rule == "grade_map":
            grid = _grade_map(grid, dense, codes, q)
        elif rule == "composite_index":
            grid, indexes = _composite(grid, dense, codes)
            grid = _composite_points(grid)
        else:
            grid = _manual(grid, manual, codes)
        kind = _KINDS.get(rule, "base")
        grid = _finish(grid, dense, codes, q, kind)
        blocks.append(_Block(kind, grid.select(c for c in grid.columns if c in keep)))
    return blocks, indexes


def _adjustments(pairs: pl.DataFrame, dense: _Dense, codes: _Codes) -> list[_Block]:
    scheme = codes.scheme
    frames = []
    for number, adjustment in enumerate(scheme.adjustments):
        condition = adjustment.when
        grid = pairs.with_columns(iid=pl.lit(len(scheme.items) + number, dtype=_I64),
                                  kid=pl.lit(codes.kid(condition.key), dtype=_I64),
                                  okid=pl.lit(codes.kid(condition.other_key), dtype=_I64))
        grid = dense.gather(dense.gather(grid, codes, "kid", cond_value="value"), codes, "okid", other_fact="value")
        other = pl.coalesce(pl.lit(_s6(condition.value), dtype=_I64), pl.col("other_fact"))
        hit = _compare(pl.col("cond_value"), condition.op, other)
        frames.append(grid.select(
            "sid", "pid", "gid", "iid", "cond_value", cond_other=other, hit=hit,
            status=pl.when(hit).then(_STATUS["hit"]).otherwise(_STATUS["clear"]).cast(pl.UInt8),
            points=pl.lit(0, dtype=_I64), P=pl.lit(0, dtype=_I64), cap_hit=pl.lit(False), floor_hit=pl.lit(False),
            grade=pl.lit(adjustment.grade or None, dtype=pl.String)))
    return [_Block("adjustment", pl.concat(frames))] if frames else []


# --------------------------------------------------------------------------------------------------
# output


def _points(expr: pl.Expr, places: int) -> pl.Expr:
    return expr.cast(_I128).reinterpret(dtype=pl.Decimal(38, places))


def _value(expr: pl.Expr) -> pl.Expr:
    return expr.cast(_I128).reinterpret(dtype=pl.Decimal(38, 6))


def _tables(codes: _Codes) -> dict[str, tuple[str, pl.Series]]:
    """Every coded trace column: the integer column it is read from and the values of its codes."""
    scheme = codes.scheme
    items, adjustments = scheme.items, scheme.adjustments
    item_codes = [i.code for i in items] + [a.code for a in adjustments]

    def of_rule(name: str) -> list[str | None]:
        return [str(getattr(i.rule, name)) if isinstance(i.rule, sc.GapLinear) else None for i in items]

    return {
        "subject": ("sid", pl.Series(codes.subjects, dtype=pl.Enum(codes.subjects))),
        "period": ("pid", pl.Series(codes.periods, dtype=pl.Enum(codes.periods))),
        "group": ("gid", pl.Series(scheme.groups, dtype=pl.Enum(scheme.groups))),
        "item": ("iid", pl.Series(item_codes, dtype=pl.Enum(item_codes))),
        "section": ("iid", pl.Series([scheme.section_of(i.code).code for i in items] + [None] * len(adjustments),
                                     dtype=pl.String)),
        "rule": ("iid", pl.Series([i.rule.type for i in items] + [a.kind for a in adjustments], dtype=pl.String)),
        "kind": ("iid", pl.Series([_KINDS.get(i.rule.type, "base") for i in items]
                                  + ["adjustment"] * len(adjustments), dtype=pl.String)),
        "comparison": ("iid", pl.Series(of_rule("comparison") + [None] * len(adjustments), dtype=pl.String)),
        "rounding": ("iid", pl.Series(of_rule("rounding") + [None] * len(adjustments), dtype=pl.String)),
        "status": ("status", pl.Series(_STATUSES, dtype=pl.String)),
    }


def _named(frame: pl.DataFrame, codes: _Codes, *columns: str) -> list[pl.Series]:
    """The caller's names of the integer codes ``sid``, ``pid``, ``gid``, ``iid`` of ``frame``, gathered (fast):
    ``subject``, ``period``, ``group`` and ``item`` as ``Enum`` columns, ``section`` as a string."""
    tables = _tables(codes)
    return [tables[name][1].gather(frame.get_column(tables[name][0])).alias(name) for name in columns]


_TYPED: dict[str, pl.DataType | type[pl.DataType]] = {
    "text": pl.String, "reason": pl.String, "grade": pl.String, "hit": pl.Boolean, "cap_hit": pl.Boolean,
    "floor_hit": pl.Boolean, "rank": _I64, "ranked": _I64, "waived_parts": _I64, "missing_inputs": _I64,
    "na_inputs": _I64}


def _trace_block(frame: pl.DataFrame, codes: _Codes, tables: dict[str, tuple[str, pl.Series]]) -> pl.DataFrame:
    """One block in the trace's columns and types: codes named, integers as exact decimals, absent columns null."""
    places = codes.scheme.places
    frame = frame.rename({"P": "max"})
    columns: list[pl.Series | pl.Expr] = []
    for c in TRACE_COLUMNS:
        if c in tables:
            source, values = tables[c]
            columns.append(values.gather(frame.get_column(source)).alias(c))
            continue
        dtype: pl.DataType | type[pl.DataType] = (
            pl.Decimal(38, places) if c in _POINT_COLUMNS else pl.Decimal(38, 6) if c in _VALUE_COLUMNS
            else _TYPED.get(c, _I64))
        if c not in frame.columns:
            columns.append(pl.lit(None, dtype=dtype).alias(c))
        elif c in _POINT_COLUMNS:
            columns.append(_points(pl.col(c), places).alias(c))
        elif c in _VALUE_COLUMNS:
            columns.append(_value(pl.col(c)).alias(c))
        else:
            columns.append(pl.col(c).cast(dtype).alias(c))
    return frame.select(columns)


def _trace(blocks: list[_Block], codes: _Codes) -> pl.DataFrame:
    tables = _tables(codes)
    return pl.concat([_trace_block(block.frame, codes, tables) for block in blocks], how="vertical")


def _totals(codes: _Codes, blocks: list[_Block], subjects: pl.DataFrame) -> pl.DataFrame:
    """One row per subject × period, summed over the items' integer points (one integer group key)."""
    scheme = codes.scheme
    names = [g.name for g in scheme.grades]
    worst = len(names) - 1
    scale = 10**scheme.places
    width = len(codes.periods)
    cell = pl.col("sid") * width + pl.col("pid")
    zero = pl.lit(0, dtype=_I64)
    points = pl.col("points")
    parts = [block.frame.select(
        cell.alias("cell"), "gid", total=points, base=points if block.kind == "base" else zero,
        bonus=points if block.kind == "bonus" else pl.col("bonus").fill_null(0) if block.kind == "base" else zero,
        deduction=points if block.kind == "deduction" else zero)
        for block in blocks if block.kind != "adjustment"]
    totals = pl.concat(parts).group_by("cell").agg(pl.col("gid").first(), pl.col("total", "base", "bonus",
                                                                                   "deduction").sum())
    totals = totals.with_columns(sid=pl.col("cell") // width, pid=pl.col("cell") % width)
    adjustments = [block.frame for block in blocks if block.kind == "adjustment"]
    if adjustments:
        first = len(scheme.items)
        vetoes = {first + n: a.kind == "veto" for n, a in enumerate(scheme.adjustments)}
        caps = {first + n: names.index(a.grade) if a.kind == "grade_cap" and a.grade else None
                for n, a in enumerate(scheme.adjustments)}
        hits = adjustments[0].filter(pl.col("hit")).select(
            cell.alias("cell"), veto=pl.col("iid").replace_strict(vetoes, return_dtype=pl.Boolean),
            cap=pl.col("iid").replace_strict(caps, return_dtype=_I64),
        ).group_by("cell").agg(vetoed=pl.col("veto").any(), cap=pl.col("cap").max())
        totals = totals.join(hits, on="cell", how="left")
    else:
        totals = totals.with_columns(vetoed=pl.lit(None, dtype=pl.Boolean), cap=pl.lit(None, dtype=_I64))
    band = pl.lit(worst, dtype=_I64)
    for index in range(worst - 1, -1, -1):
        minimum = scheme.grades[index].min
        assert minimum is not None
        band = pl.when(pl.col("total") >= int(minimum * scale)).then(pl.lit(index, dtype=_I64)).otherwise(band)
    totals = totals.with_columns(*_named(totals, codes, "subject", "period", "group"), band=band,
                                 vetoed=pl.col("vetoed").fill_null(False))
    totals = totals.with_columns(pl.col("subject", "period", "group").cast(pl.String))
    final = (pl.when(pl.col("vetoed")).then(pl.lit(worst, dtype=_I64))
             .when(pl.col("cap") > pl.col("band")).then(pl.col("cap")).otherwise(pl.col("band")))
    totals = totals.with_columns(
        band_grade=pl.col("band").replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        grade=final.replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        capped=~pl.col("vetoed") & (pl.col("cap") > pl.col("band")).fill_null(False),
        rank=pl.col("total").rank("min", descending=True).over("gid", "pid").cast(_I64),
        ranked=pl.len().over("gid", "pid").cast(_I64),
    )
    extra = [c for c in subjects.columns if c not in ("subject", "group")]
    return (totals.with_columns(_points(pl.col(c).fill_null(0), scheme.places)
                                for c in ("total", "base", "bonus", "deduction"))
            .select(TOTAL_COLUMNS).join(subjects.select("subject", *extra), on="subject", how="left")
            .sort("group", "period", "rank", "subject"))


@dataclass(frozen=True)
class Scoring:
    """The result of :func:`score`.

    ``totals``: one row per subject × period (``TOTAL_COLUMNS``); ``trace``: one row per subject × period × item
    and adjustment (``TRACE_COLUMNS``), grouped by rule type (not sorted: :meth:`sheet` orders one subject's rows
    by the scheme); ``inputs``: the facts each trace row read, with their sources, in no particular order (built
    when first asked for: a run stores its input frames, not this one).
    """

    scheme: sc.Scheme
    periods: tuple[str, ...]
    totals: pl.DataFrame
    trace: pl.DataFrame
    build_inputs: Callable[[], pl.DataFrame] = field(repr=False, compare=False)

    @cached_property
    def inputs(self) -> pl.DataFrame:
        """The facts each trace row read (``subject``, ``period``, ``item``, ``key``, ``part``, ``value``,
        ``text``, ``na``, ``source_kind``, ``source_id``, ``index``), built once on first use."""
        return self.build_inputs()

    def sheet(self, subject: str, period: str) -> list[dict[str, Any]]:
        """One subject's score sheet: its trace rows in scheme order, each with its ``sentence``."""
        order = {code: n for n, code in enumerate([i.code for i in self.scheme.items]
                                                  + [a.code for a in self.scheme.adjustments])}
        rows = self.trace.filter((pl.col("subject") == subject) & (pl.col("period") == period)).to_dicts()
        return [{**row, "sentence": explain(row, self.scheme)} for row in sorted(rows, key=lambda r: order[r["item"]])]

    def explained(self) -> pl.DataFrame:
        """:attr:`trace` with a ``sentence`` column (per row in Python: for pages and exports, not bulk work)."""
        sentences = [explain(row, self.scheme) for row in self.trace.iter_rows(named=True)]
        return self.trace.with_columns(pl.Series("sentence", sentences, dtype=pl.String))


def _periods(scheme: sc.Scheme, facts: pl.DataFrame, manual: pl.DataFrame, periods: Iterable[str] | None) -> list[str]:
    if periods is None:
        found = set(facts.get_column("period").unique().to_list()) | set(manual.get_column("period").unique().to_list())
    else:
        found = {str(p) for p in periods}
    pattern = period_pattern(scheme.period)
    wrong = sorted(p for p in found if not pattern.fullmatch(p))
    if wrong:
        raise ValueError(f"periods {wrong} are not {scheme.period} periods (e.g. 2025, 2025-H1, 2025-03)")
    return sorted(found)


def _coded_side(frame: pl.DataFrame, codes: _Codes, name: str) -> pl.DataFrame:
    """Exemptions or manual entries with ``sid``, ``pid``, ``iid``; entries outside the run are refused."""
    item_codes = [i.code for i in codes.scheme.items]
    coded = frame.with_columns(
        sid=pl.col("subject").cast(pl.Enum(codes.subjects), strict=False).to_physical().cast(_I64),
        pid=pl.col("period").cast(pl.Enum(codes.periods), strict=False).to_physical().cast(_I64),
        iid=pl.col("item").cast(pl.Enum(item_codes), strict=False).to_physical().cast(_I64))
    stray = coded.filter(pl.any_horizontal(pl.col("sid", "pid", "iid").is_null()))
    if stray.height:
        row = stray.row(0, named=True)
        raise ValueError(f"{name}: {row['subject']} {row['period']} {row['item']} is not a subject, period and item "
                         "of this run")
    return coded


def _check_manual(manual: pl.DataFrame, codes: _Codes) -> pl.DataFrame:
    """Manual entries checked against their items (rule, range, decimals)."""
    items = codes.scheme.items
    coded = _coded_side(manual, codes, "manual")
    step = 10 ** (6 - codes.scheme.places)
    top = pl.col("iid").replace_strict({i: int(item.points * UNIT) for i, item in enumerate(items)}, return_dtype=_I64)
    is_manual = pl.col("iid").is_in([i for i, item in enumerate(items) if item.rule.type == "manual"])
    stray = coded.filter(~is_manual)
    if stray.height:
        row = stray.row(0, named=True)
        raise ValueError(f"manual: {row['subject']} {row['period']} {row['item']} is not a manual item")
    bad = coded.filter((pl.col("mv") % step != 0) | (pl.col("mv") < 0) | (pl.col("mv") > top))
    if bad.height:
        row = bad.row(0, named=True)
        raise ValueError(f"manual: {row['subject']} {row['period']} {row['item']}: points {row['points']} are out of "
                         f"range or have more than {codes.scheme.places} decimals")
    return coded


def _inputs(coded: pl.DataFrame, codes: _Codes, trace_keys: pl.DataFrame, indexes: pl.DataFrame) -> pl.DataFrame:
    scheme = codes.scheme
    pairs = pl.DataFrame([(iid, codes.kid(key)) for iid, item in enumerate(scheme.items) for key in item.keys()],
                         schema={"iid": _I64, "kid": _I64}, orient="row")
    columns = ("sid", "pid", "kid", "part", "v", "text", "na", "source_kind", "source_id")
    shared = pairs.filter(pl.col("kid").is_duplicated())
    once = pairs.filter(~pl.col("kid").is_duplicated())
    # a key read by one item: its item by lookup (most keys); a key read by several: a join
    lookup = pl.Series("iid", [None] * len(codes.keys), dtype=_I64)
    if once.height:
        lookup.scatter(once.get_column("kid"), once.get_column("iid"))
    single = coded.select(columns).with_columns(iid=lookup.gather(coded.get_column("kid"))).drop_nulls("iid")
    rows = pl.concat([single, coded.select(columns).join(shared, on="kid")]) if shared.height else single
    if any(item.groups for item in scheme.items):
        rows = rows.join(trace_keys, on=["sid", "pid", "iid"], how="semi")
    rows = rows.with_columns(index=pl.lit(None, dtype=_I64))
    if indexes.height:
        composite = pl.col("iid").is_in(indexes.get_column("iid").unique().to_list())
        rows = pl.concat([rows.filter(~composite), rows.filter(composite).drop("index").join(
            indexes, on=["sid", "pid", "iid", "kid"], how="left")], how="diagonal_relaxed")
    keys = pl.Series(codes.keys, dtype=pl.Enum(codes.keys)).gather(rows.get_column("kid")).alias("key")
    return rows.with_columns(*_named(rows, codes, "subject", "period", "item"), keys).select(
        "subject", "period", "item", "key", "part", _value(pl.col("v")).alias("value"),
        "text", "na", "source_kind", "source_id", _value(pl.col("index")).alias("index"))


def score(scheme: sc.Scheme, subjects: pl.DataFrame, facts: pl.DataFrame, *, periods: Iterable[str] | None = None,
          exemptions: pl.DataFrame | None = None, manual: pl.DataFrame | None = None) -> Scoring:
    """Score every subject in every period by ``scheme``.

    Parameters
    ----------
    scheme : sc.Scheme
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
        Frames with missing columns, floats, duplicate facts, unknown groups, wrong period labels, manual points
        out of range, or exemptions and manual entries for subjects, periods or items not in the run.
    """
    subjects = prepare_subjects(subjects, scheme.groups)
    facts = prepare_facts(facts)
    manual_frame = prepare_manual(manual)
    chosen = _periods(scheme, facts, manual_frame, periods)
    codes = _Codes(subjects.get_column("subject").to_list(), subjects.get_column("group").to_list(), chosen,
                   _scheme_keys(scheme), scheme)
    coded = _encode(facts, codes)
    dense = _Dense.build(coded, codes)
    pairs = (subjects.select(sid=pl.int_range(pl.len(), dtype=_I64),
                             gid=pl.col("group").replace_strict({g: i for i, g in enumerate(scheme.groups)},
                                                              return_dtype=_I64))
             .join(pl.DataFrame({"pid": range(len(chosen))}, schema={"pid": _I64}), how="cross"))
    side = _coded_side(prepare_exemptions(exemptions), codes, "exemptions").select(
        "sid", "pid", "iid", na_reason="reason")
    items, indexes = _items(pairs, coded, dense, codes, side, _check_manual(manual_frame, codes))
    blocks = items + _adjustments(pairs, dense, codes)
    totals = _totals(codes, blocks, subjects)
    trace = _trace(blocks, codes)

    def build_inputs() -> pl.DataFrame:
        scored = pl.concat([block.frame.select("sid", "pid", "iid") for block in items])
        return _inputs(coded, codes, scored, indexes)

    return Scoring(scheme=scheme, periods=tuple(chosen), totals=totals, trace=trace, build_inputs=build_inputs)
