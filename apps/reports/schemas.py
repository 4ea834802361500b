"""API shapes of the reports: a stored or building report file, and the draft request."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ReportRequestIn(Schema):
    kind: str = Field(description="annual（年度工作报告）、progress（进展报告）、self_assessment（技术自查评估报告）、"
                                  "dossier（申报材料档案，zip）或 update（年度更新包，zip）")
    year: int
    region_id: int | None = Field(None, description="进展报告：县区；档案和更新包：只收录该县区（不填为全部）")
    department_id: int | None = Field(None, description="进展报告：牵头单位")
    indicator_set: str = Field("", max_length=40,
                               description="档案和更新包的指标范围：空为全部，binding 为约束性指标，domain:<领域> 为一个领域")


class ReportFileOut(Schema):
    id: int
    kind: str
    title: str
    filename: str
    indicator_set: str
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


class VetoAnswerOut(Schema):
    condition: str = Field(alias="condition.code")
    condition_text: str = Field(alias="condition.text")
    year: int
    answered: bool
    occurred: bool
    label: str = Field(description="无 / 有 / 未填写")
    note: str
    documents: str
    files: list[str]
    entry_id: int | None
    recorded_by: str
    recorded_at: dt.datetime | None


class VetoEntryOut(Schema):
    id: int
    condition: str
    year: int
    occurred: bool
    note: str
    documents: str
    recorded_at: dt.datetime
