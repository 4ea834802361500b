"""IAQI and AQI after HJ 633-2012 and HJ 633-2026 (环境空气质量指数（AQI）技术规定).

The rule version is chosen explicitly (``rule=RULE_2012`` / ``rule=RULE_2026``) or by the data's date
(``on=``): HJ 633-2026 applies from :data:`RULE_2026_FROM` (2026-03-01), HJ 633-2012 before.

Items (the keys of a concentration mapping) name the pollutant and the averaging period of
HJ 633 Table 1: ``SO2_24H SO2_1H NO2_24H NO2_1H PM10_24H PM25_24H CO_24H CO_1H O3_1H O3_8H`` and, for the
HJ 633-2026 real-time report only, ``PM10_1H PM25_1H``. Units are µg/m³, CO mg/m³.

Arithmetic is exact (:class:`fractions.Fraction`) until the ceiling of clause 6.2.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from types import MappingProxyType

from calc.air.tables import RULE_2012, RULE_2026, RULES, Level, Segment, breakpoint_table, levels
from calc.exact import Number, ceil_int, round_half_even, to_fraction

RULE_2026_FROM = date(2026, 3, 1)
"""HJ 633-2026 (and GB 3095-2026, HJ 663-2026) are in force from this date."""

REPORT_DAILY = "daily"
REPORT_REALTIME = "realtime"
REPORTS: tuple[str, ...] = (REPORT_DAILY, REPORT_REALTIME)

#: item → (pollutant, averaging period). Units: µg/m³, CO mg/m³.
ITEMS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "SO2_24H": ("SO2", "24h"),
        "SO2_1H": ("SO2", "1h"),
        "NO2_24H": ("NO2", "24h"),
        "NO2_1H": ("NO2", "1h"),
        "PM10_24H": ("PM10", "24h"),
        "PM10_1H": ("PM10", "1h"),
        "PM25_24H": ("PM2.5", "24h"),
        "PM25_1H": ("PM2.5", "1h"),
        "CO_24H": ("CO", "24h"),
        "CO_1H": ("CO", "1h"),
        "O3_1H": ("O3", "1h"),
        "O3_8H": ("O3", "8h"),
    }
)

#: Chinese labels as a report prints them.
ITEM_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "SO2_24H": "二氧化硫(SO₂)24小时平均",
        "SO2_1H": "二氧化硫(SO₂)1小时平均",
        "NO2_24H": "二氧化氮(NO₂)24小时平均",
        "NO2_1H": "二氧化氮(NO₂)1小时平均",
        "PM10_24H": "颗粒物(PM10)24小时平均",
        "PM10_1H": "颗粒物(PM10)1小时平均",
        "PM25_24H": "颗粒物(PM2.5)24小时平均",
        "PM25_1H": "颗粒物(PM2.5)1小时平均",
        "CO_24H": "一氧化碳(CO)24小时平均",
        "CO_1H": "一氧化碳(CO)1小时平均",
        "O3_1H": "臭氧(O₃)1小时平均",
        "O3_8H": "臭氧(O₃)8小时滑动平均",
    }
)

#: Decimals kept when HJ 633-2026 §4.2.2 rounds an input concentration (GB/T 8170).
INPUT_DECIMALS: Mapping[str, int] = MappingProxyType(
    {item: (1 if item.startswith("CO") else 0) for item in ITEMS}
)

#: HJ 633-2026 real-time PM10/PM2.5 1-hour means use the daily-mean breakpoint columns.
_TABLE_COLUMN: Mapping[str, str] = MappingProxyType(
    {**{item: item for item in ITEMS}, "PM10_1H": "PM10_24H", "PM25_1H": "PM25_24H"}
)

#: (rule, report) → the items whose IAQI enters the AQI (HJ 633-2012 §5.1; HJ 633-2026 §5.1).
REPORT_ITEMS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType(
    {
        (RULE_2012, REPORT_DAILY): ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H", "PM25_24H"),
        (RULE_2012, REPORT_REALTIME): ("SO2_1H", "NO2_1H", "PM10_24H", "CO_1H", "O3_1H", "O3_8H", "PM25_24H"),
        (RULE_2026, REPORT_DAILY): ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_8H", "PM25_24H"),
        (RULE_2026, REPORT_REALTIME): ("SO2_1H", "NO2_1H", "PM10_1H", "CO_1H", "O3_1H", "PM25_1H"),
    }
)

#: HJ 633-2012 Table 1 notes 2 and 3: above 800 µg/m³ the IAQI is taken from another item.
SUBSTITUTES_2012: Mapping[str, str] = MappingProxyType({"SO2_1H": "SO2_24H", "O3_8H": "O3_1H"})

#: HJ 633-2026 Table 1 notes b and c: above 800 µg/m³ the IAQI is a fixed value.
FIXED_ABOVE_800_2026: Mapping[str, int] = MappingProxyType({"SO2_1H": 200, "O3_8H": 300})

_OVER_800 = Fraction(800)


def rule_for_date(day: date) -> str:
    """The HJ 633 version in force on ``day`` (HJ 633-2026 from 2026-03-01)."""
    if isinstance(day, datetime):
        day = day.date()
    return RULE_2026 if day >= RULE_2026_FROM else RULE_2012


def resolve_rule(rule: str | None = None, on: date | None = None) -> str:
    """Validate an explicit ``rule`` or pick the one in force ``on`` a date.

    Raises
    ------
    ValueError
        If ``rule`` is not one of :data:`RULES`, or neither ``rule`` nor ``on`` is given.
    """
    if rule is not None:
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")
        return rule
    if on is None:
        raise ValueError(f"pass rule= (one of {RULES}) or on= (the date of the data)")
    return rule_for_date(on)


@dataclass(frozen=True)
class IaqiDetail:
    """How one IAQI was obtained.

    Attributes
    ----------
    item
        Item key, e.g. ``"PM25_24H"``.
    rule
        ``RULE_2012`` or ``RULE_2026``.
    concentration
        The concentration as given (exact) [µg/m³; CO mg/m³].
    used_concentration
        The value entered into formula (式1): rounded per GB/T 8170 under HJ 633-2026 §4.2.2,
        unchanged under HJ 633-2012. ``None`` when a substitute or fixed value was used.
    iaqi
        The IAQI (ceil), or ``None`` (NA) when it cannot be computed.
    raw
        Formula (式1) before the ceiling, or ``None``.
    segment
        Table 1 segment used, or ``None``.
    note
        Why the value is special (substitution, cap, NA), or ``""``.
    substituted_by
        The item whose IAQI was reported instead (HJ 633-2012 notes 2/3), or ``None``.
    """

    item: str
    rule: str
    concentration: Fraction
    used_concentration: Fraction | None
    iaqi: int | None
    raw: Fraction | None
    segment: Segment | None
    note: str = ""
    substituted_by: str | None = None


def _check_item(item: str, rule: str) -> str:
    if item not in ITEMS:
        raise ValueError(f"unknown item {item!r}; expected one of {tuple(ITEMS)}")
    if rule == RULE_2012 and item in ("PM10_1H", "PM25_1H"):
        raise ValueError(
            f"HJ 633-2012 computes no IAQI from {item}; the real-time report uses the 24-hour moving "
            f"mean ({item[:-3]}_24H)"
        )
    return _TABLE_COLUMN[item]


def _formula(column: str, value: Fraction, rule: str) -> tuple[int, Fraction | None, Segment | None, str]:
    segments = breakpoint_table(rule)[column]
    for segment in segments:
        if value <= segment.bp_hi:
            raw = (
                Fraction(segment.iaqi_hi - segment.iaqi_lo)
                / Fraction(segment.bp_hi - segment.bp_lo)
                * (value - Fraction(segment.bp_lo))
                + segment.iaqi_lo
            )
            return ceil_int(raw), raw, segment, ""
    top = segments[-1]
    return (
        top.iaqi_hi,
        None,
        None,
        f"above the IAQI-{top.iaqi_hi} breakpoint ({top.bp_hi}): not defined by HJ 633, "
        f"capped at {top.iaqi_hi} by convention",
    )


def iaqi_detail(
    item: str,
    concentration: Number,
    *,
    rule: str | None = None,
    on: date | None = None,
    substitute: Number | None = None,
) -> IaqiDetail:
    """Individual air quality index (空气质量分指数) with the explanation of how it was obtained.

    Formula (式1) of HJ 633 §4.2: ``IAQI = (IAQI_Hi − IAQI_Lo)/(BP_Hi − BP_Lo) × (C − BP_Lo) + IAQI_Lo``,
    computed exactly and rounded up (clause 6.2).

    Parameters
    ----------
    item
        Item key (see :data:`ITEMS`).
    concentration
        Concentration [µg/m³; CO mg/m³], ``>= 0``.
    rule, on
        Rule version (validated against :data:`RULES`) or the date of the data.
    substitute
        HJ 633-2012 only: the concentration of :data:`SUBSTITUTES_2012` ``[item]`` (SO2 24-hour mean
        for ``SO2_1H``, O3 1-hour mean for ``O3_8H``), used when ``concentration > 800`` (Table 1
        notes 2 and 3). Without it such an IAQI is NA.

    Returns
    -------
    IaqiDetail

    Raises
    ------
    ValueError
        Unknown rule or item, negative concentration, or an item HJ 633-2012 does not index.
    """
    chosen = resolve_rule(rule, on)
    column = _check_item(item, chosen)
    exact = to_fraction(concentration)
    if exact < 0:
        raise ValueError(f"negative concentration for {item}: {concentration!r}")
    used = exact
    if chosen == RULE_2026:
        used = Fraction(round_half_even(exact, INPUT_DECIMALS[item]))
    if used > _OVER_800 and column in ("SO2_1H", "O3_8H"):
        if chosen == RULE_2026:
            fixed = FIXED_ABOVE_800_2026[column]
            note = f"{item} > 800: IAQI fixed at {fixed} (HJ 633-2026 Table 1 note {'b' if item == 'SO2_1H' else 'c'})"
            return IaqiDetail(item, chosen, exact, None, fixed, None, None, note)
        other = SUBSTITUTES_2012[item]
        if substitute is None:
            note = f"{item} > 800: no IAQI; the {other} IAQI is reported (HJ 633-2012 Table 1 note), {other} not given → NA"
            return IaqiDetail(item, chosen, exact, None, None, None, None, note, other)
        inner = iaqi_detail(other, substitute, rule=chosen)
        note = f"{item} > 800: IAQI of {other} = {inner.iaqi} reported (HJ 633-2012 Table 1 note)"
        return IaqiDetail(item, chosen, exact, None, inner.iaqi, inner.raw, inner.segment, note, other)
    value, raw, segment, note = _formula(column, used, chosen)
    return IaqiDetail(item, chosen, exact, used, value, raw, segment, note)


def iaqi(
    item: str,
    concentration: Number,
    *,
    rule: str | None = None,
    on: date | None = None,
    substitute: Number | None = None,
) -> int | None:
    """Individual air quality index (IAQI) of one item; ``None`` means NA.

    See :func:`iaqi_detail` for the parameters. Examples (HJ 633-2012): PM2.5 24h 35.1 µg/m³ → 51,
    CO 24h 2.5 mg/m³ → 63, O3 8h 850 with O3 1h 900 → 350. HJ 633-2026: PM2.5 24h 80 → 119.
    """
    return iaqi_detail(item, concentration, rule=rule, on=on, substitute=substitute).iaqi


def level_of(aqi_value: int) -> Level:
    """HJ 633 Table 2 row for an AQI (0–50 一级 优 … >300 六级 严重污染)."""
    if aqi_value < 0:
        raise ValueError(f"negative AQI: {aqi_value}")
    for row in levels():
        if row.aqi_max is None or aqi_value <= row.aqi_max:
            return row
    raise AssertionError("unreachable: the last level is open-ended")


@dataclass(frozen=True)
class AqiResult:
    """An AQI that explains itself.

    Attributes
    ----------
    aqi
        Air quality index (integer), or ``None`` when nothing can be published (no indicator present;
        or HJ 633-2026 §5.3.1: an indicator missing and the AQI of the rest ≤ 100).
    level, category, colour
        HJ 633 Table 2 / Annex A labels (``"三级"``, ``"轻度污染"``, ``"橙色"``), ``None`` with ``aqi``.
    colour_rgb
        Annex A RGB triple, ``None`` with ``aqi``.
    primary_pollutants
        首要污染物: items with the largest IAQI, only when AQI > 50 (HJ 633 §3.3, §4.4.2); ties all listed.
    non_attainment_pollutants
        超标污染物: items with IAQI > 100 (HJ 633-2012 §3.4). ``None`` under HJ 633-2026, which deleted
        the definition.
    iaqi_by_pollutant
        IAQI of every indicator of the report (``None`` = NA), in the report's order.
    rule, report
        Rule version and ``"daily"``/``"realtime"``.
    missing
        Indicators without a value (or without a computable IAQI).
    ignored
        Items given but not used by this rule and report.
    aqi_of_present
        Max IAQI over the indicators present, even when ``aqi`` is withheld.
    details
        :class:`IaqiDetail` per indicator present.
    notes
        Human-readable remarks (substitutions, caps, withholding).
    """

    aqi: int | None
    level: str | None
    category: str | None
    colour: str | None
    colour_rgb: tuple[int, int, int] | None
    primary_pollutants: tuple[str, ...]
    non_attainment_pollutants: tuple[str, ...] | None
    iaqi_by_pollutant: Mapping[str, int | None]
    rule: str
    report: str
    missing: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    aqi_of_present: int | None = None
    details: Mapping[str, IaqiDetail] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()


def _iaqis(
    concentrations: Mapping[str, Number | None], indicators: tuple[str, ...], rule: str
) -> tuple[dict[str, int | None], dict[str, IaqiDetail], list[str], list[str]]:
    """Each indicator's IAQI (None when missing or not computable), its detail, the missing ones, the notes."""
    by_item: dict[str, int | None] = {}
    details: dict[str, IaqiDetail] = {}
    missing: list[str] = []
    notes: list[str] = []
    for item in indicators:
        value = concentrations.get(item)
        if value is None:
            by_item[item] = None
            missing.append(item)
            continue
        substitute = concentrations.get(SUBSTITUTES_2012[item]) if item in SUBSTITUTES_2012 else None
        detail = iaqi_detail(item, value, rule=rule, substitute=substitute)
        details[item] = detail
        by_item[item] = detail.iaqi
        if detail.note:
            notes.append(detail.note)
        if detail.iaqi is None:
            missing.append(item)
    return by_item, details, missing, notes


