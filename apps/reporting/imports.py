"""The indicator-value import as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → :func:`values_import_upload` keeps the sheet as a staged import of the round and checks it at once
(parse, the rules of a single save, old → new per field: :func:`apps.reporting.bulk.reporting_import_check`);
the staged import holds the checked preview as a JSON plan (:func:`apps.reporting.bulk.preview_plan`) or the
row errors. Confirm → :func:`values_import_confirm` records the confirmed warnings and note and commits as the
``staging.commit`` job on the configured backend (a thread on the embedded default, the page polls); the job
applies the stored plan (:func:`apps.reporting.bulk.reporting_import_apply`), checking the rules again under a
row lock, in bulk, all or nothing.

A closed round refuses the upload (no preview), the confirm, and every chunk of a commit under way: a commit
that started before the office closed the round stops at its next chunk, the chunks already written are undone,
and the import returns to its preview with the refusal, to be confirmed again once the round is reopened.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected, RowError
from apps.core.uploads import CheckedUpload
from apps.jobs.registry import ReportProgress
from apps.programs.models import Program
from apps.staging.diff import FieldChange, RowChange
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import (
    raise_outcome,
    staged_import_check,
    staged_import_commit,
    staged_import_create,
    staged_import_read,
)

from . import bulk
from .access import VALUES_IMPORT as VALUES
from .models import ReportingRound
from .services import require_round_open


def staged_round(staged: StagedImport) -> ReportingRound:
    """The round a values import was uploaded to (a domain error if it was deleted since)."""
    reporting_round = (ReportingRound.objects.select_related("program")
                       .filter(pk=staged.options.get("round"), program_id=staged.program_id).first())
    if reporting_round is None:
        raise DomainError("该调度不存在（可能已被删除），未写入任何数据。")
    return reporting_round


def plan_warnings(plan: dict[str, Any]) -> list[RowError]:
    """The warnings of a stored plan, without loading its objects."""
    return [RowError(line["row"], "本期数值", warning, line.get("name", ""))
            for line in plan.get("lines", []) for warning in line["warnings"]]


def plan_changes(plan: dict[str, Any]) -> list[RowChange]:
    """The values a stored plan creates or changes, old → new per field, without loading its objects."""
    return [RowChange(line["row"], line.get("name", ""), line["value"] is None,
                      tuple(FieldChange(*change) for change in line["changes"])) for line in plan.get("lines", [])]


def values_import_upload(*, reporting_round: ReportingRound, actor: User, checked: CheckedUpload) -> StagedImport:
    """Keep an uploaded sheet as a staged import of the round and check it now; ends previewed or rejected.

    Whether the actor may import at all is asked first, so a refused user gets a 403 and nothing is kept.
    """
    values_import_authorize(actor, reporting_round.program)
    require_round_open(reporting_round.pk)
    staged = staged_import_create(kind=VALUES, actor=actor, checked=checked, program=reporting_round.program,
                                  options={"round": reporting_round.pk})
    return staged_import_check(staged=staged)


def values_import_confirm(*, staged: StagedImport, actor: User, confirm_warnings: bool = False, note: str = "",
                          backend: str | None = None) -> StagedImport:
    """Commit a previewed values import as a job; unconfirmed warnings are refused here, the preview kept.

    Inline (tests, ``backend="inline"``) the commit has run when this returns and its refusal is raised;
    on a thread or a worker the import is ``committing`` and the caller polls it.
    """
    require_round_open(staged.options.get("round"))
    warnings = plan_warnings(staged.plan)
    if warnings and not (confirm_warnings and note.strip()):
        raise ImportRejected([RowError(w.row, w.column, w.message + "（未确认）", w.subject) for w in warnings])
    return staged_import_commit(staged=staged, actor=actor, backend=backend,
                                options={"confirm_warnings": confirm_warnings, "note": note})


def values_import_upload_and_commit(*, reporting_round: ReportingRound, actor: User, checked: CheckedUpload,
                                    confirm_warnings: bool = False, note: str = "",
                                    backend: str | None = None) -> StagedImport:
    """Upload → check → commit at once, all or nothing: row errors are raised as ImportRejected."""
    staged = values_import_upload(reporting_round=reporting_round, actor=actor, checked=checked)
    raise_outcome(staged)
    return values_import_confirm(staged=staged, actor=actor, confirm_warnings=confirm_warnings, note=note,
                                 backend=backend)


def _check(staged: StagedImport, report: ReportProgress) -> Checked:
    report(20, gettext_noop("检查数值"))
    preview = bulk.reporting_import_check(reporting_round=staged_round(staged), actor=staged.created_by,
                                          data=staged_import_read(staged))
    if preview.errors:
        raise ImportRejected(preview.errors)
    return Checked(plan=bulk.preview_plan(preview), rows=len(preview.lines),
                   summary=f"{len(preview.lines)}项数值有变化，{preview.unchanged}项无变化，{len(preview.warnings)}条警告")


def _commit(staged: StagedImport, actor: User) -> Committed:
    preview = bulk.reporting_import_apply(
        reporting_round=staged_round(staged), actor=actor, preview=bulk.preview_from_plan(staged.plan),
        confirm_warnings=bool(staged.options.get("confirm_warnings")), note=staged.options.get("note", ""),
        staged=staged)
    return Committed(result={"values": len(preview.lines)}, summary=f"已导入{len(preview.lines)}项数值（草稿）")


def values_import_authorize(actor: User, program: Program, _options: dict[str, object] | None = None) -> None:
    """May the actor import values in this program at all (report as anyone)? Asked before the file is read."""
    bulk.reporting_import_access(program=program, actor=actor)


register_kind(StagedKind(VALUES, authorize=values_import_authorize, check=_check, commit=_commit,
                         changes=plan_changes, warnings=plan_warnings,
                         compensate=bulk.reporting_import_compensate))
