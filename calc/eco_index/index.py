"""Ecological index EI after HJ 192-2015 (生态环境状况评价技术规范).

``EI = 0.35×生物丰度 + 0.25×植被覆盖 + 0.15×水网密度 + 0.15×(100 − 土地胁迫) + 0.10×(100 − 污染负荷)``,
with 环境限制指数 acting as a constraint on the grade. Each component is normalised to 0–100 with its
coefficient and capped at 100.

The coefficients and weights are configuration, not code: ``data/hj192_coefficients.csv`` holds every
value with a ``confirmed`` flag (only the EI weights, the habitat class weights and ``A_bio`` are
confirmed by two sources); every function takes ``coefficients=`` to override them, and every result
lists the unconfirmed values it used. Arithmetic is exact (fractions); EI is reported with 1 decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from types import MappingProxyType

from calc.data import read_csv
from calc.exact import Number, fraction_to_decimal, round_half_even, to_fraction

CAP = Fraction(100)


@dataclass(frozen=True)
class Coefficient:
    """One configurable constant of HJ 192-2015 (``data/hj192_coefficients.csv``)."""

    symbol: str
    value: Fraction
    used_in: str
    confirmed: bool
    source: str


@cache
def default_coefficients() -> Mapping[str, Coefficient]:
    """The packaged coefficients, keyed by symbol."""
    rows = {
        row["symbol"]: Coefficient(
            row["symbol"],
            Fraction(row["value"]),
            row["used_in"],
            row["confirmed"].strip().lower() == "true",
            row["source"],
        )
        for row in read_csv("calc.eco_index", "hj192_coefficients.csv")
    }
    return MappingProxyType(rows)


def coefficients(overrides: Mapping[str, Number] | None = None) -> Mapping[str, Coefficient]:
    """Packaged coefficients with ``overrides`` applied (an override counts as confirmed by the caller).

    Raises
    ------
    ValueError
        For an unknown symbol.
    """
    merged = dict(default_coefficients())
    for symbol, value in (overrides or {}).items():
        if symbol not in merged:
            raise ValueError(f"unknown coefficient {symbol!r}; expected one of {tuple(merged)}")
        merged[symbol] = Coefficient(
            symbol, to_fraction(value), merged[symbol].used_in, True, "caller override"
        )
    return MappingProxyType(merged)


#: Land-use key → (habitat class weight, sub-class weight) symbols (HJ 192-2015 Annex A classes).
LAND_USE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "forest": ("W_forest", "S_forest"),  # 有林地
        "shrub": ("W_forest", "S_shrub"),  # 灌木林地
        "sparse_forest": ("W_forest", "S_sparse_forest"),  # 疏林地和其他林地
        "grass_high": ("W_grass", "S_grass_high"),  # 高覆盖度草地
        "grass_medium": ("W_grass", "S_grass_medium"),  # 中覆盖度草地
        "grass_low": ("W_grass", "S_grass_low"),  # 低覆盖度草地
        "river": ("W_water", "S_river"),  # 河流(渠)
        "lake": ("W_water", "S_lake"),  # 湖泊(库)
        "beach_wetland": ("W_water", "S_beach_wetland"),  # 滩涂湿地
        "paddy": ("W_farmland", "S_paddy"),  # 水田
        "dryland": ("W_farmland", "S_dryland"),  # 旱地
        "urban": ("W_construction", "S_urban"),  # 城镇建设用地
        "rural": ("W_construction", "S_rural"),  # 农村居民点
        "other_construction": ("W_construction", "S_other_construction"),  # 其他建设用地
        "sand": ("W_unused", "S_sand"),  # 沙地
        "saline": ("W_unused", "S_saline"),  # 盐碱地
        "bare_soil": ("W_unused", "S_bare_soil"),  # 裸土地
        "bare_rock": ("W_unused", "S_bare_rock"),  # 裸岩石砾
        "other_unused": ("W_unused", "S_other_unused"),  # 其他未利用地
    }
)

COMPONENT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "habitat_quality": "生境质量指数",
        "biological_abundance": "生物丰度指数",
        "vegetation_cover": "植被覆盖指数",
        "water_network_density": "水网密度指数",
        "land_stress": "土地胁迫指数",
        "pollution_load": "污染负荷指数",
        "environmental_restriction": "环境限制指数",
    }
)


@dataclass(frozen=True)
class ComponentIndex:
    """A component (sub-)index of HJ 192-2015.

    Attributes
    ----------
    key, name
        ``"water_network_density"``, ``"水网密度指数"``.
    value
        The index after the cap at 100 (exact).
    raw
        Before the cap.
    capped
        Whether the cap applied.
    unconfirmed
        Symbols of unconfirmed coefficients used.
    """

    key: str
    name: str
    value: Fraction
    raw: Fraction
    capped: bool
    unconfirmed: tuple[str, ...] = ()

    @property
    def reported(self) -> Decimal:
        """Value with 4 decimals (GB/T 8170), for display."""
        return round_half_even(self.value, 4)


class _Coefficients:
    def __init__(self, overrides: Mapping[str, Number] | None) -> None:
        self.table = coefficients(overrides)
        self.used: list[str] = []

    def __call__(self, symbol: str) -> Fraction:
        self.used.append(symbol)
        return self.table[symbol].value

    def unconfirmed(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(symbol for symbol in self.used if not self.table[symbol].confirmed))


def _component(key: str, raw: Fraction, coefficients_: _Coefficients | None = None) -> ComponentIndex:
    if raw < 0:
        raise ValueError(f"{key}: negative index {raw}")
    return ComponentIndex(
        key,
        COMPONENT_NAMES[key],
        min(raw, CAP),
        raw,
        raw > CAP,
        coefficients_.unconfirmed() if coefficients_ else (),
    )


def _positive(name: str, value: Number) -> Fraction:
    exact = to_fraction(value)
    if exact <= 0:
        raise ValueError(f"{name} must be positive: {value!r}")
    return exact


def _non_negative(name: str, value: Number) -> Fraction:
    exact = to_fraction(value)
    if exact < 0:
        raise ValueError(f"{name} must not be negative: {value!r}")
    return exact


def _weighted(c: _Coefficients, terms: Mapping[str, tuple[str, Number]]) -> Fraction:
    """Σ ``c(symbol) × value`` over ``{argument name: (coefficient symbol, value)}``; no value may be negative."""
    return sum((c(symbol) * _non_negative(name, value) for name, (symbol, value) in terms.items()), Fraction(0))


def habitat_quality(
    land_use: Mapping[str, Number], *, area: Number, coefficients: Mapping[str, Number] | None = None
) -> ComponentIndex:
    """生境质量指数 = A_bio × (0.35 林地 + 0.21 草地 + 0.28 水域湿地 + 0.11 耕地 + 0.04 建设用地 + 0.01 未利用地) / 区域面积.

    Parameters
    ----------
    land_use
        Land-use key (:data:`LAND_USE`) → area [km²]; each class is the sub-weighted sum of its
        sub-classes (e.g. 林地 = 0.6 有林地 + 0.25 灌木林地 + 0.15 疏林地).
    area
        Region area [km²].
    coefficients
        Overrides of ``data/hj192_coefficients.csv`` (``A_bio``, ``W_*``, ``S_*``).
    """
    c = _Coefficients(coefficients)
    region = _positive("area", area)
    total = Fraction(0)
    for key, value in land_use.items():
        if key not in LAND_USE:
            raise ValueError(f"unknown land use {key!r}; expected one of {tuple(LAND_USE)}")
        class_weight, sub_weight = LAND_USE[key]
        total += c(class_weight) * c(sub_weight) * _non_negative(key, value)
    return _component("habitat_quality", c("A_bio") * total / region, c)


def biological_abundance(
    habitat: Number | ComponentIndex, *, biodiversity: Number | None = None
) -> ComponentIndex:
    """生物丰度指数 = (BI + HQ) / 2; without a biodiversity index BI (HJ 623) it is HQ.

    Example: BI 45, HQ 55.2293 → 50.1147.
    """
    hq = habitat.value if isinstance(habitat, ComponentIndex) else _non_negative("habitat quality", habitat)
    unconfirmed = habitat.unconfirmed if isinstance(habitat, ComponentIndex) else ()
    raw = hq if biodiversity is None else (_non_negative("biodiversity", biodiversity) + hq) / 2
    result = _component("biological_abundance", raw)
    return ComponentIndex(result.key, result.name, result.value, result.raw, result.capped, unconfirmed)


def vegetation_cover(
    ndvi: Number | Iterable[Number], *, coefficients: Mapping[str, Number] | None = None
) -> ComponentIndex:
    """植被覆盖指数 = A_veg × mean NDVI (May–September maximum composite, MOD13 scale ×10000).

    ``ndvi`` is the regional mean or the pixel values. ``A_veg`` is unconfirmed.
    """
    c = _Coefficients(coefficients)
    if isinstance(ndvi, Iterable) and not isinstance(ndvi, str):
        values = [_non_negative("ndvi", value) for value in ndvi]
        if not values:
            raise ValueError("no NDVI values")
        mean = sum(values, Fraction(0)) / len(values)
    else:
        mean = _non_negative("ndvi", ndvi)
    return _component("vegetation_cover", c("A_veg") * mean, c)


def water_network_density(
    *,
    river_length: Number,
    water_area: Number,
    water_resources: Number,
    area: Number,
    coefficients: Mapping[str, Number] | None = None,
) -> ComponentIndex:
    """水网密度指数 = (A_riv×河流长度 + A_lak×湖库面积 + A_res×水资源量) / 区域面积 / 3.

    Parameters
    ----------
    river_length
        River length [km].
    water_area
        Lake and reservoir area [km²].
    water_resources
        Water resources [10⁶ m³].
    area
        Region area [km²].
    """
    c = _Coefficients(coefficients)
    region = _positive("area", area)
    lengths = _weighted(c, {"river_length": ("A_riv", river_length), "water_area": ("A_lak", water_area),
                            "water_resources": ("A_res", water_resources)})
    return _component("water_network_density", lengths / region / 3, c)


def land_stress(
    *,
    severe_erosion: Number,
    moderate_erosion: Number,
    construction: Number,
    other: Number,
    area: Number,
    coefficients: Mapping[str, Number] | None = None,
) -> ComponentIndex:
    """土地胁迫指数 = A_ero × (0.4 重度侵蚀 + 0.2 中度侵蚀 + 0.2 建设用地 + 0.2 其他胁迫) / 区域面积 (areas km²)."""
    c = _Coefficients(coefficients)
    region = _positive("area", area)
    weighted = _weighted(c, {"severe_erosion": ("LS_severe", severe_erosion),
                             "moderate_erosion": ("LS_moderate", moderate_erosion),
                             "construction": ("LS_construction", construction), "other": ("LS_other", other)})
    return _component("land_stress", c("A_ero") * weighted / region, c)


def pollution_load(
    *,
    cod: Number,
    nh3n: Number,
    so2: Number,
    dust: Number,
    nox: Number,
    solid_waste: Number,
    precipitation_total: Number,
    area: Number,
    coefficients: Mapping[str, Number] | None = None,
) -> ComponentIndex:
    """污染负荷指数 (HJ 192-2015): weighted loads per precipitation (COD, NH3-N) or per area (the rest).

    ``0.2·A_COD·COD/P + 0.2·A_NH3·NH3/P + 0.2·A_SO2·SO2/S + 0.1·A_YFC·烟粉尘/S + 0.2·A_NOX·NOx/S +
    0.1·A_SOL·固废/S`` with loads in t, ``P`` the annual precipitation total and ``S`` the area [km²]
    (unit conventions unconfirmed, see docs).
    """
    c = _Coefficients(coefficients)
    rain = _positive("precipitation_total", precipitation_total)
    region = _positive("area", area)
    raw = (
        c("PL_COD") * c("A_COD") * _non_negative("cod", cod) / rain
        + c("PL_NH3") * c("A_NH3") * _non_negative("nh3n", nh3n) / rain
        + c("PL_SO2") * c("A_SO2") * _non_negative("so2", so2) / region
        + c("PL_YFC") * c("A_YFC") * _non_negative("dust", dust) / region
        + c("PL_NOX") * c("A_NOX") * _non_negative("nox", nox) / region
        + c("PL_SOL") * c("A_SOL") * _non_negative("solid_waste", solid_waste) / region
    )
    return _component("pollution_load", raw, c)


# ---------------------------------------------------------------------------------------------------
# EI, grades and change grades


@cache
def _bands(kind: str) -> tuple[tuple[str, Fraction | None, Fraction | None], ...]:
    return tuple(
        (
            row["label"],
            Fraction(row["lower"]) if row["lower"].strip() else None,
            Fraction(row["upper"]) if row["upper"].strip() else None,
        )
        for row in read_csv("calc.eco_index", "hj192_grades.csv")
        if row["kind"] == kind
    )


def ei_grade(ei: Number) -> str:
    """EI grade: ≥ 75 优, [55, 75) 良, [35, 55) 一般, [20, 35) 较差, < 20 差 (lower bounds inclusive)."""
    value = to_fraction(ei)
    for label, lower, upper in _bands("grade"):
        if (lower is None or value >= lower) and (upper is None or value < upper):
            return label
    raise AssertionError("the grade bands cover every value")


RESTRICTION_NONE = "none"
RESTRICTION_DOWNGRADE = "downgrade"
RESTRICTION_NOT_GOOD_AND_DOWNGRADE = "not_good_and_downgrade"
RESTRICTIONS: tuple[str, ...] = (RESTRICTION_NONE, RESTRICTION_DOWNGRADE, RESTRICTION_NOT_GOOD_AND_DOWNGRADE)
"""环境限制指数 consequences (unconfirmed, after one implementation): none, 降1级, 不能为优和良且降1级."""

_BAND_TOPS = {
    "优": Fraction("74.9"),
    "良": Fraction("54.9"),
    "一般": Fraction("34.9"),
    "较差": Fraction("19.9"),
}


def _restrict(ei: Fraction, restriction: str) -> Fraction:
    if restriction == RESTRICTION_NONE:
        return ei
    grade = ei_grade(ei)
    lowered = _BAND_TOPS.get(grade, ei)  # 差 cannot go lower
    if restriction == RESTRICTION_NOT_GOOD_AND_DOWNGRADE:
        lowered = min(lowered, _BAND_TOPS["良"])
    return lowered


@dataclass(frozen=True)
class EcoIndexResult:
    """EI that explains itself.

    Attributes
    ----------
    ei
        EI with 1 decimal (GB/T 8170), the value graded.
    ei_exact
        Exact EI after the restriction (before rounding).
    grade
        优 / 良 / 一般 / 较差 / 差.
    components
        Chinese component name → value used (exact, after the cap).
    restriction
        The 环境限制指数 consequence applied.
    unconfirmed
        Unconfirmed coefficients used anywhere in the computation.
    notes
        Remarks (caps, restriction).
    """

    ei: Decimal
    ei_exact: Fraction
    grade: str
    components: Mapping[str, Fraction]
    restriction: str
    unconfirmed: tuple[str, ...]
    notes: tuple[str, ...]


def eco_index(
    *,
    biological_abundance: Number | ComponentIndex,
    vegetation_cover: Number | ComponentIndex,
    water_network_density: Number | ComponentIndex,
    land_stress: Number | ComponentIndex,
    pollution_load: Number | ComponentIndex,
    restriction: str = RESTRICTION_NONE,
    coefficients: Mapping[str, Number] | None = None,
) -> EcoIndexResult:
    """生态环境状况指数 EI (HJ 192-2015).

    Parameters
    ----------
    biological_abundance, vegetation_cover, water_network_density, land_stress, pollution_load
        Component indices (0–100; values above 100 are capped) or :class:`ComponentIndex` results.
    restriction
        环境限制指数 consequence, one of :data:`RESTRICTIONS` (unconfirmed: ``"downgrade"`` sets EI to
        the top of the next-lower band — 74.9, 54.9, 34.9, 19.9; ``"not_good_and_downgrade"`` also
        keeps it below 55).
    coefficients
        Overrides of the EI weights ``EI_*``.

    Returns
    -------
    EcoIndexResult
        Example: 60, 80, 40, 20, 10 → EI 68.0, 良.
    """
    if restriction not in RESTRICTIONS:
        raise ValueError(f"unknown restriction {restriction!r}; expected one of {RESTRICTIONS}")
    c = _Coefficients(coefficients)
    inputs = {
        "biological_abundance": biological_abundance,
        "vegetation_cover": vegetation_cover,
        "water_network_density": water_network_density,
        "land_stress": land_stress,
        "pollution_load": pollution_load,
    }
    values: dict[str, Fraction] = {}
    unconfirmed: list[str] = []
    notes: list[str] = []
    for key, given in inputs.items():
        if isinstance(given, ComponentIndex):
            value = given.value
            unconfirmed += given.unconfirmed
        else:
            value = _non_negative(key, given)
            if value > CAP:
                notes.append(f"{COMPONENT_NAMES[key]} {fraction_to_decimal(value)} capped at 100")
                value = CAP
        values[key] = value
    raw = (
        c("EI_BA") * values["biological_abundance"]
        + c("EI_VC") * values["vegetation_cover"]
        + c("EI_WND") * values["water_network_density"]
        + c("EI_LS") * (100 - values["land_stress"])
        + c("EI_PL") * (100 - values["pollution_load"])
    )
    restricted = _restrict(raw, restriction)
    if restricted != raw:
        notes.append(
            f"环境限制指数 ({restriction}): EI {round_half_even(raw, 1)} → {round_half_even(restricted, 1)}"
        )
    reported = round_half_even(restricted, 1)
    return EcoIndexResult(
        ei=reported,
        ei_exact=restricted,
        grade=ei_grade(reported),
        components=MappingProxyType({COMPONENT_NAMES[key]: value for key, value in values.items()}),
        restriction=restriction,
        unconfirmed=tuple(dict.fromkeys([*unconfirmed, *c.unconfirmed()])),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class ChangeGrade:
    """EI change class between two years (HJ 192-2015).

    Attributes
    ----------
    delta
        ΔEI = later − earlier (exact).
    level
        无明显变化 / 略微变化 / 明显变化 / 显著变化.
    direction
        ``"变好"``, ``"变差"`` or ``None`` (no obvious change).
    label
        As printed: 无明显变化, 略微变好, 明显变差, 显著变好 …
    """

    delta: Fraction
    level: str
    direction: str | None
    label: str


def change_grade(delta: Number) -> ChangeGrade:
    """Class of ΔEI: |ΔEI| < 1 无明显变化; [1, 3) 略微; [3, 8) 明显; ≥ 8 显著 — 变好 if ΔEI > 0, else 变差."""
    value = to_fraction(delta)
    magnitude = abs(value)
    for level, lower, upper in _bands("change"):
        if (lower is None or magnitude >= lower) and (upper is None or magnitude < upper):
            if level == "无明显变化":
                return ChangeGrade(value, level, None, level)
            direction = "变好" if value > 0 else "变差"
            return ChangeGrade(value, level, direction, level.removesuffix("变化") + direction)
    raise AssertionError("the change bands cover every value")


def ei_change(earlier: Number | EcoIndexResult, later: Number | EcoIndexResult) -> ChangeGrade:
    """Change grade between two EIs (results are compared on their reported 1-decimal values)."""
    first = Fraction(earlier.ei) if isinstance(earlier, EcoIndexResult) else to_fraction(earlier)
    second = Fraction(later.ei) if isinstance(later, EcoIndexResult) else to_fraction(later)
    return change_grade(second - first)
