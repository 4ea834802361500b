"""Polars expressions that mirror the scalar rules: comparisons, compounds, exact rounding."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import polars.selectors as cs

from calc.attainment.bulk.inputs import ATT, I128, NA, NOD, NOT, OPS, Prepared, Shape
from calc.attainment.exact import PLACES

__all__ = ["compare", "evaluate_shape", "round_ratio_expr", "to_decimal"]


def round_ratio_expr(numerator: pl.Expr, denominator: pl.Expr, places: int = PLACES) -> pl.Expr:
    """``numerator / denominator`` (denominator > 0) as an integer scaled by ``10**places``, halves away
    from zero: the expression twin of :func:`calc.attainment.exact.round_ratio`."""
    magnitude = numerator.abs() * pl.lit(10**places, dtype=I128)
    quotient = magnitude // denominator
    rounded = quotient + (2 * (magnitude % denominator) >= denominator).cast(I128)
    return pl.when(numerator < 0).then(pl.lit(0, dtype=I128) - rounded).otherwise(rounded)


def to_decimal(expr: pl.Expr, scale: int) -> pl.Expr:
    """An integer scaled by ``10**scale`` as a Decimal column of that scale."""
    return expr.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1).scaleb(-scale), dtype=pl.Decimal(38, scale))


def compare(op: int, value: pl.Expr, bound: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(holds, gap) of ``value op bound``, as :func:`calc.attainment.evaluation.compare`."""
    if op == OPS[">="]:
        return value >= bound, bound - value
    if op == OPS[">"]:
        return value > bound, bound - value
    if op == OPS["<="]:
        return value <= bound, value - bound
    if op == OPS["<"]:
        return value < bound, value - bound
    return value == bound, (value - bound).abs()


def _op(code: int) -> pl.Expr:
    return pl.lit(code, dtype=pl.Int8)


