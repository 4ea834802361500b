"""Deterministic sample files of every layout (templates to download, demo data, test data).

Generated with polars expressions from a seed (no randomness at run time), with the Chinese headers of
``docimport.monitoring.LAYOUTS``; written as CSV, xlsx (openpyxl) or Parquet.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence

import polars as pl
from openpyxl import Workbook

from docimport.monitoring import LAND_USE_LABELS, LAYOUTS
from docimport.xlsx import decimal_places, office_cell, print_setup, sheet_row

CITY = "629800"
#: code, name, region code, category — 秦川市 (see apps/demo/programs.py) and its six districts/counties.
DEMO_STATIONS = [
    ("QC001", "市环境监测站", CITY, "国控"), ("QC002", "高新区管委会", CITY, "国控"),
    ("QC003", "河湾区政府", "629802", "省控"), ("QC004", "河湾工业园", "629802", "市控"),
    ("QC005", "东岭区政府", "629803", "省控"), ("QC006", "青峰县城", "629821", "省控"),
    ("QC007", "石门县城", "629822", "省控"), ("QC008", "北塬县城", "629823", "省控"),
    ("QC009", "北塬新区", "629823", "市控"), ("QC010", "南谷县城", "629824", "省控"),
]
#: code, name, region, waterbody, river, drinking source, quality level (1 = cleanest … 6)
DEMO_SECTIONS = [
    ("SW001", "秦河入境", CITY, "河流", "秦河", "否", 2), ("SW002", "秦河出境", CITY, "河流", "秦河", "否", 3),
    ("SW003", "河湾桥", "629802", "河流", "秦河", "否", 4), ("SW004", "东岭闸", "629803", "河流", "东岭河", "否", 3),
    ("SW005", "青峰水库", "629821", "湖库", "青峰河", "是", 1), ("SW006", "石门口", "629822", "河流", "石门河", "否", 2),
    ("SW007", "北塬渠首", "629823", "河流", "北塬渠", "否", 6), ("SW008", "南谷水源地", "629824", "河流", "南谷河", "是", 2),
    ("SW009", "北塬排干", "629823", "河流", "北塬渠", "否", 5), ("SW010", "市区水源地", CITY, "湖库", "秦河", "是", 2),
    # drinking-water sources of the districts/counties whose river sections above are not sources
    ("SW011", "河湾水厂取水口", "629802", "河流", "秦河", "是", 2), ("SW012", "东岭水库", "629803", "湖库", "东岭河", "是", 2),
    ("SW013", "石门水库", "629822", "湖库", "石门河", "是", 1), ("SW014", "北塬水源井群", "629823", "湖库", "北塬渠", "是", 3),
]

AIR_HEADERS = {"station": "站点编码", "time": "监测时间", "SO2": "SO2", "NO2": "NO2", "PM10": "PM10",
               "CO": "CO", "O3": "O3", "PM25": "PM2.5"}


def _label(kind: str, name: str) -> str:
    return LAYOUTS[kind].column(name).label


def stations_frame(stations: Sequence[tuple[str, str, str, str]] = DEMO_STATIONS) -> pl.DataFrame:
    return pl.DataFrame(
        [(code, name, region, category) for code, name, region, category in stations],
        schema={_label("stations", c): pl.String for c in ("code", "name", "region", "category")}, orient="row")


def sections_frame(sections: Sequence[tuple] = DEMO_SECTIONS) -> pl.DataFrame:
    names = ("code", "name", "region", "waterbody", "river", "drinking_source")
    return pl.DataFrame([row[:6] for row in sections], schema={_label("sections", c): pl.String for c in names},
                        orient="row")


def air_frame(stations: Sequence[str], start: dt.date, days: int, *, seed: int = 2025, level: float = 1.0,
              station_levels: Mapping[str, float] | None = None) -> pl.DataFrame:
    """Hourly concentrations (µg/m³, CO mg/m³ with 1 decimal); about 2 % of hours missing.

    ``level`` scales every station, ``station_levels`` (station code → factor) some of them further.
    """
    hours = days * 24
    n = len(stations) * hours
    base = pl.int_range(n, dtype=pl.Int64, eager=True).alias("i").to_frame().select(
        station=pl.lit(pl.Series(list(stations))).gather(pl.col("i") // hours),
        hour=pl.col("i") % hours,
        s=(pl.col("i") // hours),
        r1=pl.col("i").hash(seed) % 1000,
        r2=pl.col("i").hash(seed + 1) % 1000,
        d=((pl.col("i") % hours) // 24 + pl.col("i") // hours * 7).hash(seed + 2) % 1000,
    )
    day_of_year = pl.lit(start.timetuple().tm_yday) + pl.col("hour") // 24
    season = (2 * math.pi * (day_of_year - 15) / 365).cos()
    diurnal = (2 * math.pi * ((pl.col("hour") % 24) - 15) / 24).cos()
    factor = pl.col("station").replace_strict(dict(station_levels or {}), default=1.0, return_dtype=pl.Float64)
    amp = level * factor * (0.55 + pl.col("d") / 1000 * 1.1 + (pl.col("s") % 4) / 20)
    noise1, noise2 = 0.7 + pl.col("r1") / 1000 * 0.6, 0.7 + pl.col("r2") / 1000 * 0.6
    missing = (pl.col("r1") * 7 + pl.col("r2")) % 100 < 2

    def value(expr: pl.Expr) -> pl.Expr:
        return pl.when(~missing).then(expr.round().cast(pl.Int64))

    frame = base.select(
        pl.col("station").alias(AIR_HEADERS["station"]),
        (pl.lit(dt.datetime.combine(start, dt.time())) + pl.duration(hours=pl.col("hour")))
        .dt.strftime("%Y-%m-%d %H:%M").alias(AIR_HEADERS["time"]),
        value(amp * (9 + 5 * season) * noise1).alias("SO2"),
        value(amp * (30 + 12 * season) * noise2).alias("NO2"),
        value(amp * (70 + 40 * season) * noise1).alias("PM10"),
        pl.when(~missing).then((amp * (0.8 + 0.4 * season) * noise2).round(1)).alias("CO"),
        value(amp * (85 - 30 * season + 45 * diurnal) * noise2).alias("O3"),
        value(amp * (38 + 26 * season) * noise1).alias("PM2.5"),
    )
    return frame


# Typical values per quality level (1…6) of the items that decide a section's class.
_WATER_LEVELS = {
    "pH": (7.6, 7.5, 7.4, 7.3, 7.2, 7.1), "DO": (8.2, 6.8, 5.6, 4.0, 2.6, 1.6),
    "CODMn": (1.6, 3.1, 5.0, 8.0, 12.5, 17.0), "COD": (10.0, 13.0, 17.5, 26.0, 36.0, 48.0),
    "BOD5": (1.8, 2.6, 3.5, 5.0, 8.0, 12.0), "NH3N": (0.10, 0.32, 0.78, 1.25, 1.80, 2.60),
    "TP": (0.015, 0.07, 0.15, 0.25, 0.35, 0.52),
}
_WATER_LAKE_TP = (0.008, 0.02, 0.04, 0.08, 0.15, 0.3)


def water_frame(sections: Sequence[tuple], year: int, months: Sequence[int] = tuple(range(1, 13)), *,
                seed: int = 7, shift: int = 0, shifts: Mapping[str, int] | None = None) -> pl.DataFrame:
    """Monthly samples of the main items (mg/L, pH unitless), around each section's quality level.

    ``shift`` moves every section that many quality levels (positive = worse), ``shifts`` (section code →
    levels) some of them instead.
    """
    rows = []
    for index, section in enumerate(sections):
        moved = (shifts or {}).get(section[0], shift)
        code, lake, level = section[0], section[3] == "湖库", max(1, min(6, section[6] + moved))
        for month in months:
            wobble = ((index * 31 + month * 17 + seed) % 11 - 5) / 100  # ±5 %, deterministic
            row: dict[str, object] = {_label("water", "section"): code,
                                      _label("water", "date"): f"{year}-{month:02d}-10"}
            for item, levels in _WATER_LEVELS.items():
                typical = _WATER_LAKE_TP[level - 1] if item == "TP" and lake else levels[level - 1]
                factor = 1 - wobble if item == "DO" else 1 + wobble
                row[_label("water", item)] = f"{typical * (factor if item != 'pH' else 1):.3f}"
            rows.append(row)
    return pl.DataFrame(rows)


def landuse_frame(regions: Sequence[tuple[str, float]], years: Sequence[int], *, seed: int = 11,
                  setbacks: Mapping[str, float] | None = None, cover: Mapping[str, float] | None = None) -> pl.DataFrame:
    """Land-use and EI inputs per region (code, area km²) and year; a little better each year.

    ``setbacks`` (region code → yearly share of forest and high-cover grass lost, e.g. 0.02) makes a
    region's cover shrink instead (construction, a drought year); ``cover`` (region code → factor) scales a
    region's forest, shrub and high-cover grass (taken from dry land) for greener or barer regions.
    """
    shares = {"forest": 0.18, "shrub": 0.06, "sparse_forest": 0.04, "grass_high": 0.12, "grass_medium": 0.08,
              "grass_low": 0.05, "river": 0.012, "lake": 0.008, "beach_wetland": 0.004, "paddy": 0.05,
              "dryland": 0.25, "urban": 0.04, "rural": 0.035, "other_construction": 0.012, "sand": 0.01,
              "saline": 0.006, "bare_soil": 0.012, "bare_rock": 0.01, "other_unused": 0.001}
    rows = []
    for index, (code, area) in enumerate(regions):
        for step, year in enumerate(years):
            tilt = 1 + ((index * 13 + seed) % 9 - 4) / 40
            row: dict[str, object] = {_label("landuse", "region"): code, _label("landuse", "year"): str(year),
                                      _label("landuse", "area"): f"{area:.2f}"}
            loss = (setbacks or {}).get(code, 0.0) * step
            green = (cover or {}).get(code, 1.0)
            for key, label in LAND_USE_LABELS:
                share = shares[key] * (tilt if key in ("forest", "grass_high") else 1)
                share *= 1 + 0.01 * step if key in ("forest", "shrub") else 1
                share *= 1 - loss if key in ("forest", "grass_high") else 1
                share *= 1 + 6 * loss if key in ("urban", "other_construction", "bare_soil") else 1
                share *= green if key in ("forest", "shrub", "grass_high") else 1
                share = max(0.0, share - 0.4 * (green - 1)) if key == "dryland" else share
                row[label] = f"{area * share:.2f}"
            row.update({
                _label("landuse", "ndvi"): f"{(6200 + 300 * tilt + 60 * step - 4000 * loss + 800 * (green - 1)):.1f}",
                _label("landuse", "river_length"): f"{area * 0.28:.2f}",
                _label("landuse", "water_area"): f"{area * 0.008:.2f}",
                _label("landuse", "water_resources"): f"{area * 0.12 * tilt:.2f}",
                _label("landuse", "severe_erosion"): f"{area * 0.03 / tilt:.2f}",
                _label("landuse", "moderate_erosion"): f"{area * 0.07:.2f}",
                _label("landuse", "construction"): f"{area * 0.087:.2f}",
                _label("landuse", "other_stress"): f"{area * 0.01:.2f}",
                _label("landuse", "cod"): f"{area * 4.1 * (1 - 0.03 * step):.1f}",
                _label("landuse", "nh3n"): f"{area * 0.42 * (1 - 0.03 * step):.1f}",
                _label("landuse", "so2"): f"{area * 2.2 * (1 - 0.05 * step):.1f}",
                _label("landuse", "dust"): f"{area * 2.8 * (1 - 0.05 * step):.1f}",
                _label("landuse", "nox"): f"{area * 3.1 * (1 - 0.04 * step):.1f}",
                _label("landuse", "solid_waste"): f"{area * 1.5:.1f}",
                _label("landuse", "precipitation"): f"{450 + 40 * tilt:.1f}",
            })
            rows.append(row)
    return pl.DataFrame(rows)


def template_frame(kind: str) -> pl.DataFrame:
    """A small filled-in example of a layout (what the download link gives)."""
    if kind == "stations":
        return stations_frame(DEMO_STATIONS[:4])
    if kind == "sections":
        return sections_frame(DEMO_SECTIONS[:4])
    if kind == "air":
        return air_frame(["QC001", "QC003"], dt.date(2025, 1, 1), 2)
    if kind == "water":
        return water_frame(DEMO_SECTIONS[:3], 2025, (1, 2, 3))
    if kind == "landuse":
        return landuse_frame([(CITY, 9800.0), ("629802", 620.0)], (2024, 2025))
    raise ValueError(f"unknown layout {kind!r}")


#: A time as the sample frames write it (2025-01-01 01:00), which the xlsx sample stores as a date cell.
ISO_TIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


def to_bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    """The frame as a CSV (UTF-8 with BOM, so Excel shows Chinese), xlsx or Parquet file."""
    buffer = io.BytesIO()
    if fmt == "csv":
        buffer.write(b"\xef\xbb\xbf")
        frame.write_csv(buffer)
    elif fmt == "parquet":
        frame.write_parquet(buffer)
    elif fmt == "xlsx":
        # times and days as date cells shown 2025年1月1日 01:00 (the import reads a date cell as what it holds)
        texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        frame = frame.with_columns(
            *(pl.col(name).str.to_datetime("%Y-%m-%d %H:%M") for name in texts if frame[name].str.contains(ISO_TIME).all()),
            *(pl.col(name).str.to_date("%Y-%m-%d") for name in texts if frame[name].str.contains(ISO_DAY).all()))
        places = [decimal_places(frame[name].drop_nulls().to_list()) if frame.schema[name].is_numeric() else None
                  for name in frame.columns]
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("数据")
        print_setup(sheet, header_row=1)
        sheet.append(sheet_row(sheet, list(frame.columns)))
        for row in frame.iter_rows():
            sheet.append([office_cell(sheet, value, places=p) for value, p in zip(row, places, strict=True)])
        workbook.save(buffer)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buffer.getvalue()
