"""A large import commits in bounded transactions (issue #11.13) and is still all or nothing.

The values import writes ``ECOCIV_COMMIT_CHUNK_ROWS`` rows per transaction, each revision marked with the
staged import's id. A chunk that fails, or a process that died mid-commit (found later by its stale
heartbeat), leaves the database exactly as it was before the import: the kind's ``compensate`` deletes the
import's revisions and created values and restores the changed values' version, timestamp and current revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from apps.core.errors import ImportRejected, RowError
from apps.core.uploads import CheckedUpload, check_upload
from apps.reporting import bulk
from apps.reporting.imports import values_import_confirm, values_import_upload
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.services import (
    INTERRUPTED,
    staged_import_move,
    staged_import_run_commit,
    staged_imports_recover_interrupted,
)
from tests.conftest import ClientFor
from tests.reporting.conftest import rep, save  # noqa: F401 - the values import's round, as a fixture here too
from tests.reporting.test_bulk_import import CITY, HILL, NUMERIC, PLAIN, QUALITATIVE, sheet

ROWS = ((CITY, NUMERIC, 26, None), (HILL, NUMERIC, 30, None), (PLAIN, NUMERIC, 32, None),
        (CITY, QUALITATIVE, None, "实施中"), (HILL, QUALITATIVE, None, "已建立"))  # one existing value, four new


def _tables() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every column of the values and revisions tables, to compare before and after."""
    values = [tuple(row.values()) for row in IndicatorValue.objects.order_by("id").values()]
    revisions = [tuple(row.values()) for row in ValueRevision.objects.order_by("id").values()]
    return values, revisions


def _previewed(rep: SimpleNamespace) -> StagedImport:  # noqa: F811
    if not IndicatorValue.objects.exists():
        save(rep, rep.world.users.office, number="20")  # an existing draft the import changes
    staged = values_import_upload(reporting_round=rep.round, actor=rep.world.users.office,
                                  checked=_checked(sheet(*ROWS)))
    assert staged.status == StagedStatus.PREVIEWED and staged.rows == len(ROWS)
    return staged


def _checked(data: bytes) -> CheckedUpload:
    return check_upload(SimpleUploadedFile("填报.xlsx", data), allowed={"xlsx"})


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The values written per chunk, in order (the real writer is called)."""
    written: list[int] = []
    original = bulk._write

    def counting(*args: Any, **kwargs: Any) -> None:
        written.append(len(args[2]))
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", counting)
    return written


def _fail_in_chunk(monkeypatch: pytest.MonkeyPatch, k: int, error: BaseException) -> None:
    original = bulk._write
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == k:
            raise error
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", failing)


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_the_commit_writes_in_chunks_each_revision_marked_with_the_import(rep: SimpleNamespace,  # noqa: F811
                                                                         chunks: list[int]) -> None:
    staged = _previewed(rep)
    values_import_confirm(staged=staged, actor=rep.world.users.office, backend="inline")
    staged.refresh_from_db()
    assert staged.status == StagedStatus.COMMITTED and staged.undo == {}
    assert chunks == [2, 2, 1]
    assert ValueRevision.objects.filter(staged_import=staged).count() == len(ROWS)
    changed = IndicatorValue.objects.get(region=rep.world.city, indicator=rep.numeric, year=2025)
    assert changed.version == 2 and changed.current_revision.number == 26


@pytest.mark.parametrize("error", [RuntimeError("disk full"), ImportRejected([RowError(9, "", "该值已被他人修改")])])
@pytest.mark.parametrize("k", [2, 3])
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_chunk_that_fails_leaves_the_database_as_before(rep: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                          k: int, error: Exception) -> None:
    staged = _previewed(rep)
    before = _tables()
    _fail_in_chunk(monkeypatch, k, error)
    staged_import_move(staged, StagedStatus.COMMITTING)  # as the confirm does, then the job's body
    if isinstance(error, ImportRejected):
        staged_import_run_commit(staged_id=staged.pk, actor=rep.world.users.office)
    else:
        with pytest.raises(RuntimeError):
            staged_import_run_commit(staged_id=staged.pk, actor=rep.world.users.office)
    assert _tables() == before
    staged.refresh_from_db()
    assert staged.undo == {}
    if isinstance(error, ImportRejected):
        assert staged.status == StagedStatus.REJECTED and staged.errors[0]["message"] == "该值已被他人修改"
    else:
        assert staged.status == StagedStatus.FAILED and "disk full" in staged.summary


class Killed(BaseException):
    """The process dying mid-commit: nothing in the commit catches it."""


def _crashed(rep: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> StagedImport:  # noqa: F811
    """A commit killed after two of its three chunks: two chunks' rows written, the import still committing."""
    staged = _previewed(rep)
    _fail_in_chunk(monkeypatch, 3, Killed())
    staged_import_move(staged, StagedStatus.COMMITTING)
    with override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2), pytest.raises(Killed):
        staged_import_run_commit(staged_id=staged.pk, actor=rep.world.users.office)
    assert ValueRevision.objects.filter(staged_import=staged).count() == 4
    staged.refresh_from_db()
    assert staged.status == StagedStatus.COMMITTING and staged.undo["values"]
    return staged


