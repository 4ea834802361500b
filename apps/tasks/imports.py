"""The task and project list imports as staged-import kinds (see :mod:`apps.staging.registry`).

The check parses and resolves the stored sheet and plans old → new per changed column; the commit checks it
again against the database as it is then and writes it in bulk, in bounded transactions of a journaled plan
(:mod:`apps.staging.journal`; a refused chunk undoes the ones before it, so all or nothing), unless it would now
change something else than the preview showed (then the import is previewed again: :class:`StalePreview`).
"""

from __future__ import annotations

from apps.jobs.registry import ReportProgress
from apps.programs.access import require_manage
from apps.staging.journal import journal_undo
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current

from . import services

TASKS = "tasks.tasks"
PROJECTS = "tasks.projects"


def _summary(plan: dict) -> str:
    return f"{len(plan['changes'])}行有变化，{plan['unchanged']}行无变化"


def _task_plan(staged: StagedImport) -> services.TaskListPlan:
    resolved = services.task_list_check(program=staged.program, data=staged_import_read(staged))
    return services.task_list_changes(program=staged.program, resolved=resolved)


def _check_tasks(staged: StagedImport, _report: ReportProgress) -> Checked:
    planned = _task_plan(staged)
    plan = planned.plan()
    return Checked(plan=plan, rows=len(planned.rows), summary=_summary(plan))


def _commit_tasks(staged: StagedImport, _actor: object) -> Committed:
    planned = _task_plan(staged)
    staged_plan_current(staged, planned.plan())
    return Committed(result=services.task_list_write(planned, staged=staged))


def _project_plan(staged: StagedImport) -> services.ProjectPlan:
    return services.project_list_check(program=staged.program, data=staged_import_read(staged))


def _check_projects(staged: StagedImport, _report: ReportProgress) -> Checked:
    planned = _project_plan(staged)
    plan = planned.plan()
    return Checked(plan=plan, rows=len(planned.rows) + planned.unchanged, summary=_summary(plan))


def _commit_projects(staged: StagedImport, _actor: object) -> Committed:
    planned = _project_plan(staged)
    staged_plan_current(staged, planned.plan())
    return Committed(result=services.project_list_write(planned, staged=staged))


def authorize(actor: object, program: object, _options: dict[str, object]) -> None:
    """Only the program's office imports its task and project lists."""
    require_manage(actor, program, "只有生态办管理员可以导入任务或项目清单。")  # type: ignore[arg-type]


register_kind(StagedKind(TASKS, authorize=authorize, check=_check_tasks, commit=_commit_tasks, compensate=journal_undo))
register_kind(StagedKind(PROJECTS, authorize=authorize, check=_check_projects, commit=_commit_projects,
                         compensate=journal_undo))
