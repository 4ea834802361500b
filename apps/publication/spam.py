"""Captcha-free spam resistance of the public comment form: a honeypot, a minimum fill time and a per-IP limit.

- The honeypot is a text field hidden from people (off screen, ``aria-hidden``, no tab stop) that bots fill in.
- The form carries a signed timestamp of when it was shown (:func:`form_stamp`); a comment sent sooner than
  :data:`MIN_FILL_SECONDS` afterwards, or with a stamp older than :data:`MAX_FORM_AGE` or not signed by us, or
  signed for another notice, is refused.
- Each address may send :data:`RATE_LIMIT` comments per :data:`RATE_WINDOW` seconds (the Django cache, shared by
  the processes when it is Redis); the address is kept only as a salted hash.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from apps.core.antispam import form_stamp as signed_stamp
from apps.core.antispam import over_rate_limit as counted_over_limit
from apps.core.antispam import read_stamp

MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 2 * 3600
RATE_LIMIT = 5
RATE_WINDOW = 3600

_SALT = "publication.notice-comment"


def form_stamp(key: str, *, at: float | None = None) -> str:
    """The signed time (``at``, a POSIX timestamp; now by default) the form for ``key`` (a notice) was shown."""
    return signed_stamp(key, salt=_SALT, at=at)


def stamp_refusal(stamp: str, key: str) -> str | None:
    """Why a stamp is refused (forged, for another notice, too fast, too old), or None."""
    shown = read_stamp(stamp, salt=_SALT)
    if shown is None or shown.key != key:
        return "表单无效，请刷新页面后重新填写。"
    if shown.age < MIN_FILL_SECONDS:
        return "提交过快，请稍候再提交。"
    if shown.age > MAX_FORM_AGE:
        return "页面打开时间过长，请刷新页面后重新填写。"
    return None


def address_hash(ip: str | None) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{_SALT}:{ip or ''}".encode()).hexdigest()


def over_rate_limit(ip_hash: str) -> bool:
    """Count one comment from the address; True when it is over the limit for the window."""
    return counted_over_limit(f"{_SALT}:{ip_hash}", limit=RATE_LIMIT, window=RATE_WINDOW)
