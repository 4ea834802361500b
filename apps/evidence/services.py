"""Writes for evidence: the one place a checked upload becomes a stored file with its record."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import models, transaction

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.uploads import CheckedUpload

from .models import EVIDENCE_KINDS, Evidence


def fit_file_name(name: str) -> str:
    """The uploaded file's name as the record keeps it: a name longer than the column keeps its extension and
    the start of its stem (the file itself is stored under our own name; this one is only shown and offered)."""
    limit = Evidence._meta.get_field("original_name").max_length or len(name)
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[: limit - 1] + "…"
    return stem[: limit - len(extension) - 2] + "…." + extension


@transaction.atomic
def evidence_attach(*, subject: models.Model, upload: CheckedUpload, actor: User, checklist_item: str = "",
                    note: str = "") -> Evidence:
    """Store a file already checked by ``apps.core.uploads.check_upload`` under our own name, for ``subject``.

    The caller decides whether ``actor`` may attach to ``subject`` (that rule belongs to the subject's app).
    """
    if upload.kind not in EVIDENCE_KINDS:
        raise DomainError("佐证材料须为 PDF、Word、Excel 或图片。")
    evidence = Evidence(subject=subject, original_name=fit_file_name(upload.name), kind=upload.kind,
                        size=upload.size, sha256=upload.sha256, checklist_item=checklist_item, note=note, uploaded_by=actor)
    evidence.full_clean(exclude=["file"])
    evidence.file.save(f"evidence.{upload.kind}", ContentFile(upload.data), save=False)
    evidence.save()
    return evidence
