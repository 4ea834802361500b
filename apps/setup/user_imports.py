"""The users (用户) import of the set-up pages as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → the check reads the sheet (:mod:`docimport.users`), matches each row to a stored user by 用户名 (any
case), resolves its roles' units, regions and programs among the uploader's own (a scope outside them, a role the
uploader may not grant, a user it does not manage: row errors naming the user) and plans old → new per changed
column, comparing the stored user and the row as the export writes them (so export → import changes nothing) →
confirm → the commit plans again against the database as it is then and writes through the set-up services (the
page's and the API's one path: each checks the scope again, validates and audits), all or nothing. A user missing
from the sheet stays as it is; a user's roles become the row's (roles the row drops are revoked).

A new user gets a one-time initial password. It is never stored in clear: the commit hands the passwords to the
committing request only (:func:`issued_passwords`), which shows them once; the staged import, its job and the audit
log keep the counts alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import translation

from apps.accounts.access import can_grant, can_manage_user, managed_users
from apps.accounts.models import Duty, Role, RoleAssignment, User
from apps.accounts.services import user_set_active
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, ImportRejected
from apps.core.uploads import parse_sheet
from apps.geo.models import Department, Region
from apps.programs.models import Program
from apps.staging.diff import RowChange, changes_plan, column_changes
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_commit
from docimport.errors import RowError
from docimport.users import (
    COLUMNS,
    EMAIL,
    INACTIVE,
    NAME,
    REGION,
    ROLES,
    UNIT,
    USERNAME,
    RoleItem,
    UserRow,
    parse_users,
    render_users_xlsx,
)

from . import services
from .access import managed_departments, office_regions, office_regions_q
from .imports import register_list_kind

USERS = "setup.users"

#: A duty as the import compares them: (role, region id, unit id, program id).
Key = tuple[str, int | None, int | None, int | None]


def _role_labels() -> dict[str, str]:
    """Role value → its Chinese label, whatever the request's language (the sheet is always Chinese)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Role.choices}


class Scope:
    """The units, regions and programs an office may name in a users sheet, with the texts the export writes."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.roles = _role_labels()
        self.role_by_label = {label: value for value, label in self.roles.items()}
        self.regions = list(office_regions(actor))
        self.units = list(managed_departments(actor).order_by("region__path", "order", "name"))
        self.programs = list(Program.objects.select_related("region").filter(office_regions_q(actor, "region__")))
        names: dict[str, list[Region]] = defaultdict(list)
        for region in self.regions:
            names[region.name].append(region)
        self.region_by_text = {region.code: region for region in self.regions}
        self.region_by_text.update({name: found[0] for name, found in names.items() if len(found) == 1})
        unit_names: dict[str, list[Department]] = defaultdict(list)
        for unit in self.units:
            unit_names[unit.name].append(unit)
        self.unit_by_text: dict[str, Department] = {}
        for unit in self.units:
            self.unit_by_text[f"{self.region_text(unit.region)}/{unit.name}"] = unit
            self.unit_by_text[f"{unit.region.code}/{unit.name}"] = unit
            if len(unit_names[unit.name]) == 1:
                self.unit_by_text[unit.name] = unit
        self.ambiguous_units = {name for name, found in unit_names.items() if len(found) > 1}
        self.program_by_name = {program.name: program for program in self.programs}
        self.program_name = {program.pk: program.name for program in self.programs}

    def region_text(self, region: Region) -> str:
        return region.name if self.region_by_text.get(region.name) == region else region.code

    def unit_text(self, unit: Department) -> str:
        if unit.name in self.ambiguous_units:
            return f"{self.region_text(unit.region)}/{unit.name}"
        return unit.name

    def scope_text(self, assignment: RoleAssignment) -> str:
        if assignment.department is not None:
            return self.unit_text(assignment.department)
        return self.region_text(assignment.region) if assignment.region is not None else ""

    def row(self, user: User, number: int = 0, **values: object) -> UserRow:
        """A user as the sheet writes it, its duties ``values["duties"]`` or its stored ones (export, old side)."""
        assignments = list(values.pop("duties") if "duties" in values else user.assignments.all())
        unit = next((self.scope_text(a) for a in assignments if a.role == Role.DEPARTMENT_REPORTER), "")
        region = next((self.scope_text(a) for a in assignments if a.role != Role.DEPARTMENT_REPORTER), "")
        items = []
        for a in assignments:
            default = unit if a.role == Role.DEPARTMENT_REPORTER else region
            scope = self.scope_text(a)
            program = self.program_name.get(a.program_id, str(a.program)) if a.program_id else ""
            items.append(RoleItem(self.roles[a.role], "" if scope == default and not program else scope, program))
        fields = {"display_name": user.display_name, "email": user.email, "inactive": not user.is_active, **values}
        return UserRow(number, user.username, str(fields["display_name"]), unit, region, tuple(items),
                       str(fields["email"]), bool(fields["inactive"]))


def users_export(actor: User) -> bytes:
    """The users the actor manages as the import reads them (export → import changes nothing)."""
    scope = Scope(actor)
    return render_users_xlsx(scope.row(user) for user in _managed_with_duties(actor))


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=RoleAssignment.objects.select_related(
        "region", "department__region", "program__region").order_by("id"))


def _with_duties(users: list[User]) -> list[User]:
    """Set each user's duties from its prefetched assignments (no query per user in the access checks)."""
    for user in users:
        user.duties = tuple(Duty(role=a.role, region=a.region, department=a.department, program_id=a.program_id)
                            for a in user.assignments.all())
    return users


