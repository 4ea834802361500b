"""Writes for staged imports: create (store the file) → check (plan, row errors) → commit (a job, in bulk).

Every status change goes through :func:`staged_import_move`, which checks :data:`TRANSITIONS`. The check
and the commit run as jobs (``staging.check``, ``staging.commit``) through :func:`apps.jobs.services.submit`,
inline in tests and in a thread on the embedded default, so a long commit never outlives an HTTP request.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, ImportRejected, RowError
from apps.core.uploads import CheckedUpload
from apps.jobs.models import stale_after
from apps.jobs.services import submit

from .models import TRANSITIONS, StagedImport, StagedStatus, StagedWrite
from .registry import import_kind


class StalePreview(DomainError):
    """The stored data changed between the preview and the commit: the commit would not write what the user
    confirmed. Nothing is written; the import is previewed again with ``plan`` (what it would write now)."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        super().__init__("数据在预览后已有变化，未写入任何数据。已按当前数据重新预览，请核对后再确认。")


def staged_plan_current(staged: StagedImport, plan: dict[str, Any]) -> None:
    """Refuse (:class:`StalePreview`) a commit whose re-check plans other changes than the preview showed."""
    if any(staged.plan.get(key) != plan.get(key) for key in ("changes", "unchanged")):
        raise StalePreview(plan)

T = TypeVar("T")


def staged_import_move(staged: StagedImport, new: str, **fields: Any) -> StagedImport:
    """Apply one status move (checked against the transition table) with the fields that go with it."""
    if new != staged.status and new not in TRANSITIONS[staged.status]:
        raise DomainError(f"导入状态为“{staged.get_status_display()}”，不能改为“{StagedStatus(new).label}”。")
    staged_import_report(staged, status=new, **fields)
    return staged


def staged_import_report(staged: StagedImport, **fields: Any) -> None:
    """Write progress fields (and the heartbeat) with ``update()``, so other processes see them at once."""
    fields["updated_at"] = timezone.now()
    StagedImport.objects.filter(pk=staged.pk).update(**fields)
    for key, value in fields.items():
        setattr(staged, key, value)


def staged_import_authorize(*, kind: str, actor: Any, program: Any = None,
                            options: dict[str, Any] | None = None) -> None:
    """The one permission guard of every import: raises before the upload is read or parsed."""
    import_kind(kind).authorize(actor, program, options or {})


@transaction.atomic
def staged_import_create(
    *, kind: str, actor: Any, checked: CheckedUpload, program: Any = None, options: dict[str, Any] | None = None,
    file_format: str | None = None,
) -> StagedImport:
    """Keep a checked upload in storage under its SHA-256, as a queued staged import of ``kind``.

    The kind's permission is asked again here, so nothing is kept (or parsed later) for an actor refused it.
    """
    spec = import_kind(kind)
    spec.authorize(actor, program, options or {})
    fmt = file_format or checked.kind
    if fmt not in spec.formats:
        raise DomainError(f"文件格式须为{'、'.join(sorted(spec.formats))}。")
    staged = StagedImport(kind=kind, program=program, original_name=checked.name[:120], file_format=fmt,
                          sha256=checked.sha256, size=checked.size, options=options or {}, created_by=actor)
    source = getattr(checked, "source", None)
    if checked.data or source is None:
        content: File = ContentFile(checked.data)
    else:  # a large upload already on disk (TemporaryUploadedFile): copied in chunks, not read into memory
        source.seek(0)
        content = File(source)
    staged.file.save(f"{checked.sha256}.{fmt}", content, save=False)
    staged.save()
    return staged


def staged_import_read(staged: StagedImport) -> bytes:
    with staged.file.open("rb") as handle:
        return handle.read()


