"""Checking and preparing the bulk engine's input frames.

Each target row gets a series id ``_sid`` (its row number), a shape id and its thresholds as scaled
128-bit integers; values, assigned numbers and statuses are re-keyed by ``_sid`` and scaled the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

import polars as pl

from calc.attainment.evaluation import QUALITATIVE_STATUSES
from calc.attainment.exact import PLACES
from calc.attainment.statuses import EvaluationStatus
from calc.bulk_inputs import normalise_numbers
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

__all__ = [
    "ATT",
    "I128",
    "KEYS",
    "MAX_SCALED",
    "MAX_SPAN",
    "NA",
    "NOD",
    "NOT",
    "OPS",
    "OP_NAMES",
    "STATUS_NAMES",
    "YEAR_LIMIT",
    "Prepared",
    "Shape",
    "places",
    "prepare",
]

#: Largest ``|number| × 10**K`` accepted (see the package docstring).
MAX_SCALED = 10**21
#: Largest distance in years between ``current_year`` and a point or a deadline.
MAX_SPAN = 100
#: Years must lie in ``[0, YEAR_LIMIT)``.
YEAR_LIMIT = 10_000

KEYS = ("region_id", "indicator_id")
I128 = pl.Int128

# Status codes: a compound's is the max (all_of) or min (any_of) of its parts'.
ATT, NOD, NOT, NA = 0, 1, 2, 3
STATUS_NAMES = {
    ATT: EvaluationStatus.ATTAINED,
    NOD: EvaluationStatus.NO_DATA,
    NOT: EvaluationStatus.NOT_ATTAINED,
    NA: EvaluationStatus.NOT_APPLICABLE,
}
OPS = {">=": 0, ">": 1, "<=": 2, "<": 3, "=": 4}
OP_NAMES = {code: op for op, code in OPS.items()}
QUAL_CODES = {"achieved": ATT, "in_progress": NOT, "not_started": NOT}
assert set(QUAL_CODES) == set(QUALITATIVE_STATUSES)

# A target shape: ("thr", op code, parameter slot) | ("trend", rule) | ("assigned",) | ("qual",)
# | ("all_of" / "any_of", (child shapes …)).
Shape: TypeAlias = tuple[object, ...]


@dataclass(frozen=True)
class Prepared:
    """The inputs, checked, keyed by series id and scaled to integers."""

    targets: pl.DataFrame  # _sid, _shape, _qual_only, _p*, _hi, _applicable, base_year, deadline_year
    keys: pl.DataFrame  # region_id, indicator_id; row i is series i
    values: pl.DataFrame  # _sid, year, _v
    assigned: pl.DataFrame | None  # _sid, year, _a (None when no target uses it)
    statuses: pl.DataFrame | None  # _sid, year, _st (None when no target uses it)
    shapes: tuple[Shape, ...]
    scale: int  # K: every number is an integer × 10**-K
    tolerance_num: int  # tolerance × 10**tolerance_places
    tolerance_places: int


def places(value: Decimal) -> int:
    """Decimal places written in a decimal (``95.50`` → 2)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _require(frame: pl.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} frame lacks column(s) {', '.join(missing)}")


def _number_scale(frame: pl.DataFrame, column: str, name: str) -> int:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Decimal):
        return dtype.scale or 0
    if dtype.is_integer() or dtype == pl.Null:
        return 0
    if dtype == pl.String:
        text = frame.get_column(column).drop_nulls().str.strip_chars()
        if text.len() and not text.str.contains(r"^[-+]?\d+(\.\d+)?$").all():
            raise ValueError(f"{name}.{column} holds text that is not a plain decimal number")
        digits = text.str.extract(r"\.(\d+)$").str.len_chars().max()
        return int(digits) if isinstance(digits, int) else 0
    raise TypeError(f"{name}.{column} is {dtype}: give Decimal, integer or decimal text, not float")


def _scaled(dtype: pl.DataType, column: str, scale: int) -> pl.Expr:
    expr = pl.col(column)
    if dtype == pl.String:
        expr = expr.str.strip_chars().str.to_decimal(scale=scale)
    return expr.cast(pl.Decimal(38, scale)).to_physical().cast(I128)


