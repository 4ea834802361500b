"""Who publishes: the program's office administrators (``can_manage_program``), and only they see drafts."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError, found
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program

from .models import Notice, NoticeComment, Publication

REFUSAL = "只有生态办管理员可以发布和撤回。"


def can_publish(user: User, program: Program) -> bool:
    return can_manage_program(user, program)


def access_publications(user: User, program_id: int) -> Program:
    """The program whose publications the user manages, or raise (403 for a program the user sees only)."""
    program = access_program(user, program_id)
    if not can_publish(user, program):
        raise PermissionDeniedError(REFUSAL)
    return program


def access_publication(user: User, program_id: int, publication_id: int) -> Publication:
    program = access_publications(user, program_id)
    publication = found(Publication.objects.filter(program=program, pk=publication_id).select_related(
        "created_by", "published_by", "withdrawn_by").first(), "发布不存在。")
    publication.program = program
    return publication


def access_notice(user: User, program_id: int, notice_id: int) -> Notice:
    """A notice of a program the user publishes for (its comments included), or raise."""
    program = access_publications(user, program_id)
    notice = found(Notice.objects.filter(program=program, pk=notice_id).first(), "公示不存在。")
    notice.program = program
    return notice


def access_notice_comment(user: User, program_id: int, notice_id: int, comment_id: int) -> NoticeComment:
    notice = access_notice(user, program_id, notice_id)
    comment = found(NoticeComment.objects.filter(notice=notice, pk=comment_id).first(), "意见不存在。")
    comment.notice = notice
    return comment
