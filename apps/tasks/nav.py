"""Header menu entries of this app (see apps.core.nav.NavEntry).

Labels are marked with gettext_noop (or pgettext_lazy for a menu-only short form): the menu translates them when
it renders (apps.core.nav).
"""

from django.utils.translation import gettext_noop, pgettext_lazy

from apps.core.nav import NavEntry

from .selectors import inbox_badge

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("任务清单"), "tasks", None, "lists", order=30),
    NavEntry(gettext_noop("项目清单"), "projects", None, "lists", order=40),
    NavEntry(pgettext_lazy("menu", "督办"), "notices", None, "supervision"),
    NavEntry(gettext_noop("进度计划"), "timeline", None, "supervision"),
    # a liaison's daily work: a top-level link for them
    NavEntry(gettext_noop("待办"), "inbox", frozenset({"department_reporter"}), "supervision",
             pinned_for=frozenset({"department_reporter"}), badge=inbox_badge),
]
