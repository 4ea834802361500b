"""Reachability (可达性分析): every status, its boundaries, and the numbers behind it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from calc.attainment import REACHABILITY_LABELS, Observation, Reachability, least_squares_slope, reachability
from calc.targets import parse_target

D = Decimal
SERIES = {2020: "88", 2021: "89.5", 2022: "90.1", 2023: "91.2"}  # slope 1.02 per year


def reach(
    target: str,
    values: dict[int, str],
    deadline: int | None,
    *,
    current_year: int = 2024,
    direction: str = "higher",
    unit: str = "%",
    statuses: dict[int, str] | None = None,
    assigned: dict[int, str] | None = None,
    base_year: int | None = None,
    **thresholds: Decimal,
) -> Reachability:
    observation = Observation(
        values={y: D(v) for y, v in values.items()},
        statuses=statuses or {},
        assigned={y: D(v) for y, v in (assigned or {}).items()},
        base_year=base_year,
    )
    return reachability(
        parse_target(target),
        direction=direction,  # type: ignore[arg-type]
        observation=observation,
        current_year=current_year,
        deadline_year=deadline,
        unit=unit,
        indicator_name="优良天数比例",
        **thresholds,  # type: ignore[arg-type]
    )


STATUS_CASES = [
    # target, values, deadline, status, observed, required, ratio, years_needed
    pytest.param(">=90", SERIES, 2027, "attained", "1.02", None, None, 0, id="attained"),
    pytest.param(">=95", SERIES, 2027, "on_track", "1.02", "0.95", "1.073684", 4, id="on-track"),
    pytest.param(">=95", SERIES, 2026, "accelerate", "1.02", "1.266667", "0.805263", 4, id="accelerate"),
    pytest.param(">=95", SERIES, 2025, "off_track", "1.02", "1.9", "0.536842", 4, id="off-track-too-slow"),
    pytest.param(">=95", {2022: "92", 2023: "91"}, 2027, "off_track", "-1", "1", "-1", None, id="off-track-backwards"),
    pytest.param(">=95", SERIES, 2023, "off_track", "1.02", None, None, 4, id="off-track-deadline-passed"),
    pytest.param(">=95", {2020: "90", 2024: "94"}, 2028, "on_track", "1", "0.25", "4", 1, id="gap-in-years"),
    pytest.param(">=95", {2020: "90", 2021: "91"}, 2025, "on_track", "1", "1", "1", 4, id="ratio-exactly-1"),
    pytest.param(">=91.6", {2020: "90", 2021: "90.6"}, 2022, "accelerate", "0.6", "1", "0.6", 2, id="ratio-exactly-0.6"),
    pytest.param(">=91.5", {2020: "90", 2021: "90.5"}, 2022, "off_track", "0.5", "1", "0.5", 2, id="ratio-below-0.6"),
    pytest.param(">90", {2022: "89", 2023: "90"}, 2025, "on_track", "1", "0", None, 1, id="strict-goal-at-bound"),
    pytest.param("=100", {2022: "97", 2023: "98"}, 2025, "on_track", "1", "1", "1", 2, id="equals-goal-above"),
    pytest.param(">=95", {2023: "91"}, 2025, "insufficient_data", None, None, None, None, id="one-point"),
    pytest.param(">=95", {}, 2025, "insufficient_data", None, None, None, None, id="no-points"),
    pytest.param(">=95", SERIES, None, "insufficient_data", "1.02", None, None, None, id="no-deadline"),
    pytest.param("assigned", SERIES, 2025, "insufficient_data", "1.02", None, None, None, id="assigned-missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "values", "deadline", "status", "observed", "required", "ratio", "years"), STATUS_CASES
)
def test_status(
    target: str,
    values: dict[int, str],
    deadline: int | None,
    status: str,
    observed: str | None,
    required: str | None,
    ratio: str | None,
    years: int | None,
) -> None:
    result = reach(target, values, deadline)
    assert result.status == status
    assert result.label == REACHABILITY_LABELS[status]
    assert result.observed_rate == (None if observed is None else D(observed))
    assert result.required_rate == (None if required is None else D(required))
    assert result.ratio == (None if ratio is None else D(ratio))
    assert result.years_needed == years


def test_projection_is_linear_from_the_latest_value() -> None:
    result = reach(">=95", SERIES, 2027)
    assert dict(result.projection) == {2024: D("92.22"), 2025: D("93.24"), 2026: D("94.26"), 2027: D("95.28")}
    assert (result.latest_year, result.latest_value, result.expected_year) == (2023, D("91.2"), 2027)
    assert (result.comparison, result.goal, result.points) == (">=", D(95), 4)


def test_values_after_current_year_are_ignored() -> None:
    result = reach(">=95", {**SERIES, 2025: "99"}, 2027, current_year=2024)
    assert (result.status, result.latest_year, result.points) == ("on_track", 2023, 4)


def test_lower_is_better() -> None:
    result = reach("<=25", {2021: "35", 2022: "32", 2023: "30"}, 2025, direction="lower", unit="μg/m3")
    assert (result.status, result.observed_rate, result.required_rate, result.ratio) == (
        "on_track",
        D("-2.5"),
        D("-2.5"),
        D("1"),
    )
    assert result.explanation == (
        "优良天数比例2021—2023年平均每年降低2.5微克/立方米，预计2025年达到目标值≤25微克/立方米，可在2025年按期达标"
    )


def test_compound_uses_the_decisive_numeric_part() -> None:
    # ≥90 is 0.8 away, "持续提高" (above the 2020 value 89.5) is 0.3 away: the nearer one is aimed at.
    result = reach(">=90 | trend:improving", {2020: "89.5", 2022: "89", 2023: "89.2"}, 2025, base_year=2020)
    assert (result.comparison, result.goal) == (">", D("89.5"))
    assert result.status == "off_track"


@pytest.mark.parametrize(
    ("statuses", "status"),
    [
        pytest.param({2023: "achieved"}, "attained", id="achieved"),
        pytest.param({2023: "in_progress"}, "insufficient_data", id="in-progress"),
        pytest.param({}, "insufficient_data", id="nothing-reported"),
        pytest.param({2025: "achieved"}, "insufficient_data", id="only-after-current-year"),
    ],
)
def test_qualitative(statuses: dict[int, str], status: str) -> None:
    result = reach("qual:建立", {}, 2025, statuses=statuses)
    assert result.status == status
    assert result.observed_rate is None and not result.projection


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        pytest.param(
            "on_track",
            "优良天数比例2020—2023年平均每年提高1.02个百分点，预计2027年达到目标值≥95%，可在2027年按期达标",
            id="on-track",
        ),
        pytest.param(
            "accelerate",
            "优良天数比例2020—2023年平均每年提高1.02个百分点，预计2027年达到目标值≥95%，"
            "需每年提高1.27个百分点才能在2026年达标，需加快",
            id="accelerate",
        ),
        pytest.param(
            "off_track",
            "优良天数比例2023年91.2%，目标年份2023年已到仍未达到目标值≥95%，难以按期达标",
            id="deadline-passed",
        ),
        pytest.param(
            "attained",
            "2023年优良天数比例91.2%，达到目标值（≥90%），优于目标值1.2个百分点，已达标",
            id="attained",
        ),
        pytest.param(
            "insufficient_data", "优良天数比例仅有1年经审核的数据，无法测算变化速度，数据不足", id="one-point"
        ),
    ],
)
def test_sentences(status: str, sentence: str) -> None:
    arguments = {
        "on_track": (">=95", SERIES, 2027),
        "accelerate": (">=95", SERIES, 2026),
        "off_track": (">=95", SERIES, 2023),
        "attained": (">=90", SERIES, 2027),
        "insufficient_data": (">=95", {2023: "91"}, 2025),
    }[status]
    result = reach(*arguments)  # type: ignore[arg-type]
    assert (result.status, result.explanation) == (status, sentence)


def test_thresholds_are_configurable() -> None:
    # R = 0.966…: on track with Open SDG's 0.95, too slow with the default 1.
    values = {2020: "90", 2021: "90.966"}
    assert reach(">=91.966", values, 2022, on_track_ratio=D("0.95")).status == "on_track"
    assert reach(">=91.966", values, 2022).status == "accelerate"


def test_invalid_thresholds() -> None:
    with pytest.raises(ValueError):
        reach(">=95", SERIES, 2027, on_track_ratio=D("0.5"), accelerate_ratio=D("0.6"))


def test_least_squares_slope() -> None:
    assert least_squares_slope({2020: D(1)}) is None
    # x̄ = 2021⅔, ȳ = 4: Sxy = 8, Sxx = 14/3, slope = 12/7 exactly.
    assert least_squares_slope({2020: D(1), 2022: D(5), 2023: D(6)}) == Fraction(12, 7)
