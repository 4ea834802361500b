"""The responsibility list import as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → :func:`responsibilities_preview` (the page shows the resolved rows; the stored sheet becomes a
previewed staged import) → confirm → the commit job checks the stored sheet again and replaces the named
indicators' responsibilities in bulk, all or nothing.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import ImportRejected
from apps.core.uploads import CheckedUpload
from apps.jobs.registry import ReportProgress
from apps.staging.diff import changes_plan
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_create, staged_import_previewed, staged_import_read

from . import services
from .access import require_manage
from .models import Program

RESPONSIBILITIES = "programs.responsibilities"


def _checked(program: Program, preview: services.ResponsibilityPreview) -> Checked:
    """The plan: the indicators whose units change, old → new, and how many rows change nothing."""
    services.responsibility_changes(program, preview)
    plan = {**changes_plan(preview.changes, preview.unchanged),
            "warnings": [w.as_dict() for w in preview.warnings]}
    return Checked(plan=plan, rows=len(preview.lines),
                   summary=f"{len(preview.changes)}项指标有变化，{preview.unchanged}项无变化")


def responsibilities_preview(
    *, program: Program, actor: User, checked: CheckedUpload,
) -> tuple[services.ResponsibilityPreview, StagedImport | None]:
    """Check an uploaded sheet for the page; a sheet without errors is kept as a previewed staged import."""
    authorize(actor, program, {})  # before the sheet is parsed
    preview = services.responsibilities_check(program=program, data=checked.data)
    if not preview.ok:
        return preview, None
    staged = staged_import_create(kind=RESPONSIBILITIES, program=program, actor=actor, checked=checked)
    return preview, staged_import_previewed(staged, _checked(program, preview))


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    preview = services.responsibilities_check(program=staged.program, data=staged_import_read(staged))
    if not preview.ok:
        raise ImportRejected(preview.errors)
    return _checked(staged.program, preview)


def _commit(staged: StagedImport, _actor: User) -> Committed:
    preview = services.responsibilities_import(program=staged.program, data=staged_import_read(staged))
    return Committed(result={"indicators": len(preview.changes), "unchanged": preview.unchanged})


def authorize(actor: User, program: Program, _options: dict[str, object]) -> None:
    require_manage(actor, program, "只有生态办管理员可以导入责任清单。")


register_kind(StagedKind(RESPONSIBILITIES, authorize=authorize, check=_check, commit=_commit))
