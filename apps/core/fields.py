"""Fields that many models declare alike, made in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models


def user_field(
    verbose_name: str, *, optional: bool = False, on_delete: Callable[..., Any] = models.PROTECT
) -> models.ForeignKey[Any]:
    """Who did it: a user, kept while the row refers to it (``PROTECT``, unless said otherwise) and never read back
    from the user (``related_name="+"``); ``optional`` when the row may have no one (the system did it, or no one
    has yet)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=optional,
        blank=optional,
        on_delete=on_delete,
        related_name="+",
    )
