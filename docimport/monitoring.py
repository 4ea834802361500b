"""Monitoring data files → typed polars frames + row errors (no ORM).

Five layouts (see docs/monitoring.md): station and section metadata, hourly air concentrations, monthly
water samples and land-use/EI tables, each as CSV (UTF-8 or GB18030), xlsx (first sheet) or Parquet.
Headers are matched by their canonical name or a Chinese alias (站点编码, 监测时间, PM2.5 …); a unit written
in the header (``CO(mg/m³)``) must be the layout's unit. Every check is a polars expression over the
whole column; failing rows become :class:`RowError` numbered as the user sees the sheet (header = row 1,
first record = row 2; the same numbering for Parquet records).

Numbers stay exact: cells are read as text and cast to ``Decimal`` only after checking their digits.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import polars as pl
from openpyxl.utils import column_index_from_string

from .errors import RowError
from .xlsx import SheetLimits, too_many_rows, uncached_formulas

FORMATS = ("csv", "xlsx", "parquet")
MAX_ERRORS = 200
ROW = "__row"

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_UNIT_SPLIT = re.compile(r"^(.*?)[（(]\s*([^（()）]*)\s*[)）]$")


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str  # text | code | number | datetime | date | year | flag | waterbody
    required: bool = True
    aliases: tuple[str, ...] = ()
    unit: str = ""
    decimals: int = 6
    maximum: float | None = None
    minimum: float = 0.0


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: Mapping[str, str] = field(default_factory=dict)  # column → name of the known-codes set

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


UG = "μg/m³"
MG = "mg/m³"
_UNIT_ALIASES = {"ug/m3": UG, "μg/m3": UG, "µg/m³": UG, "µg/m3": UG, "ug/m³": UG, "微克/立方米": UG,
                 "mg/m3": MG, "毫克/立方米": MG, "mg/l": "mg/L", "毫克/升": "mg/L", "个/l": "个/L",
                 "km2": "km²", "平方公里": "km²", "公里": "km", "千米": "km", "吨": "t", "亿立方米": "10⁸m³",
                 "百万立方米": "10⁶m³", "10^6m3": "10⁶m³", "毫米": "mm"}

AIR_POLLUTANTS = (
    Column("SO2", "SO2", "number", False, ("二氧化硫",), UG, 3, 10000),
    Column("NO2", "NO2", "number", False, ("二氧化氮",), UG, 3, 10000),
    Column("PM10", "PM10", "number", False, ("可吸入颗粒物",), UG, 3, 10000),
    Column("CO", "CO", "number", False, ("一氧化碳",), MG, 3, 1000),
    Column("O3", "O3", "number", False, ("臭氧",), UG, 3, 10000),
    Column("PM25", "PM2.5", "number", False, ("PM2.5", "PM₂.₅", "细颗粒物"), UG, 3, 10000),
)

#: GB 3838-2002 Table 1 items (keys of calc.water) with the names bureaus use.
WATER_ITEMS = (
    ("pH", "pH", ("pH值", "PH"), "", 14),
    ("DO", "溶解氧", (), "mg/L", 30),
    ("CODMn", "高锰酸盐指数", (), "mg/L", 1000),
    ("COD", "化学需氧量", ("COD",), "mg/L", 10000),
    ("BOD5", "五日生化需氧量", ("BOD5",), "mg/L", 10000),
    ("NH3N", "氨氮", ("NH3-N",), "mg/L", 1000),
    ("TP", "总磷", (), "mg/L", 100),
    ("TN", "总氮", (), "mg/L", 1000),
    ("Cu", "铜", (), "mg/L", 100),
    ("Zn", "锌", (), "mg/L", 100),
    ("F", "氟化物", (), "mg/L", 100),
    ("Se", "硒", (), "mg/L", 10),
    ("As", "砷", (), "mg/L", 10),
    ("Hg", "汞", (), "mg/L", 1),
    ("Cd", "镉", (), "mg/L", 10),
    ("Cr6", "六价铬", ("铬(六价)", "铬（六价）"), "mg/L", 10),
    ("Pb", "铅", (), "mg/L", 10),
    ("CN", "氰化物", (), "mg/L", 10),
    ("VolPhenol", "挥发酚", (), "mg/L", 100),
    ("Petroleum", "石油类", (), "mg/L", 1000),
    ("LAS", "阴离子表面活性剂", (), "mg/L", 100),
    ("Sulfide", "硫化物", (), "mg/L", 100),
    ("FecalColiform", "粪大肠菌群", (), "个/L", 1e9),
)

#: HJ 192-2015 land-use keys (calc.eco_index.LAND_USE) with their Chinese class names.
LAND_USE_LABELS = (
    ("forest", "有林地"), ("shrub", "灌木林地"), ("sparse_forest", "疏林地"), ("grass_high", "高覆盖度草地"),
    ("grass_medium", "中覆盖度草地"), ("grass_low", "低覆盖度草地"), ("river", "河流"), ("lake", "湖库"),
    ("beach_wetland", "滩涂湿地"), ("paddy", "水田"), ("dryland", "旱地"), ("urban", "城镇建设用地"),
    ("rural", "农村居民点"), ("other_construction", "其他建设用地"), ("sand", "沙地"), ("saline", "盐碱地"),
    ("bare_soil", "裸土地"), ("bare_rock", "裸岩石砾"), ("other_unused", "其他未利用地"),
)

LAYOUTS: dict[str, Layout] = {
    "stations": Layout("stations", "空气监测站点", (
        Column("code", "站点编码", "code", aliases=("站点代码", "站号")),
        Column("name", "站点名称", "text", aliases=("站名",)),
        Column("region", "所属区域代码", "code", aliases=("区划代码", "所属县区代码")),
        Column("category", "站点类型", "text", False, ("类型",)),
        Column("longitude", "经度", "number", False, maximum=180, minimum=-180),
        Column("latitude", "纬度", "number", False, maximum=90, minimum=-90),
    ), key=("code",), references={"region": "regions"}),
    "sections": Layout("sections", "地表水监测断面", (
        Column("code", "断面编码", "code", aliases=("断面代码",)),
        Column("name", "断面名称", "text"),
        Column("region", "所属区域代码", "code", aliases=("区划代码", "所属县区代码")),
        Column("waterbody", "水体类型", "waterbody", aliases=("河流湖库",)),
        Column("river", "所属河流/流域", "text", aliases=("所属河流", "所属流域", "河流名称")),
        Column("drinking_source", "是否饮用水水源地", "flag", False, ("饮用水水源地", "集中式饮用水水源地")),
        Column("volume", "供水量", "number", False, ("取水量",), "10⁴m³", 6, 1e9),
    ), key=("code",), references={"region": "regions"}),
    "air": Layout("air", "空气质量小时浓度", (
        Column("station", "站点编码", "code", aliases=("站点代码", "站号")),
        Column("time", "监测时间", "datetime", aliases=("时间", "日期时间")),
        *AIR_POLLUTANTS,
    ), key=("station", "time"), references={"station": "stations"}),
    "water": Layout("water", "地表水月度监测", (
        Column("section", "断面编码", "code", aliases=("断面代码",)),
        Column("date", "采样日期", "date", aliases=("监测日期", "日期")),
        *(Column(key, label, "number", False, aliases, unit, 6, maximum) for key, label, aliases, unit, maximum in WATER_ITEMS),
    ), key=("section", "date"), references={"section": "sections"}),
    "landuse": Layout("landuse", "土地利用与生态环境状况指数基础数据", (
        Column("region", "区域代码", "code", aliases=("区划代码", "所属区域代码")),
        Column("year", "年份", "year", aliases=("年度",)),
        Column("area", "区域面积", "number", unit="km²", maximum=1e7),
        *(Column(key, label, "number", unit="km²", maximum=1e7) for key, label in LAND_USE_LABELS),
        Column("ndvi", "NDVI均值", "number", aliases=("植被覆盖NDVI",), maximum=10000),
        Column("river_length", "河流长度", "number", unit="km", maximum=1e7),
        Column("water_area", "湖库面积", "number", unit="km²", maximum=1e7),
        Column("water_resources", "水资源量", "number", unit="10⁶m³", maximum=1e9),
        Column("severe_erosion", "重度侵蚀面积", "number", unit="km²", maximum=1e7),
        Column("moderate_erosion", "中度侵蚀面积", "number", unit="km²", maximum=1e7),
        Column("construction", "建设用地面积", "number", unit="km²", maximum=1e7),
        Column("other_stress", "其他土地胁迫面积", "number", unit="km²", maximum=1e7),
        Column("cod", "化学需氧量排放量", "number", aliases=("COD排放量",), unit="t", maximum=1e9),
        Column("nh3n", "氨氮排放量", "number", unit="t", maximum=1e9),
        Column("so2", "二氧化硫排放量", "number", aliases=("SO2排放量",), unit="t", maximum=1e9),
        Column("dust", "烟粉尘排放量", "number", unit="t", maximum=1e9),
        Column("nox", "氮氧化物排放量", "number", unit="t", maximum=1e9),
        Column("solid_waste", "固体废物排放量", "number", unit="t", maximum=1e9),
        Column("precipitation", "年降水量", "number", unit="mm", maximum=20000),
        Column("biodiversity", "生物多样性指数", "number", False, maximum=100),
    ), key=("region", "year"), references={"region": "regions"}),
}

TRUE_WORDS = {"是", "Y", "y", "yes", "true", "TRUE", "1", "√"}
FALSE_WORDS = {"否", "N", "n", "no", "false", "FALSE", "0", "", "×"}
WATERBODY_WORDS = {"河流": "river", "河": "river", "river": "river", "湖库": "lake", "湖泊": "lake",
                   "水库": "lake", "湖": "lake", "lake": "lake"}


class FileUnreadable(ValueError):
    """The file as a whole cannot be read (wrong format, no header, missing required columns)."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class Parsed:
    kind: str
    frame: pl.DataFrame  # canonical columns, typed, plus ``__row``
    errors: list[RowError]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ------------------------------------------------------------------------------------------


