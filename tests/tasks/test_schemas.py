"""The tasks API's schemas read the models and the selectors' dataclasses: no field is declared in the schema alone."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import models

from apps.evidence.models import Evidence
from apps.review.models import ReviewEvent
from apps.tasks import schemas, selectors
from apps.tasks.models import (
    Project,
    ProjectFunding,
    ProjectYear,
    SupervisionNotice,
    Task,
    TaskMilestone,
    TaskProgress,
)
from apps.tasks.supervision import RunResult

# schema → what it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.TaskOut: Task,
    schemas.MilestoneOut: TaskMilestone,
    schemas.TaskDetailOut: Task,
    schemas.EvidenceFileOut: Evidence,
    schemas.ProgressOut: TaskProgress,
    schemas.ReviewEventOut: ReviewEvent,
    schemas.ProgressDetailOut: TaskProgress,
    schemas.ImportOut: selectors.ImportCounts,
    schemas.FundingOut: ProjectFunding,
    schemas.YearOut: ProjectYear,
    schemas.ProjectOut: Project,
    schemas.SummaryLineOut: selectors.SummaryLine,
    schemas.SummaryOut: selectors.ProjectSummary,
    schemas.NoticeOut: SupervisionNotice,
    schemas.NoticeEventOut: selectors.NoticeEventEntry,
    schemas.NoticeDetailOut: SupervisionNotice,
    schemas.RunOut: RunResult,
    schemas.DueReportOut: selectors.DueReport,
    schemas.InboxTaskOut: Task,
    schemas.InboxOut: selectors.Inbox,
    schemas.BarOut: selectors.Bar,
    schemas.TimelineOut: selectors.Timeline,
}


def attribute_names(source: type) -> set[str]:
    """The attributes an instance of ``source`` has: dataclass fields, model fields and relations, properties."""
    names = {n for n, v in vars(source).items() if isinstance(v, property)}
    for base in source.__mro__:
        names |= {n for n, v in vars(base).items() if isinstance(v, property)}
    if dataclasses.is_dataclass(source):
        names |= {f.name for f in dataclasses.fields(source)}
    if issubclass(source, models.Model):
        for f in source._meta.get_fields():
            names.add(f.name)
            names |= {getattr(f, "attname", f.name)}
            if f.auto_created and not f.concrete:
                names.add(f.get_accessor_name())
    return names


@pytest.mark.parametrize("schema", list(READS), ids=lambda s: s.__name__)
def test_schema_fields_come_from_what_it_reads(schema: type) -> None:
    resolved = {n.removeprefix("resolve_") for n in vars(schema) if n.startswith("resolve_")}
    for base in schema.__mro__[1:]:
        resolved |= {n.removeprefix("resolve_") for n in vars(base) if n.startswith("resolve_")}
    assert set(schema.model_fields) - resolved <= attribute_names(READS[schema])


def test_dataclasses_are_frozen() -> None:
    for cls in (selectors.TaskCounts, selectors.ImportCounts, selectors.Inbox, selectors.Bar, selectors.Timeline,
                selectors.TaskRow, selectors.NoticeEventEntry, selectors.DueReport):
        assert cls.__dataclass_params__.frozen, cls.__name__
