"""Workbooks for import tests, built in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook


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
