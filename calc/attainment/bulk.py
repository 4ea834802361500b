"""Bulk engine: attainment and reachability of every region × indicator × year with polars.

The scalar functions (:func:`~calc.attainment.evaluation.evaluate`,
:func:`~calc.attainment.reachability.reachability`) are the specification; this module computes the same
statuses, gaps, rates and projections for whole tables at once, with polars expressions, joins and
group-bys, and no Python loop over rows. Python loops only over the distinct target *shapes* (the tree of
a target with its thresholds taken out as parameters), of which a framework has a handful.

Exactness: every number is handled as a 128-bit integer scaled by ``10**K``, where ``K`` is the largest
number of decimal places among the values, assigned numbers and thresholds, plus the places of the
stability tolerance. Sums, differences and products of such integers are exact; each derived number is
one exact rational rounded by the same integer rule as :func:`calc.attainment.exact.round_ratio`. The
results are therefore equal, digit for digit, to the scalar functions'. Limits that keep every
intermediate product inside 128 bits: ``|value| × 10**K ≤ 10**21``, at most 6 decimal places in the
tolerance and the ratio thresholds, points at most :data:`MAX_SPAN` years before ``current_year`` and
deadlines at most :data:`MAX_SPAN` years from it. A breach raises ``ValueError``; nothing overflows
silently.

Frames (column names are fixed; ``region_id`` and ``indicator_id`` may be of any type, the same in all):

``values``
    ``region_id, indicator_id, year`` (int), ``value`` (Decimal, integer or decimal text; not float).
    Approved values only; at most one row per key and year; null values are ignored.
``targets``
    ``region_id, indicator_id, target`` (a *resolved* expression, e.g. ``unparse(resolve(t, profile))``),
    ``direction`` (``higher``/``lower``), optional ``base_year`` (int), ``deadline_year`` (int) and
    ``applicable`` (bool, default true). One row per region and indicator.
``assigned`` (optional)
    ``region_id, indicator_id, year, value``: the yearly numbers of ``assigned`` targets.
``statuses`` (optional)
    ``region_id, indicator_id, year, status`` (``achieved``/``in_progress``/``not_started``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

import polars as pl
import polars.selectors as cs

from calc.attainment.evaluation import QUALITATIVE_STATUSES, STABLE_TOLERANCE
from calc.attainment.exact import PLACES
from calc.attainment.reachability import ACCELERATE_RATIO, MIN_POINTS, ON_TRACK_RATIO
from calc.targets import (
    AllOf,
    AnyOf,
    Assigned,
    ByRegion,
    Qualitative,
    Target,
    Threshold,
    Trend,
    is_qualitative,
    parse_target,
)

__all__ = ["MAX_SCALED", "MAX_SPAN", "evaluate_frame", "reachability_frame"]

#: Largest ``|number| × 10**K`` accepted (see the module docstring).
MAX_SCALED = 10**21
#: Largest distance in years between ``current_year`` and a point or a deadline.
MAX_SPAN = 100

_KEYS = ("region_id", "indicator_id")
_YEAR_STRIDE = 10_000  # row key = series id × stride + year; years must lie in [0, stride)

# Status codes: a compound's is the max (all_of) or min (any_of) of its parts'.
_ATT, _NOD, _NOT, _NA = 0, 1, 2, 3
_STATUS_NAMES = {_ATT: "attained", _NOD: "no_data", _NOT: "not_attained", _NA: "not_applicable"}
_OPS = {">=": 0, ">": 1, "<=": 2, "<": 3, "=": 4}
_OP_NAMES = {code: op for op, code in _OPS.items()}
_QUAL_CODES = {"achieved": _ATT, "in_progress": _NOT, "not_started": _NOT}

_I128 = pl.Int128
_PROJECTION = pl.List(pl.Struct({"year": pl.Int64, "value": pl.Decimal(38, PLACES)}))

# A target shape: ("thr", op code, parameter slot) | ("trend", rule) | ("assigned",) | ("qual",)
# | ("all_of" / "any_of", (child shapes …)).
Shape: TypeAlias = tuple[object, ...]


# --- preparation ------------------------------------------------------------------------------


@dataclass
class _Prepared:
    targets: pl.DataFrame  # _sid, _shape, _p*, _hi, _applicable, _base_key, deadline_year, _qual_only
    keys: pl.DataFrame  # region_id, indicator_id by _sid
    values: pl.LazyFrame  # _sid, year, _key, _v
    assigned: pl.LazyFrame | None  # _key, _a
    statuses: pl.LazyFrame | None  # _sid, year, _key, _st
    shapes: list[Shape]
    scale: int
    tolerance_num: int  # tolerance × 10**tolerance_places
    tolerance_places: int


def _require(frame: pl.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} frame lacks column(s) {', '.join(missing)}")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _number_scale(frame: pl.DataFrame, column: str, name: str) -> int:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Decimal):
        return dtype.scale or 0
    if dtype.is_integer() or dtype == pl.Null:
        return 0
    if dtype == pl.String:
        if frame.height == 0:
            return 0
        text = frame.get_column(column).drop_nulls()
        if text.str.contains(r"^\s*[-+]?\d+(\.\d+)?\s*$").not_().any():
            raise ValueError(f"{name}.{column} holds text that is not a plain decimal number")
        digits = text.str.strip_chars().str.extract(r"\.(\d+)$").str.len_chars().max()
        return int(digits) if isinstance(digits, int) else 0
    raise TypeError(f"{name}.{column} is {dtype}: give Decimal, integer or decimal text, not float")


def _scaled(frame: pl.DataFrame, column: str, scale: int) -> pl.Expr:
    dtype = frame.schema[column]
    expr = pl.col(column)
    if dtype == pl.String:
        expr = expr.str.strip_chars().str.to_decimal(scale=scale)
    return expr.cast(pl.Decimal(38, scale)).to_physical().cast(_I128)


def _shape_of(target: Target, thresholds: list[Decimal]) -> Shape:
    match target:
        case Threshold(op, value):
            thresholds.append(value)
            return ("thr", _OPS[op], len(thresholds) - 1)
        case Trend(rule):
            return ("trend", rule)
        case Assigned():
            return ("assigned",)
        case Qualitative():
            return ("qual",)
        case AllOf(parts):
            return ("all_of", tuple(_shape_of(p, thresholds) for p in parts))
        case AnyOf(parts):
            return ("any_of", tuple(_shape_of(p, thresholds) for p in parts))
        case ByRegion():
            raise ValueError("a target still depends on the region: resolve() it before the bulk engine")
    raise TypeError(f"not a target: {target!r}")  # pragma: no cover


def _uses(shape: Shape, kind: str) -> bool:
    if shape[0] == kind:
        return True
    if shape[0] in ("all_of", "any_of"):
        return any(_uses(child, kind) for child in shape[1])  # type: ignore[attr-defined]
    return False


def _attach_sid(frame: pl.DataFrame, keys: pl.DataFrame, name: str) -> pl.DataFrame:
    """Replace region_id/indicator_id by the series id; rows of series without a target are dropped."""
    joined = frame.join(keys, on=list(_KEYS), how="inner")
    years = joined.get_column("year")
    if joined.height and (years.min() < 0 or years.max() >= _YEAR_STRIDE):  # type: ignore[operator]
        raise ValueError(f"{name}.year must lie between 0 and {_YEAR_STRIDE - 1}")
    joined = joined.with_columns(_key=pl.col("_sid") * _YEAR_STRIDE + pl.col("year").cast(pl.Int64))
    if joined.get_column("_key").is_duplicated().any():
        raise ValueError(f"{name} has more than one row for a region, indicator and year")
    return joined


def _prepare(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    assigned: pl.DataFrame | None,
    statuses: pl.DataFrame | None,
    tolerance: Decimal,
) -> _Prepared:
    _require(values, "values", [*_KEYS, "year", "value"])
    _require(targets, "targets", [*_KEYS, "target", "direction"])
    if assigned is not None:
        _require(assigned, "assigned", [*_KEYS, "year", "value"])
    if statuses is not None:
        _require(statuses, "statuses", [*_KEYS, "year", "status"])
    if not isinstance(tolerance, Decimal) or not tolerance.is_finite() or tolerance < 0:
        raise ValueError(f"stable_tolerance must be a non-negative Decimal, not {tolerance!r}")
    tolerance_places = _places(tolerance)
    if tolerance_places > PLACES or tolerance > 1:
        raise ValueError("stable_tolerance: at most 6 decimal places and at most 1")
    tolerance_num = int(tolerance.scaleb(tolerance_places))

    for column, default in (("base_year", None), ("deadline_year", None), ("applicable", True)):
        if column not in targets.columns:
            dtype = pl.Boolean if column == "applicable" else pl.Int64
            targets = targets.with_columns(pl.lit(default, dtype=dtype).alias(column))
    bad = targets.filter(~pl.col("direction").is_in(["higher", "lower"]))
    if bad.height:
        raise ValueError(f"targets.direction must be 'higher' or 'lower', not {bad['direction'][0]!r}")
    if targets.select(pl.struct(list(_KEYS)).is_duplicated().any()).item():
        raise ValueError("targets has more than one row for a region and indicator")
    if targets.get_column("target").null_count():
        raise ValueError("targets.target has empty rows")

    # The distinct targets, parsed once each, mapped to shapes and threshold parameters.
    texts = targets.get_column("target").unique().to_list()
    shapes: list[Shape] = []
    shape_ids: dict[Shape, int] = {}
    rows: list[tuple[str, int, bool, list[Decimal]]] = []
    for text in texts:
        thresholds: list[Decimal] = []
        parsed = parse_target(text)
        shape = _shape_of(parsed, thresholds)
        if shape not in shape_ids:
            shape_ids[shape] = len(shapes)
            shapes.append(shape)
        rows.append((text, shape_ids[shape], is_qualitative(parsed), thresholds))
    slots = max((len(r[3]) for r in rows), default=0)
    threshold_places = max((_places(t) for r in rows for t in r[3]), default=0)

    value_places = _number_scale(values, "value", "values")
    assigned_places = 0 if assigned is None else _number_scale(assigned, "value", "assigned")
    scale = max(value_places, assigned_places, threshold_places) + tolerance_places
    if scale > 30:
        raise ValueError(f"too many decimal places ({scale}) for the exact bulk engine")

    def scaled_threshold(value: Decimal) -> int:
        number = int(value.scaleb(scale))
        if abs(number) > MAX_SCALED:
            raise ValueError(f"threshold {value} is too large for the bulk engine")
        return number

    mapping = pl.DataFrame(
        {
            "target": [r[0] for r in rows],
            "_shape": [r[1] for r in rows],
            "_qual_only": [r[2] for r in rows],
            **{
                f"_p{slot}": pl.Series(
                    [scaled_threshold(r[3][slot]) if slot < len(r[3]) else None for r in rows], dtype=_I128
                )
                for slot in range(slots)
            },
        },
        schema_overrides={"_shape": pl.Int32, "target": targets.schema["target"]},
    )
    prepared = (
        targets.with_row_index("_sid")
        .with_columns(pl.col("_sid").cast(pl.Int64))
        .join(mapping, on="target", how="left")
        .with_columns(
            _hi=pl.col("direction") == "higher",
            _applicable=pl.col("applicable").fill_null(True),
            _base_key=pl.col("_sid") * _YEAR_STRIDE + pl.col("base_year").cast(pl.Int64),
            deadline_year=pl.col("deadline_year").cast(pl.Int64),
        )
        .sort("_sid")
    )
    keys = prepared.select("_sid", *_KEYS)

    value_frame = _attach_sid(
        values.select(*_KEYS, pl.col("year").cast(pl.Int64), "value").filter(pl.col("value").is_not_null()),
        keys,
        "values",
    ).select("_sid", "year", "_key", _v=_scaled(values, "value", scale))
    _check_magnitude(value_frame, "_v", "values")

    assigned_frame = None
    if assigned is not None and any(_uses(s, "assigned") for s in shapes):
        joined = _attach_sid(
            assigned.select(*_KEYS, pl.col("year").cast(pl.Int64), "value").filter(
                pl.col("value").is_not_null()
            ),
            keys,
            "assigned",
        ).select("_key", _a=_scaled(assigned, "value", scale))
        _check_magnitude(joined, "_a", "assigned")
        assigned_frame = joined.lazy()

    status_frame = None
    if statuses is not None and any(_uses(s, "qual") for s in shapes):
        joined = _attach_sid(
            statuses.select(*_KEYS, pl.col("year").cast(pl.Int64), "status").filter(
                pl.col("status").is_not_null()
            ),
            keys,
            "statuses",
        )
        unknown = joined.filter(~pl.col("status").is_in(list(QUALITATIVE_STATUSES)))
        if unknown.height:
            raise ValueError(f"unknown status {unknown['status'][0]!r}; use one of {', '.join(_QUAL_CODES)}")
        status_frame = joined.select(
            "_sid", "year", "_key", _st=pl.col("status").replace_strict(_QUAL_CODES, return_dtype=pl.Int8)
        ).lazy()

    return _Prepared(
        targets=prepared.drop(*_KEYS),
        keys=keys,
        values=value_frame.lazy(),
        assigned=assigned_frame,
        statuses=status_frame,
        shapes=shapes,
        scale=scale,
        tolerance_num=tolerance_num,
        tolerance_places=tolerance_places,
    )


def _check_magnitude(frame: pl.DataFrame, column: str, name: str) -> None:
    if frame.height and frame.get_column(column).abs().max() > MAX_SCALED:  # type: ignore[operator]
        raise ValueError(f"{name}: a value is too large for the exact bulk engine (|value|×10^K > 10^21)")


# --- expressions ------------------------------------------------------------------------------


def _round_ratio(numerator: pl.Expr, denominator: pl.Expr, places: int = PLACES) -> pl.Expr:
    """``numerator / denominator`` (denominator > 0) as an integer scaled by ``10**places``, halves away
    from zero: the expression twin of :func:`calc.attainment.exact.round_ratio`."""
    magnitude = numerator.abs() * pl.lit(10**places, dtype=_I128)
    quotient = magnitude // denominator
    remainder = magnitude % denominator
    rounded = quotient + (2 * remainder > denominator).cast(_I128)
    return pl.when(numerator < 0).then(pl.lit(0, dtype=_I128) - rounded).otherwise(rounded)


def _to_decimal(expr: pl.Expr, scale: int) -> pl.Expr:
    """An integer scaled by ``10**scale`` as a Decimal column."""
    return expr.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1).scaleb(-scale), dtype=pl.Decimal(38, scale))


def _compare(op: int, value: pl.Expr, bound: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(holds, gap) of ``value op bound``, as in :func:`calc.attainment.evaluation.compare`."""
    if op == _OPS[">="]:
        return value >= bound, bound - value
    if op == _OPS[">"]:
        return value > bound, bound - value
    if op == _OPS["<="]:
        return value <= bound, value - bound
    if op == _OPS["<"]:
        return value < bound, value - bound
    return value == bound, (value - bound).abs()


