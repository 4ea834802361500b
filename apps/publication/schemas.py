"""The API's shapes for publications (office only) and the portal setting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class PublicationIn(Schema):
    """A draft; a plan document (kind ``plan``) is created through the multipart endpoint with its file."""

    kind: str
    title: str = Field(max_length=200)
    year: int | None = None
    body: str = Field("", max_length=20000)
    doc_number: str = Field("", max_length=60)


class PublicationOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int | None
    title: str
    doc_number: str
    file_name: str
    file_sha256: str
    status: str
    status_label: str
    version: int
    input_version: str
    created_by: str
    created_at: dt.datetime
    published_by: str | None
    published_at: dt.datetime | None
    withdrawn_by: str | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str

    resolve_kind_label = staticmethod(lambda obj: obj.get_kind_display())
    resolve_status_label = staticmethod(lambda obj: obj.get_status_display())
    resolve_created_by = staticmethod(lambda obj: str(obj.created_by))
    resolve_published_by = staticmethod(lambda obj: str(obj.published_by) if obj.published_by else None)
    resolve_withdrawn_by = staticmethod(lambda obj: str(obj.withdrawn_by) if obj.withdrawn_by else None)


class PublicationDetailOut(PublicationOut):
    """With the stored snapshot (null while a draft)."""

    body: str
    payload: dict[str, Any] | None


class PublicationTransitionIn(Schema):
    """``publish`` or ``withdraw`` (a withdrawal needs ``reason``); a stale ``expected_version`` gives 409."""

    action: str
    reason: str = Field("", max_length=300)
    expected_version: int | None = None


class PortalSettingIn(Schema):
    status: str
    intro: str = Field("", max_length=2000)


class PortalSettingOut(Schema):
    status: str
    status_label: str
    intro: str

    resolve_status_label = staticmethod(lambda obj: obj.get_status_display())
