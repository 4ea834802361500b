"""The dossier (申报材料档案) and the yearly update package: approved values with their history and evidence, as
a zip an inspector browses offline.

:func:`dossier_rows` reads, in a fixed number of queries whatever the row count, every APPROVED value of the
year within the filters (region, indicator set) with its revisions, its review events, its evidence files and
its evidence checklist status (gaps included). :func:`write_dossier` streams them into a zip:

- ``index.html`` (opens offline) and ``目录.xlsx``: domain → indicator → region → period, each row linking to
  the value's own page ``指标值/<id>.html`` (value, revision history, review events, evidence) and its files;
- ``证据材料/一、生态制度/15 林草覆盖率/北塬县/2025年度/01 文件名.pdf``: the files under readable names (safe
  characters, numbered; collisions numbered again), each read from storage once and hashed from the bytes written
  (read whole and hashed by worker threads a bounded amount ahead of the writer, from the moment the rows' files
  are known, and into a real file written by those threads at the places the writer laid out; or streamed in
  chunks if large);
- ``manifest.csv``: the path, size and SHA-256 of every other file of the zip, and for evidence whether the
  hash still equals the one recorded at upload.

The zip is written by :class:`.ziparchive.ZipWriter`: each entry's CRC and sizes in its own header, no data
descriptors (Java's ``ZipInputStream`` refuses those on stored entries).

The update package (:func:`update_changes`) adds ``变更说明.xlsx``: the values new, changed or unchanged against
last year's approved values, and the evidence files not already in last year's package.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import html
import io
import os
import re
import shutil
import zipfile
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, NamedTuple
from urllib.parse import quote

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from apps.evidence.models import Evidence
from apps.geo.models import Region
from apps.programs.models import Program
from apps.reporting.models import IndicatorValue, QualitativeStatus, ValueRevision, period_label
from apps.reporting.selectors import Completeness, checklist_completeness
from apps.review.models import ReviewEvent
from apps.review.workflow import ReviewStatus, workflow_for
from docgen.render import chinese_numeral
from docgen.sheet import Sheet, sheets_xlsx
from docimport.xlsx import chinese_date

from .ziparchive import ZipWriter

#: Bump when the zip's layout or content changes: stored packages then read as out of date.
DOSSIER_FORMAT = "1"

#: The indicator sets of the filter: every indicator, the binding ones, or one domain (``domain:<name>``).
ALL, BINDING, DOMAIN = "", "binding", "domain:"

EVIDENCE_DIR = "证据材料"
VALUE_DIR = "指标值"
MANIFEST = "manifest.csv"
CHUNK = 1 << 20
#: Evidence files of up to this size (most: scans, photos, Office files) are read whole by a worker thread;
#: larger ones are streamed by the writer in :data:`CHUNK`\ s.
WHOLE = 32 << 20
#: How far (in recorded bytes) the worker threads may read ahead of the writer: the memory the dossier holds.
AHEAD = 64 << 20
#: Worker threads reading and hashing evidence files.
READERS = 2

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class DossierFilter:
    """What goes in: one program's approved values of ``year``, of ``region`` (and below; ``None``: all) and of an
    indicator set (:data:`ALL`, :data:`BINDING` or ``domain:<领域>``)."""

    program: Program
    year: int
    region: Region | None = None
    indicator_set: str = ALL

    def values(self, year: int | None = None) -> QuerySet[IndicatorValue]:
        """The approved values in the filter (of ``year``, default the filter's)."""
        rows = IndicatorValue.objects.filter(program=self.program, year=self.year if year is None else year,
                                             status=ReviewStatus.APPROVED, approved_revision__isnull=False)
        if self.region is not None:
            rows = rows.filter(region__path__startswith=self.region.path)
        if self.indicator_set == BINDING:
            rows = rows.filter(indicator__binding=True)
        elif self.indicator_set.startswith(DOMAIN):
            rows = rows.filter(indicator__domain=self.indicator_set.removeprefix(DOMAIN))
        return rows


def indicator_set_label(indicator_set: str) -> str:
    if indicator_set == BINDING:
        return "约束性指标"
    if indicator_set.startswith(DOMAIN):
        return f"{indicator_set.removeprefix(DOMAIN)}领域指标"
    return "全部指标"


# The rows are named tuples, not dataclasses: a dossier makes tens of thousands of them (a frozen dataclass's
# ``__init__`` sets each field through ``object.__setattr__``: about 0.15 s for the benchmark's 7,236 values).


class RevisionLine(NamedTuple):
    version: int
    value: str
    source: str
    caliber: str
    reason: str
    author: str
    at: str
    approved: bool


class EventLine(NamedTuple):
    action: str
    old: str
    new: str
    actor: str
    at: str
    comment: str


class EvidenceLine(NamedTuple):
    evidence_id: int
    name: str
    checklist_item: str
    size: int
    sha256: str
    storage_name: str
    uploaded_by: str
    uploaded_at: str
    path: str  # inside the zip


class DossierRow(NamedTuple):
    value_id: int
    domain: str  # 一、生态制度
    indicator: str  # 15 林草覆盖率
    indicator_id: int
    binding: bool
    unit: str
    region: str
    region_id: int
    period: str
    period_key: tuple[str, int]  # period type and number
    value: str
    number: Decimal | None
    source: str
    caliber: str
    approved_at: str
    completeness: Completeness
    revisions: tuple[RevisionLine, ...]
    events: tuple[EventLine, ...]
    evidence: tuple[EvidenceLine, ...]

    @property
    def page(self) -> str:
        return f"{VALUE_DIR}/{self.value_id}.html"

    @property
    def checklist(self) -> str:
        """齐全 3/3, or 缺 2/3：监测报告、现场照片."""
        return _checklist(self.completeness)


@functools.lru_cache(maxsize=1024)
def _checklist(state: Completeness) -> str:
    """The checklist status as shown (made once for each state: the index, the xlsx and each page show it)."""
    if state.complete:
        return f"齐全 {state.label}"
    return f"缺 {state.label}：{'、'.join(state.missing)}"


# --- names ------------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')
_SPACES = re.compile(r"\s+")


def safe_name(text: str, limit: int = 60) -> str:
    """A path component every system accepts: no separators, reserved or control characters, no leading dot,
    at most ``limit`` characters (the extension kept)."""
    cleaned = _SPACES.sub(" ", _UNSAFE.sub("_", text)).strip(" .") or "_"
    if len(cleaned) <= limit:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if dot and 0 < len(extension) <= 8 and stem:
        return stem[: limit - len(extension) - 1].rstrip(" .") + "." + extension
    return cleaned[:limit].rstrip(" .")


def unique_path(path: str, used: set[str]) -> str:
    """``path``, or ``name（2）.ext`` … when already used (compared without case, as Windows does)."""
    candidate, number = path, 1
    folder, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    while candidate.lower() in used:
        number += 1
        renamed = f"{stem}（{number}）" + (f".{extension}" if extension else "")
        candidate = f"{folder}/{renamed}" if folder else renamed
    used.add(candidate.lower())
    return candidate


def _when(moment: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """2026年1月23日 14:05 in the site's time zone (``zone``: that zone, read once by a caller with thousands)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone or timezone.get_current_timezone())
    return f"{chinese_date(local)} {local.hour:02d}:{local.minute:02d}"


# --- reads ------------------------------------------------------------------------------------------------


def _domains(program: Program) -> dict[str, str]:
    """Each domain of the program's framework numbered in indicator order: 生态制度 → 一、生态制度."""
    names: list[str] = []
    for domain in (program.framework.indicators.order_by("order", "id").values_list("domain", flat=True)):
        if domain not in names:
            names.append(domain)
    return {name: f"{chinese_numeral(i)}、{name}" for i, name in enumerate(names, 1)}


def _display(number: Decimal | None, qualitative: str, labels: dict[str, str]) -> str:
    """A revision's value as :attr:`apps.reporting.models.ValueRevision.display` shows it (``labels``: the
    qualitative statuses' labels, translated once per dossier: a lazy label's translation costs a locale lookup)."""
    if qualitative:
        return labels.get(qualitative, qualitative)
    return "—" if number is None else format(number.normalize(), "f")


def _remembered(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` with its answers remembered (a workflow's labels, translated once each per dossier)."""
    known: dict[str, str] = {}

    def lookup(key: str) -> str:
        found = known.get(key)
        if found is None:
            found = known[key] = function(key)
        return found

    return lookup


def dossier_rows(filters: DossierFilter, *,
                 files_found: Callable[[list[tuple[str, int]]], None] | None = None) -> list[DossierRow]:
    """The approved values in ``filters`` with their history and evidence, domain → indicator → region →
    period (six queries; rows read as plain tuples, since a dossier holds thousands of values). ``files_found``:
    told the evidence files (stored name, recorded size) in the rows' order as soon as they are known, before the
    revisions, the review events and the rows themselves are read (:meth:`EvidenceReaders.start`)."""
    zone = timezone.get_current_timezone()
    kind = ContentType.objects.get_for_model(IndicatorValue)
    workflow = workflow_for(f"{kind.app_label}.{kind.model}")
    action_label, status_label = _remembered(workflow.action_label), _remembered(workflow.status_label)
    statuses = {status.value: str(status.label) for status in QualitativeStatus}
    values = list(filters.values().order_by("indicator__order", "indicator_id", "region__path", "period_type",
                                            "period_number").values_list(
        "id", "indicator_id", "region_id", "region__name", "period_type", "period_number", "approved_at",
        "approved_revision__version", "approved_revision__number", "approved_revision__qualitative",
        "approved_revision__source", "approved_revision__caliber"))
    approved = {value[0]: value[7] for value in values}  # the approved revision's version of each value
    ids = filters.values().values("id")
    files: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (Evidence.objects.filter(content_type=kind, object_id__in=ids).order_by("uploaded_at", "id")
                .values_list("object_id", "id", "original_name", "checklist_item", "size", "sha256", "file",
                             "uploaded_by__display_name", "uploaded_by__username", "uploaded_at")):
        files[row[0]].append(row)
    no_files: list[tuple[Any, ...]] = []
    if files_found is not None:  # in the order written: the values' order, each value's files in upload order
        files_found([(e[6], e[4]) for value in values for e in files.get(value[0], no_files)])
    revisions: dict[int, list[RevisionLine]] = defaultdict(list)
    for value_id, version, number, qualitative, source, caliber, reason, shown, user, at in (
            ValueRevision.objects.filter(value_id__in=ids).order_by("at", "id").values_list(
                "value_id", "version", "number", "qualitative", "source", "caliber", "reason",
                "author__display_name", "author__username", "at")):
        revisions[value_id].append(RevisionLine(
            version, _display(number, qualitative, statuses), source, caliber, reason, shown or user or "系统",
            _when(at, zone), version == approved.get(value_id)))
    events: dict[int, list[EventLine]] = defaultdict(list)
    for object_id, action, old, new, shown, user, at, comment in (
            ReviewEvent.objects.filter(content_type=kind, object_id__in=ids).order_by("at", "id").values_list(
                "object_id", "action", "old_status", "new_status", "actor__display_name", "actor__username", "at",
                "comment")):
        events[object_id].append(EventLine(action_label(action), status_label(old), status_label(new),
                                           shown or user or "系统", _when(at, zone), comment))
    indicators = {i.id: i for i in filters.program.framework.indicators.all()}
    indicators.update({i.id: i for i in filters.program.local_indicators.all()})
    domains = _domains(filters.program)
    used: set[str] = set()
    safe: dict[str, str] = {}  # the folders' components and the files' names repeat: made safe once each
    labels: dict[tuple[str, int], str] = {}
    completeness: dict[tuple[int, frozenset[str]], Completeness] = {}
    names: dict[int, tuple[str, str, bool, str]] = {}  # each indicator's domain, "15 林草覆盖率", binding, unit
    no_lines: list[RevisionLine] = []
    rows = []
    for (value_id, indicator_id, region_id, region, period_type, period_number, approved_at, _version, number,
         qualitative, source, caliber) in values:
        named = names.get(indicator_id)
        if named is None:
            indicator = indicators[indicator_id]
            named = names[indicator_id] = (domains.get(indicator.domain, indicator.domain),
                                           f"{indicator.number} {indicator.name}", bool(indicator.binding),
                                           indicator.unit)
        domain, indicator_name, binding, unit = named
        key = (period_type, period_number)
        period = labels.get(key) or labels.setdefault(key, period_label(period_type, filters.year, period_number))
        mine = files.get(value_id, no_files)
        evidence: tuple[EvidenceLine, ...] = ()
        items: frozenset[str] = frozenset()
        if mine:
            folder = "/".join([EVIDENCE_DIR] + [safe.get(part) or safe.setdefault(part, safe_name(part)) for part in (
                domain, indicator_name, region, period)])
            evidence = tuple([EvidenceLine(
                e[1], e[2], e[3], e[4], e[5], e[6], e[7] or e[8] or "系统", _when(e[9], zone),
                unique_path(f"{folder}/{n:02d} {safe.get(e[2]) or safe.setdefault(e[2], safe_name(e[2]))}", used))
                for n, e in enumerate(mine, 1)])
            items = frozenset([e[3] for e in mine])
        state = completeness.get((indicator_id, items))
        if state is None:
            state = completeness[indicator_id, items] = checklist_completeness(indicators[indicator_id], items)
        rows.append(DossierRow(
            value_id, domain, indicator_name, indicator_id, binding, unit, region, region_id, period, key,
            _display(number, qualitative, statuses), number, source, caliber, _when(approved_at, zone), state,
            tuple(revisions.get(value_id, no_lines)), tuple(events.get(value_id, ())), evidence))
    return rows


def dossier_data_version(filters: DossierFilter, *, with_changes: bool = False) -> str:
    """A fingerprint of everything the package holds: the approved values in the filter (and, for the update
    package, last year's), their revisions, review events and evidence files."""
    years = [filters.year, filters.year - 1] if with_changes else [filters.year]
    kind = ContentType.objects.get_for_model(IndicatorValue)
    parts = [DOSSIER_FORMAT, str(with_changes), filters.indicator_set, str(filters.region and filters.region.id)]
    for year in years:
        values = filters.values(year)
        ids = values.values("id")
        parts += [
            repr(list(values.order_by("id").values_list("id", "approved_revision_id", "version"))),
            repr(ValueRevision.objects.filter(value_id__in=ids).aggregate(n=Count("id"), last=Max("id"))),
            repr(ReviewEvent.objects.filter(content_type=kind, object_id__in=ids).aggregate(n=Count("id"),
                                                                                           last=Max("id"))),
            repr(list(Evidence.objects.filter(content_type=kind, object_id__in=ids).order_by("id")
                      .values_list("id", "sha256", "checklist_item", "original_name"))),
        ]
    parts.append(repr(list(filters.program.framework.indicators.filter(Q(evidence_checklist__isnull=False))
                           .order_by("id").values_list("id", "evidence_checklist", "evidence_optional"))))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# --- the yearly update: what changed against last year ----------------------------------------------------


@dataclass(frozen=True)
class Change:
    row: DossierRow
    kind: str  # 新增 / 变化 / 未变
    last_value: str
    new_evidence: int


def update_changes(filters: DossierFilter, rows: list[DossierRow]) -> list[Change]:
    """Each value of the year against last year's approved value of the same indicator, region and period
    number, and its evidence files not in last year's package (by content hash; two queries)."""
    last = {(v.indicator_id, v.region_id, v.period_type, v.period_number): v.approved_revision
            for v in filters.values(filters.year - 1).select_related("approved_revision")}
    kind = ContentType.objects.get_for_model(IndicatorValue)
    old_hashes = set(Evidence.objects.filter(content_type=kind, object_id__in=filters.values(filters.year - 1)
                                             .values("id")).values_list("sha256", flat=True))
    changes = []
    for row in rows:
        before = last.get((row.indicator_id, row.region_id, *row.period_key))
        if before is None:
            kind_text, last_value = "新增", ""
        else:
            same = (before.number == row.number and before.display == row.value)
            kind_text, last_value = ("未变" if same else "变化"), before.display
        changes.append(Change(row, kind_text, last_value, sum(1 for e in row.evidence if e.sha256 not in old_hashes)))
    return changes


# --- writing the zip --------------------------------------------------------------------------------------

_STYLE = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
          "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #999;padding:4px 6px;"
          "vertical-align:top;text-align:left}th{background:#ddebf7}.gap{color:#b00}.num{text-align:right}"
          "h1{font-size:1.5em}caption{text-align:left;font-weight:bold}")


@functools.lru_cache(maxsize=1 << 15)
def _e(text: object) -> str:
    """``text`` escaped for HTML; remembered, since names, dates, statuses and labels repeat over thousands of pages
    (:func:`write_dossier` forgets them when done)."""
    return html.escape(str(text))


@functools.lru_cache(maxsize=1 << 15)
def _quoted(path: str) -> str:
    """``path`` as a URL (each file is linked from the index and from its value's page: quoted once)."""
    return quote(path)


_QUOTED_VALUE_DIR = quote(VALUE_DIR)


def _href(path: str, *, up: bool = False) -> str:
    return ("../" if up else "") + _quoted(path)


def _page_head(title: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body>")


def _page(title: str, body: str) -> bytes:
    return f"{_page_head(_e(title))}{body}</body></html>".encode()


def _evidence_links(row: DossierRow, *, up: bool) -> str:
    return "<br>".join(f'<a href="{_href(e.path, up=up)}">{_e(e.name)}</a>' for e in row.evidence) or "—"


def index_html(title: str, subtitle: str, rows: list[DossierRow]) -> bytes:
    lines = []
    for row in rows:
        gap = "" if row.completeness.complete else ' class="gap"'
        lines.append(
            f"<tr><td>{_e(row.domain)}</td><td>{_e(row.indicator)}{'★' if row.binding else ''}</td>"
            f"<td>{_e(row.region)}</td><td>{_e(row.period)}</td>"
            f'<td class="num"><a href="{_QUOTED_VALUE_DIR}/{row.value_id}.html">{_e(row.value)}</a></td>'
            f"<td>{_e(row.unit)}</td><td{gap}>{_e(row.checklist)}</td><td>{_evidence_links(row, up=False)}</td></tr>")
    return _index_page(title, subtitle, len(rows), "".join(lines))


def _index_page(title: str, subtitle: str, count: int, lines: str) -> bytes:
    """index.html around its table rows ``lines`` (of :func:`index_html` or :func:`html_bulk`)."""
    body = (f"<h1>{_e(title)}</h1><p>{_e(subtitle)}</p><p>共{count}项经审核的指标值；★为约束性指标。"
            f'点击数值查看修订记录、审核记录和佐证材料；各文件的 SHA-256 见 <a href="{MANIFEST}">{MANIFEST}</a>。</p>'
            "<table><thead><tr><th>领域</th><th>指标</th><th>区域</th><th>期次</th><th>数值</th><th>单位</th>"
            f"<th>佐证材料清单</th><th>佐证材料</th></tr></thead><tbody>{lines}</tbody></table>")
    return _page(title, body)


def _table_head(caption: str, header: Iterable[str]) -> str:
    """A table up to its body's first row (the rows then ``</tbody></table>``)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>"


def _cells(cells: Iterable[object]) -> str:
    return "<tr><td>" + "</td><td>".join(map(_e, cells)) + "</td></tr>"


# The fixed parts of a value's page, built once: each page is then one f-string of its escaped fields.
_FACTS = _table_head("指标值", ("数值", "单位", "数据来源", "统计口径", "审核通过时间", "佐证材料清单"))
_HISTORY = _table_head("修订记录", ("版本", "数值", "数据来源", "统计口径", "修改理由", "填报人", "时间",
                                    "审核通过的版本"))
_EVENTS = _table_head("审核记录", ("操作", "原状态", "新状态", "操作人", "时间", "意见"))
_FILES = _table_head("佐证材料", ("文件", "对应清单项", "大小（字节）", "上传人", "上传时间", "SHA-256"))


def value_html(row: DossierRow) -> bytes:
    """The value's page: its facts, revision history, review events and evidence (with the missing items)."""
    title = _e(f"{row.indicator} · {row.region} · {row.period}")
    facts = _cells((row.value, row.unit, row.source or "—", row.caliber or "—", row.approved_at, row.checklist))
    history = "".join(_cells((r.version, r.value, r.source, r.caliber, r.reason, r.author, r.at,
                              "是" if r.approved else "")) for r in row.revisions)
    events = "".join(_cells((e.action, e.old, e.new, e.actor, e.at, e.comment)) for e in row.events)
    files = "".join(
        f'<tr><td><a href="../{_quoted(e.path)}">{_e(e.name)}</a></td><td>{_e(e.checklist_item or "—")}</td>'
        f"<td>{e.size:,}</td><td>{_e(e.uploaded_by)}</td><td>{_e(e.uploaded_at)}</td><td>{e.sha256}</td></tr>"
        for e in row.evidence)
    missing = (f'<p class="gap">缺少的佐证材料：{_e("、".join(row.completeness.missing))}</p>'
               if row.completeness.missing else "")
    return (f'{_page_head(title)}<p><a href="../index.html">返回目录</a></p><h1>{title}</h1>'
            f"{_FACTS}{facts}</tbody></table>{_HISTORY}{history}</tbody></table>{_EVENTS}{events}</tbody></table>"
            f"{_FILES}{files}</tbody></table>{missing}</body></html>").encode()


# --- every page at once -----------------------------------------------------------------------------------
# The same HTML as :func:`value_html` and :func:`index_html`'s rows (tests/reports compare them), built by polars
# over the rows' columns: the escaping, the table rows and the pages are joined in Rust without the GIL, so the
# reader threads hash the evidence meanwhile (a page at a time in Python held the GIL for 15 µs a page).

_ESCAPE = ["&", "<", ">", '"', "'"]
_ESCAPED = ["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"]  # html.escape(text, quote=True)


def _x(name: str) -> pl.Expr:
    """The text column ``name`` escaped for HTML (``None`` shown as ``str(None)``, as :func:`_e` does)."""
    return pl.col(name).fill_null("None").str.replace_many(_ESCAPE, _ESCAPED)


def _or_dash(name: str) -> pl.Expr:
    """``text or "—"``, escaped."""
    return pl.when(pl.col(name).fill_null("") == "").then(pl.lit("—")).otherwise(_x(name))


def _tr(*cells: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("<tr><td>"), pl.concat_str(list(cells), separator="</td><td>"), pl.lit("</td></tr>")])


def _joined(frame: pl.LazyFrame, text: pl.Expr, separator: str = "") -> pl.LazyFrame:
    """``text`` of each line joined per row of the dossier (``i``: the row's position)."""
    return frame.group_by("i", maintain_order=True).agg(text.str.join(separator).alias("text"))


def _quoted_path(path: str, known: dict[str, str]) -> str:
    """``quote(path)``, each part between slashes quoted once (``known``: the parts quoted so far): the folders'
    parts and the files' names repeat over the files (``quote`` works a character at a time and keeps "/", so
    quoting the parts gives the same text)."""
    quoted = []
    for part in path.split("/"):
        done = known.get(part)
        if done is None:
            done = known[part] = quote(part)
        quoted.append(done)
    return "/".join(quoted)


def html_bulk(rows: list[DossierRow]) -> tuple[list[bytes], str]:
    """Each row's page (:func:`value_html`) and the index's table rows (:func:`index_html`), built at once."""
    text = pl.String
    quoted: dict[str, str] = {}
    values = pl.LazyFrame({
        "i": range(len(rows)), "value_id": [r.value_id for r in rows],
        "title": [f"{r.indicator} · {r.region} · {r.period}" for r in rows],
        "domain": [r.domain for r in rows], "indicator": [r.indicator for r in rows],
        "star": ["★" if r.binding else "" for r in rows], "region": [r.region for r in rows],
        "period": [r.period for r in rows], "value": [r.value for r in rows], "unit": [r.unit for r in rows],
        "source": [r.source for r in rows], "caliber": [r.caliber for r in rows],
        "approved_at": [r.approved_at for r in rows], "checklist": _checklist_texts(rows),
        "gap": ["" if r.completeness.complete else ' class="gap"' for r in rows],
        "missing": ["、".join(r.completeness.missing) for r in rows]},
        schema={"i": pl.Int64, "value_id": pl.Int64, **dict.fromkeys(
            ("title", "domain", "indicator", "star", "region", "period", "value", "unit", "source", "caliber",
             "approved_at", "checklist", "gap", "missing"), text)})
    revisions = pl.LazyFrame(
        [(i, *line) for i, r in enumerate(rows) for line in r.revisions], orient="row",
        schema={"i": pl.Int64, "version": pl.Int64, **dict.fromkeys(
            ("value", "source", "caliber", "reason", "author", "at"), text), "approved": pl.Boolean})
    events = pl.LazyFrame(
        [(i, *line) for i, r in enumerate(rows) for line in r.events], orient="row",
        schema={"i": pl.Int64, **dict.fromkeys(("action", "old", "new", "actor", "at", "comment"), text)})
    files = pl.LazyFrame(
        [(i, _quoted_path(e.path, quoted), e.name, e.checklist_item, f"{e.size:,}", e.uploaded_by, e.uploaded_at, e.sha256)
         for i, r in enumerate(rows) for e in r.evidence], orient="row",
        schema={"i": pl.Int64, **dict.fromkeys(
            ("href", "name", "item", "size", "by", "at", "sha256"), text)})
    history = _joined(revisions, _tr(pl.col("version").cast(text), *map(_x, (
        "value", "source", "caliber", "reason", "author", "at")), pl.when("approved").then(pl.lit("是"))
        .otherwise(pl.lit(""))))
    event_rows = _joined(events, _tr(*map(_x, ("action", "old", "new", "actor", "at", "comment"))))
    file_rows = _joined(files, pl.format(
        '<tr><td><a href="../{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        "href", _x("name"), _or_dash("item"), "size", _x("by"), _x("at"), "sha256"))
    links = _joined(files, pl.format('<a href="{}">{}</a>', "href", _x("name")), "<br>")
    joined = values
    for part, name in ((history, "history"), (event_rows, "events"), (file_rows, "files"), (links, "links")):
        joined = joined.join(part.rename({"text": name}), on="i", how="left", maintain_order="left")
    title = _x("title")
    end = pl.lit("</tbody></table>")
    pages, index = pl.collect_all([joined.select(pl.concat_str([
        pl.lit('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>'), title,
        pl.lit(f"</title><style>{_STYLE}</style></head><body>" '<p><a href="../index.html">返回目录</a></p><h1>'),
        title, pl.lit(f"</h1>{_FACTS}"), _tr(_x("value"), _x("unit"), _or_dash("source"), _or_dash("caliber"),
                                           _x("approved_at"), _x("checklist")),
        end, pl.lit(_HISTORY), pl.col("history").fill_null(""), end, pl.lit(_EVENTS), pl.col("events").fill_null(""),
        end, pl.lit(_FILES), pl.col("files").fill_null(""), end,
        pl.when(pl.col("missing") == "").then(pl.lit("")).otherwise(pl.concat_str([
            pl.lit('<p class="gap">缺少的佐证材料：'), _x("missing"), pl.lit("</p>")])),
        pl.lit("</body></html>")]).cast(pl.Binary).alias("page")),
        joined.select(pl.concat_str([
            pl.lit("<tr><td>"), _x("domain"), pl.lit("</td><td>"), _x("indicator"), "star", pl.lit("</td><td>"),
            _x("region"), pl.lit("</td><td>"), _x("period"), pl.lit(f'</td><td class="num"><a href="{_QUOTED_VALUE_DIR}/'),
            pl.col("value_id").cast(text), pl.lit('.html">'), _x("value"), pl.lit("</a></td><td>"), _x("unit"),
            pl.lit("</td><td"), "gap", pl.lit(">"), _x("checklist"), pl.lit("</td><td>"),
            pl.col("links").fill_null("—"), pl.lit("</td></tr>")]).str.join("").alias("index"))])
    return pages["page"].to_list(), index["index"].item() if len(rows) else ""


def index_xlsx(title: str, rows: list[DossierRow]) -> bytes:
    return sheets_xlsx([Sheet("目录", title, (
        ("领域", 14), ("指标", 30), ("区域", 12), ("期次", 12), ("数值", 14), ("单位", 10), ("约束性", 8),
        ("数据来源", 20), ("佐证材料清单", 28), ("佐证材料文件", 50), ("指标值页面", 20)), (
        _index_frame(rows)), note="数值、修订和审核记录见“指标值页面”（在压缩包内打开 index.html 可点击浏览）。")])


def _checklist_texts(rows: list[DossierRow]) -> list[str]:
    """Each row's checklist text, made once per checklist state (the rows share a few)."""
    texts: dict[int, str] = {}  # by the state's id: the rows keep the states alive meanwhile
    return [texts.get(id(r.completeness)) or texts.setdefault(id(r.completeness), r.checklist) for r in rows]


def _index_frame(rows: list[DossierRow]) -> pl.DataFrame:
    """目录.xlsx's cells, a column at a time (the sheet's rows are then written by polars)."""
    return pl.DataFrame([
        [r.domain for r in rows], [r.indicator for r in rows], [r.region for r in rows], [r.period for r in rows],
        [r.value for r in rows], [r.unit for r in rows], ["是" if r.binding else "否" for r in rows],
        [r.source for r in rows], _checklist_texts(rows),
        ["\n".join([e.path for e in r.evidence]) for r in rows], [f"{VALUE_DIR}/{r.value_id}.html" for r in rows]],
        schema=[(f"c{k}", pl.String) for k in range(11)], orient="col")


def changes_xlsx(title: str, changes: list[Change]) -> bytes:
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in ("新增", "变化", "未变")}
    return sheets_xlsx([Sheet("汇总", f"{title} 变更说明", (("项目", 24), ("数量", 12)), (
        ("本年度经审核指标值", len(changes)), ("较上年新增", counts["新增"]), ("较上年数值变化", counts["变化"]),
        ("较上年未变", counts["未变"]), ("新增佐证材料文件", sum(c.new_evidence for c in changes)))),
        Sheet("明细", "指标值变更明细", (
        ("领域", 14), ("指标", 30), ("区域", 12), ("期次", 12), ("上年数值", 14), ("本年数值", 14), ("变更", 8),
        ("新增佐证材料", 12)), (
        (c.row.domain, c.row.indicator, c.row.region, c.row.period, c.last_value or "—", c.row.value, c.kind,
         c.new_evidence) for c in changes))])


#: An evidence file's bytes, their SHA-256 (hex) and CRC-32.
Loaded = tuple[bytes, str, int]


class _Manifest:
    """The zip being written, with the path, size and SHA-256 of each file as it goes in."""

    def __init__(self, archive: ZipWriter) -> None:
        self.archive = archive
        self.lines: list[tuple[str, int, str, str]] = []

    def add_bytes(self, path: str, data: bytes, *, compress: bool = True) -> None:
        self.archive.add(path, data, compress=1 if compress else None)
        self.record(path, len(data), hashlib.sha256(data).hexdigest())

    def add_file(self, path: str, loaded: Loaded, recorded: str) -> None:
        """An evidence file read whole, with the SHA-256 and CRC-32 of those very bytes (:func:`load_evidence`)."""
        data, sha, crc = loaded
        self.archive.add(path, data, crc=crc, fixed_time=True)  # PDFs, Office files, pictures: compressed already
        self.record(path, len(data), sha, recorded)

    def add_stream(self, path: str, source: IO[bytes], recorded: str) -> None:
        """An evidence file too large to hold, streamed in chunks, each hashed as it is written."""
        digest = hashlib.sha256()

        def chunks() -> Iterator[bytes]:
            while chunk := source.read(CHUNK):
                digest.update(chunk)  # the very bytes written: each file is read once
                yield chunk

        size, _crc = self.archive.add_chunks(path, chunks(), fixed_time=True)
        sha = digest.hexdigest()
        self.record(path, size, sha, recorded)

    def record(self, path: str, size: int, sha: str, recorded: str | None = None) -> None:
        """The manifest's line of a file in the zip; for evidence (``recorded``: its hash at upload) whether the
        bytes written still have that hash."""
        self.lines.append((path, size, sha, "" if recorded is None else _same(sha, recorded)))

    def close(self) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(("路径", "大小（字节）", "SHA-256", "与上传时一致"))
        writer.writerows(self.lines)
        self.archive.add(MANIFEST, ("\ufeff" + out.getvalue()).encode(), compress=1)


def _same(sha: str, recorded: str) -> str:
    return "是" if sha == recorded else "否（与上传时不一致）"


def _open(storage: Storage, name: str, folders: dict[str, str] | None = None) -> IO[bytes]:
    """The stored file ``name`` unbuffered where it is a local file (read straight into the bytes handed on: Django's
    ``File`` over a buffered reader cost the readers a third more per file), else as the storage opens it.
    ``folders``: the local paths of the folders seen so far (``storage.path`` checks the whole name each time, about
    10 µs; a plain file name in a checked folder cannot leave it)."""
    folder, _, base = name.rpartition("/")
    where = None if folders is None else folders.get(folder)
    try:
        if where is None or base in ("", ".", "..") or os.sep in base or (os.altsep and os.altsep in base):
            if folders is not None:
                folders[folder] = storage.path(folder)
            return open(storage.path(name), "rb", buffering=0)
    except NotImplementedError:
        return storage.open(name, "rb")
    return open(os.path.join(where, base), "rb", buffering=0)


def load_evidence(storage: Storage, name: str, size: int,
                  folders: dict[str, str] | None = None) -> Loaded | None:
    """The stored file ``name`` read whole and hashed (SHA-256 for the manifest, CRC-32 for the zip), on a worker
    thread: reading, hashing and the CRC release the GIL. ``None`` for a file of more than :data:`WHOLE` bytes
    (``size``: as recorded at upload; a file found larger is read on up to that bound), which is then streamed."""
    if size > WHOLE:
        return None
    with _open(storage, name, folders) as source:
        data = source.read(size + 1)
        while more := source.read(CHUNK if len(data) > size else size + 1 - len(data)):  # to the end
            data += more
            if len(data) > WHOLE:
                return None
    return data, hashlib.sha256(data).hexdigest(), zlib.crc32(data)


class _Places:
    """Where each evidence file's data goes in the zip (file positions, in the order written) and the file they go
    into, once the writer has laid the entries out; until then (``ready`` false) the readers hand their bytes on."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.data: list[int] = []
        self.ready = False


#: An evidence file as a reader hands it on: its bytes (``None``: already written at its place in the zip, see
#: :class:`_Places`), their SHA-256 (hex) and CRC-32, and its size; ``None`` for a file to stream.
Read = tuple[bytes | None, str, int, int] | None


def _pwrite(fd: int, data: bytes | memoryview, at: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, at)
        view, at = view[written:], at + written


def _load_batch(storage: Storage, batch: list[tuple[int, str, int]], folders: dict[str, str],
                places: _Places | None) -> list[Read]:
    """Each file of ``batch`` (its number in the order written, name, recorded size) read and hashed; once
    ``places`` is ready, a file of its recorded size is also written at its place (:func:`os.pwrite` releases the
    GIL, as reading and hashing do: two readers write beside each other and beside the writer)."""
    answers: list[Read] = []
    for number, name, size in batch:
        loaded = load_evidence(storage, name, size, folders)
        if loaded is None:
            answers.append(None)
            continue
        data, sha, crc = loaded
        if places is not None and places.ready and len(data) == size:
            _pwrite(places.fd, data, places.data[number])
            answers.append((None, sha, crc, size))
        else:
            answers.append((data, sha, crc, len(data)))
    return answers


class _ReadAhead:
    """The evidence files in the order they are written, loaded by :func:`load_evidence` on ``pool`` while the
    writer is busy with the pages and the files before it, at most :data:`AHEAD` recorded bytes ahead; in batches
    of about :data:`CHUNK` bytes (a future per file cost about 25 µs of the writer's time). ``places``: where the
    readers write the files themselves once it is ready (:func:`_write_placed`)."""

    def __init__(self, pool: ThreadPoolExecutor | None, storage: Storage, files: Iterable[tuple[str, int]],
                 places: _Places | None = None) -> None:
        self.pool, self.storage, self.files, self.places = pool, storage, enumerate(files), places
        self.pending: deque[tuple[Future[list[Read]], int]] = deque()
        self.current: deque[Read] = deque()
        self.ahead = 0
        self.folders: dict[str, str] = {}  # each folder's local path, checked once (shared by the readers)
        self._fill()

    def _fill(self) -> None:
        if self.pool is None:
            return
        while self.ahead < AHEAD:
            batch: list[tuple[int, str, int]] = []
            weight = 0
            while weight < CHUNK:
                number, evidence = next(self.files, (0, None))
                if evidence is None:
                    break
                name, size = evidence
                batch.append((number, name, size))
                weight += min(size, WHOLE) + 1
            if not batch:
                return
            future = self.pool.submit(_load_batch, self.storage, batch, self.folders, self.places)
            self.pending.append((future, weight))
            self.ahead += weight

    def next(self) -> Read:
        if self.pool is None:
            _number, (name, size) = next(self.files)
            loaded = load_evidence(self.storage, name, size, self.folders)
            return None if loaded is None else (*loaded, len(loaded[0]))
        if not self.current:
            future, weight = self.pending.popleft()
            self.ahead -= weight
            self._fill()
            self.current.extend(future.result())
        return self.current.popleft()

    def stop(self) -> None:
        """No more writes by the readers: the batches under way finished, the others not started."""
        if self.places is not None:
            self.places.ready = False
        for future, _weight in self.pending:
            future.cancel()
        for future, _weight in self.pending:
            if not future.cancelled():
                future.exception()  # waits; a reader's error is the writer's to raise, if at all
        self.pending.clear()


def _positioned(target: IO[bytes]) -> int | None:
    """``target``'s file descriptor if the readers can write into it by position (a file not opened to append)."""
    if not hasattr(os, "pwrite") or "a" in str(getattr(target, "mode", "")):
        return None
    try:
        return target.fileno() if target.seekable() else None
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        return None


class EvidenceReaders:
    """The :data:`READERS` worker threads that read and hash a dossier's evidence for :func:`write_dossier`
    (:class:`_ReadAhead`), and into a real ``target`` write it at its place (:class:`_Places`); started by
    :meth:`start` as soon as the files are known (``dossier_rows(..., files_found=readers.start)``: while the
    revisions, the review events, the rows and the pages are made). A context manager: leaving it stops them."""

    def __init__(self, storage: Storage, target: IO[bytes]) -> None:
        self.storage = storage
        self.pool = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="dossier-read") if READERS else None
        fd = _positioned(target) if self.pool is not None else None
        self.places = None if fd is None else _Places(fd)
        self.files: list[tuple[str, int]] | None = None
        self.ahead: _ReadAhead | None = None

    def start(self, files: list[tuple[str, int]]) -> None:
        """Begin reading ``files`` (stored name, recorded size), in the order they are written."""
        self.files = files
        self.ahead = _ReadAhead(self.pool, self.storage, files, self.places)

    def again(self) -> _ReadAhead:
        """The same files from the first, read for the writer to write in turn (the readers write nothing)."""
        if self.ahead is not None:
            self.ahead.stop()
        self.places = None
        self.ahead = _ReadAhead(self.pool, self.storage, self.files or [])
        return self.ahead

    def __enter__(self) -> EvidenceReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ahead is not None:
            self.ahead.stop()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def write_dossier(target: IO[bytes], *, title: str, subtitle: str, rows: list[DossierRow], storage: Storage,
                  extra: Iterable[tuple[str, bytes]] = (), progress: Progress | None = None,
                  readers: EvidenceReaders | None = None) -> int:
    """Write the package into ``target`` (a seekable file open for writing), with the ``extra`` workbooks (stored:
    compressed already); answers the number of evidence files. The evidence is read and hashed by
    :data:`READERS` worker threads ahead of the writer (``readers``, started on the rows' files when not given or
    not started), so that SHA-256 and CRC-32 run beside the pages and the writes on a second core; into a real
    file the readers also write the files themselves at their places (:func:`_write_placed`), else the writer
    does (:func:`_write_in_turn`)."""
    if readers is None:
        with EvidenceReaders(storage, target) as own:
            return write_dossier(target, title=title, subtitle=subtitle, rows=rows, storage=storage, extra=extra,
                                 progress=progress, readers=own)
    if readers.ahead is None:
        readers.start([(e.storage_name, e.size) for row in rows for e in row.evidence])
    files, places = readers.ahead, readers.places
    assert files is not None
    try:
        archive = ZipWriter(target)
        manifest = _Manifest(archive)
        pages, lines = html_bulk(rows)
        manifest.add_bytes("index.html", _index_page(title, subtitle, len(rows), lines))
        manifest.add_bytes("目录.xlsx", index_xlsx(title, rows), compress=False)  # a zip itself: deflated within
        for name, data in extra:
            manifest.add_bytes(name, data, compress=False)
        entries, offset, lines_before = len(archive.entries), archive.offset, len(manifest.lines)
        done = None if places is None else _write_placed(manifest, rows, pages, files, places, storage, progress)
        if places is not None and done is None:  # a file's size is not the one recorded: the layout does not hold
            files = readers.again()
            archive.rewind(entries, offset)
            del manifest.lines[lines_before:]
        if done is None:
            done = _write_in_turn(manifest, rows, pages, files, storage, progress)
        manifest.close()
        archive.close()
    finally:
        _e.cache_clear()
        _quoted.cache_clear()
        _checklist.cache_clear()
    return done


def _progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and done % 50 == 0:
        progress(10 + 85 * done // (total or 1), "写入佐证材料")


def _write_in_turn(manifest: _Manifest, rows: list[DossierRow], pages: list[bytes], files: _ReadAhead,
                   storage: Storage, progress: Progress | None) -> int:
    """Each value's page and evidence files written one after another by the writer."""
    total, done = sum(len(row.evidence) for row in rows), 0
    for row, page in zip(rows, pages, strict=True):
        manifest.add_bytes(row.page, page, compress=False)  # thousands of small pages
        for evidence in row.evidence:
            loaded = files.next()
            if loaded is not None:
                data, sha, crc, _size = loaded
                assert data is not None  # the readers write nothing themselves here
                manifest.add_file(evidence.path, (data, sha, crc), evidence.sha256)
            else:
                with storage.open(evidence.storage_name, "rb") as source:
                    manifest.add_stream(evidence.path, source, evidence.sha256)
            done += 1
            _progress(progress, done, total)
    return done


def _write_placed(manifest: _Manifest, rows: list[DossierRow], pages: list[bytes], files: _ReadAhead,
                  places: _Places, storage: Storage, progress: Progress | None) -> int | None:
    """The same entries as :func:`_write_in_turn`, the same bytes, laid out first (stored entries: each one's place
    follows from its name and size, as recorded at upload), then written by position: the evidence by the readers
    (or by the writer, for the files read before the layout was known and those streamed), the pages and each
    entry's header (with the CRC-32 the readers found) by the writer. ``None`` as soon as a file's size is not the
    one recorded: the places after it are wrong, and the caller writes the entries again in turn."""
    archive, fd = manifest.archive, places.fd
    manifest.archive.target.flush()  # the entries before, written through the file's buffer
    laid_out = []
    for row, page in zip(rows, pages, strict=True):
        laid_out.append(archive.reserve(row.page, len(page)))
        for evidence in row.evidence:
            entry, data_at = archive.reserve(evidence.path, evidence.size, fixed_time=True,
                                             streamed=evidence.size > WHOLE)
            laid_out.append((entry, data_at))
            places.data.append(data_at)
    places.ready = True
    total, done = len(places.data), 0
    spots = iter(laid_out)
    for row, page in zip(rows, pages, strict=True):
        entry, _data_at = next(spots)
        header, at = archive.header(entry, zlib.crc32(page))
        _pwrite(fd, header + page, at)
        manifest.record(row.page, len(page), hashlib.sha256(page).hexdigest())
        for evidence in row.evidence:
            entry, data_at = next(spots)
            read = files.next()
            if read is None and evidence.size > WHOLE:
                with storage.open(evidence.storage_name, "rb") as source:
                    read = _stream_at(fd, source, data_at, evidence.size)
            if read is None or read[3] != evidence.size:
                return None
            data, sha, crc, size = read
            if data is not None:  # read before the layout was known
                _pwrite(fd, data, data_at)
            header, at = archive.header(entry, crc)
            _pwrite(fd, header, at)
            manifest.record(evidence.path, size, sha, evidence.sha256)
            done += 1
            _progress(progress, done, total)
    archive.target.seek(archive.offset)
    return done


def _stream_at(fd: int, source: IO[bytes], at: int, size: int) -> Read:
    """A file too large to hold copied in chunks to ``at`` (up to one byte past ``size``), hashed as it goes."""
    digest, crc, written = hashlib.sha256(), 0, 0
    while written <= size and (chunk := source.read(CHUNK)):
        chunk = chunk[: size + 1 - written]
        digest.update(chunk)
        crc = zlib.crc32(chunk, crc)
        _pwrite(fd, chunk, at + written)
        written += len(chunk)
    return None, digest.hexdigest(), crc, written


def copy_only(target: IO[bytes], names: Iterable[str], storage: Storage) -> None:
    """The baseline of the benchmark: read the same files and zip them, nothing else."""
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        for n, name in enumerate(names):
            info = zipfile.ZipInfo(f"{n:05d}", date_time=(2000, 1, 1, 0, 0, 0))
            with storage.open(name, "rb") as source, archive.open(info, "w", force_zip64=True) as out:
                shutil.copyfileobj(source, out, CHUNK)


def copy_only_own_writer(target: IO[bytes], names: Iterable[str], storage: Storage) -> None:
    """The same as :func:`copy_only` through the dossier's own writer (:class:`.ziparchive.ZipWriter`): each file
    read whole, its CRC-32 computed and written, one thread; the benchmark's second baseline."""
    archive = ZipWriter(target)
    for n, name in enumerate(names):
        with storage.open(name, "rb") as source:
            archive.add(f"{n:05d}", source.read(), fixed_time=True)
    archive.close()