def _decode_csv(data: bytes) -> bytes:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            continue
    raise FileUnreadable([RowError(1, "", "CSV 文件编码无法识别（请保存为 UTF-8 或 GBK）。")])


def _refuse_uncached_formulas(data: bytes, headers: list[str]) -> None:
    """A formula cell without a cached result reads as empty: each is a row error naming its column's header
    (its letter past the header), never a silently missing value or dropped row."""
    errors = uncached_formulas(data)
    for error in errors:
        index = column_index_from_string(error.column) - 1
        error.column = headers[index] if index < len(headers) else error.column
    if errors:
        raise FileUnreadable(errors)


def read_table(data: bytes, fmt: str, *, max_rows: int | None = None) -> pl.DataFrame:
    """The first table of the file with every column as text (Parquet columns are cast).

    ``max_rows`` caps an xlsx sheet (``ECOCIV_MAX_IMPORT_ROWS``, as every sheet import): at most one row
    more is read, and a sheet with more data rows is refused.
    """
    try:
        if fmt == "csv":
            return pl.read_csv(io.BytesIO(_decode_csv(data)), infer_schema=False, truncate_ragged_lines=False)
        if fmt == "xlsx":
            options = {} if max_rows is None else {"n_rows": max_rows + 1}
            frame = pl.read_excel(io.BytesIO(data), engine="calamine", infer_schema_length=0, read_options=options)
            if max_rows is not None and frame.height > max_rows:
                raise FileUnreadable([RowError(0, "", str(too_many_rows(SheetLimits(max_rows=max_rows))))])
            _refuse_uncached_formulas(data, frame.columns)
            return frame
        if fmt == "parquet":
            frame = pl.read_parquet(io.BytesIO(data))
            return frame.select(
                pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S") if dtype.is_temporal() and dtype != pl.Date
                else pl.col(name).cast(pl.String)
                for name, dtype in frame.schema.items()
            )
    except FileUnreadable:
        raise
    except Exception as exc:  # polars/fastexcel raise many kinds; the user needs one message
        raise FileUnreadable([RowError(1, "", f"无法读取{fmt}文件：{str(exc).splitlines()[0][:200]}")]) from exc
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def _normalise_header(text: str) -> tuple[str, str]:
    """``" CO（mg/m3） "`` → ("CO", "mg/m³")."""
    text = "".join(str(text).split())
    match = _UNIT_SPLIT.match(text)
    if not match:
        return text, ""
    unit = match.group(2)
    return match.group(1), _UNIT_ALIASES.get(unit.lower(), _UNIT_ALIASES.get(unit, unit))


