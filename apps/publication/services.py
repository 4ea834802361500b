"""Writes for publications: a draft, the one transition function (publish, withdraw) and the portal setting;
the county map; 公示 notices (their transition function, public comments, the office's replies); the disclosure
list and the submission of its rate as an indicator value."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, PermissionDeniedError, found
from apps.core.uploads import CheckedUpload
from apps.indicators.models import Indicator
from apps.programs.models import Program
from apps.reporting.models import IndicatorValue, PeriodType
from apps.reporting.selectors import annual_round
from apps.reporting.services import ValueInput, indicator_value_save
from apps.review.models import ReviewEvent
from apps.review.services import workflow_step
from docimport.geojson import GeoJsonError, read_county_map

from . import spam
from .access import REFUSAL, can_publish
from .models import (
    YEAR_KINDS,
    DisclosureItem,
    MapLayer,
    Notice,
    NoticeComment,
    PortalSetting,
    PortalStatus,
    Publication,
    PublicationKind,
)
from .selectors import DISCLOSURE_INDICATOR, DISCLOSURE_KINDS, disclosure
from .snapshots import build_snapshot
from .workflow import (
    NOTICE_WORKFLOW,
    PUBLICATION_WORKFLOW,
    NoticeAction,
    NoticeStatus,
    PublicationAction,
)

#: The kinds a plan document may be uploaded as.
PLAN_FILE_KINDS = {"pdf", "docx"}


def _require(actor: User, program: Program) -> None:
    if not can_publish(actor, program):
        raise PermissionDeniedError(REFUSAL)


@transaction.atomic
def publication_create(*, program: Program, actor: User, kind: str, title: str, year: int | None = None,
                       body: str = "", doc_number: str = "", upload: CheckedUpload | None = None) -> Publication:
    """A draft: nothing of it is public until it is published."""
    _require(actor, program)
    if kind not in PublicationKind.values:
        raise DomainError(f"未知的发布类型「{kind}」。")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写标题。")
    if kind in YEAR_KINDS and year is None:
        raise DomainError("请选择年度。")
    if year is not None and not (program.base_year - 30 <= year <= program.target_year + 30):
        raise DomainError(f"年度{year}不在创建工作的年限附近。")
    if kind == PublicationKind.NEWS and not (body or "").strip():
        raise DomainError("工作动态须填写正文。")
    if kind == PublicationKind.PLAN:
        if upload is None:
            raise DomainError("规划文件须上传文件（PDF 或 Word）。")
        if upload.kind not in PLAN_FILE_KINDS:
            raise DomainError("规划文件须为 PDF 或 Word 文件。")
        if not (doc_number or "").strip():
            raise DomainError("规划文件须填写文号。")
    publication = Publication(program=program, kind=kind, year=year, title=title, body=(body or "").strip(),
                              doc_number=(doc_number or "").strip(), created_by=actor)
    publication.full_clean(exclude=["file"])
    if upload is not None and kind == PublicationKind.PLAN:
        publication.file_name = upload.name[:200]
        publication.file_sha256 = upload.sha256
        publication.file.save(f"publication.{upload.kind}", ContentFile(upload.data), save=False)
    publication.save()
    return publication


@transaction.atomic
def publication_transition(*, publication: Publication, action: str, actor: User, reason: str = "",
                           expected_version: int | None = None) -> ReviewEvent:
    """Publish or withdraw: the only writer of a publication's status.

    Publishing builds the snapshot under the row lock and stores it with the move; withdrawing needs a reason.
    Both record the move in the workflow history and in the audit log; the move bumps the version, which is part
    of the portal's cache key (:func:`apps.publication.selectors.portal_program`), so the portal's cache is stale
    from the commit on.
    """
    program = publication.program
    _require(actor, program)
    if action not in PublicationAction.values:
        raise DomainError(f"未知操作「{action}」。")
    reason = PUBLICATION_WORKFLOW.checked_comment(action, reason)
    now = timezone.now()
    changes: dict[str, object]
    if action == PublicationAction.PUBLISH:
        size = publication.file.size if publication.file else None
        payload, input_version = build_snapshot(
            program, publication.kind, publication.year, title=publication.title, body=publication.body,
            doc_number=publication.doc_number, file_name=publication.file_name,
            file_sha256=publication.file_sha256, file_size=size)
        changes = {"payload": payload, "input_version": input_version, "published_by": actor, "published_at": now}
    else:
        changes = {"withdrawn_by": actor, "withdrawn_at": now, "withdraw_reason": reason[:300]}
    event = workflow_step(obj=publication, workflow=PUBLICATION_WORKFLOW, action=action, actor=actor,
                          comment=reason, expected_version=expected_version, changes=changes,
                          data={"kind": publication.kind, "year": publication.year})
    record(actor, AuditAction.PUBLICATION if action == PublicationAction.PUBLISH else AuditAction.PUBLICATION_WITHDRAW,
           publication, region_id=program.region_id, kind=publication.kind, year=publication.year,
           version=publication.version, reason=reason)
    return event


@transaction.atomic
def portal_setting_set(*, program: Program, actor: User, status: str, intro: str = "",
                       slug: str | None = None) -> PortalSetting:
    """The portal's banner status, introduction and, unless ``slug`` is None, its short name in URLs ("" for none:
    the program's id always works too)."""
    _require(actor, program)
    if status not in PortalStatus.values:
        raise DomainError(f"未知的创建状态「{status}」。")
    setting, _created = PortalSetting.objects.select_for_update().get_or_create(program=program)
    setting.status = status
    setting.intro = (intro or "").strip()
    if slug is not None:
        slug = slug.strip().lower()
        if slug and not SLUG.fullmatch(slug):
            raise DomainError("门户短名须以小写字母开头，由 2 至 40 个小写字母、数字或连字符组成。")
        if slug and PortalSetting.objects.filter(slug=slug).exclude(program=program).exists():
            raise DomainError(f"门户短名「{slug}」已被使用。")
        setting.slug = slug or None
    setting.full_clean()
    setting.save()
    record(actor, AuditAction.SETUP_CHANGE, setting, region_id=program.region_id, status=status, slug=setting.slug)
    return setting


