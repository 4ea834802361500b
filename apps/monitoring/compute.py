"""From checked monitoring frames to measures per region and year, by the standards in ``calc`` (no Django).

Regions: a site counts for its own region and for every ancestor region given in its mapping, so a
county's value comes from the county's sites and the city's value from all sites in the city's subtree
(its own and its counties'). Air and water bulk steps are the polars functions of ``calc``; the few
per-region aggregates (shares, declines, EI rows) use the scalar functions directly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources

import polars as pl

import calc.air as air
import calc.eco_index as eco
import calc.water as water
from calc.exact import round_half_even
from calc.sufficiency import Sufficiency, combined


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    method: str
    indicators: Mapping[str, str]


@cache
def measures() -> dict[str, Measure]:
    """The measure → indicator mapping (``data/measures.toml``)."""
    text = resources.files("apps.monitoring").joinpath("data/measures.toml").read_text(encoding="utf-8")
    return {
        entry["key"]: Measure(entry["key"], entry["label"], entry["unit"], entry["method"],
                              dict(entry.get("indicators", {})))
        for entry in tomllib.loads(text)["measure"]
    }


@dataclass(frozen=True)
class Result:
    region: str  # region code
    year: int
    measure: str
    value: Decimal | None
    method: str
    provenance: str
    text: str = ""
    inputs: Mapping[str, object] = field(default_factory=dict)


def _n(value: int) -> str:
    return f"{value:,}"


def _fmt(value: Decimal | Fraction | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(value, "f")


def _pairs(mapping: Mapping[str, Sequence[str]], left: str, right: str) -> pl.DataFrame:
    rows = [(site, region) for site, regions in mapping.items() for region in regions]
    return pl.DataFrame(rows, schema={left: pl.String, right: pl.String}, orient="row")


IN_FILE = "本文件数据核算"


def _source(notes: Mapping[tuple[str, str], str], region: str, measure: str) -> str:
    note = notes.get((region, measure))
    return f"（基准年数值：{note}）" if note else ""


RULE_NAMES = {air.RULE_2012: "HJ 633-2012", air.RULE_2026: "HJ 633-2026"}


# --- air ------------------------------------------------------------------------------------------------


def air_annual(
    hourly: pl.DataFrame, station_regions: Mapping[str, Sequence[str]], *, rule: str | None = None,
    time_label: str = "start",
) -> pl.DataFrame:
    """Annual statistics per region and year, with station and station-day counts and the rules used."""
    pollutants = [p for p in air.POLLUTANTS if p in hourly.columns]
    daily = air.daily_station_frame(hourly.select("station", "time", *pollutants), station="station",
                                    time="time", columns={p: p for p in pollutants}, time_label=time_label)
    mapping = _pairs(station_regions, "station", "region")
    items = [item for item in air.DAILY_ITEMS if item in daily.columns]
    station_days = (
        daily.filter(pl.any_horizontal(pl.col(i).is_not_null() for i in items))
        .join(mapping, on="station")
        .group_by("region", pl.col("date").dt.year().alias("year"))
        .agg(pl.len().alias("station_days"), pl.col("station").n_unique().alias("stations"))
    )
    region_daily = air.city_daily_frame(daily, mapping, station="station", city="region")
    daily_aqi = air.daily_aqi_frame(region_daily, rule=rule)
    rules = daily_aqi.group_by("region", pl.col("date").dt.year().alias("year")).agg(
        pl.col("rule").unique().sort().alias("rules"))
    annual = air.annual_city_statistics(daily_aqi, key="region")
    return (annual.join(station_days, on=["region", "year"], how="left")
            .join(rules, on=["region", "year"], how="left").sort("region", "year"))


def compute_air(
    hourly: pl.DataFrame, station_regions: Mapping[str, Sequence[str]], *, base_year: int,
    base_pm25: Mapping[str, Decimal] | None = None, rule: str | None = None, time_label: str = "start",
    base_notes: Mapping[tuple[str, str], str] | None = None,
) -> list[Result]:
    """优良天数比例, PM2.5 annual mean and its decline against the base year, per region and year.

    ``base_pm25`` gives base-year annual means from earlier imports or office entries, ``base_notes`` where each
    came from ((region, measure) → text, shown in the provenance); a base year present in the data wins.
    """
    annual = air_annual(hourly, station_regions, rule=rule, time_label=time_label)
    bases: dict[str, Decimal | Sufficiency] = dict(base_pm25 or {})
    notes = dict(base_notes or {})
    for row in annual.filter(pl.col("year") == base_year).iter_rows(named=True):
        if row.get("PM25_mean") is not None:
            sufficiency = air.annual_validity_of_counts(row["PM25_days_by_month"]).sufficiency
            bases[row["region"]] = row["PM25_mean"] if sufficiency.sufficient else sufficiency
            notes[(row["region"], "air.pm25_mean")] = IN_FILE
    results: list[Result] = []
    m = measures()
    for row in annual.iter_rows(named=True):
        region, year = row["region"], row["year"]
        rules = "、".join(RULE_NAMES.get(r, r) for r in row["rules"] or [])
        stations, station_days = row["stations"] or 0, row["station_days"] or 0
        good, valid, ratio = row.get("good_days"), row.get("aqi_valid_days"), row.get("good_days_ratio")
        enough = _annual_sufficiency(row.get("aqi_days_by_month"))
        inputs = {"stations": stations, "station_days": station_days, "good_days": good, "valid_days": valid,
                  "rules": row["rules"] or [], **_sufficiency_inputs(enough)}
        results.append(Result(
            region, year, "air.good_days_ratio", ratio if enough.sufficient else None,
            m["air.good_days_ratio"].method,
            f"按{rules}计算：{stations}个站点的{_n(station_days)}个有效站日，优良天数{good}天，有效天数{valid}天，"
            + (f"优良天数比例{_fmt(ratio)}%" if enough.sufficient else f"{enough.label}，不计算年度优良天数比例"),
            text=enough.label, inputs=inputs))
        pm25 = row.get("PM25_mean")
        if pm25 is None:
            continue
        n_days = row["PM25_n_days"]
        enough = _annual_sufficiency(row["PM25_days_by_month"])
        results.append(Result(
            region, year, "air.pm25_mean", pm25 if enough.sufficient else None, m["air.pm25_mean"].method,
            f"按HJ 663-2013计算：{stations}个站点，城市PM2.5日均值{n_days}天，"
            + (f"满足GB 3095表4年评价有效性要求，年均浓度{_fmt(pm25)} μg/m³" if enough.sufficient
               else f"不满足GB 3095表4年评价有效性要求：{enough.label}，不计算年均浓度"),
            text=enough.label, inputs={"stations": stations, "days": n_days, "valid": enough.sufficient,
                                       **_sufficiency_inputs(enough)}))
        if year == base_year:
            continue
        base = bases.get(region)
        both = combined([(f"{year}年", enough)]
                        + ([(f"基准年{base_year}年", base)] if isinstance(base, Sufficiency) else []))
        if not both.sufficient:
            results.append(Result(region, year, "air.pm25_decline", None, m["air.pm25_decline"].method,
                                  f"PM2.5浓度下降幅度需要{year}年和基准年（{base_year}年）的年均浓度均满足年评价有效性要求；"
                                  f"{both.label}，未计算下降幅度。", text=both.label,
                                  inputs=_sufficiency_inputs(both)))
            continue
        if base is None or isinstance(base, Sufficiency) or base <= 0:
            results.append(Result(region, year, "air.pm25_decline", None, m["air.pm25_decline"].method,
                                  f"缺少基准年（{base_year}年）PM2.5年均浓度，未计算下降幅度；请导入基准年数据或录入基准年数值。",
                                  text="缺少基准年数据"))
            continue
        decline = air.pm25_decline(base, pm25)
        results.append(Result(
            region, year, "air.pm25_decline", decline, m["air.pm25_decline"].method,
            f"PM2.5浓度下降幅度 =（基准年{base_year}年 {_fmt(base)} − {year}年 {_fmt(pm25)}）÷ {_fmt(base)} × 100% "
            f"= {_fmt(decline)}%{_source(notes, region, 'air.pm25_mean')}",
            inputs={"base_year": base_year, "base": str(base), "current": str(pm25),
                    "base_source": notes.get((region, "air.pm25_mean"), ""), **_sufficiency_inputs(both)}))
    return results


def _annual_sufficiency(days_by_month: Sequence[int] | None) -> Sufficiency:
    """GB 3095 Table 4 annual validity of 12 monthly counts of valid days (none: no valid day at all)."""
    return air.annual_validity_of_counts(days_by_month or [0] * 12).sufficiency


def _sufficiency_inputs(sufficiency: Sufficiency) -> dict[str, object]:
    """What ``inputs`` keeps of a sufficiency: the flag, and the reason when insufficient."""
    return {"sufficient": sufficiency.sufficient,
            **({} if sufficiency.sufficient else {"insufficient_reason": sufficiency.reason})}


# --- water ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionInfo:
    regions: tuple[str, ...]
    waterbody: str = water.WATERBODY_RIVER
    drinking_source: bool = False


CLASS_NAMES = {1: "Ⅰ类", 2: "Ⅱ类", 3: "Ⅲ类", 4: "Ⅳ类", 5: "Ⅴ类", 6: "劣Ⅴ类"}


def water_section_classes(samples: pl.DataFrame, sections: Mapping[str, SectionInfo]) -> pl.DataFrame:
    """Class of every section and year from the annual mean of its samples (环办〔2011〕22号)."""
    items = [item for item in water.ITEMS if item in samples.columns]
    bodies = {code: info.waterbody for code, info in sections.items()}
    frame = samples.select(
        "section", pl.col("date").dt.year().alias("year"),
        pl.col("section").replace_strict(bodies, return_dtype=pl.String).alias("waterbody"), *items,
    )
    return water.section_classes_frame(frame, by=["section", "year"], waterbody_column="waterbody")


def compute_water(
    samples: pl.DataFrame, sections: Mapping[str, SectionInfo], *, base_year: int,
    base_shares: Mapping[str, tuple[Decimal | None, Decimal | None]] | None = None,
    base_notes: Mapping[tuple[str, str], str] | None = None,
) -> list[Result]:
    """Class shares per region and year, their change against the base year, drinking-water attainment."""
    classes = water_section_classes(samples, sections)
    items = [item for item in water.ITEMS if item in samples.columns]
    sampled = (samples.filter(pl.any_horizontal(pl.col(i).is_not_null() for i in items))
               .group_by("section", pl.col("date").dt.year().alias("year"))
               .agg(pl.col("date").dt.month().unique().alias("months")))
    months = {(row["section"], row["year"]): row["months"] for row in sampled.iter_rows(named=True)}
    mapping = _pairs({code: info.regions for code, info in sections.items()}, "section", "region")
    drinking = pl.DataFrame({"section": list(sections), "drinking": [i.drinking_source for i in sections.values()]},
                            schema={"section": pl.String, "drinking": pl.Boolean})
    grouped = (
        classes.select("section", "year", "class").join(mapping, on="section").join(drinking, on="section")
        .group_by("region", "year").agg(pl.col("class"), pl.col("drinking"), pl.col("section"))
        .sort("region", "year")
    )
    per_region: dict[tuple[str, int], tuple[water.ClassShares, list, list]] = {}
    enough: dict[tuple[str, int], tuple[Sufficiency, Sufficiency]] = {}  # all sections, drinking sources
    for row in grouped.iter_rows(named=True):
        all_classes = [water.WaterClass(c) if c is not None else None for c in row["class"]]
        drinking_classes = [c for c, d in zip(all_classes, row["drinking"], strict=True) if d]
        per_region[(row["region"], row["year"])] = (water.class_shares(all_classes), all_classes, drinking_classes)
        sampled_months = {code: months.get((code, row["year"]), []) for code in row["section"]}
        enough[(row["region"], row["year"])] = (
            water.annual_sampling_of_sections(sampled_months),
            water.annual_sampling_of_sections({code: sampled_months[code] for code, d in
                                               zip(row["section"], row["drinking"], strict=True) if d}))
    bases: dict[str, tuple[Decimal | None, Decimal | None] | Sufficiency] = dict(base_shares or {})
    notes = dict(base_notes or {})
    for (region, year), (shares, _, _) in per_region.items():
        if year == base_year and shares.n:
            sufficiency = enough[(region, year)][0]
            bases[region] = (shares.share_i_iii, shares.share_worse_than_v) if sufficiency.sufficient else sufficiency
            notes[(region, "water.share_i_iii")] = notes[(region, "water.share_worse_v")] = IN_FILE
    m = measures()
    results: list[Result] = []
    for (region, year), (shares, all_classes, drinking_classes) in per_region.items():
        counts = "，".join(f"{CLASS_NAMES[int(c)]}{n}个" for c, n in shares.counts.items() if n)
        missing = sum(1 for c in all_classes if c is None)
        note = f"（{missing}个断面无有效数据，未参与评价）" if missing else ""
        base_text = f"按GB 3838-2002及环办〔2011〕22号（断面年均值评价）：{shares.n}个断面{note}，{counts or '无'}"
        sections_enough, drinking_enough = enough[(region, year)]
        inputs = {"sections": shares.n, "counts": {CLASS_NAMES[int(c)]: n for c, n in shares.counts.items()},
                  "without_data": missing, **_sufficiency_inputs(sections_enough)}
        if shares.n:
            for key, share, label in (("water.share_i_iii", shares.share_i_iii, "达到或优于Ⅲ类比例"),
                                      ("water.share_worse_v", shares.share_worse_than_v, "劣Ⅴ类比例")):
                results.append(Result(region, year, key, share if sections_enough.sufficient else None, m[key].method,
                                      f"{base_text}；" + (f"{label}{_fmt(share)}%" if sections_enough.sufficient
                                                         else f"{sections_enough.label}，不计算年度{label}"),
                                      text=sections_enough.label, inputs=inputs))
            if year != base_year:
                base = bases.get(region, (None, None))
                results += _water_changes(region, year, shares, base, base_year, notes, sections_enough)
        if drinking_classes:
            attainment = water.drinking_water_attainment(drinking_classes)
            if attainment.total:
                results.append(Result(
                    region, year, "water.drinking_attainment",
                    attainment.by_count if drinking_enough.sufficient else None,
                    m["water.drinking_attainment"].method,
                    f"按GB 3838-2002表1：{attainment.total}个集中式饮用水水源地，达到或优于Ⅲ类{attainment.attained}个，"
                    + (f"比例{_fmt(attainment.by_count)}%" if drinking_enough.sufficient
                       else f"{drinking_enough.label}，不计算年度比例"),
                    text=drinking_enough.label,
                    inputs={"sources": attainment.total, "attained": attainment.attained,
                            **_sufficiency_inputs(drinking_enough)}))
    return results


def _water_changes(
    region: str, year: int, shares: water.ClassShares, base: tuple[Decimal | None, Decimal | None] | Sufficiency,
    base_year: int, notes: Mapping[tuple[str, str], str], current: Sufficiency,
) -> list[Result]:
    """The change of both class shares against the base year (or why it cannot be computed: both years must
    be sufficient)."""
    m = measures()
    both = combined([(f"{year}年", current)] + ([(f"基准年{base_year}年", base)] if isinstance(base, Sufficiency)
                                               else []))
    if not both.sufficient:
        return [Result(region, year, key, None, m[key].method,
                       f"变化幅度需要{year}年和基准年（{base_year}年）的断面数据均满足年度评价要求；{both.label}，未计算变化幅度。",
                       text=both.label, inputs=_sufficiency_inputs(both))
                for key in ("water.share_i_iii_change", "water.share_worse_v_decline")]
    assert not isinstance(base, Sufficiency)
    good, bad = shares.share_i_iii, shares.share_worse_than_v
    changes = []
    if base[0] is not None:
        change = good - base[0]
        changes.append(("water.share_i_iii_change", "water.share_i_iii", base[0], change, good,
                        f"达到或优于Ⅲ类比例提高幅度 = {year}年 {_fmt(good)}% − 基准年{base_year}年 "
                        f"{_fmt(base[0])}% = {_fmt(change)}个百分点"))
    else:
        changes.append(("water.share_i_iii_change", "water.share_i_iii", None, None, good, ""))
    if base[1] is not None:
        change = base[1] - bad
        changes.append(("water.share_worse_v_decline", "water.share_worse_v", base[1], change, bad,
                        f"劣Ⅴ类水体比例下降幅度 = 基准年{base_year}年 {_fmt(base[1])}% − {year}年 "
                        f"{_fmt(bad)}% = {_fmt(change)}个百分点"))
    else:
        changes.append(("water.share_worse_v_decline", "water.share_worse_v", None, None, bad, ""))
    results: list[Result] = []
    for key, base_measure, base_value, change, current, sentence in changes:
        if base_value is None:
            results.append(Result(region, year, key, None, m[key].method,
                                  f"缺少基准年（{base_year}年）{m[base_measure].label}，未计算变化幅度；"
                                  "请导入基准年数据或录入基准年数值。", text="缺少基准年数据"))
            continue
        results.append(Result(
            region, year, key, change, m[key].method, sentence + _source(notes, region, base_measure),
            inputs={"base_year": base_year, "base": str(base_value), "current": str(current),
                    "base_source": notes.get((region, base_measure), "")}))
    return results


# --- ecological index -----------------------------------------------------------------------------------

LAND_USE_KEYS = tuple(eco.LAND_USE)
EI_INPUTS = ("area", *LAND_USE_KEYS, "ndvi", "river_length", "water_area", "water_resources", "severe_erosion",
             "moderate_erosion", "construction", "other_stress", "cod", "nh3n", "so2", "dust", "nox", "solid_waste",
             "precipitation", "biodiversity")


def _plain(value: object) -> object:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def eco_index_of(row: Mapping[str, object], coefficients: Mapping[str, object] | None = None) -> eco.EcoIndexResult:
    """EI of one land-use row (the layout's column names) by HJ 192-2015."""
    area = row["area"]
    habitat = eco.habitat_quality({k: row[k] for k in LAND_USE_KEYS}, area=area, coefficients=coefficients)
    return eco.eco_index(
        biological_abundance=eco.biological_abundance(habitat, biodiversity=row.get("biodiversity")),
        vegetation_cover=eco.vegetation_cover(row["ndvi"], coefficients=coefficients),
        water_network_density=eco.water_network_density(
            river_length=row["river_length"], water_area=row["water_area"], water_resources=row["water_resources"],
            area=area, coefficients=coefficients),
        land_stress=eco.land_stress(
            severe_erosion=row["severe_erosion"], moderate_erosion=row["moderate_erosion"],
            construction=row["construction"], other=row["other_stress"], area=area, coefficients=coefficients),
        pollution_load=eco.pollution_load(
            cod=row["cod"], nh3n=row["nh3n"], so2=row["so2"], dust=row["dust"], nox=row["nox"],
            solid_waste=row["solid_waste"], precipitation_total=row["precipitation"], area=area,
            coefficients=coefficients),
        coefficients=coefficients,
    )


def compute_eco(
    table: pl.DataFrame, *, previous: Mapping[tuple[str, int], Decimal] | None = None,
    coefficients: Mapping[str, object] | None = None,
) -> list[Result]:
    """EI, grade and change grade against the previous year (from the same file or an earlier import)."""
    m = measures()
    computed: dict[tuple[str, int], eco.EcoIndexResult] = {}
    row_inputs: dict[tuple[str, int], Mapping[str, object]] = {}
    for row in table.sort("region", "year").iter_rows(named=True):
        computed[(row["region"], row["year"])] = eco_index_of(row, coefficients)
        row_inputs[(row["region"], row["year"])] = row
    earlier = dict(previous or {})
    earlier.update({key: result.ei for key, result in computed.items()})
    results: list[Result] = []
    for (region, year), result in computed.items():
        components = "，".join(f"{name}{_fmt(round_half_even(value, 2))}" for name, value in result.components.items())
        change_text, change = "", None
        before = earlier.get((region, year - 1))
        if before is not None:
            change = eco.ei_change(before, result)
            change_text = f"；较{year - 1}年（{_fmt(before)}）ΔEI {_fmt(round_half_even(change.delta, 1))}，{change.label}"
        unconfirmed = f"；使用了{len(result.unconfirmed)}个未确认的归一化系数（见明细）" if result.unconfirmed else ""
        # The sentence stays short (it is the revision's explanation and a table tooltip); the five component
        # indices, the land-use inputs and the coefficients' status are kept in full in ``inputs``.
        results.append(Result(
            region, year, "eco.ei", result.ei, m["eco.ei"].method,
            f"按HJ 192-2015计算：EI {_fmt(result.ei)}，等级{result.grade}{change_text}"
            f"（分指数见核算明细）{unconfirmed}",
            text=result.grade,
            inputs={"components": {k: str(round_half_even(v, 4)) for k, v in result.components.items()},
                    "components_text": components,
                    "land_use": {k: _plain(row_inputs[(region, year)].get(k)) for k in EI_INPUTS},
                    "grade": result.grade, "change": change.label if change else None,
                    "unconfirmed": list(result.unconfirmed)}))
    return results
