"""The staged import flow on a made-up kind: create → check → preview → confirm → commit (as a job)."""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

import pytest
from pytest_django.fixtures import Settings

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected, PermissionDeniedError, RowError
from apps.core.uploads import CheckedUpload
from apps.jobs.models import Job, JobStatus
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.registry import Checked, Committed, ReportProgress, StagedKind, register_kind
from apps.staging.selectors import staged_import_for_confirm
from apps.staging.services import (
    staged_import_authorize,
    staged_import_check,
    staged_import_commit,
    staged_import_create,
    staged_import_discard,
    staged_import_move,
    staged_import_read,
    staged_import_start_check,
)

WRITTEN: list[list[str]] = []


def _check(staged: StagedImport, report: ReportProgress) -> Checked:
    lines = staged_import_read(staged).decode().splitlines()
    report(50, "逐行检查")
    errors = [RowError(i, "值", "不是数字") for i, line in enumerate(lines, start=1) if not line.isdigit()]
    if errors:
        raise ImportRejected(errors)
    return Checked(plan={"values": lines}, rows=len(lines), summary=f"{len(lines)}行")


def _commit(staged: StagedImport, _actor: User) -> Committed:
    if "13" in staged.plan["values"]:
        raise ImportRejected([RowError(0, "", "13 became unlucky meanwhile")])
    WRITTEN.append(staged.plan["values"])
    return Committed(result={"created": len(staged.plan["values"])})


def _authorize(actor: User, _program: object, _options: dict[str, object]) -> None:
    if actor.username == "leader":
        raise PermissionDeniedError("领导不导入数字。")


register_kind(StagedKind("tests.numbers", authorize=_authorize, check=_check, commit=_commit,
                         formats=frozenset({"csv"})))


def _checked(text: str, name: str = "../../etc/数字.csv") -> CheckedUpload:
    data = text.encode()
    return CheckedUpload(name=name, kind="csv", size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


@pytest.fixture(autouse=True)
def inline(settings: Settings):
    settings.ECOCIV_JOB_BACKEND = "inline"
    WRITTEN.clear()


@pytest.mark.django_db
def test_preview_then_commit(world: SimpleNamespace) -> None:
    office = world.users.office
    staged = staged_import_create(kind="tests.numbers", actor=office, program=world.program, checked=_checked("1\n2"))
    # our name, not the user's (with the storage's suffix when the same bytes are already kept)
    assert re.fullmatch(rf"staging/{staged.sha256[:2]}/{staged.sha256}(_\w+)?\.csv", staged.file.name)
    assert staged.original_name == "../../etc/数字.csv" and staged.size == 3
    staged = staged_import_start_check(staged=staged, actor=office)
    assert (staged.status, staged.plan, staged.rows) == (StagedStatus.PREVIEWED, {"values": ["1", "2"]}, 2)
    assert Job.objects.get(pk=staged.job_id).status == JobStatus.SUCCEEDED
    found = staged_import_for_confirm(actor=office, kind="tests.numbers", staged_id=staged.pk, program=world.program)
    committed = staged_import_commit(staged=found, actor=office)
    assert committed.status == StagedStatus.COMMITTED and committed.committed_at
    assert committed.result == {"created": 2} and WRITTEN == [["1", "2"]]
    with pytest.raises(DomainError):
        staged_import_commit(staged=committed, actor=office)
    assert WRITTEN == [["1", "2"]]


@pytest.mark.django_db
def test_row_errors_reject_and_nothing_is_written(world: SimpleNamespace) -> None:
    staged = staged_import_create(kind="tests.numbers", actor=world.users.office, checked=_checked("1\nx\n3"))
    staged_import_check(staged=staged)
    assert staged.status == StagedStatus.REJECTED
    assert staged.errors == [{"row": 2, "column": "值", "message": "不是数字", "subject": ""}]
    with pytest.raises(DomainError):
        staged_import_commit(staged=staged, actor=world.users.office)


@pytest.mark.django_db
def test_a_refused_commit_raises_to_the_caller_and_writes_nothing(world: SimpleNamespace) -> None:
    staged = staged_import_create(kind="tests.numbers", actor=world.users.office, checked=_checked("13"))
    staged_import_check(staged=staged)
    with pytest.raises(ImportRejected):
        staged_import_commit(staged=staged, actor=world.users.office)
    staged.refresh_from_db()
    assert staged.status == StagedStatus.REJECTED and WRITTEN == []


@pytest.mark.django_db
def test_only_the_uploader_confirms_a_preview(world: SimpleNamespace) -> None:
    staged = staged_import_create(kind="tests.numbers", actor=world.users.office, checked=_checked("1"))
    staged_import_check(staged=staged)
    for actor, staged_id in ((world.users.outsider, staged.pk), (world.users.office, "x"),
                             (world.users.office, staged.pk + 1)):
        with pytest.raises(DomainError, match="预览已失效"):
            staged_import_for_confirm(actor=actor, kind="tests.numbers", staged_id=staged_id)
    staged_import_discard(staged=staged)
    assert staged.status == StagedStatus.DISCARDED
    with pytest.raises(DomainError, match="预览已失效"):
        staged_import_for_confirm(actor=world.users.office, kind="tests.numbers", staged_id=staged.pk)


@pytest.mark.django_db
def test_an_illegal_move_is_refused(world: SimpleNamespace) -> None:
    staged = staged_import_create(kind="tests.numbers", actor=world.users.office, checked=_checked("1"))
    with pytest.raises(DomainError):
        staged_import_move(staged, StagedStatus.COMMITTED)


@pytest.mark.django_db
def test_the_kind_refuses_an_actor_before_anything_is_stored(world: SimpleNamespace) -> None:
    """The one guard: every kind's ``authorize`` runs in staged_import_authorize and again at create."""
    with pytest.raises(PermissionDeniedError):
        staged_import_authorize(kind="tests.numbers", actor=world.users.leader, program=world.program)
    with pytest.raises(PermissionDeniedError):
        staged_import_create(kind="tests.numbers", actor=world.users.leader, checked=_checked("1"))
    assert not StagedImport.objects.exists()
    staged_import_authorize(kind="tests.numbers", actor=world.users.office, program=world.program)