def aqi(
    concentrations: Mapping[str, Number | None],
    *,
    rule: str | None = None,
    on: date | None = None,
    report: str = REPORT_DAILY,
    not_monitored: Collection[str] = (),
) -> AqiResult:
    """Air quality index (AQI, 式2: max of the IAQIs) of a daily or real-time report.

    Parameters
    ----------
    concentrations
        Item → concentration [µg/m³; CO mg/m³]; ``None`` or absent = missing. Daily report items
        (HJ 633-2012): ``SO2_24H NO2_24H PM10_24H CO_24H O3_1H`` (daily max 1-h) ``O3_8H`` (daily max
        8-h moving mean) ``PM25_24H``; HJ 633-2026 drops ``O3_1H``. Real-time (2012): 1-hour means of
        SO2, NO2, CO, O3, the O3 8-hour moving mean and the PM10/PM2.5 24-hour moving means given as
        ``PM10_24H``/``PM25_24H`` (``SO2_24H`` is read for the SO2 > 800 substitution); real-time
        (2026): 1-hour means of the six pollutants.
    rule, on
        Rule version (one of :data:`RULES`) or the date of the data (HJ 633-2026 from 2026-03-01).
    report
        ``"daily"`` (日报) or ``"realtime"`` (实时报).
    not_monitored
        HJ 633-2026 §5.3.2: indicators outside the monitoring plan (never primary at 轻度污染 or worse
        in three years); they do not count as missing.

    Returns
    -------
    AqiResult

    Raises
    ------
    ValueError
        Unknown rule, report or item; negative concentration.
    """
    chosen = resolve_rule(rule, on)
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}; expected one of {REPORTS}")
    for item in concentrations:
        if item not in ITEMS:
            raise ValueError(f"unknown item {item!r}; expected one of {tuple(ITEMS)}")
    indicators = tuple(item for item in REPORT_ITEMS[(chosen, report)] if item not in not_monitored)
    used_inputs = set(indicators)
    if chosen == RULE_2012:
        used_inputs.update(SUBSTITUTES_2012[item] for item in indicators if item in SUBSTITUTES_2012)
    ignored = tuple(item for item in concentrations if item not in used_inputs)

    by_item, details, missing, notes = _iaqis(concentrations, indicators, chosen)
    present = [value for value in by_item.values() if value is not None]
    of_present = max(present) if present else None
    published = of_present
    if chosen == RULE_2026 and missing and of_present is not None and of_present <= 100:
        published = None
        notes.append(
            f"HJ 633-2026 §5.3.1: {', '.join(missing)} missing and AQI of the rest = {of_present} ≤ 100 "
            "→ AQI, level and primary pollutant are not published (NA)"
        )
    if of_present is None:
        notes.append("no indicator present: AQI is NA")

    primary: tuple[str, ...] = ()
    level = None
    if published is not None:
        level = level_of(published)
        if published > 50:
            primary = tuple(item for item, value in by_item.items() if value == published)
    non_attainment: tuple[str, ...] | None
    if chosen == RULE_2012:
        non_attainment = tuple(item for item, value in by_item.items() if value is not None and value > 100)
    else:
        non_attainment = None

    return AqiResult(
        aqi=published,
        level=level.level if level else None,
        category=level.category if level else None,
        colour=level.colour if level else None,
        colour_rgb=level.rgb if level else None,
        primary_pollutants=primary,
        non_attainment_pollutants=non_attainment,
        iaqi_by_pollutant=MappingProxyType(by_item),
        rule=chosen,
        report=report,
        missing=tuple(missing),
        ignored=ignored,
        aqi_of_present=of_present,
        details=MappingProxyType(details),
        notes=tuple(notes),
    )
