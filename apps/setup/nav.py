"""Header menu entries of the set-up pages: the 设置 group, for office administrators only."""

from django.utils.translation import pgettext_lazy

from apps.accounts.models import Role
from apps.core.nav import NavEntry

OFFICE = frozenset({Role.OFFICE_ADMIN})

NAV: list[NavEntry] = [
    NavEntry(pgettext_lazy("menu", "创建工作设置"), "setup_program", OFFICE, "setup", order=10, manage=True),
    NavEntry(pgettext_lazy("menu", "用户与角色"), "setup_users", OFFICE, "setup", order=20),
    NavEntry(pgettext_lazy("menu", "单位设置"), "setup_departments", OFFICE, "setup", order=30),
    NavEntry(pgettext_lazy("menu", "新建创建工作"), "setup_program_new", OFFICE, "setup", order=40),
]
