"""Header menu entry of the publication page (the 发布 group), for office administrators who manage the program.

The portal itself is linked from that page once something is published (before that it is a 404)."""

from django.utils.translation import gettext_noop

from apps.accounts.models import Role
from apps.core.nav import NavEntry

OFFICE = frozenset({Role.OFFICE_ADMIN})

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("发布管理"), "publications", OFFICE, "publish", order=10, manage=True),
    NavEntry(gettext_noop("公示管理"), "public_notices", OFFICE, "publish", order=11, manage=True),
    NavEntry(gettext_noop("信息公开清单"), "disclosure", OFFICE, "publish", order=12, manage=True),
]
