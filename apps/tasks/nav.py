"""Header menu entries of this app: (label, url name taking program_id, roles or None for all)."""

NAV: list[tuple[str, str, set[str] | None]] = [
    ("任务清单", "tasks", None),
    ("项目清单", "projects", None),
    ("督办", "notices", None),
    ("进度计划", "timeline", None),
    ("待办", "inbox", {"department_reporter"}),
]
