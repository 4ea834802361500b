"""API shapes of the reports: a stored or building report file, and the draft request."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ReportRequestIn(Schema):
    kind: str = Field(description="annual（年度工作报告）或 progress（进展报告）")
    year: int
    region_id: int | None = Field(None, description="进展报告：县区")
    department_id: int | None = Field(None, description="进展报告：牵头单位")


class ReportFileOut(Schema):
    id: int
    kind: str
    title: str
    year: int
    region_id: int | None
    department_id: int | None
    data_version: str
    sha256: str
    size: int
    ready: bool
    status: str = Field(description="ready / queued / running / failed / interrupted")
    progress: int
    stage: str
    created_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_status(obj) -> str:  # type: ignore[no-untyped-def]
        if obj.ready:
            return "ready"
        return obj.job.display_status if obj.job is not None else "failed"

    @staticmethod
    def resolve_progress(obj) -> int:  # type: ignore[no-untyped-def]
        if obj.ready:
            return 100
        return obj.job.progress if obj.job is not None else 0

    @staticmethod
    def resolve_stage(obj) -> str:  # type: ignore[no-untyped-def]
        return "" if obj.ready or obj.job is None else obj.job.stage

    @staticmethod
    def resolve_created_by(obj) -> str | None:  # type: ignore[no-untyped-def]
        return str(obj.created_by) if obj.created_by is not None else None


class ReportRequestOut(Schema):
    report: ReportFileOut
    queued: bool = Field(description="false：数据未变，返回已生成（或正在生成）的文件")
