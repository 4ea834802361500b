"""Header menu entry of the plan import: for the program's office, under 设置."""

from django.utils.translation import gettext_noop

from apps.accounts.models import Role
from apps.core.nav import NavEntry

NAV: list[NavEntry] = [
    NavEntry(gettext_noop("导入规划文件"), "plan_import", frozenset({Role.OFFICE_ADMIN}), "setup", order=15, manage=True),
]
