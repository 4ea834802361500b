"""The one function that changes a reviewable object's status."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, QuerySet

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import Reviewable, ReviewEvent
from .workflow import COMMENT_REQUIRED, REPORTER_ACTIONS, ReviewAction, ReviewStatus, next_status


@transaction.atomic
def transition(*, obj: Reviewable, action: str, actor, comment: str = "", expected_version: int | None = None
               ) -> ReviewEvent:  # noqa: ANN001
    """Apply ``action`` to ``obj``: check the role and the move, bump the version, record the event.

    ``expected_version`` is the version the actor saw; if someone changed the object since, the move
    is refused with a conflict and nothing is written.
    """
    if action not in ReviewAction.values:
        raise DomainError(f"未知操作「{action}」。")
    allowed = obj.review_can_report(actor) if action in REPORTER_ACTIONS else obj.review_can_review(actor)
    if not allowed:
        raise PermissionDeniedError(f"您无权执行「{ReviewAction(action).label}」。")
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED and not comment:
        raise DomainError(f"「{ReviewAction(action).label}」须填写意见。")
    model = type(obj)
    current = model.objects.select_for_update().only("status", "version").get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("该条目已被他人修改，请刷新后再操作（您的操作未保存）。")
    new_status = next_status(current.status, action)
    if new_status is None:
        raise DomainError(
            f"当前状态为「{ReviewStatus(current.status).label}」，不能「{ReviewAction(action).label}」。"
        )
    model.objects.filter(pk=obj.pk).update(status=new_status, version=F("version") + 1)
    obj.status, obj.version = new_status, current.version + 1
    return ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(model), object_id=obj.pk, action=action,
        old_status=current.status, new_status=new_status, comment=comment, actor=actor,
    )


def review_history(obj: Reviewable) -> QuerySet[ReviewEvent]:
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