def match_headers(headers: list[str], layout: Layout) -> dict[str, str]:
    """Layout column → file header; raises :class:`FileUnreadable` for missing or wrongly-united columns."""
    found: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        stem, unit = _normalise_header(header)
        for column in layout.columns:
            names = {column.name, column.label, *column.aliases}
            if stem in names or stem.upper() in {n.upper() for n in names}:
                if column.name in found:
                    errors.append(RowError(1, header, f"列「{column.label}」重复出现。"))
                elif unit and column.unit and unit != column.unit:
                    errors.append(RowError(1, header, f"单位错误：「{column.label}」的单位应为 {column.unit}，文件中为 {unit}。"))
                else:
                    found[column.name] = header
                break
    for column in layout.columns:
        if column.required and column.name not in found:
            errors.append(RowError(1, column.label, f"缺少必填列「{column.label}」。"))
    if layout.kind == "air" and not any(c.name in found for c in AIR_POLLUTANTS):
        errors.append(RowError(1, "", "至少需要一项污染物浓度列（SO2、NO2、PM10、CO、O3、PM2.5）。"))
    if layout.kind == "water" and not any(key in found for key, *_ in WATER_ITEMS):
        errors.append(RowError(1, "", "至少需要一项水质指标列（如 溶解氧、氨氮、总磷）。"))
    if errors:
        raise FileUnreadable(errors)
    return found


