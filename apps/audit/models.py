"""The audit log: one append-only table of who did what, when, from where, to what, within which region.

Rows are only ever inserted (:func:`apps.audit.services.record`). The model refuses to save an existing row or to
delete one, its queryset refuses ``update()`` and ``delete()``, the admin shows it read-only, and on PostgreSQL a
trigger refuses UPDATE and DELETE from any client (migration 0002).

This app sits right above core and below everything that records (see docs/architecture.md), so it names the
user and the region by string foreign keys and reads a user's duties without importing accounts.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.errors import PermissionDeniedError


class AuditLogImmutable(PermissionDeniedError):
    """The audit log is append-only: an attempt to change or delete a row (refused to everyone)."""


IMMUTABLE = "审计日志只能追加，不能修改或删除。"


class AuditAction(models.TextChoices):
    """What happened. Codes are stable strings (searched, exported); labels are for people."""

    LOGIN = "auth.login", _("登录")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    LOCKOUT = "auth.lockout", _("登录锁定")
    LOGOUT = "auth.logout", _("退出登录")
    PASSWORD_CHANGE = "auth.password_change", _("修改密码")
    EVIDENCE_DOWNLOAD = "evidence.download", _("下载佐证材料")
    EXPORT_DOWNLOAD = "export.download", _("下载导出文件")
    IMPORT_COMMIT = "import.commit", _("导入写入")
    USER_CREATE = "user.create", _("新建用户")
    USER_DEACTIVATE = "user.deactivate", _("停用用户")
    USER_ACTIVATE = "user.activate", _("启用用户")
    USER_PASSWORD_RESET = "user.password_reset", _("重置初始密码")
    ROLE_ASSIGN = "role.assign", _("分配角色")
    ROLE_REVOKE = "role.revoke", _("撤销角色")
    SETUP_CREATE = "setup.create", _("设置新增")
    SETUP_CHANGE = "setup.change", _("设置修改")
    SETUP_DELETE = "setup.delete", _("设置删除")
    ADMIN_ADD = "admin.add", _("后台新增")
    ADMIN_CHANGE = "admin.change", _("后台修改")
    ADMIN_DELETE = "admin.delete", _("后台删除")
    ROUND_CLOSE = "round.close", _("关闭填报")
    ROUND_REOPEN = "round.reopen", _("重新开放填报")
    #: A publication's moves (apps.publication.services.publication_transition).
    PUBLICATION = "publication.publish", _("发布公示")
    PUBLICATION_WITHDRAW = "publication.withdraw", _("撤回发布")
    SCORING_STEP = "scoring.step", _("考核结果流转")
    SCORING_RUN = "scoring.run", _("考核计分")
    #: An office fact or manual points entered or changed (apps.scoring.services; each change is a revision).
    SCORING_ENTRY = "scoring.entry", _("考核事实或人工评分录入")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable(IMMUTABLE)

    def delete(self) -> NoReturn:
        raise AuditLogImmutable(IMMUTABLE)

    def _raw_delete(self, using: Any) -> NoReturn:  # noqa: ARG002 - the collector's fast path, refused too
        raise AuditLogImmutable(IMMUTABLE)


class AuditEvent(models.Model):
    """One thing that happened: an append-only row."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    actor_name = models.CharField("操作人账号", max_length=150, blank=True, db_index=True)
    # Not ``choices=``: a new action code needs no migration; the label comes from AuditAction.
    action = models.CharField("操作", max_length=40, db_index=True)
    target_type = models.CharField("对象类型", max_length=60, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="区域", null=True, blank=True,
                               on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["region", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutable(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable(IMMUTABLE)

    @property
    def action_label(self) -> str:
        return str(AuditAction(self.action).label) if self.action in AuditAction.values else self.action
