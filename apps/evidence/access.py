"""Fetch-and-authorize for evidence: by asking the subject (its `evidence_can_view`)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError, found

from .models import Evidence


def access_evidence(user: User, evidence_id: int, *, subject: models.Model | None = None) -> Evidence:
    """The evidence if its subject lets ``user`` see it: 404 when missing (or not ``subject``'s), else 403.

    ``subject``, when given, is already fetched and authorized by the caller's address (a value's page).
    """
    queryset = Evidence.objects.select_related("content_type")
    if subject is not None:
        queryset = queryset.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)
    evidence = found(queryset.filter(pk=evidence_id).first(), _("佐证材料不存在。"))
    owner = found(subject if subject is not None else evidence.subject, _("佐证材料不存在。"))
    if not owner.evidence_can_view(user):
        raise PermissionDeniedError(_("您无权查看该佐证材料。"))
    return evidence

