"""The one way a workflow moves: :func:`workflow_step` (lock, version, table, update, event).

:func:`transition` applies the review workflow to a reviewable object; other workflows (supervision
notices, :mod:`apps.tasks.notice_workflow`) check their own roles and call :func:`workflow_step`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, QuerySet

from apps.accounts.models import User
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import Reviewable, ReviewEvent
from .workflow import REPORTER_ACTIONS, REVIEW, ReviewAction, Workflow

#: A move's extras for its event: given, or computed (and possibly refused) once the role and the move are checked.
EventData = Mapping[str, object] | Callable[[], Mapping[str, object]]


@transaction.atomic
def workflow_step(*, obj: models.Model, workflow: Workflow, action: str, actor: User, comment: str = "",
                  expected_version: int | None = None, changes: Mapping[str, object] | None = None,
                  data: EventData | None = None) -> ReviewEvent:
    """Move ``obj`` by ``action`` in ``workflow``: the only code that writes a workflow's ``status``.

    Locks the row, refuses a stale ``expected_version`` with a conflict, looks the move up in the table,
    writes the new status, the other ``changes`` of the move and the bumped version with one ``update()``,
    and records one event with ``data``. A move the workflow says needs a comment is refused without one
    (``Workflow.comment_required``), before anything is locked. The caller checks the role (and, if ``changes`` depend on the row,
    locks it first). ``data`` may be a function, called under the lock once the move is allowed: a rule of
    the caller's that records what it found, or refuses the move with a ``DomainError``.
    """
    comment = workflow.checked_comment(action, comment)
    model = type(obj)
    current = model.objects.select_for_update().only("status", "version").get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("该条目已被他人修改，请刷新后再操作（您的操作未保存）。")
    new_status = workflow.next_status(current.status, action)
    if new_status is None:
        raise DomainError(f"当前状态为「{workflow.status_label(current.status)}」，"
                          f"不能「{workflow.action_label(action)}」。")
    extras = dict((data() if callable(data) else data) or {})
    updates = {"status": new_status, **(changes or {})}
    model.objects.filter(pk=obj.pk).update(version=F("version") + 1, **updates)
    for name, value in updates.items():
        setattr(obj, name, value)
    obj.version = current.version + 1
    return ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(model), object_id=obj.pk, action=action,
        old_status=current.status, new_status=new_status, comment=comment, actor=actor, data=extras,
    )


@transaction.atomic
def transition(*, obj: Reviewable, action: str, actor: User, comment: str = "",
               expected_version: int | None = None, changes: Mapping[str, object] | None = None,
               data: EventData | None = None) -> ReviewEvent:
    """Apply ``action`` to ``obj``: check the role and the move, bump the version, record the event.

    ``expected_version`` is the version the actor saw; if someone changed the object since, the move
    is refused with a conflict and nothing is written. ``changes`` are other fields the move writes
    (in the same ``update()``); ``data`` the event's extras (see :func:`workflow_step`).
    """
    if action not in ReviewAction.values:
        raise DomainError(f"未知操作「{action}」。")
    allowed = obj.review_can_report(actor) if action in REPORTER_ACTIONS else obj.review_can_review(actor)
    if not allowed:
        raise PermissionDeniedError(f"您无权执行「{ReviewAction(action).label}」。")
    return workflow_step(obj=obj, workflow=REVIEW, action=action, actor=actor, comment=comment,
                         expected_version=expected_version, changes=changes, data=data)


def review_history(obj: models.Model) -> QuerySet[ReviewEvent]:
    """Every recorded move of ``obj`` in its workflow, oldest first."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