def _managed_with_duties(actor: User) -> list[User]:
    return _with_duties(list(managed_users(actor).prefetch_related(_assignments()).order_by("username")))


@dataclass
class UserPlanRow:
    """What the commit does for one row: create the user, or change a stored one (only what changed)."""

    row: int
    username: str
    display_name: str
    email: str
    inactive: bool
    duties: list[RoleAssignment]  # unsaved: the row's duties (for a new user, the first is its first duty)
    user: User | None = None
    grant: list[RoleAssignment] = field(default_factory=list)
    revoke: list[RoleAssignment] = field(default_factory=list)


@dataclass
class UserPlan:
    rows: list[UserPlanRow]
    changes: list[RowChange]
    unchanged: int

    def plan(self) -> dict[str, object]:
        return changes_plan(self.changes, self.unchanged)


def _key(assignment: RoleAssignment) -> Key:
    return assignment.role, assignment.region_id, assignment.department_id, assignment.program_id


class _RowCheck:
    """One row's duties resolved among the actor's scope, its errors named by the row's user."""

    def __init__(self, scope: Scope, user_row: UserRow, errors: list[RowError]) -> None:
        self.scope, self.user_row, self.errors = scope, user_row, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.user_row.row, column, message, self.user_row.username))

    def duties(self) -> list[RoleAssignment]:
        found: dict[Key, RoleAssignment] = {}
        for item in self.user_row.roles:
            duty = self.duty(item)
            if duty is not None:
                found.setdefault(_key(duty), duty)
        return list(found.values())

    def duty(self, item: RoleItem) -> RoleAssignment | None:
        role = self.scope.role_by_label.get(item.label)
        if role is None:
            self.error(ROLES, f"角色“{item.label}”不存在；可填：{'、'.join(self.scope.roles.values())}。")
            return None
        program = None
        if item.program:
            program = self.scope.program_by_name.get(item.program)
            if program is None:
                self.error(ROLES, f"创建工作“{item.program}”不存在或不在您的管辖范围内。")
                return None
        duty = RoleAssignment(role=role, program=program)
        if role == Role.DEPARTMENT_REPORTER:
            text = item.scope or self.user_row.unit
            duty.department = self.scope.unit_by_text.get(text)
            if duty.department is None:
                self.error(UNIT, self._unit_message(text))
                return None
            home = duty.department.region
        else:
            text = item.scope or self.user_row.region
            duty.region = self.scope.region_by_text.get(text)
            if duty.region is None:
                self.error(REGION, f"{item.label}须填写地区（区域名称或区划代码）。" if not text else
                           f"地区“{text}”不存在或不在您的管辖范围内。")
                return None
            home = duty.region
        if not can_grant(self.scope.actor, home=home, program_id=program.pk if program else None):
            self.error(ROLES, f"您不能分配“{item.text()}”：只能在自己的管辖范围内、为您管理的创建工作分配角色。")
            return None
        try:
            duty.clean()
        except ValidationError as exc:
            self.error(ROLES, f"{item.text()}：{'；'.join(dict.fromkeys(exc.messages))}")
            return None
        return duty

    def _unit_message(self, text: str) -> str:
        if not text:
            return "部门联络员须填写单位。"
        if text in self.scope.ambiguous_units:
            return f"单位名称“{text}”在多个区域重复，请写作“区域/单位名称”。"
        return f"单位“{text}”不存在或不在您的管辖范围内。"


def users_check(*, actor: User, data: bytes) -> UserPlan:
    """Parse and resolve a users sheet for ``actor``; raises ImportRejected with every bad row. Writes nothing."""
    rows, errors = parse_sheet(parse_users, data)
    scope = Scope(actor)
    stored = {user.username.lower(): user for user in _with_duties(list(
        User.objects.annotate(lower=Lower("username")).filter(lower__in=[r.username.lower() for r in rows])
        .prefetch_related(_assignments())))}
    plan = UserPlan([], [], 0)
    new = 0
    for user_row in rows:
        check = _RowCheck(scope, user_row, errors)
        old = stored.get(user_row.username.lower())
        if old is not None and not can_manage_user(actor, old):
            check.error(USERNAME, "该用户名已被使用，且该用户不在您的管理范围内。")
            continue
        found = len(errors)
        duties = check.duties()
        if len(errors) > found:
            continue
        if old is None:
            new += 1
            if new > settings.ECOCIV_USER_IMPORT_MAX_NEW:
                check.error(USERNAME, f"一个文件最多新建{settings.ECOCIV_USER_IMPORT_MAX_NEW}个用户（每个初始密码都要"
                                      "单独加密，确认时须当场完成）：请把其余新用户分到下一个文件导入。")
                continue
        entry = _plan_row(scope, user_row, old, duties, check)
        if entry is None:
            plan.unchanged += 1
        elif len(errors) == found:
            plan.rows.append(entry[0])
            plan.changes.append(entry[1])
    if errors:
        raise ImportRejected(errors)
    return plan


