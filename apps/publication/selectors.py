"""Reads: the office's list of publications, and the public portal's data (published snapshots only).

The portal reads nothing but the payloads of published publications and the portal setting. A page costs one
query (the program with its *generation*: the count and summed versions of its publications and the setting's
time) and, when the cache misses, two more; the portal's data is cached under that generation, so a publish or
withdraw (which bumps a version) makes the cache stale at once, in every process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.errors import NotFoundError
from apps.programs.models import Program
from calc.disclosure import DisclosureRate, DueItem, disclosure_rate

from .models import (
    DisclosureItem,
    MapLayer,
    Notice,
    NoticeComment,
    PortalSetting,
    PortalStatus,
    Publication,
    PublicationKind,
)
from .workflow import NOTICE_PUBLIC, NoticeStatus, PublicationStatus

CACHE_SECONDS = 3600
#: Part of the cache key: bump it when :class:`Portal` changes shape, so a cache that outlives a deploy is not read.
CACHE_SHAPE = 3
#: Kinds of which the portal shows the latest published snapshot only.
LATEST_KINDS = (PublicationKind.INDICATORS, PublicationKind.ATTAINMENT, PublicationKind.PROJECTS,
                PublicationKind.SURVEY)


def publications(program: Program) -> QuerySet[Publication]:
    """Every publication of the program for the office's list, newest first (payloads left in the database)."""
    return (Publication.objects.filter(program=program).defer("payload")
            .select_related("created_by", "published_by", "withdrawn_by"))


@dataclass(frozen=True)
class Document:
    title: str
    doc_number: str
    file_name: str
    sha256: str
    size: int | None
    date: dt.date


@dataclass(frozen=True)
class NewsItem:
    title: str
    body: str
    date: dt.date


@dataclass(frozen=True)
class NoticeReply:
    received: dt.date
    reply: str


