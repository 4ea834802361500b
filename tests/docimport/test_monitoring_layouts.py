"""Monitoring layouts: the same records from CSV, xlsx and Parquet; every row error with row and column."""

from __future__ import annotations

import io

import polars as pl
import pytest
from openpyxl import Workbook
from polars.testing import assert_frame_equal

from apps.monitoring.samples import template_frame, to_bytes
from docimport.monitoring import LAYOUTS, FileUnreadable, parse

KNOWN = {"regions": {"629800", "629802", "629803"}, "stations": {"QC001", "QC003"}, "sections": {"SW001", "SW002", "SW003"}}


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_each_layout_parses_the_same_from_csv_xlsx_and_parquet(kind: str) -> None:
    frame = template_frame(kind)
    parsed = {fmt: parse(to_bytes(frame, fmt), fmt, kind, known=KNOWN) for fmt in ("csv", "xlsx", "parquet")}
    for fmt, result in parsed.items():
        assert result.errors == [], (fmt, [str(e) for e in result.errors])
        assert result.rows == frame.height
    assert_frame_equal(parsed["csv"].frame, parsed["xlsx"].frame)
    assert_frame_equal(parsed["csv"].frame, parsed["parquet"].frame)


def test_air_values_are_exact_decimals_and_hours_on_the_clock() -> None:
    csv = "站点编码,监测时间,PM2.5,CO(mg/m3)\nQC001,2025-01-01 00:00,35.1,0.8\nQC001,2025/1/1 24:00,12,\n"
    parsed = parse(csv.encode(), "csv", "air", known=KNOWN)
    assert parsed.ok
    assert [str(v) for v in parsed.frame["PM25"]] == ["35.100", "12.000"]
    assert parsed.frame["CO"].to_list()[1] is None
    assert [t.isoformat() for t in parsed.frame["time"]] == ["2025-01-01T00:00:00", "2025-01-02T00:00:00"]


def test_gbk_csv_is_read() -> None:
    csv = "站点编码,站点名称,所属区域代码\nQC009,北塬新区,629802\n".encode("gb18030")
    parsed = parse(csv, "csv", "stations", known=KNOWN)
    assert parsed.ok and parsed.frame["name"].to_list() == ["北塬新区"]


AIR_HEADER = "站点编码,监测时间,SO2,PM2.5,CO\n"


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("QC999,2025-01-01 01:00,5,30,0.5", "站点编码", "未知的站点编码「QC999」"),
        ("QC001,昨天下午,5,30,0.5", "监测时间", "无法识别的时间「昨天下午」"),
        ("QC001,2025-02-30 01:00,5,30,0.5", "监测时间", "无法识别的时间"),
        ("QC001,2025-01-01 01:30,5,30,0.5", "监测时间", "不在整点"),
        ("QC001,2025-01-01 01:00,5,-2,0.5", "PM2.5", "不能为负数"),
        ("QC001,2025-01-01 01:00,5,30,abc", "CO", "不是数值"),
        ("QC001,2025-01-01 01:00,5,30.12345,0.5", "PM2.5", "小数位数过多"),
        ("QC001,2025-01-01 01:00,5,30,1500", "CO", "超出合理范围"),
        (",2025-01-01 01:00,5,30,0.5", "站点编码", "不能为空"),
    ],
)
def test_air_row_errors(line: str, column: str, message: str) -> None:
    good = "QC001,2025-01-01 00:00,5,30,0.5"
    parsed = parse((AIR_HEADER + good + "\n" + line + "\n").encode(), "csv", "air", known=KNOWN)
    assert [(e.row, e.column) for e in parsed.errors] == [(3, column)]
    assert message in parsed.errors[0].message


def test_duplicate_station_hour_names_the_first_row() -> None:
    body = AIR_HEADER + "QC001,2025-01-01 01:00,5,30,0.5\nQC003,2025-01-01 01:00,5,30,0.5\nQC001,2025-01-01 01:00,6,31,0.5\n"
    parsed = parse(body.encode(), "csv", "air", known=KNOWN)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [(4, "监测时间", "重复的站点-小时（与第2行相同）。")]


def test_wrong_unit_in_header_is_refused() -> None:
    with pytest.raises(FileUnreadable) as exc:
        parse("站点编码,监测时间,CO(μg/m3)\nQC001,2025-01-01 01:00,500\n".encode(), "csv", "air", known=KNOWN)
    assert exc.value.errors[0].column == "CO(μg/m3)"
    assert "单位应为 mg/m³" in exc.value.errors[0].message


