"""What each kind of staged import does at each step, by name: ``register_kind(StagedKind(...))``.

A kind is a few plain functions:

- ``authorize(actor, program, options)``: may this actor import this kind here at all? Raises
  :class:`apps.core.errors.PermissionDeniedError`. It is asked before the upload is read
  (:func:`apps.staging.services.staged_import_authorize`, which the import edges call before
  :func:`apps.core.uploads.check_upload`) and again when the staged import is created, so no file is
  parsed for someone who may not import it.
- ``check(staged, report_progress) -> Checked``: read ``staged.file``, parse, validate and plan what would
  be written; raise :class:`apps.core.errors.ImportRejected` with the row errors, or ``DomainError``.
  It writes nothing but the staged import's own progress.
- ``commit(staged, actor) -> Committed``: write ``staged.plan`` (or re-check the stored file) in bulk. It
  runs inside one transaction opened by :func:`apps.staging.services.staged_import_commit`'s job, so a raise
  leaves nothing written. A commit that re-checks the stored file raises
  :class:`apps.staging.services.StalePreview` when what it would write is not what the preview showed.
- ``changes(plan) -> list[RowChange]`` and ``warnings(plan) -> list[RowError]``: what the preview shows of a
  stored plan (old → new per changed field, warnings to confirm); by default the plan's ``changes``
  (:func:`apps.staging.diff.changes_plan`) and ``warnings`` entries.
- ``compensate(staged)`` (optional): a kind that has it commits in **bounded transactions** (the job opens
  none around ``commit``; the kind writes ``ECOCIV_COMMIT_CHUNK_ROWS`` rows per transaction with
  :func:`apps.staging.services.staged_import_write_chunks`). Each chunk keeps what it wrote: the list imports
  write through :class:`apps.staging.journal.Journal` and register :func:`apps.staging.journal.journal_undo`;
  the values import marks its revisions with the import's id and keeps the changed values' versions in
  ``staged.undo``. When a chunk fails, or the commit was interrupted (a dead process), ``compensate`` undoes
  every chunk, in one transaction, so the import as a whole is written or not at all.

Apps register their kinds in their ``AppConfig.ready`` (``apps/<app>/imports.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apps.core.registry import Registry
from apps.jobs.registry import ReportProgress
from docimport.errors import RowError

from .diff import RowChange, plan_changes


@dataclass(frozen=True)
class Checked:
    """What a check found: the plan (JSON), the number of data rows and a one-line summary."""

    plan: dict[str, Any]
    rows: int = 0
    summary: str = ""


@dataclass(frozen=True)
class Committed:
    """What a commit wrote (JSON counts, e.g. ``{"created": 3, "updated": 1}``), a one-line summary, and the
    plan as carried out when the commit changed it (an entry skipped because it was locked meanwhile)."""

    result: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    plan: dict[str, Any] | None = None


#: ``authorize(actor, program, options)``: raises PermissionDeniedError for an actor who may not import.
Authorize = Callable[[Any, Any, dict[str, Any]], None]


def stored_warnings(plan: dict[str, Any]) -> list[RowError]:
    """The warnings a plan keeps as ``{row, column, message, subject}`` entries."""
    return [RowError.from_dict(warning) for warning in plan.get("warnings", [])]


@dataclass(frozen=True)
class StagedKind:
    name: str  # "<app>.<what>", e.g. "tasks.tasks"
    authorize: Authorize
    check: Callable[[Any, ReportProgress], Checked]
    commit: Callable[[Any, Any], Committed]
    formats: frozenset[str] = frozenset({"xlsx"})
    changes: Callable[[dict[str, Any]], list[RowChange]] = plan_changes
    warnings: Callable[[dict[str, Any]], list[RowError]] = stored_warnings
    compensate: Callable[[Any], None] | None = None  # set: the commit runs in bounded transactions


_KINDS = Registry[StagedKind]("staged import kind")


def register_kind(kind: StagedKind) -> StagedKind:
    return _KINDS.add(kind.name, kind)


def import_kind(name: str) -> StagedKind:
    return _KINDS[name]


def registered_kinds() -> list[str]:
    return _KINDS.names()