def _plan_row(scope: Scope, user_row: UserRow, old: User | None, duties: list[RoleAssignment],
              check: _RowCheck) -> tuple[UserPlanRow, RowChange] | None:
    """The row's plan and old → new, or None when it changes nothing (compared as the export writes both)."""
    present = set(user_row.columns)
    values = {"display_name": user_row.display_name if NAME in present or old is None else old.display_name,
              "email": user_row.email if EMAIL in present or old is None else old.email,
              "inactive": user_row.inactive if INACTIVE in present or old is None else not old.is_active}
    template = old or User(username=user_row.username)
    new = scope.row(template, user_row.row, duties=duties, **values)
    before = None if old is None else scope.row(old).cells()
    changed = column_changes(before, new.cells(), COLUMNS)
    if not changed:
        return None
    entry = UserPlanRow(user_row.row, template.username, str(values["display_name"]), str(values["email"]),
                        bool(values["inactive"]), duties, old)
    if old is not None:
        held = {_key(a): a for a in old.assignments.all()}
        entry.grant = [d for d in duties if _key(d) not in held]
        keep = {_key(d) for d in duties}
        entry.revoke = [a for key, a in held.items() if key not in keep]
        if old.pk == scope.actor.pk and (entry.grant or entry.revoke or entry.inactive):
            check.error(ROLES if entry.grant or entry.revoke else INACTIVE, "不能通过导入修改自己的角色或停用自己。")
        for assignment in entry.revoke:
            home = assignment.department.region if assignment.department_id else assignment.region
            if not can_grant(scope.actor, home=home, program_id=assignment.program_id):
                check.error(ROLES, f"您不能撤销该用户的“{assignment}”。")
    return entry, RowChange(user_row.row, template.username, old is None, changed)


#: The initial passwords the running commit issues, for the request that confirmed it (None: nobody collects).
_ISSUED: ContextVar[list[tuple[str, str, str]] | None] = ContextVar("ecociv_initial_passwords", default=None)


@contextmanager
def issued_passwords() -> Iterator[list[tuple[str, str, str]]]:
    """Collect (username, name, one-time password) of the users a commit inside creates, in memory only."""
    issued: list[tuple[str, str, str]] = []
    token = _ISSUED.set(issued)
    try:
        yield issued
    finally:
        _ISSUED.reset(token)


def users_write(*, actor: User, planned: UserPlan) -> dict[str, int]:
    """Create and change the planned users through the set-up services (each audited), inside the commit's
    transaction; the new users' one-time passwords go to :func:`issued_passwords`, never to the result."""
    issued = _ISSUED.get()
    if issued is None and any(entry.user is None for entry in planned.rows):
        raise DomainError("新建用户的导入只能在页面或接口中确认：初始密码只交给确认导入的管理员。")
    result = {"created": 0, "updated": 0, "unchanged": planned.unchanged, "granted": 0, "revoked": 0}
    for entry in planned.rows:
        person = entry.user
        if person is None:
            first, *rest = entry.duties
            person, password = services.user_add(
                actor=actor, username=entry.username, display_name=entry.display_name, email=entry.email,
                role=first.role, region=first.region, department=first.department, program=first.program)
            assert issued is not None
            issued.append((person.username, person.display_name, password))
            entry.grant = rest
            result["created"] += 1
        else:
            services.user_change(actor=actor, user=person, display_name=entry.display_name, email=entry.email)
            result["updated"] += 1
        for duty in entry.grant:
            services.role_grant(actor=actor, user=person, role=duty.role, region=duty.region,
                                department=duty.department, program=duty.program)
        for assignment in entry.revoke:
            services.role_revoke(actor=actor, assignment=assignment)
        if person.is_active == entry.inactive:
            user_set_active(user=person, active=not entry.inactive, actor=actor)
        result["granted"] += len(entry.grant) + (entry.user is None)
        result["revoked"] += len(entry.revoke)
    record(actor, AuditAction.SETUP_CHANGE, target_type="accounts.user", target_label="用户导入", **result)
    return result


register_list_kind(USERS, check=users_check, write=users_write)


def users_commit(*, staged: StagedImport, actor: User) -> StagedImport:
    """Confirm a previewed users import in this request (inline, whatever its size): the initial passwords
    reach :func:`issued_passwords` of this request only, and are dropped if the commit is refused."""
    issued = _ISSUED.get()
    try:
        return staged_import_commit(staged=staged, actor=actor, backend="inline")
    except BaseException:
        if issued is not None:
            issued.clear()
        raise
