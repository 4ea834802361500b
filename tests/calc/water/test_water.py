"""GB 3838-2002 classes and the 2011 evaluation method: reference vectors W01–W27 and more."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calc.water as water
from calc.water import WaterClass as C

# gb3838_vectors.csv W01–W17: (id, item, value, waterbody, class)
PARAMETERS = [
    ("W01", "NH3N", "0.5", "river", C.II),
    ("W02", "NH3N", "0.51", "river", C.III),
    ("W03", "NH3N", "2.0", "river", C.V),
    ("W04", "NH3N", "2.01", "river", C.WORSE_THAN_V),
    ("W05", "DO", "7.5", "river", C.I),
    ("W06", "DO", "7.4", "river", C.II),
    ("W07", "DO", "5", "river", C.III),
    ("W08", "DO", "4.99", "river", C.IV),
    ("W09", "DO", "1.9", "river", C.WORSE_THAN_V),
    ("W10", "TP", "0.03", "river", C.II),
    ("W11", "TP", "0.03", "lake", C.III),
    ("W12", "COD", "15", "river", C.I),
    ("W13", "COD", "15.1", "river", C.III),
    ("W14", "pH", "9.2", "river", C.WORSE_THAN_V),
    ("W15", "pH", "6.0", "river", C.I),
    ("W16", "Hg", "0.00006", "river", C.III),
    ("W17", "FecalColiform", "25000", "river", C.V),
]


@pytest.mark.parametrize(
    ("item", "value", "waterbody", "expected"), [pytest.param(*row[1:], id=row[0]) for row in PARAMETERS]
)
def test_parameter_vectors(item, value, waterbody, expected):
    assert water.classify_parameter(item, Decimal(value), waterbody=waterbody) == expected


def _limit_cases():
    for key, row in water.table().items():
        if row.comparison == "range":
            continue
        item = "TP" if key == "TP_lake" else key
        waterbody = "lake" if key == "TP_lake" else "river"
        for index, limit in enumerate(row.limits):
            yield pytest.param(
                item,
                waterbody,
                row.comparison,
                row.limits,
                index,
                id=f"{key}-{['I', 'II', 'III', 'IV', 'V'][index]}-{limit}",
            )


@pytest.mark.parametrize(("item", "waterbody", "comparison", "limits", "index"), list(_limit_cases()))
def test_every_limit_is_inclusive_and_a_step_beyond_is_worse(item, waterbody, comparison, limits, index):
    limit = limits[index]
    best = limits.index(limit) + 1  # when adjacent limits coincide the better class wins
    assert water.classify_parameter(item, limit, waterbody=waterbody) == C(best)
    step = (
        Decimal(1).scaleb(limit.as_tuple().exponent - 2) if limit.as_tuple().exponent < 0 else Decimal("0.01")
    )
    beyond = limit + step if comparison == "<=" else limit - step
    worse = next(
        (
            i + 1
            for i, other in enumerate(limits)
            if (beyond <= other if comparison == "<=" else beyond >= other)
        ),
        6,
    )
    assert water.classify_parameter(item, beyond, waterbody=waterbody) == C(worse)
    assert worse > best


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(v, e, id=v)
        for v, e in [("5.9", C.WORSE_THAN_V), ("6", C.I), ("9", C.I), ("9.1", C.WORSE_THAN_V)]
    ],
)
def test_ph_range(value, expected):
    assert water.classify_parameter("pH", Decimal(value)) == expected


W18 = {
    "pH": "7.5",
    "DO": "6.5",
    "CODMn": "4.5",
    "COD": "18",
    "BOD5": "3.5",
    "NH3N": "0.8",
    "TP": "0.15",
    "Cu": "0.005",
    "Zn": "0.02",
    "F": "0.5",
    "Se": "0.005",
    "As": "0.01",
    "Hg": "0.00001",
    "Cd": "0.0005",
    "Cr6": "0.005",
    "Pb": "0.005",
    "CN": "0.002",
    "VolPhenol": "0.001",
    "Petroleum": "0.01",
    "LAS": "0.1",
    "Sulfide": "0.01",
    "TN": "1.8",
    "FecalColiform": "50000",
}


def test_w18_section_class_ignores_tn_and_fecal_coliform():
    result = water.classify_section(W18)
    assert result.class_ == C.III and result.grade == "良好"
    assert set(result.limiting_parameters) == {"CODMn", "COD", "BOD5", "NH3N", "TP"}
    assert result.main_pollutants == ()
    assert result.reference == {"TN": C.V, "FecalColiform": C.WORSE_THAN_V}
    assert result.missing == ()


def test_w19_w20_section_main_pollutants():
    result = water.classify_section({**W18, "NH3N": "2.4", "TP": "0.45", "COD": "35", "CODMn": "8"})
    assert (result.class_, result.grade) == (C.WORSE_THAN_V, "重度污染")
    assert result.main_pollutants == ("氨氮(1.4)", "总磷(1.25)", "化学需氧量(0.75)")
    multiples = {item: p.exceedance for item, p in result.per_parameter.items() if p.exceedance is not None}
    assert multiples == {
        "NH3N": Fraction("1.4"),
        "TP": Fraction("1.25"),
        "COD": Fraction("0.75"),
        "CODMn": Fraction(1, 3),
    }


def test_toxic_items_are_listed_first():
    result = water.classify_section(
        {**W18, "NH3N": "2.4", "TP": "0.45", "COD": "35", "CODMn": "8", "Cd": "0.006"}
    )
    assert result.main_pollutant_items == ("Cd", "NH3N", "TP", "COD")
    assert result.main_pollutants[0] == "镉(0.2)"


def test_dissolved_oxygen_as_main_pollutant_has_no_multiple():
    result = water.classify_section({**W18, "DO": "2.5"})
    assert result.class_ == C.V
    assert result.main_pollutants == ("溶解氧",)


def test_section_with_missing_items_uses_what_is_present():
    result = water.classify_section({"NH3N": "0.4", "DO": None})
    assert result.class_ == C.II and "DO" in result.missing


def test_empty_section():
    result = water.classify_section({})
    assert result.class_ is None and result.grade is None


def test_lake_section_uses_lake_phosphorus():
    assert water.classify_section({"TP": "0.03"}, waterbody="lake").class_ == C.III
    assert water.classify_section({"TP": "0.03"}).class_ == C.II


def _sections(codes: str) -> list[C]:
    return [C.from_code(code) for code in codes.split(",")]


@pytest.mark.parametrize(
    ("codes", "grade", "share"),
    [
        pytest.param("I,II,II,III,III,III,III,III,IV,劣V", "良好", Decimal("80.0"), id="W21"),
        pytest.param("II,II,II,II,II,II,II,II,II,IV", "优", Decimal("90.0"), id="W22"),
        pytest.param("III,III,III,III,III,III,III,IV,劣V,劣V", "中度污染", Decimal("70.0"), id="W23"),
        pytest.param("III,III,III,III,III,III,III,V,V,劣V", "轻度污染", Decimal("70.0"), id="W24"),
        pytest.param("II,II,II,II,劣V,劣V,劣V,劣V", "重度污染", Decimal("50.0"), id="W25"),
        pytest.param("II,II,III,III,III,III,IV,V", "良好", Decimal("75.0"), id="W26"),
        pytest.param("III,III,III,IV,IV", "轻度污染", Decimal("60.0"), id="exactly-5-sections"),
    ],
)
def test_river_grade_by_class_shares(codes, grade, share):
    result = water.river_grade(_sections(codes))
    assert result.grade == grade and result.method == "share"
    assert result.shares is not None and result.shares.share_i_iii == share


def test_river_grade_needs_five_sections():
    with pytest.raises(ValueError, match="averaging"):
        water.river_grade(_sections("II,III,IV,V"))


def test_w27_fewer_than_five_sections_average_first():
    sections = [{**W18, "NH3N": value} for value in ("0.4", "0.9", "1.4")]
    result = water.assess_river(sections)
    assert result.method == "mean" and result.n_sections == 3
    assert result.section is not None and result.section.per_parameter["NH3N"].value == Fraction("0.9")
    assert (result.section.class_, result.grade) == (C.III, "良好")


def test_assess_river_with_five_sections_ranks_main_pollutants_by_share():
    sections = [{**W18, "NH3N": "1.8"}] * 3 + [{**W18, "TP": "0.35"}] * 2 + [W18] * 2
    result = water.assess_river(sections)
    assert result.method == "share" and result.grade == "轻度污染"  # 2/7 I–III, no 劣V
    assert result.main_pollutants == ("氨氮", "总磷")


def test_class_shares_of_a_region():
    shares = water.class_shares(_sections("I,II,III,IV,V,劣V") + [None])
    assert shares.n == 6
    assert shares.share_i_iii == Decimal("50.0") and shares.share_worse_than_v == Decimal("16.7")
    assert shares.counts[C.IV] == 1 and shares.shares[C.I] == Decimal("16.7")
    assert water.class_shares([]).share_i_iii is None


def test_drinking_water_attainment():
    result = water.drinking_water_attainment(_sections("II,III,IV"), volumes=[100, 50, 50])
    assert (result.attained, result.total) == (2, 3)
    assert result.by_count == Decimal("66.7") and result.by_volume == Decimal("75.0")
    assert water.drinking_water_attainment([]).by_count is None


def test_labels_and_codes():
    assert C.WORSE_THAN_V.label == "劣Ⅴ类" and C.III.label == "Ⅲ类"
    assert C.from_code("劣Ⅴ类") is C.WORSE_THAN_V and C.from_code("IV") is C.IV
    assert water.section_grade(C.II) == "优" and water.section_colour(C.WORSE_THAN_V) == "红色"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: water.classify_parameter("Fe", 1), ValueError, id="unknown-item"),
        pytest.param(lambda: water.classify_parameter("NH3N", -1), ValueError, id="negative"),
        pytest.param(
            lambda: water.classify_parameter("NH3N", 1, waterbody="sea"), ValueError, id="waterbody"
        ),
        pytest.param(lambda: water.classify_section({"Fe": 1}), ValueError, id="unknown-section-item"),
        pytest.param(lambda: C.from_code("VI"), ValueError, id="class-code"),
    ],
)
def test_invalid_input(call, error):
    with pytest.raises(error):
        call()


# ---------------------------------------------------------------------------------------------------
# bulk == scalar


def _near_limit(rng: random.Random, item: str, waterbody: str) -> Decimal:
    row = water.table()["TP_lake" if item == "TP" and waterbody == "lake" else item]
    limit = rng.choice(row.limits)
    exponent = min(limit.as_tuple().exponent, 0) - rng.choice([0, 1, 2])
    return max(limit + Decimal(rng.randint(-2, 2)).scaleb(exponent), Decimal(0))


def _samples(seed: int, n: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for index in range(n):
        waterbody = rng.choice(["river", "lake"])
        row: dict[str, object] = {"section": f"S{index % 3}", "waterbody": waterbody}
        for item in water.ITEMS:
            row[item] = None if rng.random() < 0.1 else _near_limit(rng, item, waterbody)
        rows.append(row)
    return rows


def _frame(rows, as_float: bool) -> pl.DataFrame:
    schema = {
        "section": pl.String,
        "waterbody": pl.String,
        **{item: pl.Decimal(38, 8) for item in water.ITEMS},
    }
    frame = pl.DataFrame(rows, schema=schema)
    if as_float:
        frame = frame.with_columns([pl.col(item).cast(pl.Float64) for item in water.ITEMS])
    return frame


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), as_float=st.booleans())
def test_bulk_samples_match_scalar(seed, as_float):
    rows = _samples(seed, 40)
    result = water.classify_samples_frame(_frame(rows, as_float), waterbody_column="waterbody")
    for source, row in zip(rows, result.to_dicts(), strict=True):
        values = {item: source[item] for item in water.ITEMS}
        expected = water.classify_section(values, waterbody=source["waterbody"])
        assert row["class"] == (int(expected.class_) if expected.class_ else None)
        assert row["grade"] == expected.grade
        assert row["class_code"] == (expected.class_.code if expected.class_ else None)
        for item in water.ITEMS:
            if source[item] is not None:
                assert row[f"{item}_class"] == water.classify_parameter(
                    item, source[item], waterbody=source["waterbody"]
                )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), as_float=st.booleans(), waterbody=st.sampled_from(["river", "lake"]))
def test_bulk_section_means_match_scalar(seed, as_float, waterbody):
    rows = _samples(seed, 12)
    result = water.section_classes_frame(_frame(rows, as_float), by="section", waterbody=waterbody)
    for row in result.to_dicts():
        group = [{item: r[item] for item in water.ITEMS} for r in rows if r["section"] == row["section"]]
        expected = water.classify_section(water.mean_values(group), waterbody=waterbody)
        assert row["class"] == (int(expected.class_) if expected.class_ else None)
        assert row["grade"] == expected.grade
        for item, parameter in expected.per_parameter.items():
            assert row[f"{item}_class"] == int(parameter.class_), item


def test_bulk_refuses_negative_values():
    with pytest.raises(ValueError, match="negative"):
        water.classify_samples_frame(pl.DataFrame({"NH3N": [-0.1]}))


def test_bulk_mean_at_a_limit_is_exact():
    # three samples averaging exactly 0.5, the Class Ⅱ limit; in floats (0.23+0.93+0.34)/3 = 0.5000000000000001 (Ⅲ)
    frame = pl.DataFrame({"section": ["A"] * 3, "NH3N": [0.23, 0.93, 0.34]})
    result = water.section_classes_frame(frame, by="section")
    assert result["NH3N_class"].to_list() == [2]
    assert water.classify_section(water.mean_values([{"NH3N": v} for v in (0.23, 0.93, 0.34)])).class_ == C.II
    assert (0.23 + 0.93 + 0.34) / 3 > 0.5  # a float mean would say Ⅲ