# --- checking -------------------------------------------------------------------------------------------


def _number_exprs(column: Column, source: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(bad format, too many decimals, the Decimal value) of a text column."""
    text = source.str.strip_chars().str.replace_all(",", "")
    bad = text.is_not_null() & (text != "") & ~text.str.contains(_NUMBER)
    fraction = text.str.extract(r"\.(\d*?)0*$", 1).str.len_chars().fill_null(0)
    too_precise = ~bad & (fraction > column.decimals)
    value = pl.when(~bad & ~too_precise & (text != "")).then(text).cast(pl.Decimal(38, column.decimals), strict=False)
    return bad, too_precise, value


_DATETIME = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2})(?:\.\d+)?)?)?$"


def _parts_column(name: str) -> str:
    return f"__{name}_parts"


def _datetime_parts(name: str) -> pl.Expr:
    """The fields of a date-time text column as a struct column, computed once: the checks and the value each
    read several fields, and an expression would run the pattern again for every field it reads."""
    return pl.col(name).str.strip_chars().str.extract_groups(_DATETIME).alias(_parts_column(name))


def _datetime_exprs(source: pl.Expr, parts: pl.Expr, *, with_time: bool) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(unparseable, not on the hour, value) from the text and its :func:`_datetime_parts`; ``24:00`` is the
    next day's 00:00."""
    text = source.str.strip_chars()
    year, month, day = (parts.struct.field(str(i)).cast(pl.Int32, strict=False) for i in (1, 2, 3))
    hour = parts.struct.field("4").cast(pl.Int32, strict=False)
    minute = parts.struct.field("5").cast(pl.Int32, strict=False).fill_null(0)
    second = parts.struct.field("6").cast(pl.Int32, strict=False).fill_null(0)
    hour_ok = hour.is_null() | ((hour >= 0) & (hour <= 24) & ~((hour == 24) & ((minute > 0) | (second > 0))))
    parsed_ok = year.is_not_null() & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & hour_ok
    if with_time:
        parsed_ok = parsed_ok & hour.is_not_null()
    # an impossible day (2月30日) becomes null in the non-strict to_date below, so it is reported as unparseable.
    safe = pl.when(parsed_ok).then(
        pl.concat_str([year, month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2)], separator="-")
    )
    day_value = safe.str.to_date("%Y-%m-%d", strict=False)
    unparseable = text.is_not_null() & (text != "") & day_value.is_null()
    if not with_time:
        return unparseable, pl.lit(False), day_value
    off_hour = ~unparseable & ((minute != 0) | (second != 0))
    value = day_value.cast(pl.Datetime("us")) + pl.duration(hours=hour.fill_null(0))
    return unparseable, off_hour, value


