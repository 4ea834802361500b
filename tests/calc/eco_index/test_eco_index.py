"""HJ 192-2015 ecological index: the reference vectors E01–E12, coefficients as configuration."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import calc.eco_index as eco

# hj192_vectors.csv E01, E02, E04: (id, BA, VC, WND, LS, PL, EI, grade)
EI_VECTORS = [
    ("E01", 60, 80, 40, 20, 10, Decimal("68.0"), "良"),
    ("E02", 100, 100, 100, 0, 0, Decimal("100.0"), "优"),
    ("E04", 30, 40, 10, 60, 40, Decimal("34.0"), "较差"),
]


def _ei(ba, vc, wnd, ls, pl, **options):
    """The EI of the five component values, in HJ 192's order: BA, VC, WND, LS, PL."""
    return eco.eco_index(biological_abundance=ba, vegetation_cover=vc, water_network_density=wnd, land_stress=ls,
                         pollution_load=pl, **options)


@pytest.mark.parametrize(
    ("ba", "vc", "wnd", "ls", "pl", "ei", "grade"), [pytest.param(*row[1:], id=row[0]) for row in EI_VECTORS]
)
def test_ei_vectors(ba, vc, wnd, ls, pl, ei, grade):
    result = _ei(ba, vc, wnd, ls, pl)
    assert (result.ei, result.grade) == (ei, grade)
    assert result.unconfirmed == ()  # the EI weights are confirmed
    assert result.components["生物丰度指数"] == ba


# E03: each grade's lower bound and the value just below it
@pytest.mark.parametrize(
    ("ei", "grade"),
    [pytest.param(ei, grade, id=f"E03_{ei}") for ei, grade in (
        ("75", "优"), ("74.9", "良"), ("55", "良"), ("54.9", "一般"), ("35", "一般"), ("34.9", "较差"), ("20", "较差"),
        ("19.9", "差"),
    )],
)
def test_grade_boundaries(ei, grade):
    assert eco.ei_grade(Decimal(ei)) == grade


def test_grade_uses_the_reported_one_decimal_value():
    # 0.35*100 + 0.25*100 + 0.15*100 + 0.15*(100-100) + 0.10*(100-50.5) = 79.95 → 80.0 (half-even) 优
    result = _ei(100, 100, 100, 100, "50.5")
    assert result.ei_exact == Fraction("79.95")
    assert result.ei == Decimal("80.0")
    # 54.95 → 55.0: graded 良 on the reported value
    result = _ei("90", "40", "20", "52", "67.5")
    assert result.ei_exact == Fraction("54.95") and result.ei == Decimal("55.0") and result.grade == "良"


def test_e05_water_network_density_capped():
    result = eco.water_network_density(river_length=2000, water_area=100, water_resources=1500, area=1000)
    assert round(float(result.raw), 1) == 119.2
    assert result.value == 100 and result.capped
    assert set(result.unconfirmed) == {"A_riv", "A_lak", "A_res"}


def test_e06_water_network_density():
    result = eco.water_network_density(river_length=800, water_area=30, water_resources=500, area=1000)
    assert result.reported == Decimal("42.8145")
    assert not result.capped


def test_e07_land_stress():
    result = eco.land_stress(severe_erosion=2, moderate_erosion=5, construction=50, other=3, area=1000)
    assert result.raw == Fraction("236.0435677948") * Fraction("12.4") / 1000
    assert result.reported == Decimal("2.9269")


def test_e08_pollution_load():
    result = eco.pollution_load(cod=5000, nh3n=500, so2=3000, dust=2000, nox=4000, solid_waste=100,
                                precipitation_total=100000, area=1000)
    assert result.reported == Decimal("1.3501")
    assert "A_NH3" in result.unconfirmed


E09_LAND_USE = {
    "forest": 300,
    "shrub": 100,
    "sparse_forest": 50,
    "grass_high": 100,
    "grass_medium": 50,
    "grass_low": 20,
    "river": 10,
    "lake": 20,
    "paddy": 150,
    "dryland": 100,
    "urban": 50,
    "rural": 30,
    "other_construction": 10,
    "sand": 5,
    "bare_rock": 5,
}


def test_e09_habitat_quality():
    result = eco.habitat_quality(E09_LAND_USE, area=1000)
    assert result.raw == Fraction("511.2642131067") * Fraction("108.025") / 1000
    assert result.reported == Decimal("55.2293")


def test_e10_biological_abundance_with_biodiversity():
    hq = eco.habitat_quality(E09_LAND_USE, area=1000)
    assert eco.biological_abundance(hq, biodiversity=45).reported == Decimal("50.1147")
    assert eco.biological_abundance(hq).value == hq.value  # without BI: HQ


