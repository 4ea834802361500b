"""Header menu entries of this app (see apps.core.nav.NavEntry).

Labels are marked with gettext_noop: the menu translates them when it renders (apps.core.nav).
"""

from django.utils.translation import gettext_noop

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("监测核算"), "monitoring_home", frozenset({"office_admin", "leader", "inspector"}),
             "reporting"),
]
