"""The responsibility list import as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → the check plans the indicators whose units change, old → new (the page and the API show it) → confirm
→ the commit job checks the stored sheet again and replaces those indicators' responsibilities in bulk, in
bounded transactions of a journaled plan (a refused chunk undoes the ones before it: all or nothing), unless it
would now change something else than the preview showed (then it is previewed again).
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import ImportRejected
from apps.jobs.registry import ReportProgress
from apps.staging.diff import changes_plan
from apps.staging.journal import journal_undo
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current

from . import services
from .access import require_manage
from .models import Program

RESPONSIBILITIES = "programs.responsibilities"


def _checked(program: Program, preview: services.ResponsibilityPreview) -> Checked:
    """The plan: the indicators whose units change, old → new, how many rows change nothing, the warnings."""
    services.responsibility_changes(program, preview)
    plan = {**changes_plan(preview.changes, preview.unchanged),
            "warnings": [w.as_dict() for w in preview.warnings]}
    return Checked(plan=plan, rows=len(preview.lines),
                   summary=f"{len(preview.changes)}项指标有变化，{preview.unchanged}项无变化")


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    preview = services.responsibilities_check(program=staged.program, data=staged_import_read(staged))
    if not preview.ok:
        raise ImportRejected(preview.errors)
    return _checked(staged.program, preview)


def _commit(staged: StagedImport, _actor: object) -> Committed:
    preview = services.responsibilities_check(program=staged.program, data=staged_import_read(staged))
    if not preview.ok:
        raise ImportRejected(preview.errors)
    changed = services.responsibility_changes(staged.program, preview)
    staged_plan_current(staged, changes_plan(preview.changes, preview.unchanged))
    services.responsibilities_write(staged.program, preview, changed, staged=staged)
    return Committed(result={"indicators": len(preview.changes), "unchanged": preview.unchanged})


def authorize(actor: User, program: Program, _options: dict[str, object]) -> None:
    require_manage(actor, program, "只有生态办管理员可以导入责任清单。")


register_kind(StagedKind(RESPONSIBILITIES, authorize=authorize, check=_check, commit=_commit, compensate=journal_undo))