class _Builder:
    """Turns a shape into a sequence of ``with_columns`` stages over named columns.

    Each node ``_nodeN`` writes ``{n}_s`` (status code), ``{n}_g`` (gap), ``{n}_b`` (bound) and ``{n}_o``
    (comparison code). Compounds refer to their parts by column name, so the expressions stay linear in
    the size of the target.
    """

    def __init__(self, prepared: _Prepared) -> None:
        self.prepared = prepared
        self.leaves: list[pl.Expr] = []
        self.stages: list[list[pl.Expr]] = []
        self.count = 0

    def build(self, shape: Shape) -> str:
        name = f"_node{self.count}"
        self.count += 1
        kind = shape[0]
        value = pl.col("_v")
        if kind == "thr":
            op, slot = shape[1], shape[2]
            assert isinstance(op, int) and isinstance(slot, int)
            bound = pl.col(f"_p{slot}")
            holds, gap = _compare(op, value, bound)
            self._leaf(name, value.is_null(), holds, gap, bound, pl.lit(op, dtype=pl.Int8))
        elif kind == "trend":
            self._trend(name, str(shape[1]))
        elif kind == "assigned":
            bound = pl.col("_a")
            hi_holds, hi_gap = _compare(_OPS[">="], value, bound)
            lo_holds, lo_gap = _compare(_OPS["<="], value, bound)
            hi = pl.col("_hi")
            self._leaf(
                name,
                value.is_null() | bound.is_null(),
                pl.when(hi).then(hi_holds).otherwise(lo_holds),
                pl.when(hi).then(hi_gap).otherwise(lo_gap),
                bound,
                pl.when(hi).then(pl.lit(_OPS[">="], dtype=pl.Int8)).otherwise(pl.lit(_OPS["<="], dtype=pl.Int8)),
            )
        elif kind == "qual":
            self.leaves += [
                pl.col("_st").fill_null(_NOD).cast(pl.Int8).alias(f"{name}_s"),
                pl.lit(None, dtype=_I128).alias(f"{name}_g"),
                pl.lit(None, dtype=_I128).alias(f"{name}_b"),
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
            .then(pl.lit(_NOD, dtype=pl.Int8))
            .when(holds)
            .then(pl.lit(_ATT, dtype=pl.Int8))
            .otherwise(pl.lit(_NOT, dtype=pl.Int8))
            .alias(f"{name}_s"),
            pl.when(missing).then(None).otherwise(gap).alias(f"{name}_g"),
            bound.alias(f"{name}_b"),
            op.alias(f"{name}_o"),
        ]

    def _trend(self, name: str, rule: str) -> None:
        base = pl.col("_b")
        hi = pl.col("_hi")
        # tolerance × |base|: base carries the tolerance's places as trailing zeros, so this is exact.
        slack = (base.abs() * pl.lit(self.prepared.tolerance_num, dtype=_I128)) // pl.lit(
            10**self.prepared.tolerance_places, dtype=_I128
        )
        ops = {
            "not_worse": (_OPS[">="], base, _OPS["<="], base),
            "stable_or_improving": (_OPS[">="], base - slack, _OPS["<="], base + slack),
            "improving": (_OPS[">"], base, _OPS["<"], base),
            "decreasing": (_OPS["<"], base, _OPS["<"], base),
        }
        hi_op, hi_bound, lo_op, lo_bound = ops[rule]
        value = pl.col("_v")
        hi_holds, hi_gap = _compare(hi_op, value, hi_bound)
        lo_holds, lo_gap = _compare(lo_op, value, lo_bound)
        self._leaf(
            name,
            value.is_null() | base.is_null(),
            pl.when(hi).then(hi_holds).otherwise(lo_holds),
            pl.when(hi).then(hi_gap).otherwise(lo_gap),
            pl.when(hi).then(hi_bound).otherwise(lo_bound),
            pl.when(base.is_null())
            .then(None)
            .when(hi)
            .then(pl.lit(hi_op, dtype=pl.Int8))
            .otherwise(pl.lit(lo_op, dtype=pl.Int8)),
        )

    def _compound(self, name: str, kind: str, children: list[str]) -> None:
        statuses = [pl.col(f"{c}_s") for c in children]
        status = pl.max_horizontal(statuses) if kind == "all_of" else pl.min_horizontal(statuses)
        self.stages.append([status.alias(f"{name}_s")])
        own = pl.col(f"{name}_s")
        # The extreme gap among parts sharing the compound's status (null when none has a gap) …
        gaps = [pl.when(pl.col(f"{c}_s") == own).then(pl.col(f"{c}_g")) for c in children]
        best = pl.max_horizontal(gaps) if kind == "all_of" else pl.min_horizontal(gaps)
        self.stages.append([best.alias(f"{name}_best")])
        best_col = pl.col(f"{name}_best")
        # … and the first such part with that gap, or the first such part when none has a gap.
        pick: pl.Expr | None = None
        chain = None
        for index, child in enumerate(children):
            condition = (pl.col(f"{child}_s") == own) & (
                best_col.is_null() | (pl.col(f"{child}_g") == best_col)
            )
            chain = (
                pl.when(condition).then(pl.lit(index, dtype=pl.Int8))
                if chain is None
                else chain.when(condition).then(pl.lit(index, dtype=pl.Int8))
            )
        assert chain is not None
        pick = chain.otherwise(None)
        self.stages.append([pick.alias(f"{name}_pick")])
        chosen = pl.col(f"{name}_pick")
        selected = []
        for suffix in ("g", "b", "o"):
            expr = None
            for index, child in enumerate(children):
                column = pl.col(f"{child}_{suffix}")
                expr = (
                    pl.when(chosen == index).then(column)
                    if expr is None
                    else expr.when(chosen == index).then(column)
                )
            assert expr is not None
            selected.append(expr.otherwise(None).alias(f"{name}_{suffix}"))
        self.stages.append(selected)