def staged_import_check(*, staged: StagedImport, progress: Any = None) -> StagedImport:
    """Parse, validate and plan now; ends ``previewed``, ``rejected`` or ``failed`` (nothing else written)."""
    spec = import_kind(staged.kind)

    def report(percent: int, stage: str = "") -> None:
        staged_import_report(staged, progress=percent, stage=stage[:80])
        if progress:
            progress(percent, stage)

    staged_import_move(staged, StagedStatus.CHECKING, progress=5, stage=gettext_noop("读取文件"), errors=[])
    if progress:
        progress(5, staged.stage)
    try:
        checked = spec.check(staged, report)
    except ImportRejected as exc:
        staged_import_move(staged, StagedStatus.REJECTED, progress=100, stage=gettext_noop("检查未通过"),
                           errors=[e.as_dict() for e in exc.errors], summary=str(exc))
    except DomainError as exc:
        staged_import_move(staged, StagedStatus.FAILED, progress=100, stage=gettext_noop("失败"),
                           errors=[RowError(0, "", str(exc)).as_dict()], summary=str(exc))
    else:
        staged_import_move(staged, StagedStatus.PREVIEWED, progress=100, stage=gettext_noop("检查完成，待确认"),
                           plan=checked.plan, rows=checked.rows, summary=checked.summary)
    if progress:
        progress(100, staged.stage)
    return staged


def staged_import_start_check(*, staged: StagedImport, actor: Any) -> StagedImport:
    """Check in the background (the job backend decides where); the page polls the progress."""
    job = submit("staging.check", actor=actor, staged_id=staged.pk)
    StagedImport.objects.filter(pk=staged.pk).update(job=job)
    staged.refresh_from_db()
    return staged


#: The backend an import edge (page or API) asks for: ``inline`` for an import of at most
#: ``ECOCIV_INLINE_COMMIT_ROWS`` rows (the answer carries the counts), the configured backend for a larger one
#: (the answer is the import, ``committing``: the page redirects to its progress, the API answers 202).
SMALL_INLINE = "small-inline"


def commit_backend(staged: StagedImport, backend: str | None) -> str | None:
    """Where a commit runs: ``SMALL_INLINE`` is resolved by the import's rows; anything else is as asked."""
    if backend != SMALL_INLINE:
        return backend
    return "inline" if staged.rows <= settings.ECOCIV_INLINE_COMMIT_ROWS else None


def staged_import_commit(
    *, staged: StagedImport, actor: Any, backend: str | None = None, options: dict[str, Any] | None = None,
) -> StagedImport:
    """Confirm a previewed import: the commit runs as a job; inline, its row errors or refusal are raised here.

    ``backend`` overrides ``ECOCIV_JOB_BACKEND`` (a management command commits ``inline`` and waits; an
    edge asks :data:`SMALL_INLINE`); ``options`` are added to the import's options (what the user confirmed).
    """
    with transaction.atomic():  # the plan (megabytes for a large sheet) is read by the job, not here
        staged = StagedImport.objects.select_for_update().defer("plan").get(pk=staged.pk)
        if staged.status != StagedStatus.PREVIEWED:
            raise DomainError(f"该导入状态为“{staged.get_status_display()}”，不能写入。")
        extra = {"options": {**staged.options, **options}} if options else {}
        staged_import_move(staged, StagedStatus.COMMITTING, stage=gettext_noop("写入中"), errors=[], **extra)
    # Submitted once the move is committed, so an inline job's chunks are transactions of their own (not
    # savepoints of this one); a process that dies in between leaves a committing import that is recovered.
    job = submit("staging.commit", actor=actor, backend=commit_backend(staged, backend), staged_id=staged.pk,
                 actor_id=actor.pk)
    StagedImport.objects.filter(pk=staged.pk).update(job=job)
    staged.refresh_from_db()
    raise_outcome(staged)
    return staged


def raise_outcome(staged: StagedImport) -> None:
    """Raise what a finished commit refused (row errors or a domain error), so a synchronous caller sees it."""
    if staged.status == StagedStatus.REJECTED:
        raise ImportRejected([RowError.from_dict(e) for e in staged.errors])
    if staged.status == StagedStatus.FAILED:
        raise DomainError(staged.summary or "导入失败。")
    if staged.status == StagedStatus.PREVIEWED and staged.errors:  # a commit refused as a whole; plan kept
        raise DomainError(staged.errors[0]["message"])


