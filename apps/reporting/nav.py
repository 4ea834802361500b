"""Header menu entries of this app: (label, url name taking program_id, roles or None for all)."""

NAV: list[tuple[str, str, set[str] | None]] = [
    ("调度", "reporting_rounds", None),
    ("我的填报", "reporting_my_inbox", {"department_reporter", "county_office", "office_admin"}),
    ("审核", "reporting_review", {"office_admin"}),
]