def _shape_of(target: Target, thresholds: list[Decimal]) -> Shape:
    match target:
        case Threshold(op, value):
            thresholds.append(value)
            return ("thr", OPS[op], len(thresholds) - 1)
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


def _by_series(
    frame: pl.DataFrame, keys: pl.DataFrame, column: str, name: str, expr: pl.Expr
) -> pl.DataFrame:
    """Re-key a long frame by series id: ``_sid, year, <expr>``; rows without a target are dropped."""
    _require(frame, name, [*KEYS, "year", column])
    joined = (
        frame.lazy()
        .filter(pl.col(column).is_not_null())
        .join(keys.lazy().with_row_index("_sid"), on=list(KEYS), how="inner")
        .select(pl.col("_sid").cast(pl.Int64), pl.col("year").cast(pl.Int64), expr)
        .collect()
    )
    if joined.height:
        years = joined.get_column("year")
        if years.min() < 0 or years.max() >= YEAR_LIMIT:  # type: ignore[operator]
            raise ValueError(f"{name}.year must lie between 0 and {YEAR_LIMIT - 1}")
        key = joined.get_column("_sid") * YEAR_LIMIT + years
        if key.n_unique() != joined.height:
            raise ValueError(f"{name} has more than one row for a region, indicator and year")
    return joined


def _check_magnitude(frame: pl.DataFrame, column: str, name: str) -> None:
    if frame.height and frame.get_column(column).abs().max() > MAX_SCALED:  # type: ignore[operator]
        raise ValueError(f"{name}: a number is too large for the exact bulk engine (|number|×10^K > 10^21)")


def _tolerance(tolerance: Decimal) -> tuple[int, int]:
    """The stable tolerance's decimal places and its digits as an integer (it is checked first)."""
    if not isinstance(tolerance, Decimal) or not tolerance.is_finite() or tolerance < 0:
        raise ValueError(f"stable_tolerance must be a non-negative Decimal, not {tolerance!r}")
    tolerance_places = places(tolerance)
    if tolerance_places > PLACES or tolerance > 1:
        raise ValueError(f"stable_tolerance: at most {PLACES} decimal places and at most 1")
    return tolerance_places, int(tolerance.scaleb(tolerance_places))


def _checked_targets(targets: pl.DataFrame) -> pl.DataFrame:
    """The targets frame checked, with the optional columns added (no base or deadline year; applicable)."""
    for column, default in (("base_year", None), ("deadline_year", None), ("applicable", True)):
        if column not in targets.columns:
            dtype = pl.Boolean if column == "applicable" else pl.Int64
            targets = targets.with_columns(pl.lit(default, dtype=dtype).alias(column))
    bad = targets.filter(~pl.col("direction").is_in(["higher", "lower"]) | pl.col("direction").is_null())
    if bad.height:
        raise ValueError(f"targets.direction must be 'higher' or 'lower', not {bad['direction'][0]!r}")
    if targets.get_column("target").null_count():
        raise ValueError("targets.target has empty rows")
    if targets.select(pl.struct(list(KEYS)).is_duplicated().any()).item():
        raise ValueError("targets has more than one row for a region and indicator")
    return targets


