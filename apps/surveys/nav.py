"""Header menu entry of the survey pages (问卷调查), for the office, leaders and inspectors of the program."""

from django.utils.translation import gettext_noop

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("问卷调查"), "surveys", frozenset({"office_admin", "leader", "inspector"}), "reporting",
             order=110),  # after 监测核算
]
