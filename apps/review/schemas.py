"""Shapes shared by every reviewable's API: the one transition input (values, progress updates, notices) and the
review history entry."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class TransitionIn(Schema):
    """A move in a workflow; ``expected_version`` is the version the actor saw (a stale one gives 409)."""

    action: str
    comment: str = ""
    expected_version: int | None = None


class ReviewEventOut(Schema):
    """One step of a reviewable's history, read from :class:`~apps.review.models.ReviewEvent`."""

    action: str
    old_status: str
    new_status: str
    comment: str
    actor: str
    at: dt.datetime

    resolve_actor = staticmethod(lambda obj: str(obj.actor))