def staged_import_run_commit(*, staged_id: int, actor: Any) -> StagedImport:
    """The commit job's body; a refusal leaves nothing of the import written.

    A kind without ``compensate`` writes in one transaction with the status move. A kind with it writes in
    bounded transactions (:func:`staged_import_write_chunks`); when anything fails, its ``compensate`` undoes
    the chunks already written, in one transaction, before the import ends refused. A commit is recorded in
    the audit log with the status move. Row errors end it ``rejected``; a domain error (the year's round was
    deleted meanwhile) leaves it ``previewed`` with the message, to be confirmed again (a
    :class:`StalePreview` with the plan of now, so the preview shows what a new confirm would write); anything
    else ends it ``failed``.
    """
    staged_imports_recover_interrupted()  # a commit a dead process left half-written is undone first
    staged = StagedImport.objects.defer("plan").get(pk=staged_id)
    spec = import_kind(staged.kind)
    try:
        with contextlib.nullcontext() if spec.compensate else transaction.atomic():
            # chunked: no transaction to lock the row in; the committing status is the claim (job_run runs once)
            rows = StagedImport.objects if spec.compensate else StagedImport.objects.select_for_update()
            staged = rows.get(pk=staged_id)
            if staged.status != StagedStatus.COMMITTING:
                raise DomainError(f"该导入状态为“{staged.get_status_display()}”，不能写入。")
            committed = spec.commit(staged, actor)
            fields: dict[str, Any] = {"result": committed.result, "summary": committed.summary or staged.summary}
            if committed.plan is not None:
                fields["plan"] = committed.plan
            with transaction.atomic():  # every import of every kind commits here: audited with the status move
                staged_import_move(staged, StagedStatus.COMMITTED, progress=100, stage=gettext_noop("已写入"),
                                   committed_at=timezone.now(), undo={}, **fields)
                StagedWrite.objects.filter(staged_import=staged).delete()  # a chunked commit's journal
                record(actor, AuditAction.IMPORT_COMMIT, staged, target_label=staged.original_name,
                       kind=staged.kind, rows=staged.rows, sha256=staged.sha256, summary=str(fields["summary"])[:500])
    except Exception as exc:
        staged.refresh_from_db()
        if spec.compensate and staged.status == StagedStatus.COMMITTING:
            _compensate(staged)
        _refused(staged, exc)
    return staged


def _refused(staged: StagedImport, exc: Exception) -> None:
    """End a commit that raised ``exc``: rejected (row errors), previewed (refused as a whole) or failed."""
    if isinstance(exc, ImportRejected):
        staged_import_move(staged, StagedStatus.REJECTED, progress=100, stage=gettext_noop("写入未执行"),
                           errors=[e.as_dict() for e in exc.errors], summary=str(exc))
    elif isinstance(exc, DomainError):
        if staged.status == StagedStatus.COMMITTING:
            again = {"plan": exc.plan} if isinstance(exc, StalePreview) else {}
            staged_import_move(staged, StagedStatus.PREVIEWED, stage=gettext_noop("写入未执行"),
                               errors=[RowError(0, "", str(exc)).as_dict()], **again)
    else:
        staged_import_move(staged, StagedStatus.FAILED, progress=100, stage=gettext_noop("失败"),
                           errors=[RowError(0, "", str(exc)).as_dict()], summary=f"写入失败：{exc}")
        raise exc


def _compensate(staged: StagedImport) -> None:
    """Undo every chunk the import wrote (the kind's ``compensate``), in one transaction."""
    compensate = import_kind(staged.kind).compensate
    with transaction.atomic():
        if compensate is not None:
            compensate(staged)
        StagedWrite.objects.filter(staged_import=staged).delete()
        staged_import_report(staged, undo={}, stage=gettext_noop("已撤销写入的部分"))


#: At most one progress report (and heartbeat) per this many seconds of a chunked commit: on SQLite a report
#: rewrites the import's whole row, its plan too (tens of megabytes for a 100,000-row list), so one per chunk
#: would cost more than the chunks. Well below ``ECOCIV_JOB_STALE_MINUTES``.
REPORT_EVERY_SECONDS = 2.0