def _status_frame(statuses: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """The qualitative statuses as codes, per target series."""
    _require(statuses, "statuses", [*KEYS, "year", "status"])
    unknown = statuses.filter(~pl.col("status").is_in(list(QUAL_CODES)) & pl.col("status").is_not_null())
    if unknown.height:
        raise ValueError(f"unknown status {unknown['status'][0]!r}; use one of {', '.join(QUAL_CODES)}")
    return _by_series(
        statuses,
        keys,
        "status",
        "statuses",
        pl.col("status").replace_strict(QUAL_CODES, return_dtype=pl.Int8).alias("_st"),
    )


def prepare(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    assigned: pl.DataFrame | None,
    statuses: pl.DataFrame | None,
    tolerance: Decimal,
) -> Prepared:
    """Check the frames and bring them to the engine's form (see :class:`Prepared`)."""
    _require(targets, "targets", [*KEYS, "target", "direction"])
    tolerance_places, tolerance_num = _tolerance(tolerance)
    targets = _checked_targets(targets)

    # The distinct targets, parsed once each, become shapes and threshold parameters.
    shapes: list[Shape] = []
    shape_ids: dict[Shape, int] = {}
    rows: list[tuple[str, int, bool, list[Decimal]]] = []
    for text in targets.get_column("target").unique().to_list():
        thresholds: list[Decimal] = []
        parsed = parse_target(text)
        shape = _shape_of(parsed, thresholds)
        if shape not in shape_ids:
            shape_ids[shape] = len(shapes)
            shapes.append(shape)
        rows.append((text, shape_ids[shape], is_qualitative(parsed), thresholds))
    slots = max((len(r[3]) for r in rows), default=0)
    threshold_places = max((places(t) for r in rows for t in r[3]), default=0)

    _require(values, "values", [*KEYS, "year", "value"])
    # a Decimal(38, 18) column of short numbers is rescaled to their places (at most PLACES) so the scale K
    # stays that of the numbers, not of the dtype (the engine's own MAX_SCALED check guards magnitudes)
    values = normalise_numbers(values, ["value"], max_scale=PLACES, max_value=None)
    if assigned is not None:
        assigned = normalise_numbers(assigned, ["value"], max_scale=PLACES, max_value=None)
    value_places = _number_scale(values, "value", "values")
    assigned_places = 0 if assigned is None else _number_scale(assigned, "value", "assigned")
    scale = max(value_places, assigned_places, threshold_places) + tolerance_places
    if scale > 30:
        raise ValueError(f"too many decimal places ({scale}) for the exact bulk engine")

    def scaled_threshold(value: Decimal) -> int:
        number = int(value.scaleb(scale))
        if abs(number) > MAX_SCALED:
            raise ValueError(f"threshold {value} is too large for the exact bulk engine")
        return number

    mapping = pl.DataFrame(
        {
            "target": pl.Series([r[0] for r in rows], dtype=targets.schema["target"]),
            "_shape": pl.Series([r[1] for r in rows], dtype=pl.Int32),
            "_qual_only": pl.Series([r[2] for r in rows], dtype=pl.Boolean),
            **{
                f"_p{slot}": pl.Series(
                    [scaled_threshold(r[3][slot]) if slot < len(r[3]) else None for r in rows], dtype=I128
                )
                for slot in range(slots)
            },
        }
    )
    prepared = (
        targets.lazy()
        .with_row_index("_sid")
        .join(mapping.lazy(), on="target", how="left")
        .sort("_sid")
        .select(
            pl.col("_sid").cast(pl.Int64),
            "_shape",
            "_qual_only",
            *[f"_p{slot}" for slot in range(slots)],
            _hi=pl.col("direction") == "higher",
            _applicable=pl.col("applicable").fill_null(True),
            base_year=pl.col("base_year").cast(pl.Int64),
            deadline_year=pl.col("deadline_year").cast(pl.Int64),
        )
        .collect()
    )
    keys = targets.select(KEYS)

    value_frame = _by_series(
        values, keys, "value", "values", _scaled(values.schema["value"], "value", scale).alias("_v")
    )
    _check_magnitude(value_frame, "_v", "values")

    assigned_frame = None
    if assigned is not None and any(_uses(s, "assigned") for s in shapes):
        assigned_frame = _by_series(
            assigned, keys, "value", "assigned", _scaled(assigned.schema["value"], "value", scale).alias("_a")
        )
        _check_magnitude(assigned_frame, "_a", "assigned")

    status_frame = None
    if statuses is not None and any(_uses(s, "qual") for s in shapes):
        status_frame = _status_frame(statuses, keys)

    return Prepared(
        targets=prepared,
        keys=keys,
        values=value_frame,
        assigned=assigned_frame,
        statuses=status_frame,
        shapes=tuple(shapes),
        scale=scale,
        tolerance_num=tolerance_num,
        tolerance_places=tolerance_places,
    )
