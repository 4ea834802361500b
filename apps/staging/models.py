"""A staged import: an uploaded file kept in storage until it is checked, previewed, confirmed and committed.

One model for every sheet and data import (responsibilities, tasks, projects, monitoring, indicator values).
The file is stored under our own name (its SHA-256), never the user's; the user's name is kept as data.
What a kind does at each step (parse and plan, commit) is registered in :mod:`apps.staging.registry`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.core.fields import who_and_when
from apps.jobs.models import Heartbeat


class StagedStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("排队中")
    CHECKING = "checking", gettext_lazy("检查与核算中")
    REJECTED = "rejected", gettext_lazy("有错误，未写入")
    PREVIEWED = "previewed", gettext_lazy("待确认")
    COMMITTING = "committing", gettext_lazy("写入中")
    COMMITTED = "committed", gettext_lazy("已写入")
    FAILED = "failed", gettext_lazy("失败")
    DISCARDED = "discarded", gettext_lazy("已放弃")


#: preview → confirm → commit: the only status moves of a staged import. ``checking → queued`` and
#: ``failed → queued`` are a re-check from the stored file; ``committing → rejected`` a commit whose re-check
#: found row errors (nothing written).
TRANSITIONS: dict[str, frozenset[str]] = {
    StagedStatus.QUEUED: frozenset({StagedStatus.CHECKING, StagedStatus.FAILED, StagedStatus.DISCARDED}),
    StagedStatus.CHECKING: frozenset({StagedStatus.PREVIEWED, StagedStatus.REJECTED, StagedStatus.FAILED,
                                      StagedStatus.QUEUED}),
    StagedStatus.PREVIEWED: frozenset({StagedStatus.COMMITTING, StagedStatus.COMMITTED, StagedStatus.DISCARDED,
                                       StagedStatus.QUEUED}),
    StagedStatus.COMMITTING: frozenset({StagedStatus.COMMITTED, StagedStatus.FAILED, StagedStatus.REJECTED,
                                        StagedStatus.PREVIEWED}),
    StagedStatus.FAILED: frozenset({StagedStatus.QUEUED, StagedStatus.DISCARDED}),
    StagedStatus.REJECTED: frozenset({StagedStatus.DISCARDED}),
    StagedStatus.COMMITTED: frozenset(),
    StagedStatus.DISCARDED: frozenset(),
}
RUNNING = frozenset({StagedStatus.QUEUED, StagedStatus.CHECKING, StagedStatus.COMMITTING})


def staged_path(instance: StagedImport, filename: str) -> str:  # noqa: ARG001 - Django's upload_to signature
    # Our name (SHA-256 + checked format); the user's name is kept only as data.
    return f"staging/{instance.sha256[:2]}/{instance.sha256}.{instance.file_format}"


class StagedImport(Heartbeat, models.Model):
    """One uploaded file on its way from preview to commit: what, who, when, how far, and what it will write."""

    kind = models.CharField("导入类型", max_length=40, db_index=True)  # a key of apps.staging.registry
    program = models.ForeignKey("programs.Program", verbose_name="创建工作", null=True, blank=True,
                                on_delete=models.CASCADE,
                                related_name="staged_imports")
    original_name = models.CharField("文件名", max_length=120)
    file_format = models.CharField("格式", max_length=8)
    sha256 = models.CharField("文件校验值（SHA-256）", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("大小")
    file = models.FileField("文件", upload_to=staged_path, max_length=255)
    options = models.JSONField("选项", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=StagedStatus.choices, default=StagedStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=80, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    plan = models.JSONField("拟写入", default=dict, blank=True)
    errors = models.JSONField("行错误", default=list, blank=True)  # [{row, column, message}]
    summary = models.TextField("说明", blank=True)
    result = models.JSONField("写入结果", default=dict, blank=True)
    #: What a commit in bounded transactions needs to undo its chunks (the kind's ``compensate`` reads it):
    #: e.g. each changed value's version and timestamps before the import. Emptied when the import ends.
    undo = models.JSONField("撤销所需", default=dict, blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name="后台任务", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    created_by, created_at = who_and_when("上传人", "上传时间")
    updated_at = models.DateTimeField("进度更新时间", default=timezone.now)  # the heartbeat
    committed_at = models.DateTimeField("写入时间", null=True, blank=True)

    class Meta:
        verbose_name = "分步导入"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def running(self) -> bool:
        return self.status in RUNNING



class WriteAction(models.TextChoices):
    CREATED = "created", gettext_lazy("新增")
    UPDATED = "updated", gettext_lazy("修改")
    DELETED = "deleted", gettext_lazy("删除")


class StagedWrite(models.Model):
    """What one chunk of a bounded commit wrote to one table, kept with the chunk (the same transaction) so the
    import can be undone as a whole (:mod:`apps.staging.journal`). Deleted when the import ends.

    ``rows``: the primary keys it created; ``[pk, before, after]`` per row it updated (the written fields only);
    the whole rows it deleted (``attname → value``).
    """

    staged_import = models.ForeignKey(StagedImport, verbose_name="分步导入", on_delete=models.CASCADE,
                                      related_name="writes")
    model = models.CharField("数据表", max_length=100)  # "app_label.model_name"
    action = models.CharField("操作", max_length=8, choices=WriteAction.choices)
    rows = models.JSONField("行", default=list)

    class Meta:
        verbose_name = "分块写入记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.staged_import_id} {self.action} {self.model}"
