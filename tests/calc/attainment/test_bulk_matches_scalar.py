"""The bulk engine gives exactly the scalar functions' results, row by row (property tests)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calc.attainment import (
    evaluate,
    evaluate_frame,
    not_applicable,
    reachability,
    reachability_frame,
)
from calc.attainment.bulk.expressions import round_ratio_expr
from calc.attainment.exact import PLACES, round_ratio
from calc.targets import unparse

from .strategies import YEARS, Series, numeric_series, series

#: ``max_examples`` comes from the Hypothesis profile (``tests/conftest.py``): 40 by default, 150 with
#: ``HYPOTHESIS_PROFILE=thorough`` (CI).
SETTINGS = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def frames(batch: list[Series], scale: int) -> dict[str, pl.DataFrame]:
    """The bulk inputs for a batch of series, keyed by the frame functions' argument names: region ``R{i}``, indicator
    ``i % 3``."""
    keys = [(f"R{i}", i % 3) for i in range(len(batch))]
    number = pl.Decimal(38, scale)

    def long(attribute: str, column: str, dtype: pl.DataType) -> pl.DataFrame:
        rows = [
            (region, indicator, year, value)
            for (region, indicator), item in zip(keys, batch, strict=True)
            for year, value in getattr(item.observation, attribute).items()
        ]
        return pl.DataFrame(
            rows,
            schema={"region_id": pl.String, "indicator_id": pl.Int64, "year": pl.Int64, column: dtype},
            orient="row",
        )

    targets = pl.DataFrame(
        {
            "region_id": [k[0] for k in keys],
            "indicator_id": [k[1] for k in keys],
            "target": [unparse(item.target) for item in batch],
            "direction": [item.direction for item in batch],
            "base_year": [item.observation.base_year for item in batch],
            "deadline_year": [item.deadline_year for item in batch],
            "applicable": [item.applicable for item in batch],
        },
        schema_overrides={"base_year": pl.Int64, "deadline_year": pl.Int64},
    )
    return {
        "values": long("values", "value", number),
        "assigned": long("assigned", "value", number),
        "statuses": long("statuses", "status", pl.String),
        "targets": targets,
    }


batches = st.lists(series, min_size=1, max_size=6)
tolerances = st.sampled_from([Decimal("0.01"), Decimal("0"), Decimal("0.05"), Decimal("0.005")])


@SETTINGS
@given(batch=batches, scale=st.sampled_from([3, 4, 6, 15, 18]), tolerance=tolerances)  # 15, 18: #11.4
def test_evaluate_frame_equals_evaluate(batch: list[Series], scale: int, tolerance: Decimal) -> None:
    inputs = frames(batch, scale)
    years = [2014, *YEARS]
    out = evaluate_frame(**inputs, years=years, stable_tolerance=tolerance)
    assert out.height == len(batch) * len(years)
    for row in out.iter_rows(named=True):
        item = batch[int(row["region_id"][1:])]
        if item.applicable:
            expected = evaluate(
                item.target,
                year=row["year"],
                direction=item.direction,  # type: ignore[arg-type]
                unit="%",
                indicator_name="指标",
                observation=item.observation,
                stable_tolerance=tolerance,
            )
        else:
            expected = not_applicable(year=row["year"], indicator_name="指标")
        got = (row["status"], row["value"], row["comparison"], row["bound"], row["gap_abs"], row["gap_rel"])
        want = (expected.status, expected.value, expected.comparison, expected.bound, expected.gap_abs, expected.gap_rel)
        assert got == want, (unparse(item.target), row["year"], item)


@SETTINGS
@given(
    batch=st.lists(st.one_of(series, numeric_series), min_size=1, max_size=6),
    scale=st.sampled_from([3, 6, 18]),
    current_year=st.integers(min_value=2014, max_value=2027),
    thresholds=st.sampled_from(
        [(Decimal("1"), Decimal("0.6")), (Decimal("0.95"), Decimal("0.5")), (Decimal("1.2"), Decimal("0"))]
    ),
)
def test_reachability_frame_equals_reachability(
    batch: list[Series], scale: int, current_year: int, thresholds: tuple[Decimal, Decimal]
) -> None:
    inputs = frames(batch, scale)
    on_track, accelerate = thresholds
    out = reachability_frame(**inputs, current_year=current_year, on_track_ratio=on_track, accelerate_ratio=accelerate)
    assert out.height == sum(1 for item in batch if item.applicable)
    for row in out.iter_rows(named=True):
        item = batch[int(row["region_id"][1:])]
        expected = reachability(
            item.target,
            direction=item.direction,  # type: ignore[arg-type]
            observation=item.observation,
            current_year=current_year,
            deadline_year=item.deadline_year,
            unit="%",
            indicator_name="指标",
            on_track_ratio=on_track,
            accelerate_ratio=accelerate,
        )
        want = {
            "status": expected.status,
            "evaluation_status": None if expected.evaluation is None else expected.evaluation.status,
            "reference_year": expected.reference_year,
            "points": expected.points,
            "latest_year": expected.latest_year,
            "latest_value": expected.latest_value,
            "comparison": expected.comparison,
            "goal": expected.goal,
            "observed_rate": expected.observed_rate,
            "required_rate": expected.required_rate,
            "ratio": expected.ratio,
            "years_needed": expected.years_needed,
            "expected_year": expected.expected_year,
            "projection": [{"year": y, "value": v} for y, v in sorted(expected.projection.items())],
        }
        got = {name: row[name] for name in want}
        assert got == want, (unparse(item.target), item)


@settings(max_examples=300, deadline=None, database=None)
@given(
    pairs=st.lists(
        st.tuples(
            st.integers(min_value=-(10**30), max_value=10**30),
            st.integers(min_value=1, max_value=10**24),
        ),
        min_size=1,
        max_size=20,
    ),
    halves=st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=10),
)
def test_bulk_rounding_is_the_scalar_rounding(pairs: list[tuple[int, int]], halves: list[int]) -> None:
    # Exact halves (k + 1/2 in the last place) are where rounding rules differ; add them explicitly.
    pairs = pairs + [(2 * h + 1, 2 * 10**PLACES) for h in halves]
    frame = pl.DataFrame(
        {"n": [p[0] for p in pairs], "d": [p[1] for p in pairs]}, schema={"n": pl.Int128, "d": pl.Int128}
    )
    got = frame.select(round_ratio_expr(pl.col("n"), pl.col("d"))).to_series().to_list()
    expected = []
    for n, d in pairs:
        numerator, denominator = round_ratio(n, d).as_integer_ratio()
        expected.append(numerator * 10**PLACES // denominator)
    assert got == expected