#: A row check: (mask of the failing rows, the column's label, the message: text or an expression of the row).
Check = tuple[pl.Expr, str, "str | pl.Expr"]


def _evaluate(raw: pl.DataFrame, outputs: list[pl.Expr], checks: list[Check]) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The typed frame, and the rows failing each check as (row, column, message) frames.

    The values and every check's mask are computed in one lazy pass, which parses each cell once for both
    (common subexpressions), and the messages only for the few failing rows."""
    flags = [f"__check{i}" for i in range(len(checks))]
    evaluated = raw.lazy().select(
        *outputs, *(mask.alias(flag) for flag, (mask, _, _) in zip(flags, checks, strict=True))
    ).collect()
    if not checks:
        return evaluated, []
    failing = raw.join(evaluated.select(ROW, *flags).filter(pl.any_horizontal(flags)), on=ROW)
    errors = [
        failing.filter(pl.col(flag)).select(
            pl.col(ROW).alias("row"), pl.lit(label).alias("column"),
            (message if isinstance(message, pl.Expr) else pl.lit(message)).alias("message"),
        )
        for flag, (_, label, message) in zip(flags, checks, strict=True)
    ]
    return evaluated.drop(flags), errors


def _column_checks(column: Column, name: str) -> tuple[list[Check], pl.Expr | None]:
    """One column's row checks and its typed output (None for a kind without one)."""
    checks: list[Check] = []
    output: pl.Expr | None = None
    source = pl.col(name)
    text = source.str.strip_chars()
    empty = text.is_null() | (text == "")
    if column.required and column.kind not in ("flag",):
        checks.append((empty, column.label, f"「{column.label}」不能为空。"))
    if column.kind in ("text", "code"):
        output = text.alias(name)
    elif column.kind == "number":
        bad, too_precise, value = _number_exprs(column, source)
        checks.append((bad, column.label, pl.format("「{}」不是数值。", text)))
        checks.append((too_precise, column.label,
                                  pl.format("「{}」小数位数过多（最多{}位）。", text, pl.lit(column.decimals))))
        checks.append((value < column.minimum, column.label,
                                  pl.format("「{}」不能为负数。", text)
                                  if column.minimum == 0 else pl.format("「{}」低于下限 {}。", text,
                                                                         pl.lit(column.minimum))))
        if column.maximum is not None:
            checks.append((value > column.maximum, column.label,
                                      pl.format("「{}」超出合理范围（上限 {}{}）。", text,
                                                pl.lit(f"{column.maximum:g}"), pl.lit(column.unit))))
        output = value.alias(name)
    elif column.kind in ("datetime", "date"):
        unparseable, off_hour, value = _datetime_exprs(source, pl.col(_parts_column(name)),
                                                       with_time=column.kind == "datetime")
        checks.append((unparseable, column.label,
                                  pl.format("无法识别的时间「{}」（示例：2025-01-01 13:00）。", text)
                                  if column.kind == "datetime" else
                                  pl.format("无法识别的日期「{}」（示例：2025-01-15）。", text)))
        checks.append((off_hour, column.label, pl.format("时间「{}」不在整点。", text)))
        output = value.alias(name)
    elif column.kind == "year":
        value = text.cast(pl.Int32, strict=False)
        checks.append((~empty & (value.is_null() | (value < 1990) | (value > 2100)),
                                  column.label, pl.format("无效的年份「{}」。", text)))
        output = value.alias(name)
    elif column.kind == "flag":
        value = pl.when(text.fill_null("").is_in(list(TRUE_WORDS))).then(True).when(
            text.fill_null("").is_in(list(FALSE_WORDS))).then(False)
        checks.append((value.is_null(), column.label,
                                  pl.format("「{}」应填“是”或“否”。", text)))
        output = value.fill_null(False).alias(name)
    elif column.kind == "waterbody":
        value = text.replace_strict(WATERBODY_WORDS, default=None, return_dtype=pl.String)
        checks.append((~empty & value.is_null(), column.label,
                                  pl.format("水体类型「{}」应为“河流”或“湖库”。", text)))
        output = value.alias(name)
    return checks, output