def _evaluate_rows(rows: pl.LazyFrame, prepared: _Prepared) -> pl.LazyFrame:
    """Evaluate rows carrying ``_shape``, parameters, ``_hi``, ``_applicable``, ``_v``, ``_b``, ``_a``,
    ``_st``; add ``_status`` (code), ``_gap``, ``_bound``, ``_op``."""
    parts = []
    for shape_id, shape in enumerate(prepared.shapes):
        builder = _Builder(prepared)
        root = builder.build(shape)
        frame = rows.filter(pl.col("_shape") == shape_id)
        if builder.leaves:
            frame = frame.with_columns(builder.leaves)
        for stage in builder.stages:
            frame = frame.with_columns(stage)
        applicable = pl.col("_applicable")
        frame = frame.with_columns(
            _status=pl.when(applicable).then(pl.col(f"{root}_s")).otherwise(pl.lit(_NA, dtype=pl.Int8)),
            _gap=pl.when(applicable).then(pl.col(f"{root}_g")),
            _bound=pl.when(applicable).then(pl.col(f"{root}_b")),
            _op=pl.when(applicable).then(pl.col(f"{root}_o")),
            _v=pl.when(applicable).then(pl.col("_v")),
        ).drop(cs.starts_with("_node"))
        parts.append(frame)
    if not parts:
        return rows.with_columns(
            _status=pl.lit(None, dtype=pl.Int8),
            _gap=pl.lit(None, dtype=_I128),
            _bound=pl.lit(None, dtype=_I128),
            _op=pl.lit(None, dtype=pl.Int8),
        )
    return pl.concat(parts, how="diagonal_relaxed")