def test_missing_required_column_is_refused() -> None:
    with pytest.raises(FileUnreadable) as exc:
        parse("站点编码,PM2.5\nQC001,30\n".encode(), "csv", "air", known=KNOWN)
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "监测时间")]
    assert "缺少必填列" in exc.value.errors[0].message


def test_not_a_parquet_file_is_refused() -> None:
    with pytest.raises(FileUnreadable):
        parse(b"PAR1 not really", "parquet", "air")


def test_water_and_section_errors() -> None:
    water = "断面编码,采样日期,氨氮,溶解氧\nSW001,2025-01-10,0.5,7\nSW001,2025-13-10,0.5,7\nSW777,2025-02-10,0.5,7\nSW001,2025-01-10,0.6,7\n"
    parsed = parse(water.encode(), "csv", "water", known=KNOWN)
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "采样日期"), (4, "断面编码"), (5, "采样日期")]
    sections = "断面编码,断面名称,所属区域代码,水体类型,所属河流/流域,是否饮用水水源地\nA,甲,629800,海洋,秦河,也许\n"
    parsed = parse(sections.encode(), "csv", "sections", known=KNOWN)
    assert {e.column for e in parsed.errors} == {"水体类型", "是否饮用水水源地"}


def test_error_list_is_capped_but_counted() -> None:
    lines = "".join(f"QC001,2025-01-01 {h:02d}:00,-1,30,0.5\n" for h in range(24)) * 10
    parsed = parse((AIR_HEADER + lines).encode(), "csv", "air", known=KNOWN)
    assert len(parsed.errors) == 201
    assert parsed.errors[-1].message.startswith("另有")


def test_parquet_numbers_keep_their_decimals() -> None:
    frame = pl.DataFrame({"站点编码": ["QC001"], "监测时间": ["2025-01-01 01:00"], "CO": [0.1 + 0.2]})
    parsed = parse(to_bytes(frame, "parquet"), "parquet", "air", known=KNOWN)
    assert [e.message for e in parsed.errors] == ["「0.30000000000000004」小数位数过多（最多3位）。"]


def test_dates_outside_the_import_years_are_row_errors() -> None:
    """#11.2: with the import's years, a date, hour or year outside them is a row error (the hour an end-labelled
    time names decides: ``2026-01-01 00:00`` ends 2025's last hour, ``2025-01-01 00:00`` ends 2024's)."""
    air = ("站点编码,监测时间,PM2.5\nQC001,2025-03-01 00:00,35\nQC001,2024-12-31 23:00,35\nQC001,2020-05-01 13:00,3\n"
           "QC001,2031-01-01 00:00,3\n")
    parsed = parse(air.encode(), "csv", "air", known=KNOWN, years={2025, 2020})
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (3, "监测时间", "「2024-12-31 23:00」不在本次导入的年份（2020年、2025年）内。"),
        (5, "监测时间", "「2031-01-01 00:00」不在本次导入的年份（2020年、2025年）内。")]
    assert parse(air.encode(), "csv", "air", known=KNOWN).ok  # no import year: any year
    end = "站点编码,监测时间,PM2.5\nQC001,2026-01-01 00:00,35\nQC001,2025-01-01 00:00,35\nQC003,2025-12-31 24:00,1\n"
    assert [e.row for e in parse(end.encode(), "csv", "air", known=KNOWN, years={2025}, time_label="end").errors] == [3]
    assert [e.row for e in parse(end.encode(), "csv", "air", known=KNOWN, years={2025}).errors] == [2, 4]
    water = "断面编码,采样日期,氨氮\nSW001,2025-01-10,0.5\nSW001,2026-01-10,0.5\n"
    assert [(e.row, e.column) for e in parse(water.encode(), "csv", "water", known=KNOWN, years={2025}).errors] == [
        (3, "采样日期")]
    landuse = template_frame("landuse").with_columns(pl.lit("2019").alias("年份")).head(1)
    errors = parse(to_bytes(landuse, "csv"), "csv", "landuse", known=KNOWN, years={2025, 2024}).errors
    assert [(e.row, e.column) for e in errors] == [(2, "年份")]


def test_a_formula_cell_without_its_result_is_a_row_error_naming_its_column() -> None:
    """Read as empty it would be a missing measurement (or a dropped row), silently."""
    workbook = Workbook()
    for row in (["站点编码", "监测时间", "PM2.5"], ["QC001", "2025-01-01 01:00", 30],
                ["QC001", "2025-01-01 02:00", "=C2*2"], ["=\"QC\"&\"003\"", "2025-01-01 02:00", 12]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileUnreadable) as refused:
        parse(buffer.getvalue(), "xlsx", "air", known=KNOWN)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "PM2.5"), (4, "站点编码")]
    assert "公式" in refused.value.errors[0].message
