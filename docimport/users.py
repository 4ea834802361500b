"""The users (用户) sheet of the set-up import: read into typed rows and written back the same way (pure).

Columns: 用户名 and 角色 are required; 姓名, 单位, 地区, 邮箱 and 停用 are optional. 角色 lists the person's duties
separated by 、 (a person may have two): each is a role's label, scoped by the row's 单位 (a department reporter)
or 地区 (any other role), or by its own scope in brackets, with the program it is limited to after a comma:
``部门联络员、县区生态办（丘陵县）、领导（甲市，甲市创建工作）``. 单位 and 地区 name a unit or region by name
(or a region by its code); a unit whose name repeats in several regions is written ``市生态环境局（甲市）``.
停用 is 是 or empty. An export writes every column, so export → import changes nothing.

Resolving labels, names and codes to roles, units and regions is the app's job (``apps.setup.user_imports``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook

from .errors import RowError
from .setup import unique_rows
from .xlsx import DEFAULT_LIMITS, SheetLimits, SheetRow, cell_text, print_setup, read_rows, sheet_row

USERNAME, NAME, UNIT, REGION, ROLES, EMAIL, INACTIVE = "用户名", "姓名", "单位", "地区", "角色", "邮箱", "停用"
COLUMNS = (USERNAME, NAME, UNIT, REGION, ROLES, EMAIL, INACTIVE)
WIDTHS = (16, 12, 24, 12, 48, 28, 8)
YES, NO = "是", ""
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ITEM = re.compile(r"^(?P<label>[^（(]+?)\s*(?:[（(](?P<scope>[^，,）)]*)(?:[，,](?P<program>[^）)]*))?[）)])?$")


@dataclass(frozen=True, order=True)
class RoleItem:
    """One duty as the sheet writes it: the role's label, its own scope and program ("" : the row's)."""

    label: str
    scope: str = ""
    program: str = ""

    def text(self) -> str:
        if not self.scope and not self.program:
            return self.label
        return f"{self.label}（{self.scope}{'，' + self.program if self.program else ''}）"


def roles_text(items: Iterable[RoleItem]) -> str:
    """The 角色 cell: the duties in a stable order (so the same duties always read the same)."""
    return "、".join(item.text() for item in sorted(set(items)))


def split_roles(text: str) -> list[str]:
    """The items of a 角色 cell, split on 、；; and new lines outside brackets."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char in "（("
        depth -= char in "）)" and depth > 0
        if depth == 0 and char in "、；;\n":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


@dataclass(frozen=True)
class UserRow:
    row: int
    username: str
    display_name: str
    unit: str
    region: str
    roles: tuple[RoleItem, ...]
    email: str
    inactive: bool
    columns: tuple[str, ...] = COLUMNS  # the columns the sheet has (a missing one is never compared)

    def cells(self) -> dict[str, object]:
        """The row as the sheet shows it (for old → new)."""
        return {USERNAME: self.username, NAME: self.display_name, UNIT: self.unit, REGION: self.region,
                ROLES: roles_text(self.roles), EMAIL: self.email, INACTIVE: YES if self.inactive else NO}


def _roles(line: SheetRow, text: str, subject: str, errors: list[RowError]) -> tuple[RoleItem, ...]:
    items = []
    for part in split_roles(text):
        match = _ITEM.match(part)
        if match is None:
            errors.append(RowError(line.number, ROLES, f"无法识别角色“{part}”：请写作“角色”或“角色（区域或单位）”。",
                                   subject))
            continue
        items.append(RoleItem(match["label"].strip(), (match["scope"] or "").strip(),
                              (match["program"] or "").strip()))
    return tuple(items)


def _user(line: SheetRow, errors: list[RowError]) -> UserRow | None:
    cells = {column: cell_text(line.cells.get(column)) for column in COLUMNS}
    found = len(errors)
    username = cells[USERNAME]
    if not username:
        errors.append(RowError(line.number, USERNAME, "用户名不能为空。", cells[NAME]))
    elif not _USERNAME.match(username):
        errors.append(RowError(line.number, USERNAME, "用户名只能由字母、数字和 @ . + - _ 组成，不超过150个字符。",
                               username))
    subject = username or cells[NAME]
    if len(cells[NAME]) > 50:
        errors.append(RowError(line.number, NAME, "姓名不能超过50个字。", subject))
    if cells[EMAIL] and (len(cells[EMAIL]) > 254 or not _EMAIL.match(cells[EMAIL])):
        errors.append(RowError(line.number, EMAIL, f"“{cells[EMAIL]}”不是有效的邮箱地址。", subject))
    if cells[INACTIVE] not in ("", "是", "否"):
        errors.append(RowError(line.number, INACTIVE, f"停用须填“是”或留空，而不是“{cells[INACTIVE]}”。", subject))
    roles = _roles(line, cells[ROLES], subject, errors)
    if not roles and len(errors) == found:
        errors.append(RowError(line.number, ROLES, "角色不能为空：每个用户至少有一个角色。", subject))
    if len(errors) > found:
        return None
    return UserRow(line.number, username, cells[NAME], cells[UNIT], cells[REGION], roles, cells[EMAIL],
                   cells[INACTIVE] == "是", tuple(column for column in COLUMNS if column in line.cells))


def parse_users(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[UserRow], list[RowError]]:
    """The sheet's users and its row errors (a user named twice is an error on the later row)."""
    lines = read_rows(data, required=(USERNAME, ROLES), optional=(NAME, UNIT, REGION, EMAIL, INACTIVE), limits=limits)
    return unique_rows(lines, _user, lambda user: user.username.casefold(), lambda user, first: RowError(
        user.row, USERNAME, f"与第{first}行重复：用户名须唯一。", user.username))


def _printable_sheet(title: str, header: Iterable[str], widths: Iterable[int],
                    rows: Iterable[list[object]]) -> bytes:
    """One sheet of literal cells under a frozen header, set up to print landscape, fit to the page's width."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    print_setup(sheet, header_row=1)
    sheet.append(sheet_row(sheet, list(header)))
    for row in rows:
        sheet.append(sheet_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_users_xlsx(rows: Iterable[UserRow]) -> bytes:
    """The users sheet as the import reads it (every value a literal cell, never a formula)."""
    return _printable_sheet("用户", COLUMNS, WIDTHS,
                            ([user.cells()[column] for column in COLUMNS] for user in rows))


PASSWORD_COLUMNS = ("用户名", "姓名", "一次性初始密码")


def render_passwords_xlsx(rows: Iterable[tuple[str, str, str]]) -> bytes:
    """The one-time initial passwords of the users an import created (made once, held only in the response)."""
    return _printable_sheet("初始密码", PASSWORD_COLUMNS, (20, 14, 24), (list(row) for row in rows))
