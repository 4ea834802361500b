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
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.core.errors import NotFoundError
from apps.programs.models import Program

from .models import PortalSetting, PortalStatus, Publication, PublicationKind
from .workflow import PublicationStatus

CACHE_SECONDS = 3600
#: Part of the cache key: bump it when :class:`Portal` changes shape, so a cache that outlives a deploy is not read.
CACHE_SHAPE = 2
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
class Portal:
    """What the portal shows of one program: only published snapshots, as their payloads hold them."""

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

    def county(self, code: str) -> dict[str, Any] | None:
        """A region of the published indicator snapshot by its code, or None."""
        if self.indicators is None:
            return None
        return next((r for r in self.indicators["regions"] if r["code"] == code), None)


def portal_program(program_id: int) -> tuple[Program, str]:
    """The program and its portal generation in one query; a program with nothing published is a 404."""
    published = Q(publications__status=PublicationStatus.PUBLISHED)
    program = (Program.objects.select_related("region").filter(pk=program_id)
               .annotate(published=Count("publications", filter=published),
                         versions=Sum("publications__version"), last=Max("publications__id"),
                         setting_at=Max("portal_setting__updated_at"))
               .first())
    if program is None or not program.published:  # type: ignore[attr-defined]
        raise NotFoundError("该创建工作没有公开的信息。")
    generation = (f"{program.published}.{program.versions}.{program.last}."  # type: ignore[attr-defined]
                  f"{program.setting_at.timestamp() if program.setting_at else 0}")  # type: ignore[attr-defined]
    return program, generation


def portal(program_id: int) -> Portal:
    """The portal's data: from the cache under the program's generation, else built in two more queries."""
    program, generation = portal_program(program_id)
    key = f"portal:{CACHE_SHAPE}:{program.id}:{generation}"
    data = cache.get(key)
    if data is None:
        data = _build(program, generation)
        cache.set(key, data, CACHE_SECONDS)
    return data


def _build(program: Program, generation: str) -> Portal:
    setting = PortalSetting.objects.filter(program=program).first()
    rows = list(Publication.objects.filter(program=program, status=PublicationStatus.PUBLISHED)
                .order_by("-published_at", "-id"))
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
        program_name=program.name, region_name=program.region.name, region_code=program.region.code,
        status=status, status_label=str(PortalStatus(status).label), intro=setting.intro if setting else "",
        generation=generation,
        indicators=chosen[PublicationKind.INDICATORS].payload if PublicationKind.INDICATORS in chosen else None,
        attainment=chosen[PublicationKind.ATTAINMENT].payload if PublicationKind.ATTAINMENT in chosen else None,
        projects=chosen[PublicationKind.PROJECTS].payload if PublicationKind.PROJECTS in chosen else None,
        survey=chosen[PublicationKind.SURVEY].payload if PublicationKind.SURVEY in chosen else None,
        published_on={str(kind): timezone.localdate(row.published_at) for kind, row in chosen.items()
                      if row.published_at},
        documents=documents, news=news,
    )


def published_file(program_id: int, sha256: str) -> Publication:
    """A published plan document's file by its SHA-256 (withdrawn or draft documents are a 404)."""
    row = (Publication.objects.filter(program_id=program_id, kind=PublicationKind.PLAN,
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
