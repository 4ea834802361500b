"""The tasks API's schemas read the models and the selectors' dataclasses: no field is declared in the schema alone."""

from __future__ import annotations

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
from calc.tasks.rollup import Rollup
from tests.schema_reads import schema_tests

# schema → what it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.TaskOut: Task,
    schemas.RollupOut: Rollup,
    schemas.SubTaskOut: selectors.TaskRow,
    schemas.MilestoneOut: TaskMilestone,
    schemas.TaskDetailOut: Task,
    schemas.EvidenceFileOut: Evidence,
    schemas.ProgressOut: TaskProgress,
    schemas.ReviewEventOut: ReviewEvent,
    schemas.ProgressDetailOut: TaskProgress,
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
    schemas.LaneLabelOut: selectors.LaneLabel,
    schemas.BandOut: selectors.Band,
    schemas.TimelineSectionOut: selectors.TimelineSection,
}

FROZEN = (selectors.TaskCounts, selectors.Inbox, selectors.Bar, selectors.Timeline,
          selectors.TaskRow, selectors.NoticeEventEntry, selectors.DueReport, selectors.SummaryLine,
          selectors.ProjectSummary, selectors.TaskSection, selectors.TaskGroup, selectors.LaneLabel, selectors.Band,
          selectors.TimelineSection, Rollup)

test_schema_fields_come_from_what_it_reads, test_dataclasses_are_frozen = schema_tests(READS, FROZEN)