def test_e11_habitat_quality_capped():
    result = eco.habitat_quality({"forest": 1000}, area=1000)
    assert round(float(result.raw), 2) == 107.37
    assert result.value == 100 and result.capped


@pytest.mark.parametrize(
    ("delta", "label"),
    [pytest.param(delta, label, id=f"E12_{delta}") for delta, label in (
        ("1.5", "略微变好"), ("-0.8", "无明显变化"), ("-3", "明显变差"), ("8", "显著变好"), ("-2.99", "略微变差"),
        ("0.99", "无明显变化"), ("-8", "显著变差"), ("3", "明显变好"),
    )]
    + [pytest.param("1", "略微变好", id="1-inclusive"), pytest.param("-1", "略微变差", id="minus-1-inclusive"),
       pytest.param("0", "无明显变化", id="zero")],
)
def test_e12_change_grades(delta, label):
    assert eco.change_grade(Decimal(delta)).label == label


def test_ei_change_between_results():
    before = _ei(60, 80, 40, 20, 10)
    after = _ei(70, 80, 40, 20, 10)
    change = eco.ei_change(before, after)
    assert change.delta == Fraction("3.5") and change.label == "明显变好"


def test_components_above_100_are_capped_in_ei():
    result = _ei(120, 100, 100, 0, 0)
    assert result.ei == Decimal("100.0")
    assert result.notes


def test_component_results_carry_their_unconfirmed_coefficients():
    wnd = eco.water_network_density(river_length=800, water_area=30, water_resources=500, area=1000)
    result = _ei(60, 80, wnd, 20, 10)
    assert set(result.unconfirmed) == {"A_riv", "A_lak", "A_res"}


def test_coefficients_are_configuration():
    table = eco.default_coefficients()
    assert table["A_bio"].confirmed and not table["A_veg"].confirmed and not table["A_NH3"].confirmed
    alternative = eco.water_network_density(river_length=800, water_area=30, water_resources=500, area=1000,
                                            coefficients={"A_riv": "84", "A_lak": "591", "A_res": "86"})
    assert alternative.raw == (Fraction(84 * 800) + Fraction(591 * 30) + Fraction(86 * 500)) / 1000 / 3
    assert alternative.unconfirmed == ()  # a caller's override counts as confirmed by the caller
    nh3 = eco.pollution_load(cod=0, nh3n=500, so2=0, dust=0, nox=0, solid_waste=0, precipitation_total=100000,
                             area=1000, coefficients={"A_NH3": "40.1764176854"})
    assert nh3.raw == Fraction("0.2") * Fraction("40.1764176854") * 500 / 100000


def test_unknown_coefficient_is_refused():
    with pytest.raises(ValueError, match="unknown coefficient"):
        eco.land_stress(
            severe_erosion=1, moderate_erosion=1, construction=1, other=1, area=10, coefficients={"A_x": 1}
        )


def test_vegetation_cover_from_pixels_or_mean():
    assert eco.vegetation_cover([4000, 5000]).value == Fraction("0.0121165124") * 4500
    assert eco.vegetation_cover(4500).value == Fraction("0.0121165124") * 4500
    assert eco.vegetation_cover(9000).unconfirmed == ("A_veg",)


@pytest.mark.parametrize(
    ("restriction", "ei", "grade"),
    [
        pytest.param("none", Decimal("80.0"), "优", id="none"),
        pytest.param("downgrade", Decimal("74.9"), "良", id="downgrade"),
        pytest.param("not_good_and_downgrade", Decimal("54.9"), "一般", id="not-good"),
    ],
)
def test_environmental_restriction(restriction, ei, grade):
    result = _ei(100, 100, 100, 100, 50, restriction=restriction)
    assert (result.ei, result.grade) == (ei, grade)


def test_restriction_on_poor_and_good():
    kwargs = {"vegetation_cover": 40, "water_network_density": 20, "land_stress": 52, "pollution_load": 70}
    good = eco.eco_index(biological_abundance=100, restriction="downgrade", **kwargs)  # 58.2 良 → 54.9
    assert good.ei == Decimal("54.9")
    worst = _ei(0, 0, 0, 100, 100, restriction="downgrade")
    assert worst.ei == Decimal("0.0") and worst.grade == "差"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: _ei(1, 1, 1, 1, 1, restriction="x"),
            id="restriction",
        ),
        pytest.param(lambda: eco.habitat_quality({"forest": 1}, area=0), id="zero-area"),
        pytest.param(lambda: eco.habitat_quality({"jungle": 1}, area=10), id="unknown-land-use"),
        pytest.param(
            lambda: eco.land_stress(severe_erosion=-1, moderate_erosion=0, construction=0, other=0, area=1),
            id="negative",
        ),
    ],
)
def test_invalid_input(call):
    with pytest.raises(ValueError):
        call()
