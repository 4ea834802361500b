"""The supervision-notice workflow (督办): statuses, actions and the transition table as data.

:func:`apps.tasks.supervision.notice_transition` is the only code that writes a notice's ``status`` (and its
``level`` on escalation); every move is one :class:`apps.review.models.ReviewEvent` with the notice's level
and the business date in ``data``. The daily run acts as the system (no actor): it issues, escalates and
auto-resolves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.review.workflow import Workflow, register


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    RESPONDED = "responded", _("已答复")
    CLOSED = "closed", _("已办结")


class NoticeAction(models.TextChoices):
    ISSUE = "issue", _("下发")
    ESCALATE = "escalate", _("升级")
    RESPOND = "respond", _("答复")
    REOPEN = "reopen", _("退回重新答复")
    CLOSE = "close", _("办结")
    RESOLVE = "resolve", _("问题消除自动办结")


#: The status before a notice exists; only ``issue`` leaves it.
NEW = ""

#: (from status, action) → to status. A unit may answer again until the office closes; the office may
#: send an open or answered notice back for a (new) answer, which restarts the response deadline.
TRANSITIONS: dict[tuple[str, str], str] = {
    (NEW, NoticeAction.ISSUE): NoticeStatus.OPEN,
    (NoticeStatus.OPEN, NoticeAction.ESCALATE): NoticeStatus.OPEN,
    (NoticeStatus.OPEN, NoticeAction.RESPOND): NoticeStatus.RESPONDED,
    (NoticeStatus.RESPONDED, NoticeAction.RESPOND): NoticeStatus.RESPONDED,
    (NoticeStatus.OPEN, NoticeAction.REOPEN): NoticeStatus.OPEN,
    (NoticeStatus.RESPONDED, NoticeAction.REOPEN): NoticeStatus.OPEN,
    (NoticeStatus.OPEN, NoticeAction.CLOSE): NoticeStatus.CLOSED,
    (NoticeStatus.RESPONDED, NoticeAction.CLOSE): NoticeStatus.CLOSED,
    (NoticeStatus.OPEN, NoticeAction.RESOLVE): NoticeStatus.CLOSED,
    (NoticeStatus.RESPONDED, NoticeAction.RESOLVE): NoticeStatus.CLOSED,
}

#: Who acts: the addressed unit responds; the office issues, reopens and closes; the daily run (no actor)
#: issues, escalates and resolves.
UNIT_ACTIONS = {NoticeAction.RESPOND}
OFFICE_ACTIONS = {NoticeAction.ISSUE, NoticeAction.REOPEN, NoticeAction.CLOSE}
SYSTEM_ACTIONS = {NoticeAction.ISSUE, NoticeAction.ESCALATE, NoticeAction.RESOLVE}

#: Actions that need a text: an answer says what was done; a reopen says why.
COMMENT_REQUIRED = {NoticeAction.RESPOND: _("请填写答复内容。"), NoticeAction.REOPEN: _("退回答复须说明理由。")}

#: The event kinds of the notice history as the API has always named them (past tense).
EVENT_KINDS = {
    NoticeAction.ISSUE: "issued", NoticeAction.ESCALATE: "escalated", NoticeAction.RESPOND: "responded",
    NoticeAction.REOPEN: "reopened", NoticeAction.CLOSE: "closed", NoticeAction.RESOLVE: "resolved",
}

NOTICE_WORKFLOW = Workflow(NoticeStatus, NoticeAction, TRANSITIONS, COMMENT_REQUIRED)
register("tasks.supervisionnotice", NOTICE_WORKFLOW)
