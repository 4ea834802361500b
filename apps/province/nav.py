"""Header menu entries of this app (see apps.core.nav.NavEntry): 全省驾驶舱 for a province office or leader."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.nav import NavEntry

from .access import province_ids


def _reads_a_province(user: User, _program: object) -> bool:
    return bool(province_ids(user))


NAV: list[NavEntry] = [
    NavEntry(gettext_noop("全省驾驶舱"), "province_for_program", frozenset({"office_admin", "leader"}), "overview",
             order=5, show=_reads_a_province),
]
