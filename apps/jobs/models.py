"""A job: one run of a registered function, with its progress visible from any process.

Every process that runs jobs (the web process's thread, a worker) writes progress and a heartbeat into the
row; every process that shows them only reads the row. A running job whose heartbeat has stopped for
``ECOCIV_JOB_STALE_MINUTES`` (a restarted server, a killed worker) reads as interrupted and may be retried.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from apps.core.fields import who_and_when


class JobStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("排队中")
    RUNNING = "running", gettext_lazy("运行中")
    SUCCEEDED = "succeeded", gettext_lazy("已完成")
    FAILED = "failed", gettext_lazy("失败")


#: The only moves a job's status makes; ``services`` refuses any other.
TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.QUEUED}),  # queued: a retry
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),
    JobStatus.SUCCEEDED: frozenset(),
}


def stale_after() -> dt.timedelta:
    """How long a heartbeat may stop before its row reads as interrupted: ``ECOCIV_JOB_STALE_SECONDS`` when set
    (the worker tests use a few seconds), else ``ECOCIV_JOB_STALE_MINUTES``."""
    seconds = getattr(settings, "ECOCIV_JOB_STALE_SECONDS", None)
    if seconds:
        return dt.timedelta(seconds=seconds)
    return dt.timedelta(minutes=getattr(settings, "ECOCIV_JOB_STALE_MINUTES", 10))


class Heartbeat:
    """What a row that reports its progress with a heartbeat (``updated_at``) shows: a running row whose
    heartbeat has stopped for ``ECOCIV_JOB_STALE_MINUTES`` reads as interrupted (its stored status is left as
    it was). Jobs and staged imports both are such rows."""

    status: str
    updated_at: dt.datetime

    @property
    def running(self) -> bool:
        raise NotImplementedError

    @property
    def interrupted(self) -> bool:
        return self.running and self.updated_at < timezone.now() - stale_after()

    @property
    def finished(self) -> bool:
        return not self.running or self.interrupted

    @property
    def display_status(self) -> str:
        return "interrupted" if self.interrupted else self.status

    @property
    def display_status_label(self) -> str:
        return gettext("已中断") if self.interrupted else self.get_status_display()  # type: ignore[attr-defined]


class Job(Heartbeat, models.Model):
    """One submitted run of the job function registered under ``name``, with its JSON arguments."""

    name = models.CharField("任务类型", max_length=80, db_index=True)
    args = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=120, blank=True)
    error = models.TextField("错误", blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    created_by, created_at = who_and_when("提交人", "提交时间", optional=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    updated_at = models.DateTimeField("心跳时间", default=timezone.now)  # the heartbeat: set by every report
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
