"""Writes for publications: a draft, the one transition function (publish, withdraw) and the portal setting."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.uploads import CheckedUpload
from apps.programs.models import Program
from apps.review.models import ReviewEvent
from apps.review.services import workflow_step

from .access import REFUSAL, can_publish
from .models import YEAR_KINDS, PortalSetting, PortalStatus, Publication, PublicationKind
from .snapshots import build_snapshot
from .workflow import PUBLICATION_WORKFLOW, PublicationAction

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
def portal_setting_set(*, program: Program, actor: User, status: str, intro: str = "") -> PortalSetting:
    """The portal's banner status and introduction (the office states the program's standing)."""
    _require(actor, program)
    if status not in PortalStatus.values:
        raise DomainError(f"未知的创建状态「{status}」。")
    setting, _created = PortalSetting.objects.select_for_update().get_or_create(program=program)
    setting.status = status
    setting.intro = (intro or "").strip()
    setting.full_clean()
    setting.save()
    record(actor, AuditAction.SETUP_CHANGE, setting, region_id=program.region_id, status=status)
    return setting
