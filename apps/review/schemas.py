"""Input shared by every workflow's API: one transition schema for values, progress updates and notices."""

from __future__ import annotations

from ninja import Schema


class TransitionIn(Schema):
    """A move in a workflow; ``expected_version`` is the version the actor saw (a stale one gives 409)."""

    action: str
    comment: str = ""
    expected_version: int | None = None
