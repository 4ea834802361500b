"""Bulk engine: input schema, checks, ordering and the cases where exactness is at stake."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from calc.attainment import MAX_SPAN, Observation, evaluate, evaluate_frame, reachability_frame
from calc.targets import parse_target

D = Decimal
DECIMAL = pl.Decimal(38, 6)


def values_frame(rows: list[tuple[str, int, int, object]], dtype: pl.DataType = DECIMAL) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"region_id": pl.String, "indicator_id": pl.Int64, "year": pl.Int64, "value": dtype},
        orient="row",
    )


def targets_frame(rows: list[tuple[str, int, str, str]], **extra: list[object]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["region_id", "indicator_id", "target", "direction"], orient="row")
    return frame.with_columns(pl.Series(name, column) for name, column in extra.items())


def test_result_schema_and_order() -> None:
    values = values_frame([("乙县", 1, 2024, D("93.1")), ("甲县", 2, 2023, D("20"))])
    targets = targets_frame([("乙县", 1, ">=95", "higher"), ("甲县", 2, "<=25", "lower")])
    out = evaluate_frame(values, targets, years=[2024, 2023])
    assert out.columns == [
        "region_id", "indicator_id", "year", "status", "value", "comparison", "bound", "gap_abs", "gap_rel"
    ]  # fmt: skip
    assert out.select("region_id", "year", "status").rows() == [
        ("乙县", 2023, "no_data"),
        ("乙县", 2024, "not_attained"),
        ("甲县", 2023, "attained"),
        ("甲县", 2024, "no_data"),
    ]
    assert out.row(1, named=True)["gap_abs"] == D("1.9")
    assert out.row(1, named=True)["gap_rel"] == D("0.02")


def test_default_years_are_those_with_data() -> None:
    values = values_frame([("A", 1, 2021, D(1)), ("A", 1, 2023, D(2))])
    out = evaluate_frame(values, targets_frame([("A", 1, ">=2", "higher")]))
    assert out.get_column("year").to_list() == [2021, 2023]


def test_relative_gap_rounds_exact_halves_like_the_scalar() -> None:
    # gap 0.000001 / bound 2 = 0.0000005 exactly: half, rounded away from zero on both paths.
    values = values_frame([("A", 1, 2024, D("1.999999")), ("B", 1, 2024, D("2.000001"))])
    targets = targets_frame([("A", 1, ">=2", "higher"), ("B", 1, ">=2", "higher")])
    out = evaluate_frame(values, targets, years=[2024])
    assert out.get_column("gap_rel").to_list() == [D("0.000001"), D("-0.000001")]
    for region, value in (("A", "1.999999"), ("B", "2.000001")):
        scalar = evaluate(
            parse_target(">=2"),
            year=2024,
            direction="higher",
            unit="%",
            indicator_name="x",
            observation=Observation(values={2024: D(value)}),
        )
        assert out.filter(pl.col("region_id") == region).item(0, "gap_rel") == scalar.gap_rel


def test_text_and_integer_values() -> None:
    text = values_frame([("A", 1, 2024, " 93.10 ")], dtype=pl.String)
    integer = values_frame([("A", 1, 2024, 93)], dtype=pl.Int64)
    targets = targets_frame([("A", 1, ">=95", "higher")])
    assert evaluate_frame(text, targets, years=[2024]).item(0, "gap_abs") == D("1.9")
    assert evaluate_frame(integer, targets, years=[2024]).item(0, "gap_abs") == D(2)


def test_not_applicable_rows() -> None:
    values = values_frame([("A", 1, 2024, D(99))])
    targets = targets_frame([("A", 1, ">=95", "higher")], applicable=[False])
    out = evaluate_frame(values, targets, years=[2024])
    assert out.select("status", "value", "gap_abs").row(0) == ("not_applicable", None, None)
    assert reachability_frame(values, targets, current_year=2024).height == 0


def test_values_without_a_target_are_ignored() -> None:
    values = values_frame([("A", 1, 2024, D(99)), ("Z", 9, 2024, D(1))])
    out = evaluate_frame(values, targets_frame([("A", 1, ">=95", "higher")]), years=[2024])
    assert out.get_column("status").to_list() == ["attained"]


def test_empty_targets() -> None:
    values = values_frame([])
    targets = targets_frame([]).cast({"indicator_id": pl.Int64, "region_id": pl.String})
    assert evaluate_frame(values, targets, years=[2024]).height == 0
    assert reachability_frame(values, targets, current_year=2024).height == 0


def test_reachability_frame_columns() -> None:
    values = values_frame(
        [("A", 1, y, D(v)) for y, v in {2020: "88", 2021: "89.5", 2022: "90.1", 2023: "91.2"}.items()]
    )
    targets = targets_frame([("A", 1, ">=95", "higher")], deadline_year=[2026])
    row = reachability_frame(values, targets, current_year=2024).row(0, named=True)
    assert (row["status"], row["observed_rate"], row["required_rate"], row["ratio"]) == (
        "accelerate",
        D("1.02"),
        D("1.266667"),
        D("0.805263"),
    )
    assert row["projection"] == [
        {"year": 2024, "value": D("92.22")},
        {"year": 2025, "value": D("93.24")},
        {"year": 2026, "value": D("94.26")},
    ]
    bare = reachability_frame(values, targets, current_year=2024, with_projection=False)
    assert bare.item(0, "projection") is None


@pytest.mark.parametrize(
    ("values", "targets", "error", "match"),
    [
        pytest.param(
            values_frame([("A", 1, 2024, 93.1)], dtype=pl.Float64), targets_frame([("A", 1, ">=95", "higher")]),
            TypeError, "not float", id="float-values",
        ),
        pytest.param(
            values_frame([("A", 1, 2024, D(1)), ("A", 1, 2024, D(2))]), targets_frame([("A", 1, ">=95", "higher")]),
            ValueError, "more than one row", id="duplicate-values",
        ),
        pytest.param(
            values_frame([]), targets_frame([("A", 1, ">=95", "higher"), ("A", 1, ">=90", "higher")]),
            ValueError, "more than one row", id="duplicate-targets",
        ),
        pytest.param(
            values_frame([]), targets_frame([("A", 1, "region{arid: >=35; else: >=60}", "higher")]),
            ValueError, "resolve", id="unresolved-target",
        ),
        pytest.param(
            values_frame([]), targets_frame([("A", 1, ">=95", "up")]),
            ValueError, "direction", id="bad-direction",
        ),
        pytest.param(
            values_frame([("A", 1, 2024, "abc")], dtype=pl.String), targets_frame([("A", 1, ">=95", "higher")]),
            ValueError, "plain decimal", id="bad-text",
        ),
        pytest.param(
            values_frame([("A", 1, 2024, D("1E+20"))], dtype=pl.Decimal(38, 0)),
            targets_frame([("A", 1, ">=95", "higher")]),
            ValueError, "too large", id="too-large",
        ),
        pytest.param(
            values_frame([]), targets_frame([("A", 1, ">=95", "higher")]).drop("direction"),
            ValueError, "lacks", id="missing-column",
        ),
    ],
)  # fmt: skip
def test_invalid_input(
    values: pl.DataFrame, targets: pl.DataFrame, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        evaluate_frame(values, targets, years=[2024])


def test_unknown_status() -> None:
    statuses = pl.DataFrame({"region_id": ["A"], "indicator_id": [1], "year": [2024], "status": ["done"]})
    with pytest.raises(ValueError, match="unknown status"):
        evaluate_frame(values_frame([]), targets_frame([("A", 1, "qual:建立", "higher")]), statuses=statuses)


def test_reachability_span_limits() -> None:
    targets = targets_frame([("A", 1, ">=95", "higher")], deadline_year=[2024 + MAX_SPAN + 1])
    with pytest.raises(ValueError, match="deadlines"):
        reachability_frame(values_frame([]), targets, current_year=2024)
    old = values_frame([("A", 1, 2024 - MAX_SPAN - 1, D(1))])
    with pytest.raises(ValueError, match="before current_year"):
        reachability_frame(old, targets_frame([("A", 1, ">=95", "higher")]), current_year=2024)
    with pytest.raises(ValueError, match="on_track_ratio"):
        reachability_frame(values_frame([]), targets, current_year=2024, on_track_ratio=D("0.1234567"))


def test_panel_span_limit() -> None:
    targets = targets_frame([("A", 1, "trend:not_worse", "higher")], base_year=[1800])
    with pytest.raises(ValueError, match="span"):
        evaluate_frame(values_frame([]), targets, years=[2024])
