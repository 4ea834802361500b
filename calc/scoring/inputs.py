"""The engine's input frames: their columns, checks and normalisation to exact scaled integers.

``subjects``
    ``subject`` (String, unique), ``group`` (String: ``county`` or ``department``); other columns (a ``name``)
    pass through to the totals.
``facts`` (long form, one row per subject × period × key × part)
    ``subject``, ``period`` (``2025``, ``2025-H1``, ``2025-03``), ``key`` (String), ``value`` (Decimal or
    integer, at most 6 decimals, below 10⁹ in magnitude; null: no data), and optionally ``part`` (String: a
    monitoring section, a notice …; null for the subject's single value of the key), ``text`` (a category such
    as 优秀), ``na`` (Boolean: the key does not apply to the subject), ``source_kind`` (String, e.g.
    ``value_revision``, ``task``, ``notice``) and ``source_id`` (Int64).
``exemptions`` (optional)
    ``subject``, ``period``, ``item``, ``reason``: the item does not apply to the subject (不涉及).
``manual`` (optional)
    ``subject``, ``period``, ``item``, ``points`` (Decimal), ``reason``, optionally ``source_kind`` / ``source_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import polars as pl

from calc.bulk_inputs import normalise_numbers

__all__ = ["FACT_COLUMNS", "MAX_FACT", "SCALE", "UNIT", "period_pattern", "prepare_exemptions", "prepare_facts",
           "prepare_manual", "prepare_subjects", "scaled"]

#: Fact values and scheme numbers are integers in units of 10⁻⁶ inside the engine.
SCALE: Final = 6
UNIT: Final = 10**SCALE
#: Fact values must be below this in magnitude (as every bulk path of calc/: see calc.bulk_inputs).
MAX_FACT: Final = 10**9
#: The optional fact columns and their types.
FACT_COLUMNS: Final[dict[str, pl.DataType]] = {
    "part": pl.String(), "text": pl.String(), "na": pl.Boolean(), "source_kind": pl.String(),
    "source_id": pl.Int64(),
}
_PERIODS = {"year": r"\d{4}", "half": r"\d{4}-H[12]", "month": r"\d{4}-(0[1-9]|1[0-2])"}


def period_pattern(period: str) -> re.Pattern[str]:
    """The pattern of a period label of the scheme's period kind."""
    return re.compile(_PERIODS[period])


def _require(frame: pl.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} frame lacks the columns {missing}")


def scaled(column: str, dtype: pl.DataType) -> pl.Expr:
    """The column (integer or Decimal with at most 6 decimals) as Int64 in units of 10⁻⁶."""
    if dtype == pl.Null:
        return pl.lit(None, dtype=pl.Int64)
    if dtype.is_integer():
        integer: pl.Expr = pl.col(column).cast(pl.Int64) * UNIT
        return integer
    if isinstance(dtype, pl.Decimal):
        physical: pl.Expr = pl.col(column).to_physical().cast(pl.Int64) * 10 ** (SCALE - int(dtype.scale or 0))
        return physical
    raise TypeError(f"column {column!r} has dtype {dtype}; give integers or Decimal (never floats)")


def _exact(frame: pl.DataFrame, name: str, column: str) -> pl.DataFrame:
    dtype = frame.schema[column]
    if dtype != pl.Null and not dtype.is_integer() and not isinstance(dtype, pl.Decimal):
        raise TypeError(f"{name}.{column} has dtype {dtype}; give integers or Decimal (never floats)")
    return normalise_numbers(frame, [column], max_scale=SCALE, max_value=MAX_FACT)


def _cast(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with these columns cast, leaving those of the right type as they are (no copy of a big frame)."""
    wrong = {name: dtype for name, dtype in columns.items() if frame.schema[name] != dtype}
    return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in wrong.items()) if wrong else frame


def _strings(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    return _cast(frame, dict.fromkeys(columns, pl.String()))


def prepare_subjects(subjects: pl.DataFrame, groups: Iterable[str]) -> pl.DataFrame:
    """Checked subjects: unique ``subject``, a known ``group``."""
    _require(subjects, "subjects", ("subject", "group"))
    subjects = _strings(subjects, ("subject", "group"))
    if subjects.get_column("subject").is_duplicated().any():
        raise ValueError("subjects: a subject appears twice")
    unknown = set(subjects.get_column("group").unique().to_list()) - set(groups)
    if unknown:
        raise ValueError(f"subjects: groups {sorted(unknown, key=str)} are not among the scheme's {list(groups)}")
    return subjects


def prepare_facts(facts: pl.DataFrame) -> pl.DataFrame:
    """Checked facts with every optional column, ``v`` the value as Int64 × 10⁶ (duplicates are refused by the
    engine once the keys are coded)."""
    _require(facts, "facts", ("subject", "period", "key", "value"))
    facts = _strings(facts, ("subject", "period", "key"))
    facts = facts.with_columns(pl.lit(None, dtype=dtype).alias(name) for name, dtype in FACT_COLUMNS.items()
                               if name not in facts.columns)
    facts = _cast(_exact(facts, "facts", "value"), FACT_COLUMNS)
    na = [pl.col("na").fill_null(False)] if facts.get_column("na").null_count() else []
    return facts.with_columns(*na, scaled("value", facts.schema["value"]).alias("v"))


def prepare_exemptions(exemptions: pl.DataFrame | None) -> pl.DataFrame:
    """Checked exemptions (empty when none)."""
    schema = {"subject": pl.String, "period": pl.String, "item": pl.String, "reason": pl.String}
    if exemptions is None:
        return pl.DataFrame(schema=schema)
    _require(exemptions, "exemptions", schema)
    return _strings(exemptions.select(*schema), schema).unique(["subject", "period", "item"], keep="first")


def prepare_manual(manual: pl.DataFrame | None) -> pl.DataFrame:
    """Checked manual points, ``mv`` the points as Int64 × 10⁶ (empty when none)."""
    schema: dict[str, pl.DataType] = {
              "subject": pl.String(), "period": pl.String(), "item": pl.String(), "points": pl.Decimal(38, SCALE),
              "reason": pl.String(), "source_kind": pl.String(), "source_id": pl.Int64()}
    if manual is None:
        manual = pl.DataFrame(schema=schema)
    _require(manual, "manual", ("subject", "period", "item", "points", "reason"))
    manual = manual.with_columns(pl.lit(None, dtype=schema[c]).alias(c) for c in ("source_kind", "source_id")
                                 if c not in manual.columns)
    manual = _exact(_strings(manual, ("subject", "period", "item", "reason")), "manual", "points")
    if manual.select(pl.struct("subject", "period", "item").is_duplicated().any()).item():
        raise ValueError("manual: a (subject, period, item) appears twice")
    if manual.get_column("points").null_count():
        raise ValueError("manual: points may not be empty")
    return manual.with_columns(scaled("points", manual.schema["points"]).alias("mv"))
