"""Survey statistics: sample size, allocation, quota fill, weights against a hand-worked example, Wilson."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.surveys import (
    allocate,
    cell_weights,
    estimate,
    kish_n_eff,
    percent_text,
    quota_fill,
    sample_size,
    wilson,
)

SATISFIED = {"满意", "比较满意"}
UNSURE = {"不清楚"}


@pytest.mark.parametrize(("margin", "p", "n"), [("0.05", "0.5", 385), ("0.03", "0.5", 1068), ("0.05", "0.8", 246),
                                                ("0.03", "0.8", 683)])
def test_sample_size_matches_the_rule_of_thumb(margin, p, n):
    assert sample_size(margin, p=p).n == n


def test_finite_population_correction_shrinks_the_sample():
    size = sample_size("0.05", population=1000)
    assert size.n0 == 385 and size.n == 279  # 385 / (1 + 384/1000) = 278.2, rounded up
    assert "279" in size.explain() and "385" in size.explain()


@pytest.mark.parametrize("bad", [{"margin": "0"}, {"margin": "1"}, {"margin": "0.05", "p": "1"}])
def test_sample_size_refuses_impossible_inputs(bad):
    with pytest.raises(ValueError):
        sample_size(bad.pop("margin"), **bad)


def test_sample_size_refuses_floats():
    with pytest.raises(TypeError):
        sample_size(0.05)  # type: ignore[arg-type]


def test_allocation_is_proportional_and_adds_up():
    parts = allocate(385, {"城区": 100, "乡村": 200, "山区": 50})
    assert parts == {"城区": 110, "乡村": 220, "山区": 55}
    odd = allocate(10, {"a": 1, "b": 1, "c": 1})
    assert sum(odd.values()) == 10 and sorted(odd.values()) == [3, 3, 4]
    assert allocate(5, {"a": 0, "b": 7}) == {"a": 0, "b": 5}
    with pytest.raises(ValueError):
        allocate(3, {"a": 0})


def test_quota_fill_counts_target_received_and_share():
    fill = {f.key: f for f in quota_fill({"男18-29": 20, "女18-29": 10, "男60+": 0}, {"男18-29": 15, "女18-29": 12,
                                                                                   "女60+": 1})}
    assert fill["男18-29"].percent == Decimal("75.0") and fill["男18-29"].missing == 5 and not fill["男18-29"].met
    assert fill["女18-29"].percent == Decimal("120.0") and fill["女18-29"].met
    assert fill["男60+"].percent is None
    assert fill["女60+"].target == 0 and fill["女60+"].received == 1  # outside the plan, still shown


def test_weighting_against_a_hand_worked_example():
    """Cells A (population 600) and B (400); 2 respondents in A, 8 in B (quota missed: A under-sampled).

    Sample shares 0.2 and 0.8, so w_A = 0.6 / 0.2 = 3 and w_B = 0.4 / 0.8 = 0.5. Answers: A 满意, 比较满意;
    B 满意, 比较满意, 不满意 ×5, 不清楚 ×1 (excluded). Valid: A 2 (2 positive), B 7 (2 positive).
    Weighted rate = (3 + 3 + 0.5 + 0.5) / (2·3 + 7·0.5) = 7 / 9.5 = 0.73684…; unweighted 4/9 = 0.444….
    n_eff = 9.5² / (2·9 + 7·0.25) = 90.25 / 19.75 = 4.5696….
    """
    assert cell_weights({"A": 600, "B": 400}, {"A": 2, "B": 8}) == {"A": Decimal(3), "B": Decimal("0.5")}
    answers = [("A", "满意"), ("A", "比较满意"), ("B", "满意"), ("B", "比较满意"), *[("B", "不满意")] * 5,
               ("B", "不清楚")]
    result = estimate(answers, positive=SATISFIED, excluded=UNSURE, population={"A": 600, "B": 400})
    assert (result.answered, result.valid, result.positive, result.excluded) == (10, 9, 4, 1)
    assert result.rate == Decimal(4) / Decimal(9)
    assert result.weighted_rate == Decimal(7) / Decimal("9.5")
    assert result.n_eff == Decimal("90.25") / Decimal("19.75")
    assert result.interval == wilson(Decimal(7) / Decimal("9.5"), Decimal("90.25") / Decimal("19.75"))


def test_a_cell_without_respondents_is_named_and_its_share_spread():
    result = estimate([("A", "满意"), ("B", "不满意")], positive=SATISFIED, excluded=UNSURE,
                      population={"A": 100, "B": 100, "C": 800})
    assert result.uncovered == ("C",)
    assert result.weighted_rate == Decimal("0.5")


def test_the_exclusion_of_unsure_is_configurable():
    answers = [("A", "满意")] * 8 + [("A", "不满意")] * 1 + [("A", "不清楚")] * 1
    excluding = estimate(answers, positive=SATISFIED, excluded=UNSURE)
    counting = estimate(answers, positive=SATISFIED, excluded=set())
    assert excluding.rate == Decimal(8) / Decimal(9) and excluding.valid == 9
    assert counting.rate == Decimal("0.8") and counting.valid == 10


def test_without_population_every_weight_is_one_and_n_eff_is_n():
    result = estimate([("A", "满意")] * 80 + [("B", "不满意")] * 20, positive=SATISFIED, excluded=UNSURE)
    assert result.weighted_rate == result.rate == Decimal("0.8")
    assert result.n_eff == 100
    assert kish_n_eff([Decimal(1)] * 7) == 7


def test_wilson_interval_matches_published_values():
    """80 of 100: Wilson 95 % is 71.1 %–86.7 % (Newcombe 1998, table I style); 0 of 10 keeps a positive upper bound."""
    interval = wilson(Decimal("0.8"), 100)
    assert percent_text(interval.low) == "71.1%" and percent_text(interval.high) == "86.7%"
    zero = wilson(Decimal(0), 10)
    assert zero.low == 0 and percent_text(zero.high) == "27.8%"
    with pytest.raises(ValueError):
        wilson(Decimal("0.5"), 0)


def test_the_estimate_explains_itself():
    answers = [("A", "满意")] * 1043 + [("A", "不满意")] * 163
    text = estimate(answers, positive=SATISFIED, excluded=UNSURE).sentence()
    assert text == "有效样本1,206份，加权满意率86.5%，95%置信区间84.4%–88.3%"
    empty = estimate([("A", "不清楚")], positive=SATISFIED, excluded=UNSURE)
    assert empty.weighted_rate is None and "无法计算" in empty.sentence()
