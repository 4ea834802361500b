"""The survey workflow as a transition table (the style of :mod:`apps.review.workflow`).

草稿 → 调查中 → 已结束 → 结果已提交. ``services.survey_transition`` is the only writer of a survey's ``status``,
through :func:`apps.review.services.workflow_step` (row lock, version, table, one event in the shared history).
Submitting the results writes the computed rates as indicator values (39, 40) and submits them for review.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.review.workflow import Workflow, register


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FIELDING = "fielding", _("调查中")
    CLOSED = "closed", _("已结束")
    SUBMITTED = "submitted", _("结果已提交")


class SurveyAction(models.TextChoices):
    START = "start", _("开始调查")
    CLOSE = "close", _("结束调查")
    REOPEN = "reopen", _("重新开始调查")
    SUBMIT = "submit", _("提交结果")


#: (from status, action) → to status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (SurveyStatus.DRAFT, SurveyAction.START): SurveyStatus.FIELDING,
    (SurveyStatus.FIELDING, SurveyAction.CLOSE): SurveyStatus.CLOSED,
    (SurveyStatus.CLOSED, SurveyAction.REOPEN): SurveyStatus.FIELDING,
    (SurveyStatus.CLOSED, SurveyAction.SUBMIT): SurveyStatus.SUBMITTED,
}

#: Where responses may still arrive: the public form only while fielding; the operator's sheet and the office's
#: entry also once closed (the operator delivers after the field period), never after the results are submitted.
WEB_OPEN = {SurveyStatus.FIELDING}
ENTRY_OPEN = {SurveyStatus.FIELDING, SurveyStatus.CLOSED}

SURVEY_WORKFLOW = Workflow(SurveyStatus, SurveyAction, TRANSITIONS)
register("surveys.survey", SURVEY_WORKFLOW)