def test_a_commit_whose_process_died_is_undone_when_found(rep: SimpleNamespace,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    save(rep, rep.world.users.office, number="20")
    before = _tables()
    staged = _crashed(rep, monkeypatch)
    assert staged_imports_recover_interrupted() == 0  # its heartbeat is fresh: it may still be running
    StagedImport.objects.filter(pk=staged.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert staged_imports_recover_interrupted() == 1
    assert _tables() == before
    staged.refresh_from_db()
    assert staged.status == StagedStatus.FAILED and staged.summary == INTERRUPTED and staged.undo == {}


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_value_saved_again_after_its_chunk_keeps_that_save(rep: SimpleNamespace,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Compensation never undoes someone else's later save: only the import's own revisions go."""
    staged = _previewed(rep)
    original = bulk._write
    calls: list[Sequence[object]] = []

    def save_between(*args: Any, **kwargs: Any) -> None:
        calls.append(args[2])
        if len(calls) == 2:  # after chunk 1 (the city's value), someone saves it again
            value = IndicatorValue.objects.get(region=rep.world.city, indicator=rep.numeric, year=2025)
            save(rep, rep.world.users.office, number="27", version=value.version)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", save_between)
    staged_import_move(staged, StagedStatus.COMMITTING)
    with pytest.raises(RuntimeError):
        staged_import_run_commit(staged_id=staged.pk, actor=rep.world.users.office)
    value = IndicatorValue.objects.get(region=rep.world.city, indicator=rep.numeric, year=2025)
    assert value.version == 3 and value.current_revision.number == 27
    assert list(value.revisions.order_by("id").values_list("version", flat=True)) == [1, 3]
    assert not IndicatorValue.objects.filter(region=rep.world.counties["hill"], year=2025).exists()


@pytest.mark.parametrize("where", ["api", "page", "progress"])
def test_polling_a_dead_commit_undoes_it(rep: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                         client_for: ClientFor, where: str) -> None:
    save(rep, rep.world.users.office, number="20")
    before = _tables()
    staged = _crashed(rep, monkeypatch)
    base = f"/programs/{rep.world.program.id}/rounds/{rep.round.id}"
    url = {"api": f"/api{base}/imports/{staged.pk}", "page": f"{base}/import/{staged.pk}/",
           "progress": f"{base}/import/{staged.pk}/progress/"}[where]
    client = client_for(rep.world.users.office)
    assert client.get(url).status_code == 200
    assert _tables() != before  # still committing: a live commit is never undone by a read
    StagedImport.objects.filter(pk=staged.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(url)
    assert response.status_code == 200
    assert _tables() == before
    assert StagedImport.objects.get(pk=staged.pk).status == StagedStatus.FAILED
    if where == "api":
        assert response.json()["status"] == "failed"


@pytest.mark.django_db(transaction=True)
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_each_chunk_is_a_transaction_of_its_own_even_inline(rep: SimpleNamespace,  # noqa: F811
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Committed from a request or a command (no transaction around it), every chunk commits on its own:
    it is the outermost atomic block (no savepoint), so SQLite's write lock is released between chunks."""
    staged = _previewed(rep)
    original = bulk._write
    outermost: list[bool] = []

    def probe(*args: Any, **kwargs: Any) -> None:
        outermost.append(connection.in_atomic_block and not connection.savepoint_ids)
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", probe)
    values_import_confirm(staged=staged, actor=rep.world.users.office, backend="inline")
    assert outermost == [True, True, True]
    assert StagedImport.objects.get(pk=staged.pk).status == StagedStatus.COMMITTED
