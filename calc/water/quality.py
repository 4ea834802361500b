"""Surface-water classes after GB 3838-2002 and the 2011 evaluation method (环办〔2011〕22号).

* :func:`classify_parameter` — class of one item against GB 3838-2002 Table 1 (limits inclusive; the
  best class whose limit is met, so COD 15 → Ⅰ; DO is "≥"; pH outside 6–9 → 劣Ⅴ).
* :func:`classify_section` — single-factor class of a section (断面): the worst class of the method's 21
  items; 水温, 总氮 and 粪大肠菌群 are reference items and do not count.
* :func:`class_shares`, :func:`river_grade`, :func:`assess_river` — class shares of a region and the
  grade of a river / basin (class-share method with ≥ 5 sections, averaging method below).
* :func:`drinking_water_attainment` — share of drinking-water sources meeting Class Ⅲ.

Values are mg/L (fecal coliform 个/L, pH dimensionless); arithmetic is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from fractions import Fraction
from functools import cache
from types import MappingProxyType

from calc.data import read_csv
from calc.exact import Number, round_half_even, to_fraction
from calc.sufficiency import SUFFICIENT, Sufficiency, insufficient

WATERBODY_RIVER = "river"
WATERBODY_LAKE = "lake"
WATERBODIES: tuple[str, ...] = (WATERBODY_RIVER, WATERBODY_LAKE)
"""River (河流) or lake/reservoir (湖库): only total phosphorus differs (GB 3838 Table 1 item 8)."""

SECTION_MIN_FOR_SHARES = 5
"""Rivers with at least this many sections use the class-share method (办法: "5个（含5个）以上")."""

MIN_SAMPLED_MONTHS = 12
"""A section's annual class needs samples in every calendar month (our rule; the 办法 gives no minimum, see
``docs/standards.md``): monthly sampling is the routine programme, and GB 3095 Table 4 likewise asks for data
in every month for an annual value."""

_LISTED_SECTIONS = 5


class WaterClass(IntEnum):
    """GB 3838-2002 water quality class, ordered from best (Ⅰ) to worst (劣Ⅴ)."""

    I = 1  # noqa: E741 - the standard's name
    II = 2
    III = 3
    IV = 4
    V = 5
    WORSE_THAN_V = 6

    @property
    def code(self) -> str:
        """``"I"`` … ``"V"``, ``"劣V"`` (ASCII Roman numerals, as in data files)."""
        return "劣V" if self is WaterClass.WORSE_THAN_V else self.name

    @property
    def label(self) -> str:
        """``"Ⅰ类"`` … ``"Ⅴ类"``, ``"劣Ⅴ类"`` as reports print it."""
        return _LABELS[self]

    @classmethod
    def from_code(cls, code: str) -> WaterClass:
        """Parse ``"I"`` … ``"V"``, ``"劣V"`` (also the Unicode numerals and a trailing 类)."""
        text = code.strip().removesuffix("类")
        for member in cls:
            if text in (member.code, _LABELS[member].removesuffix("类")):
                return member
        raise ValueError(f"unknown water class {code!r}")


_LABELS = {
    WaterClass.I: "Ⅰ类",
    WaterClass.II: "Ⅱ类",
    WaterClass.III: "Ⅲ类",
    WaterClass.IV: "Ⅳ类",
    WaterClass.V: "Ⅴ类",
    WaterClass.WORSE_THAN_V: "劣Ⅴ类",
}


@dataclass(frozen=True)
class Item:
    """One row of GB 3838-2002 Table 1 (``data/gb3838_table1.csv``).

    Attributes
    ----------
    key, name, unit
        Item key (``"NH3N"``), Chinese name (``"氨氮"``), unit.
    comparison
        ``"<="`` (upper limits), ``">="`` (DO) or ``"range"`` (pH 6–9).
    limits
        Class Ⅰ … Ⅴ limits (for pH: the range bounds 6 and 9).
    assessed
        One of the 21 items of the 2011 method (False: TN, fecal coliform).
    priority
        Cyanide and heavy metals, listed first among main pollutants when they exceed Class Ⅲ.
    exceedance
        Whether an exceedance multiple is computed (not for pH, DO).
    """

    key: str
    name: str
    unit: str
    comparison: str
    limits: tuple[Decimal, ...]
    assessed: bool
    priority: bool
    exceedance: bool


@cache
def table() -> Mapping[str, Item]:
    """GB 3838-2002 Table 1 (basic items), keyed by item; ``TP_lake`` is TP for lakes/reservoirs."""
    rows = {}
    for row in read_csv("calc.water", "gb3838_table1.csv"):
        if row["comparison"] == "range":
            low, high = row["I"].split("~")
            limits: tuple[Decimal, ...] = (Decimal(low), Decimal(high))
        else:
            limits = tuple(Decimal(row[name]) for name in ("I", "II", "III", "IV", "V"))
        rows[row["item"]] = Item(
            key=row["item"],
            name=row["name"],
            unit=row["unit"],
            comparison=row["comparison"],
            limits=limits,
            assessed=row["assessed"] == "1",
            priority=row["priority"] == "1",
            exceedance=row["exceedance"] == "1",
        )
    return MappingProxyType(rows)


@cache
def _section_grades() -> Mapping[WaterClass, tuple[str, str]]:
    return MappingProxyType(
        {
            WaterClass.from_code(row["class"]): (row["grade"], row["colour"])
            for row in read_csv("calc.water", "section_grades.csv")
        }
    )


@cache
def _river_share_grades() -> tuple[tuple[str, tuple[Fraction | None, ...]], ...]:
    rules = []
    for row in read_csv("calc.water", "river_share_grades.csv"):
        bounds = tuple(
            Fraction(row[name]) if row[name].strip() else None
            for name in (
                "min_share_I_III",
                "max_share_I_III",
                "min_share_worse_than_V",
                "max_share_worse_than_V",
            )
        )
        rules.append((row["grade"], bounds))
    return tuple(rules)


ITEMS: tuple[str, ...] = tuple(key for key in table() if key != "TP_lake")
"""Items accepted in a sample (``TP`` is read against the lake limits for lakes/reservoirs)."""

SECTION_ITEMS: tuple[str, ...] = tuple(key for key in ITEMS if table()[key].assessed)
"""The 21 items of the 2011 method used for the section class."""

REFERENCE_ITEMS: tuple[str, ...] = ("WaterTemp", "TN", "FecalColiform")
"""Reference items (水温, 总氮, 粪大肠菌群): accepted, reported, not used for the section class."""


def _check_waterbody(waterbody: str) -> None:
    if waterbody not in WATERBODIES:
        raise ValueError(f"unknown waterbody {waterbody!r}; expected one of {WATERBODIES}")


def _row(item: str, waterbody: str) -> Item:
    _check_waterbody(waterbody)
    if item not in ITEMS:
        raise ValueError(f"unknown item {item!r}; expected one of {ITEMS}")
    return table()["TP_lake" if item == "TP" and waterbody == WATERBODY_LAKE else item]


def classify_parameter(item: str, value: Number, *, waterbody: str = WATERBODY_RIVER) -> WaterClass:
    """Class of one item's value against GB 3838-2002 Table 1.

    Parameters
    ----------
    item
        Item key (:data:`ITEMS`), e.g. ``"NH3N"``, ``"DO"``, ``"pH"``.
    value
        Concentration [mg/L; fecal coliform 个/L; pH dimensionless], ``>= 0``.
    waterbody
        ``"river"`` or ``"lake"`` (lakes and reservoirs; total phosphorus has stricter limits).

    Returns
    -------
    WaterClass
        The best class whose limit the value meets (limits inclusive); 劣Ⅴ when it meets none.
        Examples: NH3-N 0.5 → Ⅱ, 0.51 → Ⅲ; DO 7.5 → Ⅰ, 4.99 → Ⅳ; COD 15 → Ⅰ; pH 9.2 → 劣Ⅴ.
    """
    row = _row(item, waterbody)
    exact = to_fraction(value)
    if exact < 0:
        raise ValueError(f"negative value for {item}: {value!r}")
    if row.comparison == "range":
        low, high = row.limits
        return WaterClass.I if Fraction(low) <= exact <= Fraction(high) else WaterClass.WORSE_THAN_V
    for index, limit in enumerate(row.limits):
        if (exact >= Fraction(limit)) if row.comparison == ">=" else (exact <= Fraction(limit)):
            return WaterClass(index + 1)
    return WaterClass.WORSE_THAN_V


def exceedance_multiple(item: str, value: Number, *, waterbody: str = WATERBODY_RIVER) -> Fraction | None:
    """超标倍数 against Class Ⅲ: ``(C − limit_Ⅲ) / limit_Ⅲ``; ``None`` when within Class Ⅲ or for pH/DO."""
    row = _row(item, waterbody)
    if not row.exceedance:
        return None
    limit = Fraction(row.limits[2])
    exact = to_fraction(value)
    return (exact - limit) / limit if exact > limit else None


def section_grade(class_: WaterClass) -> str:
    """Qualitative grade of a section: Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染."""
    return _section_grades()[class_][0]


def section_colour(class_: WaterClass) -> str:
    """Display colour of a class (劣Ⅴ 红色 confirmed; the others common practice, see docs)."""
    return _section_grades()[class_][1]


@dataclass(frozen=True)
class ParameterClass:
    """One item of a section: value, class and exceedance multiple (exact)."""

    item: str
    name: str
    value: Fraction
    class_: WaterClass
    exceedance: Fraction | None


@dataclass(frozen=True)
class SectionClassResult:
    """The class of a section and why.

    Attributes
    ----------
    class_
        Worst class of the assessed items (``None`` when none is present).
    grade
        优 / 良好 / 轻度污染 / 中度污染 / 重度污染.
    limiting_parameters
        Items at the worst class.
    per_parameter
        Every assessed item present → :class:`ParameterClass`.
    main_pollutants
        主要污染指标 as printed, e.g. ``("氨氮(1.4)", "总磷(1.25)", "化学需氧量(0.75)")``; empty when the
        section is 优 or 良好.
    main_pollutant_items
        The same as item keys.
    missing
        Assessed items without a value.
    reference
        Reference items given (水温, 总氮, 粪大肠菌群) with their class (水温: ``None``); not used.
    waterbody
        ``"river"`` or ``"lake"``.
    """

    class_: WaterClass | None
    grade: str | None
    limiting_parameters: tuple[str, ...]
    per_parameter: Mapping[str, ParameterClass]
    main_pollutants: tuple[str, ...]
    main_pollutant_items: tuple[str, ...]
    missing: tuple[str, ...]
    reference: Mapping[str, WaterClass | None]
    waterbody: str


def _format_multiple(value: Fraction) -> str:
    text = format(round_half_even(value, 2).normalize(), "f")
    return text


def _main_pollutants(per_parameter: Mapping[str, ParameterClass]) -> list[ParameterClass]:
    exceeding = [p for p in per_parameter.values() if p.class_ > WaterClass.III]

    def rank(p: ParameterClass) -> tuple[int, int, Fraction]:
        return (-int(p.class_), 0 if p.exceedance is not None else 1, -(p.exceedance or Fraction(0)))

    priority = sorted((p for p in exceeding if table()[p.item].priority), key=rank)
    others = sorted((p for p in exceeding if not table()[p.item].priority), key=rank)
    return priority + others[:3]


def classify_section(
    values: Mapping[str, Number | None], *, waterbody: str = WATERBODY_RIVER
) -> SectionClassResult:
    """Single-factor class of a section (断面) from its (mean) values, 2011 method.

    Parameters
    ----------
    values
        Item → value (``None`` = not measured). Items outside :data:`ITEMS` and
        :data:`REFERENCE_ITEMS` raise ``ValueError``.
    waterbody
        ``"river"`` or ``"lake"``.

    Returns
    -------
    SectionClassResult
        The worst class of the 21 assessed items present; main pollutants (worse than Ⅲ): cyanide and
        heavy metals first, then the three worst others by class and exceedance multiple.
    """
    _check_waterbody(waterbody)
    per_parameter: dict[str, ParameterClass] = {}
    reference: dict[str, WaterClass | None] = {}
    for item, value in values.items():
        if item not in ITEMS and item not in REFERENCE_ITEMS:
            raise ValueError(f"unknown item {item!r}; expected one of {ITEMS + ('WaterTemp',)}")
        if value is None:
            continue
        if item == "WaterTemp":
            reference[item] = None
            continue
        class_ = classify_parameter(item, value, waterbody=waterbody)
        if item in SECTION_ITEMS:
            per_parameter[item] = ParameterClass(
                item,
                table()[item].name,
                to_fraction(value),
                class_,
                exceedance_multiple(item, value, waterbody=waterbody),
            )
        else:
            reference[item] = class_
    missing = tuple(item for item in SECTION_ITEMS if item not in per_parameter)
    if not per_parameter:
        return SectionClassResult(
            None, None, (), MappingProxyType({}), (), (), missing, MappingProxyType(reference), waterbody
        )
    worst = max(p.class_ for p in per_parameter.values())
    main = _main_pollutants(per_parameter)
    labels = tuple(
        p.name if p.exceedance is None else f"{p.name}({_format_multiple(p.exceedance)})" for p in main
    )
    return SectionClassResult(
        class_=worst,
        grade=section_grade(worst),
        limiting_parameters=tuple(item for item, p in per_parameter.items() if p.class_ == worst),
        per_parameter=MappingProxyType(per_parameter),
        main_pollutants=labels,
        main_pollutant_items=tuple(p.item for p in main),
        missing=missing,
        reference=MappingProxyType(reference),
        waterbody=waterbody,
    )


def mean_values(samples: Iterable[Mapping[str, Number | None]]) -> dict[str, Fraction]:
    """Arithmetic mean of each item over samples (times or points), ignoring missing values.

    The 2011 method averages several samplings of a period, and several points of a lake, before
    classifying. Means are exact (no intermediate rounding).
    """
    sums: dict[str, Fraction] = {}
    counts: dict[str, int] = {}
    for sample in samples:
        for item, value in sample.items():
            if value is None:
                continue
            sums[item] = sums.get(item, Fraction(0)) + to_fraction(value)
            counts[item] = counts.get(item, 0) + 1
    return {item: total / counts[item] for item, total in sums.items()}


@dataclass(frozen=True)
class ClassShares:
    """Class composition of a set of sections (a region, river or basin).

    Attributes
    ----------
    n
        Number of sections with a class.
    counts
        Sections per class (every class present as a key).
    share_i_iii, share_i_iii_exact
        达到或优于Ⅲ类比例 (%), 1 decimal (GB/T 8170) / exact.
    share_worse_than_v, share_worse_than_v_exact
        劣Ⅴ类比例 (%), 1 decimal / exact.
    shares
        Percentage per class, 1 decimal.
    """

    n: int
    counts: Mapping[WaterClass, int]
    share_i_iii: Decimal | None
    share_i_iii_exact: Fraction | None
    share_worse_than_v: Decimal | None
    share_worse_than_v_exact: Fraction | None
    shares: Mapping[WaterClass, Decimal]


def class_shares(classes: Iterable[WaterClass | None]) -> ClassShares:
    """Shares of sections per class, 达到或优于Ⅲ类比例 and 劣Ⅴ类比例 (``None`` entries are skipped)."""
    present = [class_ for class_ in classes if class_ is not None]
    counts = {class_: 0 for class_ in WaterClass}
    for class_ in present:
        counts[WaterClass(class_)] += 1
    n = len(present)
    if n == 0:
        return ClassShares(0, MappingProxyType(counts), None, None, None, None, MappingProxyType({}))
    good = Fraction(100 * sum(counts[c] for c in (WaterClass.I, WaterClass.II, WaterClass.III)), n)
    bad = Fraction(100 * counts[WaterClass.WORSE_THAN_V], n)
    shares = {class_: round_half_even(Fraction(100 * count, n), 1) for class_, count in counts.items()}
    return ClassShares(
        n,
        MappingProxyType(counts),
        round_half_even(good, 1),
        good,
        round_half_even(bad, 1),
        bad,
        MappingProxyType(shares),
    )


@dataclass(frozen=True)
class RiverGradeResult:
    """Grade of a river, basin or water system (河流、流域/水系).

    Attributes
    ----------
    grade
        优 / 良好 / 轻度污染 / 中度污染 / 重度污染.
    method
        ``"share"`` (≥ 5 sections, class shares) or ``"mean"`` (< 5 sections: mean of each item over
        the sections, then the section method).
    n_sections
        Number of sections.
    shares
        :class:`ClassShares` of the sections (share method), else ``None``.
    section
        :class:`SectionClassResult` of the averaged values (mean method), else ``None``.
    main_pollutants
        Share method with values: items ranked by the share of sections worse than Ⅲ (top three).
    """

    grade: str | None
    method: str
    n_sections: int
    shares: ClassShares | None = None
    section: SectionClassResult | None = None
    main_pollutants: tuple[str, ...] = ()


def _grade_from_shares(shares: ClassShares) -> str | None:
    if shares.share_i_iii_exact is None or shares.share_worse_than_v_exact is None:
        return None
    values = (
        shares.share_i_iii_exact,
        shares.share_i_iii_exact,
        shares.share_worse_than_v_exact,
        shares.share_worse_than_v_exact,
    )
    for grade, bounds in _river_share_grades():
        lo_good, hi_good, lo_bad, hi_bad = bounds
        checks = (
            lo_good is None or values[0] >= lo_good,
            hi_good is None or values[1] < hi_good,
            lo_bad is None or values[2] >= lo_bad,
            hi_bad is None or values[3] < hi_bad,
        )
        if all(checks):
            return grade
    raise AssertionError("the share rules cover every case")


def river_grade(section_classes: Sequence[WaterClass | None]) -> RiverGradeResult:
    """River/basin grade by the class-share method (2011 method; ≥ 5 sections).

    ``p13`` = share of sections in Ⅰ–Ⅲ, ``p6`` = share in 劣Ⅴ: p13 ≥ 90 % 优; 75 % ≤ p13 < 90 % 良好;
    p13 < 75 % and p6 < 20 % 轻度污染; p13 < 75 % and 20 % ≤ p6 < 40 % 中度污染; p13 < 75 % and
    p6 ≥ 40 % 重度污染 (``data/river_share_grades.csv``).

    Raises
    ------
    ValueError
        With fewer than 5 sections: the averaging method needs the values (:func:`assess_river`).
    """
    classes = [class_ for class_ in section_classes if class_ is not None]
    if len(classes) < SECTION_MIN_FOR_SHARES:
        raise ValueError(
            f"{len(classes)} sections: fewer than {SECTION_MIN_FOR_SHARES} use the averaging method; "
            "call assess_river with the section values"
        )
    shares = class_shares(classes)
    return RiverGradeResult(_grade_from_shares(shares), "share", len(classes), shares=shares)


def assess_river(
    sections: Sequence[Mapping[str, Number | None]], *, waterbody: str = WATERBODY_RIVER
) -> RiverGradeResult:
    """Grade a river/basin from its sections' (period-mean) values, choosing the method by count.

    Fewer than 5 sections: mean of each item over the sections, then :func:`classify_section`
    (grade of that class). 5 or more: each section classified, then :func:`river_grade`; main
    pollutants are the items most often worse than Ⅲ (top three by share of sections).
    """
    if len(sections) < SECTION_MIN_FOR_SHARES:
        section = classify_section(mean_values(sections), waterbody=waterbody)
        return RiverGradeResult(
            section.grade, "mean", len(sections), section=section, main_pollutants=section.main_pollutants
        )
    results = [classify_section(values, waterbody=waterbody) for values in sections]
    graded = river_grade([result.class_ for result in results])
    counts: dict[str, int] = {}
    for result in results:
        for item, parameter in result.per_parameter.items():
            if parameter.class_ > WaterClass.III:
                counts[item] = counts.get(item, 0) + 1
    ranked = sorted(counts, key=lambda item: (-counts[item], SECTION_ITEMS.index(item)))[:3]
    main = tuple(table()[item].name for item in ranked) if graded.grade not in ("优", "良好") else ()
    return RiverGradeResult(
        graded.grade, "share", graded.n_sections, shares=graded.shares, main_pollutants=main
    )


@dataclass(frozen=True)
class AttainmentShare:
    """Drinking-water-source attainment (集中式饮用水水源地水质达标率).

    Attributes
    ----------
    by_count
        % of sources meeting Class Ⅲ, 1 decimal (``None`` without sources).
    by_volume
        % of the water volume from such sources, 1 decimal (``None`` without volumes).
    attained, total
        Number of sources meeting Class Ⅲ / with a class.
    """

    by_count: Decimal | None
    by_volume: Decimal | None
    attained: int
    total: int


def drinking_water_attainment(
    classes: Sequence[WaterClass | None], *, volumes: Sequence[Number] | None = None
) -> AttainmentShare:
    """Share of drinking-water sources whose class is Ⅲ or better (by count and by supplied volume).

    Only the GB 3838 Table 1 class is considered (the Table 2/3 supplementary and specific items for
    drinking-water sources are not implemented); sources without a class are skipped.
    """
    if volumes is not None and len(volumes) != len(classes):
        raise ValueError("volumes must match classes one to one")
    pairs = [
        (class_, volumes[index] if volumes is not None else None)
        for index, class_ in enumerate(classes)
        if class_ is not None
    ]
    if not pairs:
        return AttainmentShare(None, None, 0, 0)
    attained = sum(1 for class_, _ in pairs if class_ <= WaterClass.III)
    by_volume = None
    if volumes is not None:
        total_volume = sum((to_fraction(volume) for _, volume in pairs if volume is not None), Fraction(0))
        good_volume = sum(
            (
                to_fraction(volume)
                for class_, volume in pairs
                if volume is not None and class_ <= WaterClass.III
            ),
            Fraction(0),
        )
        by_volume = round_half_even(good_volume * 100 / total_volume, 1) if total_volume else None
    return AttainmentShare(
        round_half_even(Fraction(100 * attained, len(pairs)), 1), by_volume, attained, len(pairs)
    )


def annual_sampling(months: Iterable[int]) -> Sufficiency:
    """Whether one section's samples of a year support an annual class: sampled in every month (1–12)."""
    sampled = {int(month) for month in months}
    if not sampled <= set(range(1, 13)):
        raise ValueError(f"months must be 1–12, got {sorted(sampled)}")
    if len(sampled) >= MIN_SAMPLED_MONTHS:
        return SUFFICIENT
    return insufficient(f"采样月份 {len(sampled)} 个，少于 {MIN_SAMPLED_MONTHS} 个")


def annual_sampling_of_sections(months_by_section: Mapping[str, Iterable[int]]) -> Sufficiency:
    """Annual sufficiency of a region's (or river's) sections: every section with samples that year is
    sufficient (:func:`annual_sampling`); otherwise the reason names the short sections (the first five)."""
    short = [(code, annual_sampling(months)) for code, months in sorted(months_by_section.items())]
    short = [(code, result) for code, result in short if not result.sufficient]
    if not short:
        return SUFFICIENT
    listed = "；".join(f"断面{code}{result.reason}" for code, result in short[:_LISTED_SECTIONS])
    more = f"；另有{len(short) - _LISTED_SECTIONS}个断面采样月份不足" if len(short) > _LISTED_SECTIONS else ""
    return insufficient(listed + more)

