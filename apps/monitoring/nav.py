"""Header menu entries of this app: (label, url name taking program_id, roles or None for all)."""

NAV: list[tuple[str, str, set[str] | None]] = [
    ("监测核算", "monitoring_home", {"office_admin", "leader", "inspector"}),
]