class _Builder:
    """Turns a shape into ``with_columns`` stages over named columns.

    Each node ``_nodeN`` writes ``_nodeN_s`` (status code), ``_g`` (gap), ``_b`` (bound) and ``_o``
    (comparison code). Compounds refer to their parts by column name, so the expressions grow linearly
    with the target, not exponentially.

    Input columns: ``_v`` (value of the year), ``_b`` (base-year value), ``_a`` (assigned number),
    ``_st`` (status code), ``_hi`` (higher is better), ``_p0…`` (thresholds), all integers × 10**K.
    """

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.leaves: list[pl.Expr] = []
        self.stages: list[list[pl.Expr]] = []
        self.count = 0

    def build(self, shape: Shape) -> str:
        name = f"_node{self.count}"
        self.count += 1
        kind = shape[0]
        value = pl.col("_v")
        hi = pl.col("_hi")
        if kind == "thr":
            op, slot = shape[1], shape[2]
            assert isinstance(op, int) and isinstance(slot, int)
            bound = pl.col(f"_p{slot}")
            holds, gap = compare(op, value, bound)
            self._leaf(name, value.is_null(), holds, gap, bound, _op(op))
        elif kind == "trend":
            self._trend(name, str(shape[1]))
        elif kind == "assigned":
            bound = pl.col("_a")
            hi_holds, hi_gap = compare(OPS[">="], value, bound)
            lo_holds, lo_gap = compare(OPS["<="], value, bound)
            self._leaf(
                name,
                value.is_null() | bound.is_null(),
                pl.when(hi).then(hi_holds).otherwise(lo_holds),
                pl.when(hi).then(hi_gap).otherwise(lo_gap),
                bound,
                pl.when(hi).then(_op(OPS[">="])).otherwise(_op(OPS["<="])),
            )
        elif kind == "qual":
            self.leaves += [
                pl.col("_st").fill_null(NOD).cast(pl.Int8).alias(f"{name}_s"),
                pl.lit(None, dtype=I128).alias(f"{name}_g"),
                pl.lit(None, dtype=I128).alias(f"{name}_b"),
                pl.lit(None, dtype=pl.Int8).alias(f"{name}_o"),
            ]
        else:
            children = [self.build(child) for child in shape[1]]  # type: ignore[attr-defined]
            self._compound(name, str(kind), children)
        return name

    def _leaf(
        self, name: str, missing: pl.Expr, holds: pl.Expr, gap: pl.Expr, bound: pl.Expr, op: pl.Expr
    ) -> None:
        self.leaves += [
            pl.when(missing)
            .then(pl.lit(NOD, dtype=pl.Int8))
            .when(holds)
            .then(pl.lit(ATT, dtype=pl.Int8))
            .otherwise(pl.lit(NOT, dtype=pl.Int8))
            .alias(f"{name}_s"),
            pl.when(~missing).then(gap).alias(f"{name}_g"),
            bound.alias(f"{name}_b"),
            op.alias(f"{name}_o"),
        ]

    def _trend(self, name: str, rule: str) -> None:
        base = pl.col("_b")
        hi = pl.col("_hi")
        # tolerance × |base| is exact: K includes the tolerance's places, so base ends in that many zeros.
        slack = (base.abs() * pl.lit(self.prepared.tolerance_num, dtype=I128)) // pl.lit(
            10**self.prepared.tolerance_places, dtype=I128
        )
        rules = {
            "not_worse": (OPS[">="], base, OPS["<="], base),
            "stable_or_improving": (OPS[">="], base - slack, OPS["<="], base + slack),
            "improving": (OPS[">"], base, OPS["<"], base),
            "decreasing": (OPS["<"], base, OPS["<"], base),
        }
        hi_op, hi_bound, lo_op, lo_bound = rules[rule]
        value = pl.col("_v")
        hi_holds, hi_gap = compare(hi_op, value, hi_bound)
        lo_holds, lo_gap = compare(lo_op, value, lo_bound)
        self._leaf(
            name,
            value.is_null() | base.is_null(),
            pl.when(hi).then(hi_holds).otherwise(lo_holds),
            pl.when(hi).then(hi_gap).otherwise(lo_gap),
            pl.when(hi).then(hi_bound).otherwise(lo_bound),
            pl.when(base.is_null()).then(None).when(hi).then(_op(hi_op)).otherwise(_op(lo_op)),
        )

    def _compound(self, name: str, kind: str, children: list[str]) -> None:
        statuses = [pl.col(f"{c}_s") for c in children]
        status = pl.max_horizontal(statuses) if kind == "all_of" else pl.min_horizontal(statuses)
        self.stages.append([status.alias(f"{name}_s")])
        own = pl.col(f"{name}_s")
        # The extreme gap among the parts that share the compound's status (null when none has a gap) …
        gaps = [pl.when(pl.col(f"{c}_s") == own).then(pl.col(f"{c}_g")) for c in children]
        best = pl.max_horizontal(gaps) if kind == "all_of" else pl.min_horizontal(gaps)
        self.stages.append([best.alias(f"{name}_best")])
        best_col = pl.col(f"{name}_best")
        # … then the first such part with that gap, or the first such part when none has a gap.
        pick: pl.Expr = pl.lit(None, dtype=pl.Int8)
        for index in reversed(range(len(children))):
            child = children[index]
            condition = (pl.col(f"{child}_s") == own) & (
                best_col.is_null() | (pl.col(f"{child}_g") == best_col)
            )
            pick = pl.when(condition).then(_op(index)).otherwise(pick)
        self.stages.append([pick.alias(f"{name}_pick")])
        chosen = pl.col(f"{name}_pick")
        selected = []
        for suffix in ("g", "b", "o"):
            choice: pl.Expr = pl.lit(None)
            for index in reversed(range(len(children))):
                choice = (
                    pl.when(chosen == index).then(pl.col(f"{children[index]}_{suffix}")).otherwise(choice)
                )
            selected.append(choice.alias(f"{name}_{suffix}"))
        self.stages.append(selected)


def evaluate_shape(rows: pl.LazyFrame, shape: Shape, prepared: Prepared) -> pl.LazyFrame:
    """Evaluate rows that all have ``shape``; add ``_status`` (code), ``_gap``, ``_bound``, ``_op``.

    Rows need ``_applicable`` besides the builder's input columns; a row that is not applicable gets
    status :data:`~calc.attainment.bulk.inputs.NA` and nulls, like
    :func:`calc.attainment.evaluation.not_applicable`.
    """
    builder = _Builder(prepared)
    root = builder.build(shape)
    frame = rows.with_columns(builder.leaves)
    for stage in builder.stages:
        frame = frame.with_columns(stage)
    applicable = pl.col("_applicable")
    return frame.with_columns(
        _status=pl.when(applicable).then(pl.col(f"{root}_s")).otherwise(pl.lit(NA, dtype=pl.Int8)),
        _gap=pl.when(applicable).then(pl.col(f"{root}_g")),
        _bound=pl.when(applicable).then(pl.col(f"{root}_b")),
        _op=pl.when(applicable).then(pl.col(f"{root}_o")),
        _v=pl.when(applicable).then(pl.col("_v")),
    ).drop(cs.starts_with("_node"))
