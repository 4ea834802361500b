"""The round workflow (填报开放 → 关闭 → 重新开放): statuses, actions and the transition table as data.

:func:`apps.reporting.services.reporting_round_transition` is the only code that writes a round's ``status``;
every move is one :class:`apps.review.models.ReviewEvent` (who, when, the note or reason) and one audit event.
While a round is closed, every write of a reporter to its values is refused (:func:`apps.reporting.services.
require_round_open`); review of what was already submitted goes on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.review.workflow import Workflow, register


class RoundStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已关闭")


class RoundAction(models.TextChoices):
    CLOSE = "close", _("关闭填报")
    REOPEN = "reopen", _("重新开放")


#: (from status, action) → to status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (RoundStatus.OPEN, RoundAction.CLOSE): RoundStatus.CLOSED,
    (RoundStatus.CLOSED, RoundAction.REOPEN): RoundStatus.OPEN,
}

#: A reopening says why (closing may carry a note).
COMMENT_REQUIRED = {RoundAction.REOPEN: _("重新开放填报须填写理由。")}

ROUND_WORKFLOW = Workflow(RoundStatus, RoundAction, TRANSITIONS, COMMENT_REQUIRED)
register("reporting.reportinground", ROUND_WORKFLOW)
