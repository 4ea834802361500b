"""Workbooks for import tests, built in memory, and the checks every export passes."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from openpyxl import Workbook, load_workbook

from apps.audit.models import AuditAction, AuditEvent


def saved(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(rows: Iterable[Sequence[object]], title: str | None = "清单") -> bytes:
    """A one-sheet workbook: the title row (none when ``title`` is None), then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    if title is not None:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    return saved(workbook)


#: A date written as ISO text (2026-01-23), which offices never write.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def workbook_problems(data: bytes) -> list[str]:
    """What of an export is not an office's table: a formula, an ISO date in text, a date cell not shown as
    2026年1月23日, a number cell without thousands separators, a sheet that does not print (landscape, one page
    wide, the header repeated on each page) or does not freeze its header."""
    problems = []
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        where = f"sheet {sheet.title}"
        if sheet.page_setup.orientation != "landscape":
            problems.append(f"{where}: not landscape")
        if not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
                and sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0):
            problems.append(f"{where}: not fitted to one page wide")
        if not sheet.print_title_rows:
            problems.append(f"{where}: no print titles")
        if not sheet.freeze_panes:
            problems.append(f"{where}: nothing frozen")
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    problems.append(f"{where}!{cell.coordinate}: a formula {value!r}")
                elif isinstance(value, str) and ISO_DATE.search(value):
                    problems.append(f"{where}!{cell.coordinate}: an ISO date in {value!r}")
                elif isinstance(value, (dt.date, dt.datetime)) and "年" not in cell.number_format:
                    problems.append(f"{where}!{cell.coordinate}: a date shown as {cell.number_format!r}")
                elif (isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1000
                      and "#,##0" not in cell.number_format):
                    problems.append(f"{where}!{cell.coordinate}: {value} shown as {cell.number_format!r}")
    return problems


def sheet_values(data: bytes, name: str | None = None) -> list[list[object]]:
    """The values of one sheet (the first when ``name`` is None), row by row."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[name] if name else workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def assert_refused_and_not_recorded(client, urls: Iterable[str]) -> None:  # type: ignore[no-untyped-def]
    """The denied path of a download: 403 for each URL, no file sent, and no download in the audit log."""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Content-Disposition" not in response, url
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOAD).exists()
