"""The review workflow shared by indicator values and task/project progress (填报 → 审核).

One table says which action moves which status where; :func:`transition` in ``services`` is the only
code that writes a reviewable object's ``status``. Other workflows (supervision notices) describe
themselves with a :class:`Workflow` and :func:`register`; every workflow's moves are recorded in the one
history, :class:`apps.review.models.ReviewEvent`, which reads its labels through :func:`workflow_for`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新提交")
    APPROVED = "approved", _("已审核通过")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    REOPEN = "reopen", _("重新打开")


#: (from status, action) → to status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ReviewStatus.DRAFT, ReviewAction.SUBMIT): ReviewStatus.SUBMITTED,
    (ReviewStatus.SUBMITTED, ReviewAction.APPROVE): ReviewStatus.APPROVED,
    (ReviewStatus.SUBMITTED, ReviewAction.RETURN): ReviewStatus.RETURNED,
    (ReviewStatus.RETURNED, ReviewAction.SUBMIT): ReviewStatus.RESUBMITTED,
    (ReviewStatus.RESUBMITTED, ReviewAction.APPROVE): ReviewStatus.APPROVED,
    (ReviewStatus.RESUBMITTED, ReviewAction.RETURN): ReviewStatus.RETURNED,
    (ReviewStatus.APPROVED, ReviewAction.REOPEN): ReviewStatus.DRAFT,
}

#: Actions that need a comment (a return says what is wrong; a reopen says why), with the refusal without one.
COMMENT_REQUIRED = {
    ReviewAction.RETURN: _("「退回」须填写意见。"),
    ReviewAction.REOPEN: _("「重新打开」须填写意见。"),
}

#: Statuses in which the reporter may still edit the content.
EDITABLE = {ReviewStatus.DRAFT, ReviewStatus.RETURNED}

#: Which side acts: the reporter submits; the reviewing office approves, returns and reopens.
REPORTER_ACTIONS = {ReviewAction.SUBMIT}
REVIEWER_ACTIONS = {ReviewAction.APPROVE, ReviewAction.RETURN, ReviewAction.REOPEN}


@dataclass(frozen=True)
class Workflow:
    """A workflow as data: its statuses, its actions, the (from status, action) → to status table and the
    actions that need a comment (action → the refusal of the move without one)."""

    statuses: type[models.TextChoices]
    actions: type[models.TextChoices]
    transitions: Mapping[tuple[str, str], str]
    comment_required: Mapping[str, str] = field(default_factory=dict)

    def checked_comment(self, action: str, comment: str) -> str:
        """The comment of a move, stripped; a move that needs one and came without is refused."""
        text = (comment or "").strip()
        if not text and action in self.comment_required:
            raise DomainError(str(self.comment_required[action]))
        return text

    def next_status(self, status: str, action: str) -> str | None:
        return self.transitions.get((status, action))

    def allowed_actions(self, status: str) -> list[str]:
        return [action for (source, action) in self.transitions if source == status]

    def action_label(self, action: str) -> str:
        return str(self.actions(action).label) if action in self.actions.values else action

    def status_label(self, status: str) -> str:
        return str(self.statuses(status).label) if status in self.statuses.values else status

    def status_fields(
        self, *, default: str, max_length: int = 16
    ) -> tuple[models.CharField[str, str], models.PositiveIntegerField[int, int]]:
        """The two columns of a model this workflow moves (``status, version = WORKFLOW.status_fields(…)``): its
        ``status``, written only by :func:`apps.review.services.workflow_step`, and its ``version``, the optimistic
        lock that every move and every edit checks and bumps."""
        status = models.CharField("状态", max_length=max_length, choices=self.statuses.choices, default=default,
                                  db_index=True)
        return status, models.PositiveIntegerField("版本", default=1)


REVIEW = Workflow(ReviewStatus, ReviewAction, TRANSITIONS, COMMENT_REQUIRED)

#: The review workflow's moves from a status, as the value and progress pages offer them.
allowed_actions = REVIEW.allowed_actions

_BY_MODEL: dict[str, Workflow] = {}


def register(model_label: str, workflow: Workflow) -> None:
    """Declare the workflow of a model (``"app_label.modelname"``); unregistered models use :data:`REVIEW`."""
    _BY_MODEL[model_label.lower()] = workflow


def workflow_for(model_label: str) -> Workflow:
    return _BY_MODEL.get(model_label.lower(), REVIEW)
