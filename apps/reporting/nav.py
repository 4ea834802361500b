"""Header menu entries of this app: (label, url name taking program_id, roles or None for all).

Labels are marked with gettext_noop: the menu translates them when it renders (apps.core.context_processors).
"""

from django.utils.translation import gettext_noop

NAV: list[tuple[str, str, set[str] | None]] = [
    (gettext_noop("调度"), "reporting_rounds", None),
    (gettext_noop("我的填报"), "reporting_my_inbox", {"department_reporter", "county_office", "office_admin"}),
    (gettext_noop("审核"), "reporting_review", {"office_admin"}),
]
