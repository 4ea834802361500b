"""The task and project list imports as staged-import kinds (see :mod:`apps.staging.registry`).

The check parses and resolves the stored sheet; the commit checks it again against the database as it is
then and writes it in bulk, all or nothing.
"""

from __future__ import annotations

from apps.jobs.registry import ReportProgress
from apps.programs.access import require_manage
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read

from . import services

TASKS = "tasks.tasks"
PROJECTS = "tasks.projects"


def _summary(plan: dict) -> str:
    return f"{len(plan['changes'])}行有变化，{plan['unchanged']}行无变化"


def _check_tasks(staged: StagedImport, _report: ReportProgress) -> Checked:
    resolved = services.task_list_check(program=staged.program, data=staged_import_read(staged))
    plan = services.task_list_changes(program=staged.program, resolved=resolved).plan()
    return Checked(plan=plan, rows=len(resolved), summary=_summary(plan))


def _commit_tasks(staged: StagedImport, _actor: object) -> Committed:
    return Committed(result=services.task_list_import(program=staged.program, data=staged_import_read(staged)))


def _check_projects(staged: StagedImport, _report: ReportProgress) -> Checked:
    checked = services.project_list_check(program=staged.program, data=staged_import_read(staged))
    plan = checked.plan()
    return Checked(plan=plan, rows=len(checked.rows) + checked.unchanged, summary=_summary(plan))


def _commit_projects(staged: StagedImport, _actor: object) -> Committed:
    return Committed(result=services.project_list_import(program=staged.program, data=staged_import_read(staged)))


def authorize(actor: object, program: object, _options: dict[str, object]) -> None:
    """Only the program's office imports its task and project lists."""
    require_manage(actor, program, "只有生态办管理员可以导入任务或项目清单。")  # type: ignore[arg-type]


register_kind(StagedKind(TASKS, authorize=authorize, check=_check_tasks, commit=_commit_tasks))
register_kind(StagedKind(PROJECTS, authorize=authorize, check=_check_projects, commit=_commit_projects))