def _with_inputs(rows: pl.LazyFrame, prepared: _Prepared, year: pl.Expr) -> pl.LazyFrame:
    """Attach the value, assigned number and status of ``year`` (and the base value) to each row."""
    key = pl.col("_sid") * _YEAR_STRIDE + year
    rows = rows.with_columns(_key=key)
    rows = rows.join(prepared.values.select("_key", "_v"), on="_key", how="left")
    if prepared.assigned is not None:
        rows = rows.join(prepared.assigned, on="_key", how="left")
    else:
        rows = rows.with_columns(_a=pl.lit(None, dtype=_I128))
    if prepared.statuses is not None:
        rows = rows.join(prepared.statuses.select("_key", "_st"), on="_key", how="left")
    else:
        rows = rows.with_columns(_st=pl.lit(None, dtype=pl.Int8))
    return rows


def _with_base(targets: pl.LazyFrame, prepared: _Prepared) -> pl.LazyFrame:
    base = prepared.values.select(_base_key="_key", _b="_v")
    return targets.join(base, on="_base_key", how="left")


def _named_status(expr: pl.Expr, names: dict[int, str]) -> pl.Expr:
    return expr.replace_strict(names, default=None, return_dtype=pl.String)


def _with_keys(frame: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    sid = frame.get_column("_sid")
    return frame.with_columns(
        keys.get_column(column).gather(sid).alias(column) for column in _KEYS
    ).drop("_sid")


# --- public API -------------------------------------------------------------------------------


def evaluate_frame(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    years: Iterable[int] | None = None,
    assigned: pl.DataFrame | None = None,
    statuses: pl.DataFrame | None = None,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
) -> pl.DataFrame:
    """Evaluate every target of ``targets`` in every year of ``years``.

    Parameters
    ----------
    values, targets, assigned, statuses : polars.DataFrame
        See the module docstring for the columns.
    years : iterable of int, optional
        The years to evaluate; by default every year present in ``values`` or ``statuses``.
    stable_tolerance : Decimal
        As in :func:`calc.attainment.evaluation.evaluate`.

    Returns
    -------
    polars.DataFrame
        One row per target and year, sorted by target row then year: ``region_id``, ``indicator_id``,
        ``year``, ``status`` (``attained``/``not_attained``/``no_data``/``not_applicable``), ``value``,
        ``comparison``, ``bound``, ``gap_abs`` (Decimal), ``gap_rel`` (Decimal, 6 places). Each equals the
        field of the same name of :func:`~calc.attainment.evaluation.evaluate`'s result.
    """
    prepared = _prepare(values, targets, assigned, statuses, stable_tolerance)
    if years is None:
        found = prepared.values.select("year")
        if prepared.statuses is not None:
            found = pl.concat([found, prepared.statuses.select("year")])
        year_list = sorted(found.unique().collect().get_column("year").to_list())
    else:
        year_list = sorted({int(y) for y in years})
    if any(y < 0 or y >= _YEAR_STRIDE for y in year_list):
        raise ValueError(f"years must lie between 0 and {_YEAR_STRIDE - 1}")
    scale = prepared.scale

    base = _with_base(prepared.targets.lazy(), prepared)
    rows = base.join(pl.LazyFrame({"year": year_list}, schema={"year": pl.Int64}), how="cross")
    rows = _with_inputs(rows, prepared, pl.col("year"))
    evaluated = _evaluate_rows(rows, prepared)
    bound = pl.col("_bound")
    out = (
        evaluated.select(
            "_sid",
            "year",
            status=_named_status(pl.col("_status"), _STATUS_NAMES),
            value=_to_decimal(pl.col("_v"), scale),
            comparison=_named_status(pl.col("_op"), _OP_NAMES),
            bound=_to_decimal(bound, scale),
            gap_abs=_to_decimal(pl.col("_gap"), scale),
            gap_rel=pl.when(pl.col("_gap").is_not_null() & bound.is_not_null() & (bound != 0)).then(
                _to_decimal(_round_ratio(pl.col("_gap"), bound.abs()), PLACES)
            ),
        )
        .sort("_sid", "year")
        .collect()
    )
    return _with_keys(out, prepared.keys).select(
        *_KEYS, "year", "status", "value", "comparison", "bound", "gap_abs", "gap_rel"
    )


def _ratio_parts(value: Decimal, name: str) -> tuple[int, int]:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > 100:
        raise ValueError(f"{name} must be a Decimal between 0 and 100")
    if _places(value) > PLACES:
        raise ValueError(f"{name}: at most {PLACES} decimal places")
    numerator, denominator = value.as_integer_ratio()
    return numerator, denominator


def reachability_frame(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    current_year: int,
    assigned: pl.DataFrame | None = None,
    statuses: pl.DataFrame | None = None,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
    on_track_ratio: Decimal = ON_TRACK_RATIO,
    accelerate_ratio: Decimal = ACCELERATE_RATIO,
    with_projection: bool = True,
) -> pl.DataFrame:
    """Reachability of every applicable target, as :func:`calc.attainment.reachability.reachability`.

    Parameters
    ----------
    values, targets, assigned, statuses : polars.DataFrame
        See the module docstring; ``targets.deadline_year`` is the year each target must be met.
    current_year : int
        Values after this year are ignored.
    stable_tolerance, on_track_ratio, accelerate_ratio : Decimal
        As in the scalar function.
    with_projection : bool
        Whether to build the ``projection`` column.

    Returns
    -------
    polars.DataFrame
        One row per applicable target: ``region_id``, ``indicator_id``, ``status``, ``evaluation_status``,
        ``reference_year``, ``points``, ``latest_year``, ``latest_value``, ``comparison``, ``goal``,
        ``observed_rate``, ``required_rate``, ``ratio``, ``years_needed``, ``expected_year`` and
        ``projection`` (list of ``{year, value}`` structs, ascending). Each equals the field of the same
        name of the scalar result (``evaluation_status`` is ``evaluation.status``).
    """
    on_num, on_den = _ratio_parts(on_track_ratio, "on_track_ratio")
    acc_num, acc_den = _ratio_parts(accelerate_ratio, "accelerate_ratio")
    if accelerate_ratio > on_track_ratio:
        raise ValueError("need 0 ≤ accelerate_ratio ≤ on_track_ratio")
    prepared = _prepare(values, targets, assigned, statuses, stable_tolerance)
    scale = prepared.scale
    unit = pl.lit(10**scale, dtype=_I128)

    points = prepared.values.filter(pl.col("year") <= current_year)
    oldest = points.select(pl.col("year").min()).collect().item()
    if oldest is not None and current_year - oldest > MAX_SPAN:
        raise ValueError(f"values more than {MAX_SPAN} years before current_year are not supported")
    deadlines = prepared.targets.get_column("deadline_year").drop_nulls()
    if deadlines.len() and (deadlines - current_year).abs().max() > MAX_SPAN:  # type: ignore[operator]
        raise ValueError(f"deadlines more than {MAX_SPAN} years from current_year are not supported")

    x = (pl.col("year") - current_year).cast(_I128)
    stats = points.group_by("_sid").agg(
        _n=pl.len().cast(pl.Int64),
        _tn=pl.col("year").max(),
        _xn=pl.col("_v").sort_by("year").last(),
        _sx=x.sum(),
        _sy=pl.col("_v").sum(),
        _sxy=(x * pl.col("_v")).sum(),
        _sxx=(x * x).sum(),
    )
    rows = _with_base(prepared.targets.lazy().filter(pl.col("_applicable")), prepared).join(
        stats, on="_sid", how="left"
    )
    if prepared.statuses is not None:
        latest_status = (
            prepared.statuses.filter(pl.col("year") <= current_year)
            .group_by("_sid")
            .agg(_ts=pl.col("year").max())
        )
        rows = rows.join(latest_status, on="_sid", how="left")
    else:
        rows = rows.with_columns(_ts=pl.lit(None, dtype=pl.Int64))
    rows = rows.with_columns(
        _ref=pl.when(pl.col("_qual_only")).then(pl.col("_ts")).otherwise(pl.col("_tn")),
        _n=pl.col("_n").fill_null(0),
    )
    rows = _with_inputs(rows, prepared, pl.col("_ref"))
    evaluated = _evaluate_rows(rows, prepared)

    n = pl.col("_n").cast(_I128)
    slope_num = n * pl.col("_sxy") - pl.col("_sx") * pl.col("_sy")
    slope_den = n * pl.col("_sxx") - pl.col("_sx") * pl.col("_sx")
    evaluated = evaluated.with_columns(_N=slope_num, _D=slope_den)

    status = pl.col("_status")
    gap, bound, op = pl.col("_gap"), pl.col("_bound"), pl.col("_op")
    deadline, latest = pl.col("deadline_year"), pl.col("_tn")
    enough = pl.col("_n") >= MIN_POINTS
    has_goal = (status == _NOT) & bound.is_not_null() & gap.is_not_null()
    upward = op.is_in([_OPS[">="], _OPS[">"]]) | ((op == _OPS["="]) & (bound > pl.col("_xn")))
    sign = pl.when(upward).then(pl.lit(1, dtype=_I128)).otherwise(pl.lit(-1, dtype=_I128))
    progress = sign * pl.col("_N")  # progress per year = progress / _D (scaled units)
    horizon = (deadline - latest).cast(_I128)
    analysed = pl.col("_ref").is_not_null() & has_goal & enough & deadline.is_not_null()
    timed = analysed & (deadline > latest)
    # R ≥ θ  ⇔  progress × horizon × θ_den ≥ θ_num × _D × gap   (all denominators positive)
    def ratio_at_least(num: int, den: int) -> pl.Expr:
        return progress * horizon * den >= num * pl.col("_D") * gap

    reach_status = (
        pl.when(pl.col("_ref").is_null())
        .then(pl.lit("insufficient_data"))
        .when(status == _ATT)
        .then(pl.lit("attained"))
        .when(~analysed)
        .then(pl.lit("insufficient_data"))
        .when(deadline <= latest)
        .then(pl.lit("off_track"))
        .when(gap == 0)
        .then(pl.when(progress > 0).then(pl.lit("on_track")).otherwise(pl.lit("off_track")))
        .when(ratio_at_least(on_num, on_den))
        .then(pl.lit("on_track"))
        .when(ratio_at_least(acc_num, acc_den))
        .then(pl.lit("accelerate"))
        .otherwise(pl.lit("off_track"))
    )
    # years needed = max(1, ceil(gap × _D / progress)) when progress > 0
    ceiling = (gap * pl.col("_D") + progress - 1) // progress
    years_needed = (
        pl.when(pl.col("_ref").is_not_null() & (status == _ATT))
        .then(pl.lit(0, dtype=pl.Int64))
        .when(analysed & (progress > 0))
        .then(pl.max_horizontal(ceiling, pl.lit(1, dtype=_I128)).cast(pl.Int64))
    )
    shows_goal = pl.col("_ref").is_not_null() & ((status == _ATT) | has_goal)
    result = evaluated.with_columns(
        status=reach_status,
        evaluation_status=pl.when(pl.col("_ref").is_not_null()).then(
            _named_status(status, _STATUS_NAMES)
        ),
        years_needed=years_needed,
    ).with_columns(
        expected_year=pl.when(status == _ATT)
        .then(pl.col("_ref"))
        .otherwise(latest + pl.col("years_needed")),
        comparison=pl.when(shows_goal).then(_named_status(op, _OP_NAMES)),
        goal=pl.when(shows_goal).then(_to_decimal(bound, scale)),
        observed_rate=pl.when(enough).then(
            _to_decimal(_round_ratio(pl.col("_N"), pl.col("_D") * unit), PLACES)
        ),
        required_rate=pl.when(timed).then(_to_decimal(_round_ratio(sign * gap, horizon * unit), PLACES)),
        ratio=pl.when(timed & (gap != 0)).then(
            _to_decimal(_round_ratio(progress * horizon, pl.col("_D") * gap), PLACES)
        ),
        latest_value=_to_decimal(pl.col("_xn"), scale),
    )
    columns = [
        "_sid",
        "status",
        "evaluation_status",
        pl.col("_ref").alias("reference_year"),
        pl.col("_n").alias("points"),
        pl.col("_tn").alias("latest_year"),
        "latest_value",
        "comparison",
        "goal",
        "observed_rate",
        "required_rate",
        "ratio",
        "years_needed",
        "expected_year",
    ]
    out = result.select(columns).sort("_sid")
    if with_projection:
        projected = (
            result.filter(enough & deadline.is_not_null() & (deadline > latest))
            .select(
                "_sid",
                "_xn",
                "_N",
                "_D",
                "_tn",
                _k=pl.int_ranges(1, (deadline - latest) + 1, dtype=pl.Int64),
            )
            .explode("_k")
            .select(
                "_sid",
                year=pl.col("_tn") + pl.col("_k"),
                value=_to_decimal(
                    _round_ratio(
                        pl.col("_xn") * pl.col("_D") + pl.col("_N") * pl.col("_k").cast(_I128),
                        pl.col("_D") * unit,
                    ),
                    PLACES,
                ),
            )
            .group_by("_sid")
            .agg(projection=pl.struct("year", "value").sort_by("year"))
        )
        out = out.join(projected, on="_sid", how="left").with_columns(
            pl.col("projection").fill_null(pl.lit([], dtype=_PROJECTION))
        )
    collected = out.collect()
    return _with_keys(collected, prepared.keys).select(*_KEYS, *[c for c in collected.columns if c != "_sid"])