def _reference_checks(layout: Layout, present: list[str],
                      known: Mapping[str, Collection[str]] | None) -> list[Check]:
    """Codes that name no known region, station or section."""
    checks: list[Check] = []
    for name, reference in layout.references.items():
        if known is None or reference not in known or name not in present:
            continue
        codes = pl.Series(list(known[reference]), dtype=pl.String)
        text = pl.col(name).str.strip_chars()
        what = {"regions": "区域代码", "stations": "站点编码", "sections": "断面编码"}[reference]
        checks.append((text.is_not_null() & (text != "") & ~text.is_in(codes.implode()),
                                  layout.column(name).label, pl.format("未知的{}「{}」。", pl.lit(what), text)))
    return checks


def _duplicate_errors(frame: pl.DataFrame, layout: Layout, present: list[str], kind: str) -> list[pl.DataFrame]:
    """Rows that repeat an earlier row's key (station-hour, section-date, region-year)."""
    errors: list[pl.DataFrame] = []
    key_cols = [k for k in layout.key if k in present]
    if len(key_cols) == len(layout.key):
        keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key_cols))
        duplicated = keyed.filter(pl.struct(key_cols).is_duplicated())
        if duplicated.height:
            first = duplicated.group_by(key_cols).agg(pl.col(ROW).min().alias("__first"))
            later = duplicated.join(first, on=key_cols).filter(pl.col(ROW) != pl.col("__first"))
            what = {"air": "站点-小时", "water": "断面-采样日期", "landuse": "区域-年份"}.get(kind, "编码")
            errors.append(later.select(pl.col(ROW).alias("row"), pl.lit(layout.column(key_cols[-1]).label).alias("column"),
                                       pl.format("重复的{}（与第{}行相同）。", pl.lit(what), pl.col("__first")).alias("message")))
    return errors


def _row_errors(errors: list[pl.DataFrame]) -> list[RowError]:
    """The error frames as row errors, in row order, at most MAX_ERRORS of them and a line for the rest."""
    table = pl.concat([e.with_columns(pl.col("row").cast(pl.Int64)) for e in errors], how="vertical") if errors else None
    row_errors: list[RowError] = []
    if table is not None and table.height:
        table = table.unique().sort("row", "column")
        for row, column, message in table.head(MAX_ERRORS).iter_rows():
            row_errors.append(RowError(int(row), column, message))
        if table.height > MAX_ERRORS:
            row_errors.append(RowError(0, "", f"另有 {table.height - MAX_ERRORS} 处错误未列出。"))
    return row_errors


