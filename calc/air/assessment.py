"""Ambient air assessment statistics after HJ 663-2013 and GB 3095-2012 (scalar, exact).

Hourly data of one station and day are a sequence of 24 values, index ``i`` being the hour that starts
at ``i:00`` (so index 7 is the hour labelled "08:00" in end-of-hour notation); ``None`` = missing.

Rules implemented (see ``docs/standards.md`` for the sources and the choices):

* daily (24-h) mean valid with ≥ 20 hourly values (GB 3095 Table 4);
* O3 8-h moving mean at hour ``t`` = mean of hours ``t−7 … t``, valid with ≥ 6 values (GB 3095 Table 4);
* O3 daily maximum 8-h mean over the 17 windows ending 08:00 … 24:00 of the day, valid with ≥ 14 valid
  windows, or with fewer when it exceeds the limit (HJ 663-2013 §6.1.2);
* city value = arithmetic mean of the stations' valid values (HJ 663-2013);
* percentile of HJ 663-2013 Annex A; annual validity ≥ 324 days and ≥ 27 per month (February ≥ 25);
* reported concentrations rounded per GB/T 8170 (half to even) to integers, CO to 1 decimal;
  percentages to 1 decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from calc.air.tables import gb3095_limit
from calc.exact import Number, fraction_to_decimal, round_half_even, to_fraction
from calc.sufficiency import SUFFICIENT, Sufficiency, insufficient

#: Pollutant → decimals of a reported hourly/daily/annual concentration (HJ 663; HJ 633-2026 §4.2.2).
DECIMALS: Mapping[str, int] = MappingProxyType({"SO2": 0, "NO2": 0, "PM10": 0, "PM25": 0, "CO": 1, "O3": 0})

#: Daily-report item → pollutant (the keys of :data:`DECIMALS`).
ITEM_POLLUTANT: Mapping[str, str] = MappingProxyType(
    {
        "SO2_24H": "SO2",
        "NO2_24H": "NO2",
        "PM10_24H": "PM10",
        "PM25_24H": "PM25",
        "CO_24H": "CO",
        "O3_1H": "O3",
        "O3_8H": "O3",
    }
)

#: Annual statistics (HJ 663-2013 / GB 3095-2012): item → (annual mean assessed?, percentile).
ANNUAL_STATISTICS: Mapping[str, tuple[bool, int]] = MappingProxyType(
    {
        "SO2_24H": (True, 98),
        "NO2_24H": (True, 98),
        "PM10_24H": (True, 95),
        "PM25_24H": (True, 95),
        "CO_24H": (False, 95),
        "O3_8H": (False, 90),
    }
)

MIN_HOURS_PER_DAY = 20
MIN_HOURS_PER_8H = 6
MIN_O3_WINDOWS = 14
O3_WINDOW_ENDS: tuple[int, ...] = tuple(range(7, 24))
"""Start-of-hour indices of the last hour of the 17 windows ending 08:00 … 24:00."""
MIN_DAYS_PER_YEAR = 324
MIN_DAYS_PER_MONTH = 27
MIN_DAYS_FEBRUARY = 25
O3_8H_LIMIT = gb3095_limit("O3", "daily max 8h")
"""GB 3095-2012 grade-2 O3 daily maximum 8-h limit (160 µg/m³; unchanged in GB 3095-2026)."""


def _decimals(pollutant: str) -> int:
    try:
        return DECIMALS[pollutant]
    except KeyError:
        raise ValueError(f"unknown pollutant {pollutant!r}; expected one of {tuple(DECIMALS)}") from None


def round_concentration(value: Number, pollutant: str) -> Decimal:
    """Round a concentration to its reporting precision per GB/T 8170 (integer µg/m³; CO 0.1 mg/m³)."""
    return round_half_even(to_fraction(value), _decimals(pollutant))


def _values(values: Iterable[Number | None]) -> list[Fraction]:
    result = []
    for value in values:
        if value is None:
            continue
        exact = to_fraction(value)
        if exact < 0:
            raise ValueError(f"negative concentration: {value!r}")
        result.append(exact)
    return result


@dataclass(frozen=True)
class DailyValue:
    """A daily statistic of one station (or city) and pollutant.

    Attributes
    ----------
    value
        Reported value (GB/T 8170 rounded), ``None`` when invalid.
    exact
        Unrounded value, ``None`` when no data.
    count
        Number of values behind it (hours, valid 8-h windows or stations).
    valid
        Whether the validity rule is met.
    """

    value: Decimal | None
    exact: Fraction | None
    count: int
    valid: bool


def daily_mean(
    hourly: Sequence[Number | None], pollutant: str, *, min_hours: int = MIN_HOURS_PER_DAY
) -> DailyValue:
    """24-hour mean of one day (GB 3095 Table 4: valid with ≥ 20 hourly values).

    Parameters
    ----------
    hourly
        The day's hourly means (``None`` = missing) [µg/m³; CO mg/m³].
    pollutant
        ``"SO2" "NO2" "PM10" "PM25" "CO" "O3"`` (chooses the reporting precision).
    min_hours
        Validity threshold.
    """
    values = _values(hourly)
    if not values:
        return DailyValue(None, None, 0, False)
    exact = sum(values, Fraction(0)) / len(values)
    valid = len(values) >= min_hours
    return DailyValue(
        round_half_even(exact, _decimals(pollutant)) if valid else None, exact, len(values), valid
    )


def daily_max_1h(hourly: Sequence[Number | None], *, min_hours: int = MIN_HOURS_PER_DAY) -> DailyValue:
    """O3 daily maximum 1-hour mean (HJ 633-2012 daily report item ``O3_1H``).

    Valid with ≥ ``min_hours`` hourly values — our choice: the reference gives no separate rule for this
    statistic, so the 24-h rule of GB 3095 Table 4 is used (see ``docs/standards.md``).
    """
    values = _values(hourly)
    if not values:
        return DailyValue(None, None, 0, False)
    exact = max(values)
    valid = len(values) >= min_hours
    return DailyValue(round_half_even(exact, 0) if valid else None, exact, len(values), valid)


def o3_8h_means(
    hourly: Sequence[Number | None], *, min_hours: int = MIN_HOURS_PER_8H
) -> list[Fraction | None]:
    """O3 8-hour moving means inside one day (GB 3095 §3.8; valid with ≥ 6 of the 8 hours).

    Returns
    -------
    list
        One entry per window ending at :data:`O3_WINDOW_ENDS` (hours ending 08:00 … 24:00): the exact
        mean of the valid hours, or ``None`` when fewer than ``min_hours`` are valid.
    """
    if len(hourly) != 24:
        raise ValueError(f"expected 24 hourly values, got {len(hourly)}")
    means: list[Fraction | None] = []
    for end in O3_WINDOW_ENDS:
        window = _values(hourly[end - 7 : end + 1])
        means.append(sum(window, Fraction(0)) / len(window) if len(window) >= min_hours else None)
    return means


def o3_daily_max_8h(
    hourly: Sequence[Number | None],
    *,
    limit: Number = O3_8H_LIMIT,
    min_windows: int = MIN_O3_WINDOWS,
) -> DailyValue:
    """O3 daily maximum 8-hour mean (日最大8小时滑动平均, HJ 663-2013 §6.1.2).

    Each valid 8-hour mean is rounded to an integer (GB/T 8170) and the largest is taken. The day is
    valid with ≥ ``min_windows`` (14) valid windows among the 17 ending 08:00 … 24:00; with fewer, it
    still counts when the maximum exceeds ``limit`` (GB 3095 grade-2, 160 µg/m³).

    Returns
    -------
    DailyValue
        ``count`` is the number of valid 8-hour windows.
    """
    means = [mean for mean in o3_8h_means(hourly) if mean is not None]
    if not means:
        return DailyValue(None, None, 0, False)
    exact = max(means)
    rounded = round_half_even(exact, 0)
    valid = len(means) >= min_windows or Fraction(rounded) > to_fraction(limit)
    return DailyValue(rounded if valid else None, exact, len(means), valid)


def station_daily(hourly: Mapping[str, Sequence[Number | None]]) -> dict[str, DailyValue]:
    """All daily-report statistics of one station-day from its hourly values.

    Parameters
    ----------
    hourly
        Pollutant (``"SO2" "NO2" "PM10" "PM25" "CO" "O3"``) → 24 hourly means; absent pollutants are
        skipped.

    Returns
    -------
    dict
        Item (``SO2_24H`` … ``PM25_24H``, ``O3_1H`` daily max, ``O3_8H`` daily max 8-h) → value.
    """
    result: dict[str, DailyValue] = {}
    for pollutant, values in hourly.items():
        _decimals(pollutant)
        if pollutant == "O3":
            result["O3_1H"] = daily_max_1h(values)
            result["O3_8H"] = o3_daily_max_8h(values)
        else:
            result[f"{pollutant}_24H"] = daily_mean(values, pollutant)
    return result


def city_mean(station_values: Iterable[Number | None], pollutant: str) -> DailyValue:
    """City value: arithmetic mean of the stations' valid values, rounded (HJ 663-2013).

    ``None`` entries (invalid stations) are left out; the result is invalid only when no station is
    valid. Example: stations 30, 45, NA, 52 → 42.33 → 42.
    """
    values = _values(station_values)
    if not values:
        return DailyValue(None, None, 0, False)
    exact = sum(values, Fraction(0)) / len(values)
    return DailyValue(round_half_even(exact, _decimals(pollutant)), exact, len(values), True)


def percentile(values: Iterable[Number], p: Number) -> Decimal:
    """Percentile of HJ 663-2013 Annex A (linear interpolation between closest ranks).

    ``k = 1 + (n − 1)·p/100``, ``s`` = integer part of ``k``, ``m_p = X(s) + (X(s+1) − X(s))·(k − s)``
    on the ascending values (``X(n)`` when ``s = n``). Equals ``numpy.percentile(x, p)``.

    Parameters
    ----------
    values
        The valid values (no ``None``).
    p
        Percentile in percent, ``0 <= p <= 100``.

    Returns
    -------
    Decimal
        The exact (unrounded) percentile.
    """
    ordered = sorted(to_fraction(value) for value in values)
    if not ordered:
        raise ValueError("percentile of no values")
    share = to_fraction(p)
    if not 0 <= share <= 100:
        raise ValueError(f"percentile out of range: {p!r}")
    k = 1 + (len(ordered) - 1) * share / 100
    s = int(k)
    low = ordered[s - 1]
    result = low if s >= len(ordered) else low + (ordered[s] - low) * (k - s)
    return fraction_to_decimal(result)


@dataclass(frozen=True)
class AnnualValidity:
    """Whether a year of daily values supports an annual statistic (GB 3095 Table 4).

    Attributes
    ----------
    valid
        ≥ 324 valid days and every month ≥ 27 (February ≥ 25).
    days
        Number of valid days in the year.
    days_by_month
        Valid days in January … December.
    short_months
        Months (1–12) below their minimum.
    """

    valid: bool
    days: int
    days_by_month: tuple[int, ...]
    short_months: tuple[int, ...]

    @property
    def sufficiency(self) -> Sufficiency:
        """:class:`~calc.sufficiency.Sufficiency` with the reason in Chinese, e.g. ``有效天数 2 天，少于 324
        天；1月有效天数 2 天，少于 27 天；2–12月无有效天数``."""
        if self.valid:
            return SUFFICIENT
        reasons = [f"有效天数 {self.days} 天，少于 {MIN_DAYS_PER_YEAR} 天"] if self.days < MIN_DAYS_PER_YEAR else []
        empty = [month for month in self.short_months if not self.days_by_month[month - 1]]
        for month in self.short_months:
            if self.days_by_month[month - 1]:
                reasons.append(f"{month}月有效天数 {self.days_by_month[month - 1]} 天，少于 {_month_minimum(month)} 天")
        reasons += [f"{_month_ranges(empty)}无有效天数"] if empty else []
        return insufficient("；".join(reasons))


def _month_minimum(month: int) -> int:
    return MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS_PER_MONTH


def _month_ranges(months: Sequence[int]) -> str:
    """``[2, 3, 4, 7]`` → ``2–4月、7月``."""
    runs: list[list[int]] = []
    for month in months:
        if runs and runs[-1][-1] == month - 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(f"{run[0]}–{run[-1]}月" if len(run) > 1 else f"{run[0]}月" for run in runs)


def annual_validity_of_counts(days_by_month: Sequence[int]) -> AnnualValidity:
    """Annual data validity from the valid days of January … December (12 counts; GB 3095 Table 4)."""
    if len(days_by_month) != 12:
        raise ValueError(f"expected 12 monthly counts, got {len(days_by_month)}")
    counts = tuple(int(n) for n in days_by_month)
    short = tuple(month for month in range(1, 13) if counts[month - 1] < _month_minimum(month))
    total = sum(counts)
    return AnnualValidity(total >= MIN_DAYS_PER_YEAR and not short, total, counts, short)


def annual_validity(days: Iterable[date], year: int) -> AnnualValidity:
    """Annual data validity: ≥ 324 daily values and ≥ 27 per month, February ≥ 25 (GB 3095 Table 4).

    Parameters
    ----------
    days
        Dates that have a valid daily value (dates outside ``year`` are ignored; duplicates count once).
    year
        Calendar year.
    """
    counts = [0] * 12
    for day in set(days):
        if day.year == year:
            counts[day.month - 1] += 1
    return annual_validity_of_counts(counts)


@dataclass(frozen=True)
class AnnualStatistic:
    """Annual assessment statistics of one item (HJ 663-2013 / GB 3095-2012).

    Attributes
    ----------
    item
        ``SO2_24H NO2_24H PM10_24H PM25_24H CO_24H O3_8H`` (the series of daily values).
    year
        Calendar year.
    validity
        :class:`AnnualValidity` of the series.
    mean, mean_exact
        Annual mean (GB/T 8170 rounded / exact) for SO2, NO2, PM10, PM2.5; ``None`` otherwise or
        without data.
    percentile
        Which percentile (98 SO2/NO2, 95 PM10/PM2.5/CO, 90 O3 daily max 8-h).
    percentile_value, percentile_exact
        The percentile of the daily values (rounded / exact), ``None`` without data.
    """

    item: str
    year: int
    validity: AnnualValidity
    mean: Decimal | None
    mean_exact: Fraction | None
    percentile: int
    percentile_value: Decimal | None
    percentile_exact: Decimal | None

    @property
    def valid(self) -> bool:
        """Whether the annual validity rule is met."""
        return self.validity.valid


def annual_statistic(item: str, daily: Mapping[date, Number | None], *, year: int) -> AnnualStatistic:
    """Annual mean and percentile of one item's daily series for one calendar year.

    Parameters
    ----------
    item
        A key of :data:`ANNUAL_STATISTICS`.
    daily
        Date → valid daily value (``None`` = invalid/missing) [µg/m³; CO mg/m³]. Other years are ignored.
    year
        Calendar year.

    Returns
    -------
    AnnualStatistic
        Values are computed whenever data exist; ``validity`` says whether they meet the annual rule.
    """
    if item not in ANNUAL_STATISTICS:
        raise ValueError(f"no annual statistic for {item!r}; expected one of {tuple(ANNUAL_STATISTICS)}")
    with_mean, p = ANNUAL_STATISTICS[item]
    decimals = _decimals(ITEM_POLLUTANT[item])
    series = {
        day: to_fraction(value) for day, value in daily.items() if value is not None and day.year == year
    }
    validity = annual_validity(series, year)
    if not series:
        return AnnualStatistic(item, year, validity, None, None, p, None, None)
    values = list(series.values())
    mean_exact = sum(values, Fraction(0)) / len(values) if with_mean else None
    mean = round_half_even(mean_exact, decimals) if mean_exact is not None else None
    exact_p = percentile(values, p)
    return AnnualStatistic(
        item, year, validity, mean, mean_exact, p, round_half_even(to_fraction(exact_p), decimals), exact_p
    )


@dataclass(frozen=True)
class GoodDaysRatio:
    """优良天数比例 (share of days with AQI ≤ 100).

    Attributes
    ----------
    ratio
        Percentage with 1 decimal (GB/T 8170), ``None`` without valid days.
    exact
        Exact percentage.
    good_days, valid_days
        Days with AQI ≤ 100, days with a valid AQI.
    """

    ratio: Decimal | None
    exact: Fraction | None
    good_days: int
    valid_days: int
    validity: AnnualValidity | None = None

    @property
    def sufficiency(self) -> Sufficiency:
        """Annual sufficiency of the AQI days (:func:`annual_good_days_ratio`); sufficient when not annual."""
        return SUFFICIENT if self.validity is None else self.validity.sufficiency


def good_days_ratio(daily_aqi: Iterable[int | None]) -> GoodDaysRatio:
    """优良天数比例 (%) = days with AQI ≤ 100 / days with a valid AQI × 100, 1 decimal.

    Days whose AQI is ``None`` (not valid or not published) are excluded from both counts.
    Example: 300 good of 360 valid days → 83.3.
    """
    values = [value for value in daily_aqi if value is not None]
    if not values:
        return GoodDaysRatio(None, None, 0, 0)
    good = sum(1 for value in values if value <= 100)
    exact = Fraction(good * 100, len(values))
    return GoodDaysRatio(round_half_even(exact, 1), exact, good, len(values))


def annual_good_days_ratio(daily_aqi: Mapping[date, int | None], *, year: int) -> GoodDaysRatio:
    """优良天数比例 of one calendar year with its annual validity: the days with a valid daily AQI must meet
    the GB 3095 Table 4 annual minimum (≥ 324, ≥ 27 per month, February ≥ 25) for an annual value.

    Dates outside ``year`` are ignored. The ratio is computed whatever the validity (see ``sufficiency``).
    """
    days = {day: value for day, value in daily_aqi.items() if day.year == year and value is not None}
    ratio = good_days_ratio(days.values())
    return GoodDaysRatio(ratio.ratio, ratio.exact, ratio.good_days, ratio.valid_days, annual_validity(days, year))


def pm25_decline(base: Number, current: Number) -> Decimal:
    """PM2.5 下降幅度 (%) against a base year: ``(base − current) / base × 100``, 1 decimal (GB/T 8170).

    Positive = improvement. Pass the reported annual means (µg/m³).
    """
    base_exact = to_fraction(base)
    if base_exact <= 0:
        raise ValueError(f"base-year concentration must be positive: {base!r}")
    return round_half_even((base_exact - to_fraction(current)) / base_exact * 100, 1)


def city_daily_series(
    stations: Mapping[str, Mapping[date, Number | None]], pollutant: str
) -> dict[date, DailyValue]:
    """City daily series from station daily series (mean of the valid stations each day)."""
    days = sorted({day for series in stations.values() for day in series})
    return {day: city_mean((series.get(day) for series in stations.values()), pollutant) for day in days}


__all__ = [
    "ANNUAL_STATISTICS",
    "DECIMALS",
    "AnnualStatistic",
    "AnnualValidity",
    "DailyValue",
    "GoodDaysRatio",
    "annual_good_days_ratio",
    "annual_statistic",
    "annual_validity",
    "annual_validity_of_counts",
    "city_daily_series",
    "city_mean",
    "daily_max_1h",
    "daily_mean",
    "good_days_ratio",
    "o3_8h_means",
    "o3_daily_max_8h",
    "pm25_decline",
    "percentile",
    "round_concentration",
    "station_daily",
]
