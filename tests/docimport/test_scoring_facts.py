"""The office facts sheet read back (pure): what the download writes comes back unchanged, the same subject,
period, key and part twice is an error on the later row, and a number too large for a fact is a row error."""

from __future__ import annotations

from decimal import Decimal

from docimport.scoring import FactRow, parse_fact_sheet, render_fact_sheet


def _row(value: Decimal | None, *, key: str = "pm25_annual", reason: str = "监测年报") -> FactRow:
    return FactRow(0, "市生态环境局", "2025", key, "", value, "", False, reason)


def test_the_downloaded_facts_come_back_unchanged() -> None:
    rows, errors = parse_fact_sheet(render_fact_sheet("考核事实", "说明", [_row(Decimal("31.5"))]))
    assert errors == []
    assert [(r.unit, r.period, r.key, r.value, r.reason) for r in rows] == [
        ("市生态环境局", "2025", "pm25_annual", Decimal("31.5"), "监测年报")
    ]


def test_the_same_fact_twice_is_an_error_on_the_later_row() -> None:
    rows, errors = parse_fact_sheet(
        render_fact_sheet("考核事实", "说明", [_row(Decimal(1)), _row(Decimal(2))])
    )
    assert len(rows) == 1
    assert [(e.column, e.message) for e in errors] == [("事实键", f"与第{rows[0].row}行重复。")]


def test_a_number_too_large_for_a_fact_is_a_row_error() -> None:
    rows, errors = parse_fact_sheet(render_fact_sheet("考核事实", "说明", [_row(Decimal("1E+25"))]))
    assert rows == []
    assert [(e.column, e.message) for e in errors] == [("数值", "数值应为数字，最多6位小数。")]
