from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_name: str = Field(description="操作人账号（登录失败时为所填用户名）")
    action: str = Field(description="操作代码，如 auth.login、evidence.download、import.commit")
    action_label: str
    target_type: str
    target_id: str
    target_label: str
    region_id: int | None
    ip_address: str | None
    details: dict[str, Any]


class AuditFilter(Schema):
    actor: str = Field("", max_length=150)
    action: str = Field("", max_length=40)
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = Field("", max_length=200)
