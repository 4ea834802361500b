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
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_create, staged_import_previewed, staged_import_read

from . import services
from .models import Program

RESPONSIBILITIES = "programs.responsibilities"


def _checked(preview: services.ResponsibilityPreview) -> Checked:
    plan = {"indicators": [[indicator.id, [u.id for u in leads], [u.id for u in cooperators]]
                           for indicator, leads, cooperators in preview.resolved],
            "warnings": [w.as_dict() for w in preview.warnings]}
    return Checked(plan=plan, rows=len(preview.lines))


def responsibilities_preview(
    *, program: Program, actor: User, checked: CheckedUpload,
) -> tuple[services.ResponsibilityPreview, StagedImport | None]:
    """Check an uploaded sheet for the page; a sheet without errors is kept as a previewed staged import."""
    preview = services.responsibilities_check(program=program, data=checked.data)
    if not preview.ok:
        return preview, None
    staged = staged_import_create(kind=RESPONSIBILITIES, program=program, actor=actor, checked=checked)
    return preview, staged_import_previewed(staged, _checked(preview))


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    preview = services.responsibilities_check(program=staged.program, data=staged_import_read(staged))
    if not preview.ok:
        raise ImportRejected(preview.errors)
    return _checked(preview)


def _commit(staged: StagedImport, _actor: User) -> Committed:
    preview = services.responsibilities_import(program=staged.program, data=staged_import_read(staged))
    return Committed(result={"indicators": len(preview.resolved)})


register_kind(StagedKind(RESPONSIBILITIES, check=_check, commit=_commit))
