"""The workflow of a score run (考核结果): statuses, actions and the transition table as data.

:func:`apps.scoring.services.run_transition` is the only code that writes a run's ``status``; every move is one
:class:`apps.review.models.ReviewEvent` (the one workflow history) and one audit event.

draft (草稿) → objection (异议期: each subject sees its own sheet and may object) → final (已定稿, once every objection
is ruled on) → published (已发布, everyone who sees the program sees the ranking). A draft or a run in its objection
period may be superseded by a rerun (a new run from the current data, e.g. after an upheld objection).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.review.workflow import Workflow, register


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OBJECTION = "objection", _("异议期")
    FINAL = "final", _("已定稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被重算取代")


class RunAction(models.TextChoices):
    OPEN = "open", _("开放异议")
    FINALISE = "finalise", _("定稿")
    PUBLISH = "publish", _("发布")
    SUPERSEDE = "supersede", _("重算取代")


TRANSITIONS: dict[tuple[str, str], str] = {
    (RunStatus.DRAFT, RunAction.OPEN): RunStatus.OBJECTION,
    (RunStatus.DRAFT, RunAction.FINALISE): RunStatus.FINAL,
    (RunStatus.OBJECTION, RunAction.FINALISE): RunStatus.FINAL,
    (RunStatus.FINAL, RunAction.PUBLISH): RunStatus.PUBLISHED,
    (RunStatus.DRAFT, RunAction.SUPERSEDE): RunStatus.SUPERSEDED,
    (RunStatus.OBJECTION, RunAction.SUPERSEDE): RunStatus.SUPERSEDED,
}

#: The statuses in which a subject may object to its sheet.
OBJECTABLE = {RunStatus.OBJECTION}
#: The statuses in which a subject sees its own sheet (the office sees every run; everyone sees a published one).
SUBJECT_VISIBLE = {RunStatus.OBJECTION, RunStatus.FINAL, RunStatus.PUBLISHED}
#: Statuses whose results stand (a comparison's "previous run" is the latest of these).
STANDING = {RunStatus.DRAFT, RunStatus.OBJECTION, RunStatus.FINAL, RunStatus.PUBLISHED}

RUN_WORKFLOW = Workflow(RunStatus, RunAction, TRANSITIONS)
register("scoring.scorerun", RUN_WORKFLOW)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待裁定")
    # the same words as the ruling's buttons in Chinese; in English a status (Upheld) and not an action (Uphold)
    UPHELD = "upheld", pgettext_lazy("objection status", "异议成立")
    REJECTED = "rejected", pgettext_lazy("objection status", "异议不成立")
