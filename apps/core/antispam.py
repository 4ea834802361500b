"""Captcha-free spam resistance shared by the public forms (公示 comments, survey answers).

- A form carries a signed stamp of what it was shown for and when (:func:`form_stamp`); :func:`read_stamp` gives it
  back, or None when it is forged or malformed. Each form decides what is too fast or too old, and what to say.
- :func:`over_rate_limit` counts one submission under a key (an address) in the Django cache, shared by the
  processes when it is Redis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache


@dataclass(frozen=True)
class FormStamp:
    """What a form was shown for (``key``) and how many seconds ago (``age``)."""

    key: str
    age: float


def form_stamp(key: str, *, salt: str, at: float | None = None) -> str:
    """The signed time (``at``, a POSIX timestamp; now by default) the form for ``key`` was shown."""
    return signing.dumps({"k": key, "t": time.time() if at is None else at}, salt=salt, compress=True)


def read_stamp(stamp: str, *, salt: str) -> FormStamp | None:
    """The stamp a form came back with, or None when it was not signed by us (with ``salt``) or is malformed."""
    try:
        data = signing.loads(stamp or "", salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("t"), int | float):
        return None
    return FormStamp(key=data["k"], age=time.time() - data["t"])


def over_rate_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one submission under ``key`` for ``window`` seconds; True when the count is over ``limit``."""
    if cache.add(key, 1, window):
        return 1 > limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1 > limit
    return count > limit
