"""Header menu entries of this app (see apps.core.nav.NavEntry).

Labels are marked with gettext_noop (or pgettext_lazy for a menu-only short form): the menu translates them when
it renders (apps.core.nav).
"""

from django.utils.translation import gettext_noop, pgettext_lazy

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(pgettext_lazy("menu", "调度"), "reporting_rounds", None, "reporting", also=("reporting_value",)),
    # a liaison's (and a county office's) daily work: a top-level link for them
    NavEntry(gettext_noop("我的填报"), "reporting_my_inbox",
             frozenset({"department_reporter", "county_office", "office_admin"}), "reporting",
             pinned_for=frozenset({"department_reporter", "county_office"})),
    # the office's daily work, on a program it manages (a province office only reads a city's program)
    NavEntry(gettext_noop("审核"), "reporting_review", frozenset({"office_admin"}), "reporting",
             pinned_for=frozenset({"office_admin"}), manage=True),
]
