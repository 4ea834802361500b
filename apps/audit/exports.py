"""The audit log as an Excel sheet (write-only openpyxl, every text cell stored as text, never a formula)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from .models import AuditEvent

HEADER = ["时间", "操作人", "操作", "操作代码", "对象类型", "对象编号", "对象", "区域", "IP 地址", "详情"]


def _text(sheet: Worksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # a name typed into a failed login may start with "=": it stays text
    return cell


def render_audit_xlsx(events: Iterable[AuditEvent]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.append(HEADER)
    for event in events:
        values = [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, event.action_label,
            event.action, event.target_type, event.target_id, event.target_label,
            event.region.name if event.region else "", event.ip_address or "", str(event.details or ""),
        ]
        sheet.append([_text(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
