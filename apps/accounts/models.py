from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("生态办管理员")
    DEPARTMENT_REPORTER = "department_reporter", _("部门联络员")
    COUNTY_OFFICE = "county_office", _("县区生态办")
    LEADER = "leader", _("领导")
    INSPECTOR = "inspector", _("核查人员")


class User(AbstractUser):
    """A person using the system; what they may see and do follows from ``role`` and its binding."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name="所属区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="生态办、领导、核查人员：所管辖的市；县区生态办：所在县区。",
    )
    department = models.ForeignKey(
        "geo.Department",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="部门联络员必须绑定单位。",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role == Role.DEPARTMENT_REPORTER and not self.department_id:
            raise ValidationError({"department": "部门联络员必须绑定所属单位。"})
        if self.role == Role.COUNTY_OFFICE and not self.region_id:
            raise ValidationError({"region": "县区生态办必须绑定所在县区。"})
        if self.role in (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR) and not self.region_id:
            raise ValidationError({"region": "请选择所管辖的区域。"})

    @property
    def is_office_admin(self) -> bool:
        return self.role == Role.OFFICE_ADMIN

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)
