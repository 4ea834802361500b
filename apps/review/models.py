from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .workflow import ReviewAction, ReviewStatus


class Reviewable(models.Model):
    """Mixin for anything that goes through the review workflow.

    Subclasses implement ``review_can_report(user)`` and ``review_can_review(user)``; ``status`` is
    written only by :func:`apps.review.services.transition`. ``version`` is bumped on every change
    (content edits and transitions) for optimistic locking.
    """

    status = models.CharField("状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT,
                              db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True

    def review_can_report(self, user) -> bool:  # noqa: ANN001
        raise NotImplementedError

    def review_can_review(self, user) -> bool:  # noqa: ANN001
        raise NotImplementedError


class ReviewEvent(models.Model):
    """One step in an object's review history: who moved it from what to what, when, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField("操作", max_length=16, choices=ReviewAction.choices)
    old_status = models.CharField("原状态", max_length=16, choices=ReviewStatus.choices)
    new_status = models.CharField("新状态", max_length=16, choices=ReviewStatus.choices)
    comment = models.TextField("意见", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.get_old_status_display()} → {self.get_new_status_display()}"
