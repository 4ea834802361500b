"""Writes for evidence: the one place a checked upload becomes a stored file with its record."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import models, transaction

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.uploads import CheckedUpload

from .models import EVIDENCE_KINDS, Evidence


@transaction.atomic
def evidence_attach(*, subject: models.Model, upload: CheckedUpload, actor: User, checklist_item: str = "",
                    note: str = "") -> Evidence:
    """Store a file already checked by ``apps.core.uploads.check_upload`` under our own name, for ``subject``.

    The caller decides whether ``actor`` may attach to ``subject`` (that rule belongs to the subject's app).
    """
    if upload.kind not in EVIDENCE_KINDS:
        raise DomainError("佐证材料须为 PDF、Word、Excel 或图片。")
    evidence = Evidence(subject=subject, original_name=upload.name, kind=upload.kind, size=upload.size,
                        sha256=upload.sha256, checklist_item=checklist_item, note=note, uploaded_by=actor)
    evidence.full_clean(exclude=["file"])
    evidence.file.save(f"evidence.{upload.kind}", ContentFile(upload.data), save=False)
    evidence.save()
    return evidence
