"""The task, project and responsibility imports commit in bounded transactions, all or nothing (issue #11.13).

Each list's commit writes ``ECOCIV_COMMIT_CHUNK_ROWS`` changed rows per transaction through the staging write
journal (:mod:`apps.staging.journal`). A late chunk that fails (an error, a row someone changed since the plan, a
unique key someone took meanwhile) or a process that died mid-commit leaves every table of the list exactly as it
was (only the other person's own edit stays); between two chunks another connection writes at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditAction, AuditEvent
from apps.core.uploads import check_upload
from apps.indicators.models import Indicator
from apps.programs import services as program_services
from apps.programs.imports import RESPONSIBILITIES
from apps.programs.models import Responsibility, ResponsibilityRole
from apps.staging import journal
from apps.staging import services as staging_services
from apps.staging.models import StagedImport, StagedStatus, StagedWrite
from apps.staging.services import (
    INTERRUPTED,
    staged_import_commit,
    staged_import_move,
    staged_import_run_commit,
    staged_import_upload,
    staged_imports_recover_interrupted,
)
from apps.tasks import services as task_services
from apps.tasks.imports import PROJECTS, TASKS
from apps.tasks.models import Project, ProjectCategory, ProjectFunding, ProjectYear, Task, TaskUnit
from tests.programs.test_services import GOOD, sheet
from tests.sheets import xlsx
from tests.tasks.test_import import GOOD_TASKS, PROJECT_HEADER

# --- the three lists: what is stored, a sheet that changes it over several chunks, a concurrent edit --------

TASK_SHEET = [
    *GOOD_TASKS[:2],
    ["1.", "生态文明建设规划（修订）", "编制印发《规划》", "生态环境局", "市统计局", "2025年6月底"],  # title, units
    ["（1）", "规划专家论证", "", "", "", "2025-05-31"],  # the deadline: written in the last level's chunk
    ["2", "河长制", "构建河湖管理保护机制（全面推行）", "市水务局", "市住房和城乡建设局", "长期坚持"],
    *GOOD_TASKS[5:],
    ["2、", "新增任务甲", "", "市水务局", "", "2026年"],
    ["3、", "新增任务乙", "", "市财政局", "市统计局", "2026年"],
    ["三、", "新增分组", "", "", "", ""],
    ["1.", "新增分组下的任务", "", "市统计局", "", "长期坚持"],
]

PROJECT_SHEET = [  # 城区污水管网 last: the last chunk changes it
    PROJECT_HEADER,
    [1, "渭河流域生态修复", "生态屏障建设", "丘陵县某镇", "市生态环境局", "修复（扩大范围）", "2024-2026", 20,
     "财政资金6亿元、上级专项14", 7, 5.5],
    [3, "新增项目甲", "生态工业", "丘陵县", "市水务局", "", "2024-2026", 1, "财政资金", 0.2, 0.1],
    [4, "新增项目乙", "生态农业", "平原县", "市水务局", "", "2025", "0.5", "社会资本0.5", "", ""],
    [5, "新增项目丙", "生态农业", "平原县", "市财政局", "", "2025", "0.3", "", "", ""],
    [2, "城区污水管网", "净空净水净土", "全市", "市住建局", "", "2025—2026年", "0.95", "PPP", 0.3, ""],
]
STORED_PROJECTS = [
    PROJECT_HEADER,
    [1, "渭河流域生态修复", "生态屏障建设", "丘陵县某镇", "市生态环境局", "修复", "2024-2026", 18.6,
     "财政资金5亿元、上级专项13.6", 6, 5.5],
    [2, "城区污水管网", "净空净水净土", "全市", "市住建局", "", "2025—2026年", "0.89", "PPP", "", ""],
]

RESPONSIBILITY_SHEET = [
    ("29", "城镇污水处理率", "≥95", "市生态环境局", "市住建局"),
    ("37", "政府绿色采购比例", "≥80", "市财政局", "市统计局"),
    ("7", "环境空气质量：优良天数比例", "", "市水务局", ""),
    ("7", "PM2.5浓度下降幅度", "", "市生态环境局", "市水务局"),
]


@dataclass(frozen=True)
class ListCase:
    kind: str
    models: tuple[type[models.Model], ...]
    store: Callable[[SimpleNamespace], None]  # what the database holds before the import
    sheet: bytes
    changed: int  # rows (indicators) the sheet writes
    #: someone else's edit of a row that the last chunk writes (the key of what it changed, to undo it in tests)
    edit: Callable[[SimpleNamespace], None]
    unedit: Callable[[SimpleNamespace], None]


def _store_tasks(world: SimpleNamespace) -> None:
    task_services.task_list_import(program=world.program, data=xlsx(GOOD_TASKS))


def _store_projects(world: SimpleNamespace) -> None:
    for name in ("生态屏障建设", "净空净水净土", "生态工业", "生态农业"):  # the migration's (a transaction test flushes them)
        ProjectCategory.objects.get_or_create(name=name)
    task_services.project_list_import(program=world.program, data=xlsx(STORED_PROJECTS))


def _store_responsibilities(world: SimpleNamespace) -> None:
    program_services.responsibilities_import(program=world.program, data=sheet(GOOD))


def _set_task(title: str) -> Callable[[SimpleNamespace], None]:
    return lambda world: Task.objects.filter(program=world.program, number="（1）").update(title=title)


def _set_project(content: str) -> Callable[[SimpleNamespace], None]:
    return lambda _world: Project.objects.filter(name="城区污水管网").update(content=content)


def _add_cooperator(world: SimpleNamespace) -> None:
    Responsibility.objects.create(program=world.program, indicator=Indicator.objects.get(code="2019-07b"),
                                  department=world.units["市财政局"], role=ResponsibilityRole.COOPERATE, order=5)


def _drop_cooperator(world: SimpleNamespace) -> None:
    Responsibility.objects.filter(indicator__code="2019-07b", department=world.units["市财政局"]).delete()


CASES = {
    "tasks": ListCase(TASKS, (Task, TaskUnit), _store_tasks, xlsx(TASK_SHEET), 7,
                      _set_task("他人修改的标题"), _set_task("规划专家论证")),
    "projects": ListCase(PROJECTS, (Project, ProjectFunding, ProjectYear), _store_projects, xlsx(PROJECT_SHEET), 5,
                         _set_project("他人修改的内容"), _set_project("")),
    "responsibilities": ListCase(RESPONSIBILITIES, (Responsibility,), _store_responsibilities,
                                 sheet(RESPONSIBILITY_SHEET), 4, _add_cooperator, _drop_cooperator),
}


def tables(case: ListCase) -> list[tuple[Any, ...]]:
    """Every row of the list's tables, every column (ids included)."""
    return [tuple(row.values()) for model in case.models for row in model.objects.order_by("pk").values()]


