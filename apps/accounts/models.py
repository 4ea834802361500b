"""Users and their duties: a user holds one or more role assignments (role × scope × program).

A scope is a region (province, city or county) or a department. Access code never reads a single "role of the
user": it asks :attr:`User.duties`, loaded once per user object (one query), and grants the union of what the
duties grant.

This app sits below geo and programs (see docs/architecture.md), so the foreign keys name them by string and the
region levels are compared as the strings ``geo.RegionLevel`` stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Region(Protocol):
    """What accounts reads of a ``geo.Region`` (geo is above accounts, so it is not imported here)."""

    id: int
    name: str
    level: str
    path: str


class Department(Protocol):
    """What accounts reads of a ``geo.Department``."""

    id: int
    name: str
    region: Region


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("生态办管理员")
    DEPARTMENT_REPORTER = "department_reporter", _("部门联络员")
    COUNTY_OFFICE = "county_office", _("县区生态办")
    LEADER = "leader", _("领导")
    INSPECTOR = "inspector", _("核查人员")


#: The region levels a role may be scoped to (geo.RegionLevel values); a department reporter is scoped to a unit.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.OFFICE_ADMIN: frozenset({"province", "city"}),
    Role.COUNTY_OFFICE: frozenset({"county"}),
    Role.LEADER: frozenset({"province", "city", "county"}),
    Role.INSPECTOR: frozenset({"province", "city", "county"}),
}


@dataclass(frozen=True)
class Duty:
    """One role assignment as access code reads it: the role, its scope and the program it is limited to."""

    role: str
    region: Region | None
    department: Department | None
    program_id: int | None

    @property
    def home(self) -> Region | None:
        """The region the duty stands in: its region, or its unit's region for a department reporter."""
        if self.department is not None:
            return self.department.region
        return self.region

    @property
    def label(self) -> str:
        return str(Role(self.role).label)

    def covers(self, program_id: int | None) -> bool:
        """Whether the duty applies to that program (None: a question not about one program)."""
        return self.program_id is None or program_id is None or self.program_id == program_id


class User(AbstractUser):
    """A person using the system; what they may see and do follows from their role assignments."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField(
        "须修改初始密码", default=False,
        help_text="管理员新建、导入或重置密码的用户持一次性初始密码，首次登录后必须先修改密码。",
    )

    class Meta:
        verbose_name = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def duties(self) -> tuple[Duty, ...]:
        """Every assignment of the user, oldest first: one query per user object (so once per request)."""
        if self.pk is None:
            return ()
        return tuple(
            Duty(role=a.role, region=a.region, department=a.department, program_id=a.program_id)
            for a in self.assignments.select_related("region", "department__region").order_by("id")
        )

    def duties_as(self, *roles: str, program_id: int | None = None) -> list[Duty]:
        """The user's duties in one of ``roles`` (all roles if none given) that apply to that program."""
        return [d for d in self.duties if (not roles or d.role in roles) and d.covers(program_id)]

    def has_role(self, *roles: str, program_id: int | None = None) -> bool:
        return bool(self.duties_as(*roles, program_id=program_id))

    @property
    def is_office_admin(self) -> bool:
        return self.has_role(Role.OFFICE_ADMIN)

    @property
    def role_label(self) -> str:
        """The labels of the user's roles, in assignment order, joined (a person with two duties shows both)."""
        return " / ".join(dict.fromkeys(d.label for d in self.duties))


class RoleAssignment(models.Model):
    """A duty of a user: a role within a scope (a region or a unit), for every program there or for one."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "geo.Region", verbose_name="区域", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
        help_text="生态办管理员：所管辖的省或市；县区生态办：所在县区；领导、核查人员：所在的省、市或县区。",
    )
    department = models.ForeignKey(
        "geo.Department", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments", help_text="部门联络员必须绑定单位。",
    )
    program = models.ForeignKey(
        "programs.Program", verbose_name="创建工作", null=True, blank=True, on_delete=models.CASCADE,
        related_name="assignments", help_text="留空：范围内的全部创建工作。",
    )

    class Meta:
        verbose_name = "角色分配"
        ordering = ["user", "id"]
        constraints = [
            # NULLs are distinct in a plain unique index on both databases; coalescing them makes
            # (user, role, region, department, program) unique whichever of the three are empty.
            models.UniqueConstraint(
                "user", "role", Coalesce("region", 0), Coalesce("department", 0), Coalesce("program", 0),
                name="accounts_assignment_unique", violation_error_message="该用户已有相同的角色分配。",
            ),
        ]

    def __str__(self) -> str:
        scope = self.department or self.region
        suffix = f"（{self.program}）" if self.program_id else ""
        return f"{self.get_role_display()}：{scope}{suffix}"

    def clean(self) -> None:
        if self.role == Role.DEPARTMENT_REPORTER:
            if not self.department_id:
                raise ValidationError({"department": "部门联络员必须绑定所属单位。"})
            if self.region_id:
                raise ValidationError({"region": "部门联络员按单位确定范围，不填区域。"})
            home = self.department.region
        else:
            if self.department_id:
                raise ValidationError({"department": "只有部门联络员绑定单位。"})
            if not self.region_id:
                if self.role == Role.COUNTY_OFFICE:
                    raise ValidationError({"region": "县区生态办必须绑定所在县区。"})
                raise ValidationError({"region": "请选择所管辖的区域。"})
            if self.region.level not in ROLE_LEVELS.get(self.role, frozenset()):
                messages = {
                    Role.COUNTY_OFFICE: "县区生态办必须绑定县区。",
                    Role.OFFICE_ADMIN: "生态办管理员须绑定省或市。",
                }
                raise ValidationError({"region": messages.get(self.role, "该角色不能绑定这一层级的区域。")})
            home = self.region
        if self.program_id:
            program_path = self.program.region.path
            if not (program_path.startswith(home.path) or home.path.startswith(program_path)):
                raise ValidationError({"program": "该创建工作不在此范围内。"})
