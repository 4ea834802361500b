"""Header menu entries of this app (see apps.core.nav.NavEntry).

Labels are marked with gettext_noop: the menu translates them when it renders (apps.core.nav).
"""

from django.utils.translation import gettext_noop

from apps.core.nav import NavEntry

_READERS = frozenset({"office_admin", "county_office", "leader", "inspector"})

NAV: list[NavEntry] = [
    # leaders land on the cockpit: for them it is a top-level link
    NavEntry(gettext_noop("驾驶舱"), "assessment_cockpit", _READERS, "overview", pinned_for=frozenset({"leader"}),
             order=10),
    NavEntry(gettext_noop("达标矩阵"), "assessment_matrix", _READERS, "overview", order=20),
    NavEntry(gettext_noop("本单位指标"), "assessment_my_department", frozenset({"department_reporter"}), "overview",
             order=10),
]