@dataclass(frozen=True)
class NoticeOutcome:
    """A notice's published outcome (公示结果): 无反馈意见, or the office's replies, and an optional statement."""

    kind: str  # "no_feedback" | "replies"
    received: int
    statement: str
    date: dt.date
    replies: tuple[NoticeReply, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> NoticeOutcome:
        return cls(kind=data["kind"], received=data["received"], statement=data["statement"],
                   date=dt.date.fromisoformat(data["date"]),
                   replies=tuple(NoticeReply(received=dt.date.fromisoformat(r["received"]), reply=r["reply"])
                                 for r in data["replies"]))


@dataclass(frozen=True)
class PublicNotice:
    """A published 公示 notice as the portal shows it (its outcome once published)."""

    number: int
    title: str
    scope: str
    legal_basis: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    start: dt.date
    days: int
    end: dt.date
    phone: str
    email: str
    address: str
    issuer: str
    published_on: dt.date
    outcome: NoticeOutcome | None

    def is_open(self, today: dt.date) -> bool:
        return self.outcome is None and self.start <= today <= self.end

    @property
    def labelled_rows(self) -> tuple[tuple[tuple[str, str], ...], ...]:
        """The list's rows as (column, cell) pairs, for the cards a phone shows."""
        return tuple(tuple(zip(self.columns, row, strict=True)) for row in self.rows)


@dataclass(frozen=True)
class Portal:
    """What the portal shows of one program: only published snapshots, as their payloads hold them."""

    key: str  # the program in the portal's URLs: its slug, else its id
    program_name: str
    region_name: str
    region_code: str
    status: str
    status_label: str
    intro: str
    generation: str
    indicators: dict[str, Any] | None = None
    attainment: dict[str, Any] | None = None
    projects: dict[str, Any] | None = None
    survey: dict[str, Any] | None = None
    published_on: dict[str, dt.date] = field(default_factory=dict)  # kind → the local date it was published
    documents: tuple[Document, ...] = ()
    news: tuple[NewsItem, ...] = ()
    notices: tuple[PublicNotice, ...] = ()

    def notice(self, number: int) -> PublicNotice | None:
        return next((n for n in self.notices if n.number == number), None)

    def county(self, code: str) -> dict[str, Any] | None:
        """A region of the published indicator snapshot by its code, or None."""
        if self.indicators is None:
            return None
        return next((r for r in self.indicators["regions"] if r["code"] == code), None)


def _program_filter(key: str | int) -> Q:
    """A program by its id (digits) or its portal slug; a number beyond 64 bits matches nothing."""
    text = str(key)
    if text.isdigit():
        return Q(pk=int(text)) if len(text) <= 18 else Q(pk__in=[])
    return Q(portal_setting__slug=text)


def portal_program(key: str | int) -> tuple[Program, str]:
    """The program (by id or slug) and its portal generation in one query; nothing published is a 404."""
    published = Q(publications__status=PublicationStatus.PUBLISHED)
    notices = Notice.objects.filter(program=OuterRef("pk")).order_by().values("program")
    program = (Program.objects.select_related("region", "portal_setting").filter(_program_filter(key))
               .annotate(published=Count("publications", filter=published),
                         versions=Sum("publications__version"), last=Max("publications__id"),
                         setting_at=Max("portal_setting__updated_at"),
                         notice_versions=Coalesce(Subquery(notices.annotate(v=Sum("version")).values("v")), 0,
                                                  output_field=IntegerField()),
                         notices_public=Coalesce(Subquery(notices.filter(status__in=NOTICE_PUBLIC)
                                                          .annotate(n=Count("id")).values("n")), 0,
                                                 output_field=IntegerField()))
               .first())
    if program is None or not (program.published or program.notices_public):  # type: ignore[attr-defined]
        raise NotFoundError("该创建工作没有公开的信息。")
    generation = (f"{program.published}.{program.versions}.{program.last}."  # type: ignore[attr-defined]
                  f"{program.setting_at.timestamp() if program.setting_at else 0}."  # type: ignore[attr-defined]
                  f"{program.notices_public}.{program.notice_versions}")  # type: ignore[attr-defined]
    return program, generation


def portal(key: str | int) -> Portal:
    """The portal's data: from the cache under the program's generation, else built in three more queries."""
    program, generation = portal_program(key)
    cache_key = f"portal:{CACHE_SHAPE}:{program.id}:{generation}"
    data = cache.get(cache_key)
    if data is None:
        data = _build(program, generation)
        cache.set(cache_key, data, CACHE_SECONDS)
    return data


def open_notice(key: str | int, number: int) -> Notice | None:
    """The published notice ``number`` of the program (by id or slug) that public comments go to, or None."""
    return (Notice.objects.select_related("program")
            .filter(program__in=Program.objects.filter(_program_filter(key)).values("pk"), number=number,
                    status=NoticeStatus.PUBLISHED).first())


def _setting(program: Program) -> PortalSetting | None:
    try:
        return program.portal_setting
    except PortalSetting.DoesNotExist:
        return None


def _notice(n: Notice) -> PublicNotice:
    return PublicNotice(number=n.number, title=n.title, scope=n.scope, legal_basis=n.legal_basis,
                        columns=tuple(n.columns), rows=tuple(tuple(r) for r in n.rows), start=n.start, days=n.days,
                        end=n.end, phone=n.phone, email=n.email, address=n.address, issuer=n.issuer,
                        published_on=timezone.localdate(n.published_at) if n.published_at else n.start,
                        outcome=NoticeOutcome.of(n.outcome) if n.outcome else None)


def _build(program: Program, generation: str) -> Portal:
    setting = _setting(program)
    rows = list(Publication.objects.filter(program=program, status=PublicationStatus.PUBLISHED)
                .order_by("-published_at", "-id"))
    notices = tuple(_notice(n) for n in Notice.objects.filter(program=program, status__in=NOTICE_PUBLIC)
                    .order_by("-number"))
    latest: dict[str, Publication] = {}
    for row in rows:
        latest.setdefault(row.kind, row)
    status = setting.status if setting else PortalStatus.CREATING
    documents = tuple(Document(title=r.title, doc_number=r.payload["doc_number"], file_name=r.payload["file_name"],
                               sha256=r.payload["sha256"], size=r.payload["size"],
                               date=dt.date.fromisoformat(r.payload["date"]))
                      for r in rows if r.kind == PublicationKind.PLAN)
    news = tuple(NewsItem(title=r.payload["title"], body=r.payload["body"], date=dt.date.fromisoformat(r.payload["date"]))
                 for r in rows if r.kind == PublicationKind.NEWS)
    chosen = {kind: latest[kind] for kind in LATEST_KINDS if kind in latest}
    return Portal(
        key=(setting.slug if setting and setting.slug else str(program.id)),
        program_name=program.name, region_name=program.region.name, region_code=program.region.code,
        status=status, status_label=str(PortalStatus(status).label), intro=setting.intro if setting else "",
        generation=generation,
        indicators=chosen[PublicationKind.INDICATORS].payload if PublicationKind.INDICATORS in chosen else None,
        attainment=chosen[PublicationKind.ATTAINMENT].payload if PublicationKind.ATTAINMENT in chosen else None,
        projects=chosen[PublicationKind.PROJECTS].payload if PublicationKind.PROJECTS in chosen else None,
        survey=chosen[PublicationKind.SURVEY].payload if PublicationKind.SURVEY in chosen else None,
        published_on={str(kind): timezone.localdate(row.published_at) for kind, row in chosen.items()
                      if row.published_at},
        documents=documents, news=news, notices=notices,
    )


def published_file(key: str | int, sha256: str) -> Publication:
    """A published plan document's file by its SHA-256 (withdrawn or draft documents are a 404)."""
    text = str(key)
    program = Q(program_id=int(text)) if text.isdigit() and len(text) <= 18 else Q(program__portal_setting__slug=text)
    row = (Publication.objects.filter(program, kind=PublicationKind.PLAN,
                                      status=PublicationStatus.PUBLISHED, file_sha256=sha256)
           .order_by("-published_at").first())
    if row is None or not row.file:
        raise NotFoundError("文件不存在或已撤回。")
    return row


# --- what a portal page shows, from a payload (pure: no query) ---------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    number: str
    name: str
    unit: str
    binding: bool
    target: str
    value: Decimal | None
    qualitative: str
    status: str
    status_label: str
    source: str
    as_of: dt.date | None


@dataclass(frozen=True)
class DomainRows:
    name: str
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class RegionIndicators:
    code: str
    name: str
    level: str
    year: int
    domains: tuple[DomainRows, ...]
    counts: tuple[tuple[str, str, int], ...]  # (status, label, count) in display order


STATUS_ORDER = ("attained", "not_attained", "no_data", "not_applicable")


def region_indicators(snapshot: dict[str, Any], code: str) -> RegionIndicators | None:
    """One region's indicators of a published indicator snapshot, grouped by domain (domains in the order they
    first appear in the plan, an indicator listed later under an earlier domain joining that domain's table)."""
    region = next((r for r in snapshot["regions"] if r["code"] == code), None)
    if region is None:
        return None
    meta = {i["number"]: i for i in snapshot["indicators"]}
    domains: dict[str, list[IndicatorRow]] = {}
    counts: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    labels: dict[str, str] = {}
    for cell in snapshot["values"].get(code, []):
        indicator = meta[cell["number"]]
        row = IndicatorRow(number=cell["number"], name=indicator["name"], unit=indicator["unit"],
                           binding=indicator["binding"], target=cell["target"],
                           value=Decimal(cell["value"]) if cell["value"] is not None else None,
                           qualitative=cell["qualitative"], status=cell["status"], status_label=cell["status_label"],
                           source=cell["source"], as_of=dt.date.fromisoformat(cell["as_of"]) if cell["as_of"] else None)
        counts[row.status] = counts.get(row.status, 0) + 1
        labels[row.status] = row.status_label
        domains.setdefault(indicator["domain"], []).append(row)
    return RegionIndicators(
        code=region["code"], name=region["name"], level=region["level"], year=snapshot["year"],
        domains=tuple(DomainRows(name=name, rows=tuple(rows)) for name, rows in domains.items()),
        counts=tuple((s, labels.get(s, s), counts[s]) for s in STATUS_ORDER if counts.get(s)))


@dataclass(frozen=True)
class ProjectRow:
    name: str
    region: str
    region_code: str
    category: str
    start_year: int
    end_year: int
    total_investment: Decimal | None
    status_label: str
    percent: int


def project_rows(snapshot: dict[str, Any] | None, code: str | None = None) -> tuple[ProjectRow, ...]:
    """The projects of a published snapshot (of one region, if ``code`` is given)."""
    return tuple(
        ProjectRow(name=p["name"], region=p["region"], region_code=p["region_code"], category=p["category"],
                   start_year=int(p["start"][:4]), end_year=int(p["end"][:4]),
                   total_investment=Decimal(p["total_investment"]) if p["total_investment"] is not None else None,
                   status_label=p["status_label"], percent=p["percent"])
        for p in (snapshot or {}).get("projects", []) if code is None or p["region_code"] == code)


# --- the office's notices, map and disclosure list -----------------------------------------------------


def notices(program: Program) -> QuerySet[Notice]:
    """The program's notices, newest first, with their comment counts."""
    return (Notice.objects.filter(program=program)
            .annotate(comment_count=Count("comments"), unanswered=Count("comments", filter=Q(comments__reply="")))
            .order_by("-number"))


def notice_comments(notice: Notice) -> list[NoticeComment]:
    return list(notice.comments.select_related("replied_by").order_by("created_at", "id"))


def current_map(program: Program) -> MapLayer | None:
    """The program's latest uploaded county map (None: the built-in map, if there is one for its region)."""
    return MapLayer.objects.filter(program=program).select_related("uploaded_by").first()


DISCLOSURE_INDICATOR = "生态环境信息公开率"
#: What an item of the disclosure list may be matched to: a publication kind or a 公示 notice.
DISCLOSURE_KINDS: dict[str, str] = {**{str(k): str(k.label) for k in PublicationKind}, "notice": "公示"}


@dataclass(frozen=True)
class DisclosureRow:
    name: str
    kind: str
    kind_label: str
    year: int
    due: dt.date
    published: dt.date | None
    status: str
    status_label: str


@dataclass(frozen=True)
class Disclosure:
    year: int
    rows: tuple[DisclosureRow, ...]
    rate: DisclosureRate


def _published_dates(program: Program, year: int) -> dict[tuple[str, int], list[dt.date]]:
    """Publication dates by (kind, year): a kind of a year by its year, the others by the year they came out.

    A withdrawn publication counts on the date it was published: it was disclosed then."""
    dates: dict[tuple[str, int], list[dt.date]] = {}
    publications = (Publication.objects.filter(program=program, published_at__isnull=False)
                    .filter(Q(year=year) | Q(year__isnull=True) | Q(kind=PublicationKind.PLAN))
                    .values_list("kind", "year", "published_at"))
    for kind, pub_year, at in publications:
        day = timezone.localdate(at)
        group_year = pub_year if kind in (PublicationKind.INDICATORS, PublicationKind.ATTAINMENT,
                                          PublicationKind.PROJECTS) else day.year
        dates.setdefault((kind, group_year), []).append(day)
    for at in Notice.objects.filter(program=program, published_at__isnull=False).values_list("published_at", flat=True):
        day = timezone.localdate(at)
        dates.setdefault(("notice", day.year), []).append(day)
    return dates


def disclosure(program: Program, year: int, as_of: dt.date) -> Disclosure:
    """The year's disclosure list with each item's status and the rate, as of ``as_of`` (three queries)."""
    items = list(DisclosureItem.objects.filter(program=program, year=year).order_by("due", "id"))
    rate = disclosure_rate([DueItem(group=(i.kind, i.year), due=i.due) for i in items],
                           _published_dates(program, year), as_of)
    rows = tuple(DisclosureRow(name=i.name, kind=i.kind, kind_label=DISCLOSURE_KINDS.get(i.kind, i.kind), year=i.year,
                               due=s.due, published=s.published, status=str(s.status), status_label=s.label)
                 for i, s in zip(items, rate.items, strict=True))
    return Disclosure(year=year, rows=rows, rate=rate)
