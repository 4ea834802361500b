"""Header menu entries of the publication pages: the 发布 group, for office administrators who manage the program."""

from django.utils.translation import gettext_noop

from apps.accounts.models import Role
from apps.core.nav import NavEntry

OFFICE = frozenset({Role.OFFICE_ADMIN})

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("发布管理"), "publications", OFFICE, "publish", order=10, manage=True),
    NavEntry(gettext_noop("公开门户"), "portal", OFFICE, "publish", order=20, manage=True),
]
