"""The task and project list imports as staged-import kinds (see :mod:`apps.staging.registry`).

The check parses and resolves the stored sheet; the commit checks it again against the database as it is
then and writes it in bulk, all or nothing.
"""

from __future__ import annotations

from apps.jobs.registry import ReportProgress
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read

from . import services

TASKS = "tasks.tasks"
PROJECTS = "tasks.projects"


def _check_tasks(staged: StagedImport, _report: ReportProgress) -> Checked:
    resolved = services.task_list_check(program=staged.program, data=staged_import_read(staged))
    return Checked(plan={"rows": len(resolved)}, rows=len(resolved))


def _commit_tasks(staged: StagedImport, _actor: object) -> Committed:
    return Committed(result=services.task_list_import(program=staged.program, data=staged_import_read(staged)))


def _check_projects(staged: StagedImport, _report: ReportProgress) -> Checked:
    ready = services.project_list_check(program=staged.program, data=staged_import_read(staged))
    return Checked(plan={"rows": len(ready)}, rows=len(ready))


def _commit_projects(staged: StagedImport, _actor: object) -> Committed:
    return Committed(result=services.project_list_import(program=staged.program, data=staged_import_read(staged)))


register_kind(StagedKind(TASKS, check=_check_tasks, commit=_commit_tasks))
register_kind(StagedKind(PROJECTS, check=_check_projects, commit=_commit_projects))
