"""The audit log as an Excel sheet: one of the office tables of :func:`docimport.xlsx.render_tables` (every text
cell stored as text, never a formula; times as 2026年1月23日 14:05:09; printable), written as a stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone

from docimport.xlsx import Column, Table, chinese_date, render_tables

from .models import AuditEvent

COLUMNS = [Column("时间", 20), Column("操作人", 12), Column("操作", 16), Column("操作代码", 18), Column("对象类型", 14),
           Column("对象编号", 10), Column("对象", 30), Column("区域", 12), Column("IP 地址", 14), Column("详情", 40)]


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[object]]:
    for event in events:
        # a name typed into a failed login may start with "=": the writer keeps it text
        yield [timezone.localtime(event.at), event.actor_name, event.action_label, event.action, event.target_type,
               event.target_id, event.target_label, event.region.name if event.region else "",
               event.ip_address or "", str(event.details or "")]


def render_audit_xlsx(events: Iterable[AuditEvent]) -> bytes:
    today = chinese_date(timezone.localdate())
    return render_tables([Table("审计日志", "审计日志", COLUMNS, _rows(events), note=f"导出日期：{today}",
                                freeze_first_column=False)])