#: A portal's short name: never all digits (an id) nor a region code, nor the name of a portal path.
SLUG = re.compile(r"[a-z][a-z0-9-]{1,39}")


# --- the county map --------------------------------------------------------------------------------------


@transaction.atomic
def map_layer_upload(*, program: Program, actor: User, data: bytes, name: str = "") -> MapLayer:
    """Store the office's county map after checking it: a FeatureCollection keyed by region codes, every code
    one of the program's counties (or its own region), within the size and coordinate bounds."""
    _require(actor, program)
    try:
        county_map = read_county_map(data)
    except GeoJsonError as exc:
        raise DomainError("地图文件有误：" + "；".join(exc.errors[:10])) from exc
    known = set(program.region.children.values_list("code", flat=True)) | {program.region.code}
    unknown = [code for code in county_map.codes if code not in known]
    if unknown:
        raise DomainError(f"以下区划代码不属于{program.region.name}：{'、'.join(unknown[:10])}。")
    layer = MapLayer(program=program, name=(name or "").strip()[:100] or f"{program.region.name}县区边界",
                     geojson=county_map.geojson, sha256=hashlib.sha256(data).hexdigest(),
                     codes=list(county_map.codes), uploaded_by=actor)
    layer.full_clean()
    layer.save()
    record(actor, AuditAction.SETUP_CHANGE, layer, region_id=program.region_id, features=len(county_map.codes),
           sha256=layer.sha256)
    return layer


# --- 公示 notices -------------------------------------------------------------------------------------------

MAX_COLUMNS, MAX_ROWS, MAX_CELL = 8, 200, 200


