"""Header menu entry of this app (see apps.core.nav.NavEntry): 考核, for everyone who sees the program."""

from django.utils.translation import gettext_noop

from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("考核"), "scoring_index", None, "overview", order=40),
]
