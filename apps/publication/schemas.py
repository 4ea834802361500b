"""The API's shapes for publications (office only) and the portal setting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from apps.core.schemas import schema_of

from .selectors import DisclosureRow


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


class PortalSettingSlugIn(PortalSettingIn):
    """With ``slug``: the portal's short name in URLs ("" for none; omitted: unchanged)."""

    slug: str | None = Field(None, max_length=40)


class MapLayerOut(Schema):
    name: str
    sha256: str
    codes: list[str]
    uploaded_by: str
    uploaded_at: dt.datetime

    resolve_uploaded_by = staticmethod(lambda obj: str(obj.uploaded_by))


class PublicNoticeIn(Schema):
    """A draft 公示 notice: the list is ``columns`` (header) and ``rows`` (cells, as many as columns)."""

    title: str = Field(max_length=200)
    scope: str = Field(max_length=4000)
    legal_basis: str = Field("", max_length=2000)
    columns: list[str] = Field(default_factory=list, max_length=8)
    rows: list[list[str]] = Field(default_factory=list, max_length=200)
    start: dt.date
    days: int = Field(7, ge=1, le=60)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    issuer: str = Field(max_length=100)


class PublicNoticeOut(Schema):
    id: int
    number: int
    title: str
    scope: str
    legal_basis: str
    columns: list[str]
    rows: list[list[str]]
    start: dt.date
    days: int
    end: dt.date
    phone: str
    email: str
    address: str
    issuer: str
    status: str
    status_label: str
    version: int
    outcome: dict[str, Any] | None
    published_at: dt.datetime | None
    concluded_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str

    resolve_status_label = staticmethod(lambda obj: obj.get_status_display())


class PublicNoticeTransitionIn(Schema):
    """``publish``, ``conclude`` (after the period, every comment answered; ``statement`` optional) or
    ``withdraw`` (``reason`` required); a stale ``expected_version`` gives 409."""

    action: str
    reason: str = Field("", max_length=300)
    statement: str = Field("", max_length=2000)
    expected_version: int | None = None


class NoticeCommentOut(Schema):
    id: int
    name: str
    contact: str
    body: str
    created_at: dt.datetime
    reply: str
    replied_by: str | None
    replied_at: dt.datetime | None

    resolve_replied_by = staticmethod(lambda obj: str(obj.replied_by) if obj.replied_by else None)


class NoticeReplyIn(Schema):
    reply: str = Field(max_length=2000)


class DisclosureItemIn(Schema):
    name: str = Field(max_length=200)
    kind: str
    year: int
    due: dt.date


DisclosureRowOut = schema_of("DisclosureRowOut", DisclosureRow,
                             "name kind kind_label year due published status status_label",
                             doc="An item of the disclosure list with the date it was published (if matched) and its status.")


class DisclosureOut(Schema):
    """The year's list with statuses, the counts and the rate (percent; null when nothing is due)."""

    year: int
    as_of: dt.date
    rows: list[DisclosureRowOut]
    on_time: int
    late: int
    missing: int
    not_due: int
    rate: Decimal | None
    sentence: str

    resolve_as_of = staticmethod(lambda obj: obj.rate.as_of)
    resolve_on_time = staticmethod(lambda obj: obj.rate.on_time)
    resolve_late = staticmethod(lambda obj: obj.rate.late)
    resolve_missing = staticmethod(lambda obj: obj.rate.missing)
    resolve_not_due = staticmethod(lambda obj: obj.rate.not_due)
    resolve_sentence = staticmethod(lambda obj: obj.rate.sentence())

    @staticmethod
    def resolve_rate(obj: Any) -> Decimal | None:
        return obj.rate.rate  # type: ignore[no-any-return]


class DisclosureSubmitIn(Schema):
    year: int


class DisclosureSubmitOut(Schema):
    """The value saved and submitted for review."""

    value_id: int
    status: str
    number: Decimal | None
    explanation: str

    resolve_value_id = staticmethod(lambda obj: obj.pk)
    resolve_number = staticmethod(lambda obj: obj.current_revision.number)
    resolve_explanation = staticmethod(lambda obj: obj.current_revision.explanation)
