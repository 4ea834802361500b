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


def who_and_when(
    by: str,
    at: str,
    *,
    optional: bool = False,
    on_delete: Callable[..., Any] = models.PROTECT,
    db_index: bool = False,
) -> tuple[models.ForeignKey[Any], models.DateTimeField[Any, Any]]:
    """Who wrote a row and when, as it was inserted (``created_by, created_at = who_and_when("导入人",
    "导入时间")``): a :func:`user_field` and the time of the insert."""
    who = user_field(by, optional=optional, on_delete=on_delete)
    return who, models.DateTimeField(at, auto_now_add=True, db_index=db_index)


def who_and_when_later(by: str, at: str) -> tuple[models.ForeignKey[Any], models.DateTimeField[Any, Any]]:
    """Who took a later step on a row and when (``published_by, published_at = who_and_when_later("发布人",
    "发布时间")``): both empty until it is taken."""
    return user_field(by, optional=True), models.DateTimeField(at, null=True, blank=True)