def _year_checks(layout: Layout, present: list[str], years: Collection[int] | None, time_label: str) -> list[Check]:
    """Rows whose measurement year is not one of the import's ``years`` (the hour of an end-labelled time
    ``2026-01-01 00:00`` is the last hour of 2025)."""
    if not years:
        return []
    allowed = sorted({int(y) for y in years})
    wanted = "、".join(f"{y}年" for y in allowed)
    checks: list[Check] = []
    for name in present:
        column = layout.column(name)
        if column.kind not in ("datetime", "date", "year"):
            continue
        if column.kind == "year":
            year = pl.col(name).str.strip_chars().cast(pl.Int32, strict=False)
        else:
            _, _, value = _datetime_exprs(pl.col(name), pl.col(_parts_column(name)),
                                          with_time=column.kind == "datetime")
            if column.kind == "datetime" and time_label == "end":
                value = value - pl.duration(hours=1)
            year = value.dt.year()
        checks.append((year.is_not_null() & ~year.is_in(allowed), column.label,
                       pl.format("「{}」不在本次导入的年份（{}）内。", pl.col(name).str.strip_chars(), pl.lit(wanted))))
    return checks


def parse(
    data: bytes, fmt: str, kind: str, *, known: Mapping[str, Collection[str]] | None = None,
    years: Collection[int] | None = None, time_label: str = "start", max_rows: int | None = None,
) -> Parsed:
    """Read and check a file of one layout. ``known`` gives the valid codes of referenced objects
    (``{"regions": {...}, "stations": {...}, "sections": {...}}``); unknown codes are row errors. With
    ``years`` (the import's year and the year it is compared with), a date, hour or year outside them is a row
    error; ``time_label`` (``start``/``end``) says which hour a time names.

    Raises :class:`FileUnreadable` when the file or its header cannot be used at all, or when an xlsx
    sheet has more than ``max_rows`` data rows.
    """
    layout = LAYOUTS[kind]
    raw = read_table(data, fmt, max_rows=max_rows)
    headers = match_headers(raw.columns, layout)
    raw = raw.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW),
        *[pl.col(header).alias(name) for name, header in headers.items()],
    )
    # drop rows that are entirely empty (trailing lines in spreadsheets)
    present = [name for name in headers]
    raw = raw.filter(pl.any_horizontal([pl.col(n).str.strip_chars().fill_null("") != "" for n in present]))
    raw = raw.with_columns(_datetime_parts(n) for n in present if layout.column(n).kind in ("datetime", "date"))

    checks: list[Check] = []
    outputs: list[pl.Expr] = [pl.col(ROW)]
    for name in present:
        column_checks, output = _column_checks(layout.column(name), name)
        checks += column_checks
        if output is not None:
            outputs.append(output)
    checks += _reference_checks(layout, present, known)
    checks += _year_checks(layout, present, years, time_label)
    frame, errors = _evaluate(raw, outputs, checks)
    errors += _duplicate_errors(frame, layout, present, kind)
    row_errors = _row_errors(errors)
    if not frame.height and not row_errors:
        row_errors.append(RowError(2, "", "文件中没有数据行。"))
    return Parsed(kind=kind, frame=frame, errors=row_errors, rows=frame.height)


def detect_format(name: str) -> str | None:
    """Format from a (checked) file name's extension."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "parquet": "parquet", "pq": "parquet"}.get(extension)


__all__ = ["FORMATS", "LAYOUTS", "FileUnreadable", "Layout", "Column", "Parsed", "parse", "read_table",
           "match_headers", "detect_format", "LAND_USE_LABELS", "WATER_ITEMS", "AIR_POLLUTANTS"]