def staged_import_write_chunks(staged: StagedImport, items: Sequence[T], write: Callable[[Any], None],
                               prepare: Callable[[Sequence[T]], Any] | None = None) -> None:
    """Write ``items`` with ``write`` in transactions of ``ECOCIV_COMMIT_CHUNK_ROWS``, reporting progress (and
    the heartbeat) between them (every :data:`REPORT_EVERY_SECONDS` at most, and after the last), so no
    transaction holds SQLite's write lock for long. The kind marks what it
    writes (its journal, :mod:`apps.staging.journal`, or the import's id on its rows) and undoes it in its
    ``compensate`` if a later chunk fails.

    ``prepare(chunk)`` (optional) runs before the chunk's transaction and ``write`` gets what it returns: the
    Python work of a chunk (building and validating its rows) holds no lock, and the other writers that queued
    behind the last chunk get their turn meanwhile.
    """
    size = max(1, settings.ECOCIV_COMMIT_CHUNK_ROWS)
    reported = time.monotonic()
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        prepared = chunk if prepare is None else prepare(chunk)
        with transaction.atomic():
            write(prepared)
        done = min(len(items), start + size)
        if done == len(items) or time.monotonic() - reported >= REPORT_EVERY_SECONDS:
            staged_import_report(staged, progress=10 + 85 * done // len(items), stage=gettext_noop("写入中"))
            reported = time.monotonic()


#: Why an interrupted commit ended (its process died mid-way): nothing of it is left written.
INTERRUPTED = gettext_noop("写入中断（进程已停止），已撤销写入的部分，未写入任何数据。")


def staged_import_recover(*, staged: StagedImport) -> StagedImport:
    """A commit whose process died (``committing`` with a stale heartbeat): undo its chunks, end it failed.

    Any other import is returned as it is, without a query (the progress pages call this on every poll).
    """
    if staged.status != StagedStatus.COMMITTING or not staged.interrupted:
        return staged
    with transaction.atomic():
        staged = StagedImport.objects.select_for_update().defer("plan").get(pk=staged.pk)
        if staged.status != StagedStatus.COMMITTING or not staged.interrupted:
            return staged
        _compensate(staged)
        staged_import_move(staged, StagedStatus.FAILED, progress=100, stage=gettext_noop("写入中断"),
                           errors=[RowError(0, "", INTERRUPTED).as_dict()], summary=INTERRUPTED)
    return staged


def staged_import_upload(
    *, kind: str, actor: Any, checked: CheckedUpload, program: Any = None, options: dict[str, Any] | None = None,
) -> StagedImport:
    """Keep an upload as a staged import of ``kind`` and check it now: ends previewed (its plan holds old → new
    per changed field), rejected (its row errors) or failed. Nothing but the staged import is written."""
    staged = staged_import_create(kind=kind, actor=actor, checked=checked, program=program, options=options)
    return staged_import_check(staged=staged)


def staged_imports_recover_interrupted() -> int:
    """Recover every interrupted commit (run when a commit job starts and when an import's progress is read)."""
    stale = StagedImport.objects.filter(status=StagedStatus.COMMITTING, updated_at__lt=timezone.now() - stale_after())
    found = list(stale.defer("plan"))
    for staged in found:
        staged_import_recover(staged=staged)
    return len(found)


def staged_import_upload_and_commit(
    *, kind: str, actor: Any, checked: CheckedUpload, program: Any = None, options: dict[str, Any] | None = None,
    backend: str | None = None,
) -> StagedImport:
    """The one-step flow (upload → check → commit at once, all or nothing): row errors are raised as
    ImportRejected, with the refused import kept as ``rejected``."""
    staged = staged_import_upload(kind=kind, actor=actor, checked=checked, program=program, options=options)
    raise_outcome(staged)
    return staged_import_commit(staged=staged, actor=actor, backend=backend)


def staged_import_discard(*, staged: StagedImport) -> None:
    """Drop a previewed (or refused) import the user did not confirm; the stored file is deleted."""
    if staged.status in (StagedStatus.DISCARDED, StagedStatus.COMMITTED):
        return
    staged_import_move(staged, StagedStatus.DISCARDED)
    if staged.file and not StagedImport.objects.filter(file=staged.file.name).exclude(pk=staged.pk).exists():
        staged.file.delete(save=False)
