"""The target of each year (calc.attainment.schedule): what a chart's target line draws."""

from __future__ import annotations

from decimal import Decimal as D

from calc.attainment import Observation, TargetStep, target_line
from calc.targets import parse_target


def line(target: str, years, **observation):
    return target_line(parse_target(target), years=years, direction="higher", observation=Observation(**observation))


def test_a_threshold_is_the_same_every_year_with_or_without_a_value():
    assert line(">=95", [2023, 2024, 2025], values={2023: D("90")}) == (
        TargetStep(2023, ">=", D("95")), TargetStep(2024, ">=", D("95")), TargetStep(2025, ">=", D("95")))


def test_an_assigned_target_steps_with_the_yearly_numbers_and_has_none_where_none_is_entered():
    steps = line("assigned", [2023, 2024, 2025], assigned={2023: D("80"), 2024: D("85")}, values={2023: D("82")})
    assert steps == (TargetStep(2023, ">=", D("80")), TargetStep(2024, ">=", D("85")), TargetStep(2025, None, None))


def test_a_trend_target_is_drawn_from_the_base_year_value_and_not_without_it():
    assert line("trend:not_worse", [2024], values={2020: D("60")}, base_year=2020) == (TargetStep(2024, ">=", D("60")),)
    assert line("trend:not_worse", [2024], values={2024: D("60")}, base_year=2020) == (TargetStep(2024, None, None),)


def test_a_compound_target_draws_the_part_that_decides_each_year():
    steps = line("assigned & >=90", [2023, 2024], assigned={2023: D("92"), 2024: D("88")},
                 values={2023: D("91"), 2024: D("91")})
    assert steps == (TargetStep(2023, ">=", D("92")), TargetStep(2024, ">=", D("90")))


def test_a_qualitative_target_has_no_line():
    assert line("qual:建立", [2024], statuses={2024: "achieved"}) == (TargetStep(2024, None, None),)