def _check_list(columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    columns = [str(c).strip() for c in columns]
    rows = [[str(c).strip() for c in row] for row in rows if any(str(c).strip() for c in row)]
    if rows and not columns:
        raise DomainError("公示名单须有表头。")
    if len(columns) > MAX_COLUMNS or len(rows) > MAX_ROWS:
        raise DomainError(f"公示名单最多{MAX_COLUMNS}列、{MAX_ROWS}行。")
    if any(not c or len(c) > 30 for c in columns):
        raise DomainError("表头每列须为 1 至 30 个字。")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise DomainError(f"公示名单第{number}行有{len(row)}列，表头有{len(columns)}列。")
        if any(len(c) > MAX_CELL for c in row):
            raise DomainError(f"公示名单第{number}行有超过{MAX_CELL}个字的单元格。")
    return columns, rows


@transaction.atomic
def notice_create(*, program: Program, actor: User, title: str, scope: str, issuer: str, start: dt.date,
                  days: int = 7, legal_basis: str = "", columns: list[str] | None = None,
                  rows: list[list[str]] | None = None, phone: str = "", email: str = "",
                  address: str = "") -> Notice:
    """A draft notice, numbered within the program; nothing of it is public until it is published."""
    _require(actor, program)
    if not (1 <= days <= 60):
        raise DomainError("公示天数须在 1 至 60 天之间。")
    if not any((channel or "").strip() for channel in (phone, email, address)):
        raise DomainError("请至少填写一种反映意见的途径（电话、电子邮箱或通讯地址）。")
    columns, rows = _check_list(columns or [], rows or [])
    Program.objects.select_for_update().filter(pk=program.pk).first()  # numbers are given one at a time
    number = (Notice.objects.filter(program=program).aggregate(n=Max("number"))["n"] or 0) + 1
    notice = Notice(program=program, number=number, title=(title or "").strip(), scope=(scope or "").strip(),
                    legal_basis=(legal_basis or "").strip(), columns=columns, rows=rows, start=start, days=days,
                    phone=(phone or "").strip(), email=(email or "").strip(), address=(address or "").strip(),
                    issuer=(issuer or "").strip(), created_by=actor)
    notice.full_clean()
    notice.save()
    return notice


def notice_outcome(notice: Notice, statement: str, today: dt.date) -> dict[str, object]:
    """The 公示结果 as it will be published: 无反馈意见, or the replies (never the comments' authors or texts)."""
    comments = list(notice.comments.order_by("created_at", "id"))
    unanswered = sum(1 for c in comments if not c.reply)
    if unanswered:
        raise DomainError(f"还有{unanswered}条意见未答复，请答复后再公布公示结果。")
    return {"kind": "replies" if comments else "no_feedback", "received": len(comments),
            "statement": statement, "date": today.isoformat(),
            "replies": [{"received": timezone.localdate(c.created_at).isoformat(), "reply": c.reply}
                        for c in comments]}


@transaction.atomic
def notice_transition(*, notice: Notice, action: str, actor: User, reason: str = "", statement: str = "",
                      expected_version: int | None = None, today: dt.date | None = None) -> ReviewEvent:
    """Publish a notice, publish its outcome once the period has ended, or withdraw it (with a reason): the only
    writer of a notice's status."""
    program = notice.program
    _require(actor, program)
    if action not in NoticeAction.values:
        raise DomainError(f"未知操作「{action}」。")
    today = today or timezone.localdate()
    reason, statement = (reason or "").strip(), (statement or "").strip()
    now = timezone.now()
    changes: dict[str, object]
    if action == NoticeAction.PUBLISH:
        changes = {"published_by": actor, "published_at": now}
    elif action == NoticeAction.CONCLUDE:
        Notice.objects.select_for_update().filter(pk=notice.pk).first()
        if today <= notice.end:
            raise DomainError(f"公示期至{notice.end.year}年{notice.end.month}月{notice.end.day}日，期满后才能公布结果。")
        if len(statement) > 2000:
            raise DomainError("结果说明不能超过 2000 字。")
        changes = {"outcome": notice_outcome(notice, statement, today), "concluded_at": now}
    else:  # a withdrawal without its reason is refused by the workflow (NOTICE_WORKFLOW.comment_required)
        changes = {"withdrawn_at": now, "withdraw_reason": reason[:300]}
    event = workflow_step(obj=notice, workflow=NOTICE_WORKFLOW, action=action, actor=actor, comment=reason,
                          expected_version=expected_version, changes=changes, data={"number": notice.number})
    record(actor, AuditAction.PUBLICATION if action != NoticeAction.WITHDRAW else AuditAction.PUBLICATION_WITHDRAW,
           notice, region_id=program.region_id, kind="notice", move=action, version=notice.version, reason=reason)
    return event


@transaction.atomic
def notice_comment_add(*, notice: Notice, body: str, ip: str | None, stamp: str, stamp_key: str, name: str = "",
                       contact: str = "", honeypot: str = "", today: dt.date | None = None) -> NoticeComment | None:
    """A comment from the public on an open notice, after the spam checks (:mod:`apps.publication.spam`):
    ``stamp`` is the form's signed time, which must be signed for ``stamp_key`` (the notice as its page names it).

    A filled honeypot is dropped silently (None: the bot is told nothing); a stamp refused, an address over its
    limit, a closed notice or invalid input raise a ``DomainError`` with the reason in Chinese.
    """
    if honeypot:
        return None
    refusal = spam.stamp_refusal(stamp, stamp_key)
    if refusal:
        raise DomainError(refusal)
    if not notice.is_open(today or timezone.localdate()):
        raise DomainError("该公示不在公示期内，不再接收意见。")
    body, name, contact = (body or "").strip(), (name or "").strip(), (contact or "").strip()
    if len(body) < 5:
        raise DomainError("意见至少 5 个字。")
    if len(body) > 2000 or len(name) > 40 or len(contact) > 100:
        raise DomainError("意见不超过 2000 字，姓名不超过 40 字，联系方式不超过 100 字。")
    ip_hash = spam.address_hash(ip)
    if spam.over_rate_limit(ip_hash):
        raise CommentRateLimited("同一网络地址提交过于频繁，请一小时后再试。")
    comment = NoticeComment(notice=notice, body=body, name=name, contact=contact, ip_hash=ip_hash)
    comment.full_clean()
    comment.save()
    return comment


class CommentRateLimited(DomainError):
    status_code = 429
    code = "rate_limited"


@transaction.atomic
def notice_comment_reply(*, comment: NoticeComment, actor: User, reply: str) -> NoticeComment:
    """The office's answer to a comment (a later answer replaces it until the outcome is published; the audit
    log keeps every answer)."""
    notice = comment.notice
    _require(actor, notice.program)
    status = Notice.objects.select_for_update().filter(pk=notice.pk).values_list("status", flat=True).first()
    if status != NoticeStatus.PUBLISHED:  # read under the lock: the outcome may have been published meanwhile
        raise DomainError("公示结果已公布或公示已撤回，不能再答复。")
    reply = (reply or "").strip()
    if not reply or len(reply) > 2000:
        raise DomainError("答复须为 1 至 2000 字。")
    comment.reply, comment.replied_by, comment.replied_at = reply, actor, timezone.now()
    comment.full_clean()
    comment.save(update_fields=["reply", "replied_by", "replied_at"])
    record(actor, AuditAction.SETUP_CHANGE, comment, region_id=notice.program.region_id, notice=notice.number,
           reply=reply)
    return comment


# --- the disclosure list and the 生态环境信息公开率 ------------------------------------------------------------


@transaction.atomic
def disclosure_item_add(*, program: Program, actor: User, name: str, kind: str, year: int,
                        due: dt.date) -> DisclosureItem:
    """An item of the disclosure list (what must be published, of which kind, for which year, by when)."""
    _require(actor, program)
    if kind not in DISCLOSURE_KINDS:
        raise DomainError(f"未知的发布类型「{kind}」。")
    if not (program.base_year - 30 <= year <= program.target_year + 30):
        raise DomainError(f"年度{year}不在创建工作的年限附近。")
    item = DisclosureItem(program=program, name=(name or "").strip(), kind=kind, year=year, due=due,
                          created_by=actor)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def disclosure_value_submit(*, program: Program, actor: User, year: int, as_of: dt.date | None = None) -> IndicatorValue:
    """Save the computed 生态环境信息公开率 of ``year`` as the program's city value in the year's open reporting
    round, with the sentence as its explanation, and submit it for review (both or neither)."""
    _require(actor, program)
    result = disclosure(program, year, as_of or timezone.localdate()).rate
    if result.rate is None:
        raise DomainError(f"{year}年的公开清单中尚无到期事项，无法计算公开率。")
    indicator = found(Indicator.objects.filter(framework_id=program.framework_id, name=DISCLOSURE_INDICATOR).first(),
                      f"指标体系中没有「{DISCLOSURE_INDICATOR}」。")
    reporting_round = annual_round(program, year)
    if reporting_round is None:
        raise DomainError(f"没有{year}年度的填报轮次，请先发起年度填报。")
    current = IndicatorValue.objects.filter(program=program, region=program.region, indicator=indicator,
                                            period_type=PeriodType.YEAR, year=year,
                                            period_number=reporting_round.period_number).first()
    data = ValueInput(number=result.rate, explanation=result.sentence(), source="生态环境信息公开清单（发布记录）",
                      note="由公开清单和发布记录计算（计算值，跳变提示已确认）")
    return indicator_value_save(reporting_round=reporting_round, region=program.region, indicator=indicator,
                                actor=actor, data=data, expected_version=current.version if current else 0,
                                confirm_warnings=True, submit=True, comment="按公开清单和发布记录计算")
