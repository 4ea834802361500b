"""Header menu entry of this app (see apps.core.nav.NavEntry): 报告, for everyone who drafts or reads one."""

from django.utils.translation import gettext_noop

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("报告"), "reports_home",
             frozenset({"office_admin", "county_office", "department_reporter", "leader", "inspector"}), "overview",
             order=90),
]
