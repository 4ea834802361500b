"""Header menu entries of this app: (label, url name taking program_id, roles or None for all)."""

_READERS = {"office_admin", "county_office", "leader", "inspector"}

NAV: list[tuple[str, str, set[str] | None]] = [
    ("驾驶舱", "assessment_cockpit", _READERS),
    ("达标矩阵", "assessment_matrix", _READERS),
    ("本单位指标", "assessment_my_department", {"department_reporter"}),
]
