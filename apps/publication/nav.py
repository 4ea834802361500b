"""Header menu entry of the publication page (the 发布 group), for office administrators who manage the program.

The portal itself is linked from that page once something is published (before that it is a 404)."""

from django.utils.translation import gettext_noop

from apps.accounts.models import Role
from apps.core.nav import NavEntry

OFFICE = frozenset({Role.OFFICE_ADMIN})

NAV: list[NavEntry] = [
    # 公示 notices and the disclosure list are reached from the publication page (its links), and belong to it
    NavEntry(gettext_noop("发布管理"), "publications", OFFICE, "publish", order=10, manage=True,
             also=("public_notices", "public_notice", "disclosure")),
]
