from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.accounts.models import User
from apps.core.fields import who_and_when

from .workflow import REVIEW, ReviewStatus, Workflow, workflow_for


class Reviewable(models.Model):
    """Mixin for anything that goes through the review workflow.

    Subclasses implement ``review_can_report(user)`` and ``review_can_review(user)``; ``status`` is
    written only by :func:`apps.review.services.transition`. ``version`` is bumped on every change
    (content edits and transitions) for optimistic locking.
    """

    status, version = REVIEW.status_fields(default=ReviewStatus.DRAFT)

    class Meta:
        abstract = True

    def review_can_report(self, user: User) -> bool:
        raise NotImplementedError

    def review_can_review(self, user: User) -> bool:
        raise NotImplementedError


class ReviewEvent(models.Model):
    """One step in an object's workflow history: who moved it from what to what, when, and why.

    The one event log of every workflow (review of values and progress, supervision notices). ``action`` and
    the statuses are the values of that object's workflow (:func:`apps.review.workflow.workflow_for`); a
    null ``actor`` is the system (the daily supervision run); ``data`` holds a workflow's extras, e.g. a
    notice's level and business date.
    """

    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField("对象编号")
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField("操作", max_length=16)
    old_status = models.CharField("原状态", max_length=16, blank=True)
    new_status = models.CharField("新状态", max_length=16)
    comment = models.TextField("意见", blank=True)
    actor, at = who_and_when("操作人", "时间", optional=True, db_index=True)
    data = models.JSONField("附加信息", default=dict, blank=True)

    class Meta:
        verbose_name = "流程记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action_label}：{self.old_status_label} → {self.new_status_label}"

    @property
    def workflow(self) -> Workflow:
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return workflow_for(f"{content_type.app_label}.{content_type.model}")

    @property
    def action_label(self) -> str:
        return self.workflow.action_label(self.action)

    @property
    def old_status_label(self) -> str:
        return self.workflow.status_label(self.old_status)

    @property
    def new_status_label(self) -> str:
        return self.workflow.status_label(self.new_status)