def previewed(world: SimpleNamespace, case: ListCase) -> StagedImport:
    case.store(world)
    staged = staged_import_upload(kind=case.kind, actor=world.users.office, program=world.program,
                                  checked=check_upload(SimpleUploadedFile("清单.xlsx", case.sheet), allowed={"xlsx"}))
    assert staged.status == StagedStatus.PREVIEWED, staged.errors
    assert len(staged.plan["changes"]) == case.changed
    return staged


def run(staged: StagedImport, actor: User) -> StagedImport:
    """The commit job's body, after the confirm's move (what ``staged_import_commit`` does)."""
    staged_import_move(staged, StagedStatus.COMMITTING)
    try:
        staged_import_run_commit(staged_id=staged.pk, actor=actor)
    except RuntimeError:
        pass
    staged.refresh_from_db()
    return staged


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of items each chunk wrote, in order (the real writes run)."""
    written: list[int] = []
    original = journal.staged_import_write_chunks

    def counting(staged: StagedImport, items: Sequence[Any], write: Callable[[Any], None], prepare: Any) -> None:
        def counted(chunk: Sequence[Any]) -> Any:
            written.append(len(chunk))
            return chunk if prepare is None else prepare(chunk)

        original(staged, items, write, counted)

    monkeypatch.setattr(journal, "staged_import_write_chunks", counting)
    return written


def fail_in_chunk(monkeypatch: pytest.MonkeyPatch, k: int) -> None:
    """Chunk ``k`` writes its rows and then raises, inside its transaction."""
    original = journal.staged_import_write_chunks

    def failing(staged: StagedImport, items: Sequence[Any], write: Callable[[Any], None], prepare: Any) -> None:
        calls: list[int] = []

        def written_then_failing(chunk: Sequence[Any]) -> None:
            calls.append(1)
            write(chunk)
            if len(calls) == k:
                raise RuntimeError("disk full")

        original(staged, items, written_then_failing, prepare)

    monkeypatch.setattr(journal, "staged_import_write_chunks", failing)


def between_chunks(monkeypatch: pytest.MonkeyPatch, action: Callable[[int], None]) -> None:
    """Run ``action(n)`` after chunk n is committed (where the commit reports its progress, outside any
    transaction: here after every chunk), as another user's request would run between two chunks."""
    original = staging_services.staged_import_report
    done: list[int] = []
    monkeypatch.setattr(staging_services, "REPORT_EVERY_SECONDS", 0.0)  # a report after every chunk

    def reporting(staged: StagedImport, **fields: Any) -> None:
        original(staged, **fields)
        if fields.get("stage") == "写入中" and "status" not in fields:  # the report after a chunk
            done.append(1)
            action(len(done))

    monkeypatch.setattr(staging_services, "staged_import_report", reporting)


