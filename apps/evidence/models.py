"""Evidence (佐证材料): one model for files backing an indicator value or a task progress update.

A subject is any model that declares ``evidence = GenericRelation("evidence.Evidence")`` and answers
``evidence_can_view(user) -> bool`` (in the style of ``review_can_report``). The download view asks the
subject; files are never served by their storage URL.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.fields import user_field

#: The kinds (as ``apps.core.uploads`` detects them from the content) accepted as evidence.
EVIDENCE_KINDS = {"pdf", "docx", "xlsx", "jpg", "png"}


class EvidenceSubject(Protocol):
    """What a model must answer to carry evidence."""

    pk: object

    def evidence_can_view(self, user) -> bool: ...


def evidence_path(instance: Evidence, filename: str) -> str:  # noqa: ARG001 - Django's upload_to signature
    # The stored name is ours (uuid + checked kind); the user's name is kept only as data.
    return f"evidence/{timezone.now():%Y}/{uuid.uuid4().hex}.{instance.kind}"


class Evidence(models.Model):
    """A file backing a subject, checked by content and hashed; downloaded only through the checking view."""

    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("对象编号")
    subject = GenericForeignKey("content_type", "object_id")
    file = models.FileField("文件", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("文件名", max_length=120)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("文件校验值（SHA-256）", max_length=64, db_index=True)
    checklist_item = models.CharField("对应佐证清单项", max_length=200, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    uploaded_by = user_field("上传人")
    # A default rather than auto_now_add, so that the data migration keeps the original times.
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "佐证材料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_url(self) -> str:
        """The one download of the file, which checks that the user may view its subject."""
        return reverse("evidence_download", args=[self.pk])
