"""The air-quality standards' tables, loaded once from ``calc/air/data/``.

* ``hj633_breakpoints.csv`` — HJ 633-2012 Table 1 and HJ 633-2026 Table 1 (IAQI breakpoints, µg/m³;
  CO mg/m³). The 2026 table differs only at IAQI 100 for PM10 (150 → 120) and PM2.5 (75 → 60).
* ``hj633_levels.csv`` — HJ 633 Table 2 and Annex A (level, category, colour; unchanged in 2026).
* ``gb3095_limits.csv`` — GB 3095-2012 Table 1 and GB 3095-2026 Tables 1 (transitional/final).

The CSV files are the data; this module only parses them. Nothing here reads outside the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from calc.data import read_csv

RULE_2012 = "HJ633-2012"
RULE_2026 = "HJ633-2026"
RULES: tuple[str, ...] = (RULE_2012, RULE_2026)
"""The AQI rule versions this package implements (HJ 633-2012 and HJ 633-2026)."""


@dataclass(frozen=True)
class Segment:
    """One linear piece of Table 1: ``[bp_lo, bp_hi]`` maps onto ``[iaqi_lo, iaqi_hi]``."""

    bp_lo: Decimal
    bp_hi: Decimal
    iaqi_lo: int
    iaqi_hi: int


@dataclass(frozen=True)
class Level:
    """One row of HJ 633 Table 2 (with the Annex A colour)."""

    aqi_min: int
    aqi_max: int | None
    level: str
    category: str
    colour: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]


@cache
def breakpoint_table(rule: str) -> dict[str, tuple[Segment, ...]]:
    """IAQI segments per Table 1 column for ``rule`` (HJ 633-2012 or HJ 633-2026 Table 1).

    Returns
    -------
    dict
        Column name (``"PM25_24H"`` …) → segments in increasing order. Columns that stop early
        (``SO2_1H`` at 800 / IAQI 200, ``O3_8H`` at 800 / IAQI 300) have fewer segments.
    """
    rows = [row for row in read_csv("calc.air", "hj633_breakpoints.csv") if row["rule"] == rule]
    if not rows:
        raise ValueError(f"no breakpoints for rule {rule!r}")
    columns = [name for name in rows[0] if name not in ("rule", "IAQI")]
    table: dict[str, tuple[Segment, ...]] = {}
    for column in columns:
        points = [(Decimal(row[column]), int(row["IAQI"])) for row in rows if row[column].strip()]
        table[column] = tuple(
            Segment(bp_lo=lo[0], bp_hi=hi[0], iaqi_lo=lo[1], iaqi_hi=hi[1])
            for lo, hi in zip(points, points[1:], strict=False)
        )
    return table


@cache
def levels() -> tuple[Level, ...]:
    """HJ 633 Table 2 rows (AQI band → 级别, 类别, 颜色)."""
    result = []
    for row in read_csv("calc.air", "hj633_levels.csv"):
        rgb = tuple(int(part) for part in row["rgb"].split())
        cmyk = tuple(int(part) for part in row["cmyk"].split())
        result.append(
            Level(
                aqi_min=int(row["aqi_min"]),
                aqi_max=int(row["aqi_max"]) if row["aqi_max"].strip() else None,
                level=row["level"],
                category=row["category"],
                colour=row["colour"],
                rgb=(rgb[0], rgb[1], rgb[2]),
                cmyk=(cmyk[0], cmyk[1], cmyk[2], cmyk[3]),
            )
        )
    return tuple(result)


@cache
def gb3095_limit(pollutant: str, averaging: str, column: str = "GB3095-2012_grade2") -> Decimal:
    """A concentration limit of GB 3095 (µg/m³; CO mg/m³).

    Parameters
    ----------
    pollutant
        ``"SO2"``, ``"NO2"``, ``"CO"``, ``"O3"``, ``"PM10"`` or ``"PM2.5"``.
    averaging
        As written in the data file: ``"annual"``, ``"24h (daily)"``, ``"1h"``, ``"daily max 8h"``.
    column
        ``GB3095-2012_grade1|grade2``, ``GB3095-2026_transitional_grade1|grade2`` or
        ``GB3095-2026_final_grade1|grade2``.
    """
    for row in read_csv("calc.air", "gb3095_limits.csv"):
        if row["pollutant"] == pollutant and row["averaging"] == averaging:
            return Decimal(row[column])
    raise ValueError(f"GB 3095 has no {averaging} limit for {pollutant}")