# --- a late chunk that fails leaves the database exactly as before ------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("k", [2, "last"])
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_late_chunk_that_fails_leaves_every_table_as_before(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,
                                                              name: str, k: int | str) -> None:
    case = CASES[name]
    staged = previewed(world, case)
    before = tables(case)
    fail_in_chunk(monkeypatch, (case.changed + 1) // 2 if k == "last" else k)
    staged = run(staged, world.users.office)
    assert tables(case) == before
    assert staged.status == StagedStatus.FAILED and "disk full" in staged.summary
    assert not StagedWrite.objects.exists() and staged.undo == {}
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_COMMIT).exists()


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_row_changed_by_someone_between_chunks_refuses_the_import_and_undoes_it(
        world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Optimistic locking per chunk: the last chunk finds its row changed since the plan; the chunks before it
    are undone, the other person's edit stays, and the import is to be confirmed again (previewed anew)."""
    case = CASES[name]
    staged = previewed(world, case)
    before = tables(case)
    between_chunks(monkeypatch, lambda n: case.edit(world) if n == 1 else None)
    staged = run(staged, world.users.office)
    assert staged.status == StagedStatus.PREVIEWED
    assert "已被他人修改" in staged.errors[0]["message"] and "未写入任何数据" in staged.errors[0]["message"]
    assert tables(case) != before  # the edit stays
    case.unedit(world)
    assert tables(case) == before
    assert not StagedWrite.objects.exists()
    monkeypatch.undo()
    with pytest.raises(Exception, match="数据在预览后已有变化"):  # confirmed again: the re-check's new plan
        case.edit(world)
        staged_import_commit(staged=staged, actor=world.users.office, backend="inline")


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_unique_key_taken_between_chunks_refuses_the_import_and_undoes_it(
        world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A constraint error in a late chunk (someone created a project of the same name meanwhile)."""
    case = CASES["projects"]
    staged = previewed(world, case)
    before = tables(case)

    def create_same(n: int) -> None:
        if n == 1:
            Project.objects.create(program=world.program, name="新增项目丙", category=ProjectCategory.objects.first(),
                                   region=world.city, department=world.units["市水务局"], start=dt.date(2025, 1, 1),
                                   end=dt.date(2025, 12, 31), total_investment=1)

    between_chunks(monkeypatch, create_same)
    staged = run(staged, world.users.office)
    assert staged.status == StagedStatus.PREVIEWED and "已被他人修改" in staged.errors[0]["message"]
    Project.objects.filter(name="新增项目丙").delete()
    assert tables(case) == before


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=1)
def test_a_field_saved_again_after_its_chunk_keeps_that_save(world: SimpleNamespace,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Compensation gives back only what still holds the import's value: a later save by someone else stays."""
    case = CASES["tasks"]
    staged = previewed(world, case)
    revised = "生态文明建设规划（修订）"

    def edit_then_fail(n: int) -> None:
        if n == 3:  # the revised task was written by the second chunk
            Task.objects.filter(program=world.program, title=revised).update(title="他人再次修改",
                                                                             description="他人补充的内容")
        if n == 4:
            raise RuntimeError("disk full")

    between_chunks(monkeypatch, edit_then_fail)
    staged = run(staged, world.users.office)
    assert staged.status == StagedStatus.FAILED
    task = Task.objects.get(program=world.program, number="1.", parent__number="（一）")
    assert (task.title, task.description) == ("他人再次修改", "他人补充的内容")  # theirs, not the import's
    assert not Task.objects.filter(title__startswith="新增").exists()
    assert {u.department.name for u in task.units.all()} == {"市生态环境局", "市财政局", "市统计局"}


# --- several transactions, each its own; a killed commit is undone ---------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_a_large_import_commits_in_several_transactions(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,
                                                        name: str) -> None:
    case = CASES[name]
    staged = previewed(world, case)
    outermost: list[bool] = []
    original = journal.staged_import_write_chunks

    def probing(staged: StagedImport, items: Sequence[Any], write: Callable[[Any], None], prepare: Any) -> None:
        def probe(chunk: Sequence[Any]) -> None:
            outermost.append(connection.in_atomic_block and not connection.savepoint_ids)
            write(chunk)

        original(staged, items, probe, prepare)

    monkeypatch.setattr(journal, "staged_import_write_chunks", probing)
    staged = staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert staged.status == StagedStatus.COMMITTED
    assert outermost == [True] * ((case.changed + 1) // 2)  # a transaction per chunk, none around them
    assert not StagedWrite.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT_COMMIT).count() == 1  # the audit entry stays


def test_each_chunk_writes_its_share(world: SimpleNamespace, chunks: list[int]) -> None:
    case = CASES["tasks"]
    staged = previewed(world, case)
    with override_settings(ECOCIV_COMMIT_CHUNK_ROWS=3):
        staged = staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert chunks == [3, 3, 1] and staged.result == {"created": 4, "updated": 3, "unchanged": 3}
    task = Task.objects.get(program=world.program, title="生态文明建设规划（修订）")
    assert {u.department.name for u in task.units.all()} == {"市生态环境局", "市统计局"}
    assert Task.objects.get(title="新增分组下的任务").parent.title == "新增分组"


class Killed(BaseException):
    """The process dying mid-commit: nothing in the commit catches it."""


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_commit_whose_process_died_is_undone_when_found(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,
                                                          name: str) -> None:
    case = CASES[name]
    staged = previewed(world, case)
    before = tables(case)

    def die(n: int) -> None:
        if n == 1:
            raise Killed

    between_chunks(monkeypatch, die)
    staged_import_move(staged, StagedStatus.COMMITTING)
    with override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2), pytest.raises(Killed):
        staged_import_run_commit(staged_id=staged.pk, actor=world.users.office)
    assert tables(case) != before and StagedWrite.objects.filter(staged_import=staged).exists()
    assert staged_imports_recover_interrupted() == 0  # its heartbeat is fresh: it may still be running
    StagedImport.objects.filter(pk=staged.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert staged_imports_recover_interrupted() == 1
    assert tables(case) == before
    staged.refresh_from_db()
    assert staged.status == StagedStatus.FAILED and staged.summary == INTERRUPTED
    assert not StagedWrite.objects.exists()


# --- other users are not locked out for the whole import ------------------------------------------------------


def _write_from_another_connection(user_id: int, timeout_ms: int) -> str:
    """A login's write (``last_login``) from a connection of its own, waiting at most ``timeout_ms``."""
    outcome: list[str] = []

    def login() -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            User.objects.filter(pk=user_id).update(last_login=timezone.now())
            outcome.append("ok")
        except Exception as exc:  # the outcome is what the test asserts
            outcome.append(str(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=login)
    thread.start()
    thread.join(30)
    return outcome[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_another_connection_writes_between_chunks(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch,
                                                  name: str) -> None:
    """Another request's write (a login) goes through between any two chunks without waiting; on SQLite the
    same write made while a chunk holds the write lock waits, which is why no chunk is long."""
    case = CASES[name]
    staged = previewed(world, case)
    leader = world.users.leader.pk
    between: list[str] = []
    during: list[str] = []
    between_chunks(monkeypatch, lambda _n: between.append(_write_from_another_connection(leader, 200)))
    original = journal.staged_import_write_chunks

    def probing(staged: StagedImport, items: Sequence[Any], write: Callable[[Any], None], prepare: Any) -> None:
        def probe(chunk: Sequence[Any]) -> None:
            write(chunk)
            if connection.vendor == "sqlite" and not during:
                during.append(_write_from_another_connection(leader, 200))

        original(staged, items, probe, prepare)

    monkeypatch.setattr(journal, "staged_import_write_chunks", probing)
    staged = staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert staged.status == StagedStatus.COMMITTED
    assert between == ["ok"] * ((case.changed + 1) // 2)
    if connection.vendor == "sqlite":
        assert during == ["database is locked"]


def test_a_new_task_lists_each_column_once_in_the_preview(world: SimpleNamespace) -> None:
    staged = previewed(world, CASES["tasks"])
    new = next(row for row in staged.plan["changes"] if row["name"] == "新增任务乙")
    assert [change[0] for change in new["changes"]] == ["任务名称", "序号", "牵头单位", "配合单位", "完成时限"]


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=2)
def test_progress_is_reported_at_most_every_few_seconds_and_after_the_last_chunk(
        world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, chunks: list[int]) -> None:
    """A report rewrites the import's row with its plan (SQLite): not one per chunk of a fast commit."""
    staged = previewed(world, CASES["tasks"])
    original = staging_services.staged_import_report
    reports: list[int] = []

    def reporting(staged: StagedImport, **fields: Any) -> None:
        if "status" not in fields and fields.get("stage") == "写入中":
            reports.append(fields["progress"])
        original(staged, **fields)

    monkeypatch.setattr(staging_services, "staged_import_report", reporting)
    monkeypatch.setattr(staging_services, "REPORT_EVERY_SECONDS", 3600.0)
    staged = staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert staged.status == StagedStatus.COMMITTED and len(chunks) == 4 and reports == [95]
