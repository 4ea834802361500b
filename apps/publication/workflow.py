"""The publication workflow as a transition table (the style of :mod:`apps.review.workflow`).

草稿 → 已发布 → 已撤回. Publishing freezes the snapshot; withdrawing needs a reason. The only code that writes a
publication's ``status`` is :func:`apps.publication.services.publication_transition`, through
:func:`apps.review.services.workflow_step` (row lock, version, table, one event in the shared history).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.review.workflow import Workflow, register


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("发布")
    WITHDRAW = "withdraw", _("撤回")


#: (from status, action) → to status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PublicationStatus.DRAFT, PublicationAction.PUBLISH): PublicationStatus.PUBLISHED,
    (PublicationStatus.PUBLISHED, PublicationAction.WITHDRAW): PublicationStatus.WITHDRAWN,
}

#: Actions that need a reason.
REASON_REQUIRED = {PublicationAction.WITHDRAW: _("撤回须填写理由。")}

PUBLICATION_WORKFLOW = Workflow(PublicationStatus, PublicationAction, TRANSITIONS, REASON_REQUIRED)
register("publication.publication", PUBLICATION_WORKFLOW)


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    CONCLUDED = "concluded", _("已公布结果")
    WITHDRAWN = "withdrawn", _("已撤回")


class NoticeAction(models.TextChoices):
    PUBLISH = "publish", _("发布公示")
    CONCLUDE = "conclude", _("公布公示结果")
    WITHDRAW = "withdraw", _("撤回")


#: The 公示 notice: published for its period (open for comments from the start date for ``days`` days), then its
#: outcome (公示结果) published once the period has ended; withdrawn at any point after publishing (reason required).
NOTICE_TRANSITIONS: dict[tuple[str, str], str] = {
    (NoticeStatus.DRAFT, NoticeAction.PUBLISH): NoticeStatus.PUBLISHED,
    (NoticeStatus.PUBLISHED, NoticeAction.CONCLUDE): NoticeStatus.CONCLUDED,
    (NoticeStatus.PUBLISHED, NoticeAction.WITHDRAW): NoticeStatus.WITHDRAWN,
    (NoticeStatus.CONCLUDED, NoticeAction.WITHDRAW): NoticeStatus.WITHDRAWN,
}

NOTICE_WORKFLOW = Workflow(NoticeStatus, NoticeAction, NOTICE_TRANSITIONS,
                           {NoticeAction.WITHDRAW: _("撤回须填写理由。")})
register("publication.notice", NOTICE_WORKFLOW)

#: Statuses in which a notice is on the portal.
NOTICE_PUBLIC = (NoticeStatus.PUBLISHED, NoticeStatus.CONCLUDED)
