"""Header menu entries of this app: (label, url name taking program_id, roles or None for all).

Labels are marked with gettext_noop: the menu translates them when it renders (apps.core.context_processors).
"""

from django.utils.translation import gettext_noop

NAV: list[tuple[str, str, set[str] | None]] = [
    (gettext_noop("任务清单"), "tasks", None),
    (gettext_noop("项目清单"), "projects", None),
    (gettext_noop("督办"), "notices", None),
    (gettext_noop("进度计划"), "timeline", None),
    (gettext_noop("待办"), "inbox", {"department_reporter"}),
]
