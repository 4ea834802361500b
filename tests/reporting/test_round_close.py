"""Closing and reopening a round (issue #12): one transition function owns the round's status; while closed,
every reporter write of the round is refused (single save, submission, submit-all, the import's preview, confirm
and commit chunks, evidence upload; page and API); review goes on. A first submission after the due date is
marked late (逾期提交) and shown in the lists, the queue and the round progress."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.uploads import CheckedUpload, check_upload
from apps.reporting import bulk, services
from apps.reporting.imports import values_import_confirm, values_import_upload
from apps.reporting.models import IndicatorValue, ReportingRound, ValueRevision
from apps.reporting.selectors import round_progress
from apps.reporting.services import (
    RoundClosed,
    evidence_upload,
    indicator_value_transition,
    indicator_values_submit_drafts,
    reporting_round_transition,
)
from apps.review.models import ReviewEvent
from apps.review.services import review_history
from apps.staging.models import StagedImport, StagedStatus
from tests.conftest import ClientFor

from .conftest import save
from .test_bulk_import import CITY, HILL, NUMERIC, PLAIN, sheet

CLOSED = "已关闭填报"


def _round(rep: SimpleNamespace) -> ReportingRound:
    return ReportingRound.objects.get(pk=rep.round.pk)


def _close(rep: SimpleNamespace, note: str = "") -> None:
    reporting_round_transition(reporting_round=_round(rep), action="close", actor=rep.world.users.office, comment=note)
    rep.round.refresh_from_db()


def _fresh(value: IndicatorValue) -> IndicatorValue:
    return IndicatorValue.objects.select_related("program", "round").get(pk=value.pk)


def _base(rep: SimpleNamespace, api: bool = False) -> str:
    return f"{'/api' if api else ''}/programs/{rep.world.program.id}/rounds/{rep.round.id}"


def _due(rep: SimpleNamespace, due: dt.date) -> None:
    ReportingRound.objects.filter(pk=rep.round.pk).update(due=due)
    rep.round.refresh_from_db()


# --- the transition --------------------------------------------------------------------------------------------


def test_close_then_reopen_records_who_when_why_and_audits(rep: SimpleNamespace) -> None:
    office = rep.world.users.office
    assert rep.round.status == "open" and rep.round.version == 1
    reporting_round_transition(reporting_round=_round(rep), action="close", actor=office, comment="  年度调度结束 ")
    closed = _round(rep)
    assert (closed.status, closed.version, closed.is_closed) == ("closed", 2, True)
    reporting_round_transition(reporting_round=closed, action="reopen", actor=office, comment="丘陵县补报")
    reopened = _round(rep)
    assert (reopened.status, reopened.version) == ("open", 3)
    history = [(e.action, e.old_status, e.new_status, e.comment, e.actor_id, e.action_label)
               for e in review_history(reopened)]
    assert history == [("close", "open", "closed", "年度调度结束", office.id, "关闭填报"),
                       ("reopen", "closed", "open", "丘陵县补报", office.id, "重新开放")]
    audit = list(AuditEvent.objects.filter(target_type="reporting.reportinground").order_by("id")
                 .values_list("action", "actor_id", "target_id", "details__reason"))
    assert audit == [("round.close", office.id, str(rep.round.pk), "年度调度结束"),
                     ("round.reopen", office.id, str(rep.round.pk), "丘陵县补报")]


def test_reopen_needs_a_reason_and_illegal_moves_are_refused(rep: SimpleNamespace) -> None:
    office = rep.world.users.office
    with pytest.raises(DomainError, match="不能「重新开放」"):
        reporting_round_transition(reporting_round=_round(rep), action="reopen", actor=office, comment="理由")
    with pytest.raises(DomainError, match="未知操作"):
        reporting_round_transition(reporting_round=_round(rep), action="delete", actor=office)
    _close(rep)
    with pytest.raises(DomainError, match="不能「关闭填报」"):
        reporting_round_transition(reporting_round=_round(rep), action="close", actor=office)
    for blank in ("", "   "):
        with pytest.raises(DomainError, match="须填写理由"):
            reporting_round_transition(reporting_round=_round(rep), action="reopen", actor=office, comment=blank)
    with pytest.raises(ConflictError):  # the office saw version 1; the close made it 2
        reporting_round_transition(reporting_round=_round(rep), action="reopen", actor=office, comment="补报",
                                   expected_version=1)
    assert _round(rep).status == "closed" and ReviewEvent.objects.filter(action="reopen").count() == 0


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
def test_only_the_office_closes_and_reopens(rep: SimpleNamespace, client_for: ClientFor, persona: str) -> None:
    user = getattr(rep.world.users, persona)
    with pytest.raises(PermissionDeniedError):
        reporting_round_transition(reporting_round=_round(rep), action="close", actor=user)
    client = client_for(user)
    page = client.post(f"{_base(rep)}/transition/", {"action": "close", "version": "1"})
    api = client.post(f"{_base(rep, api=True)}/transition", {"action": "close"}, content_type="application/json")
    assert page.status_code in (403, 404) and api.status_code in (403, 404)
    _close(rep)
    client = client_for(user)
    api = client.post(f"{_base(rep, api=True)}/transition", {"action": "reopen", "comment": "我要补报"},
                      content_type="application/json")
    assert api.status_code in (403, 404) and _round(rep).status == "closed"


def test_page_badge_for_all_buttons_and_history_for_the_office(rep: SimpleNamespace, client_for: ClientFor) -> None:
    reporter_page = client_for(rep.world.users.reporter).get(f"{_base(rep)}/").content.decode()
    assert 'data-round-status="open"' in reporter_page and "填报中" in reporter_page
    assert "关闭填报</button>" not in reporter_page
    office = client_for(rep.world.users.office)
    assert "关闭填报</button>" in office.get(f"{_base(rep)}/").content.decode()
    response = office.post(f"{_base(rep)}/transition/", {"action": "close", "version": "1", "comment": "截止"})
    assert response.status_code == 302 and _round(rep).status == "closed"
    refused = office.post(f"{_base(rep)}/transition/", {"action": "reopen", "version": "2", "comment": ""},
                          follow=True).content.decode()
    assert "须填写理由" in refused and _round(rep).status == "closed"
    page = office.get(f"{_base(rep)}/").content.decode()
    assert 'data-round-status="closed"' in page and "重新开放</button>" in page and "开放与关闭记录（1）" in page
    assert "截止" in page
    listing = client_for(rep.world.users.reporter).get(f"/programs/{rep.world.program.id}/rounds/").content.decode()
    assert '<span class="tag closed">已关闭</span>' in listing
    office = client_for(rep.world.users.office)  # one test client: log the office in again
    reopened = office.post(f"{_base(rep)}/transition/", {"action": "reopen", "version": "2", "comment": "丘陵县补报"})
    assert reopened.status_code == 302, reopened.content.decode()
    page = client_for(rep.world.users.county).get(f"{_base(rep)}/").content.decode()
    assert 'data-round-status="open"' in page and "丘陵县补报" in page and "开放与关闭记录（2）" in page


def test_api_closes_reopens_and_lists_the_history(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.office)
    closed = client.post(f"{_base(rep, api=True)}/transition", {"action": "close", "expected_version": 1},
                         content_type="application/json")
    assert closed.status_code == 200
    assert {k: closed.json()[k] for k in ("status", "status_label", "version")} == {
        "status": "closed", "status_label": "已关闭", "version": 2}
    no_reason = client.post(f"{_base(rep, api=True)}/transition", {"action": "reopen"}, content_type="application/json")
    assert no_reason.status_code == 400 and "须填写理由" in no_reason.json()["detail"]
    client.post(f"{_base(rep, api=True)}/transition", {"action": "reopen", "comment": "补报"},
                content_type="application/json")
    history = client_for(rep.world.users.reporter).get(f"{_base(rep, api=True)}/history").json()
    assert [(h["action"], h["comment"], h["actor"]) for h in history] == [
        ("close", "", str(rep.world.users.office)), ("reopen", "补报", str(rep.world.users.office))]
    rounds = client.get(f"/api/programs/{rep.world.program.id}/rounds").json()
    assert rounds[0]["status"] == "open"
    assert client_for(rep.world.users.outsider).get(f"{_base(rep, api=True)}/history").status_code in (403, 404)


# --- every write path is refused while closed ---------------------------------------------------------------


def test_save_and_submit_are_refused_while_closed_and_accepted_after_reopening(rep: SimpleNamespace) -> None:
    reporter = rep.world.users.reporter
    draft = save(rep, reporter, number="20")
    _close(rep)
    with pytest.raises(RoundClosed, match=CLOSED) as refused:
        save(rep, reporter, number="21", version=1)
    assert refused.value.status_code == 409 and refused.value.code == "round_closed"
    with pytest.raises(RoundClosed):
        save(rep, rep.world.users.county, region=rep.world.counties["hill"], number="30", submit=True)
    with pytest.raises(RoundClosed):
        indicator_value_transition(value=_fresh(draft), action="submit", actor=reporter)
    assert _fresh(draft).status == "draft" and ValueRevision.objects.count() == 1
    assert IndicatorValue.objects.count() == 1
    reporting_round_transition(reporting_round=_round(rep), action="reopen", actor=rep.world.users.office,
                               comment="补报")
    indicator_value_transition(value=_fresh(draft), action="submit", actor=reporter)
    assert _fresh(draft).status == "submitted"


def test_review_goes_on_while_closed(rep: SimpleNamespace, client_for: ClientFor) -> None:
    office = rep.world.users.office
    first = save(rep, rep.world.users.reporter, submit=True)
    second = save(rep, rep.world.users.county, region=rep.world.counties["hill"], number="30", submit=True)
    _close(rep)
    indicator_value_transition(value=_fresh(first), action="approve", actor=office)
    indicator_value_transition(value=_fresh(second), action="return", actor=office, comment="口径不符")
    assert (_fresh(first).status, _fresh(second).status) == ("approved", "returned")
    queue = client_for(office).get(f"/programs/{rep.world.program.id}/reporting/review/?status=approved")
    assert queue.status_code == 200 and "审核" in queue.content.decode()


def test_page_entry_and_api_save_are_refused(rep: SimpleNamespace, client_for: ClientFor) -> None:
    _close(rep)
    client = client_for(rep.world.users.reporter)
    url = f"{_base(rep)}/entry/{rep.world.city.id}/{rep.numeric.id}/"
    assert CLOSED in client.get(url).content.decode()  # the form says so before anyone types
    body = client.post(url, {"version": "0", "number": "25", "source": "统计公报"}).content.decode()
    assert CLOSED in body and not IndicatorValue.objects.exists()
    api = client.post(f"{_base(rep, api=True)}/values",
                      {"region_id": rep.world.city.id, "indicator_id": rep.numeric.id, "number": "25"},
                      content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "round_closed" and CLOSED in api.json()["detail"]
    assert not IndicatorValue.objects.exists()


def test_submission_is_refused_on_page_and_api(rep: SimpleNamespace, client_for: ClientFor) -> None:
    draft = save(rep, rep.world.users.reporter)
    _close(rep)
    client = client_for(rep.world.users.reporter)
    pid = rep.world.program.id
    page = client.post(f"/programs/{pid}/values/{draft.id}/transition/", {"action": "submit", "version": "1"},
                       follow=True)
    assert CLOSED in page.content.decode()
    api = client.post(f"/api/programs/{pid}/values/{draft.id}/transition", {"action": "submit"},
                      content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "round_closed"
    assert _fresh(draft).status == "draft"


def test_submit_all_is_refused_on_service_page_and_api(rep: SimpleNamespace, client_for: ClientFor) -> None:
    reporter = rep.world.users.reporter
    draft = save(rep, reporter)
    _close(rep)
    with pytest.raises(RoundClosed):
        indicator_values_submit_drafts(reporting_round=_round(rep), actor=reporter)
    client = client_for(reporter)
    inbox = client.get(f"{_base(rep)}/inbox/").content.decode()
    assert "data-round-closed" in inbox and "提交我的全部草稿" not in inbox and "批量导入</a>" not in inbox
    assert f"/entry/{rep.world.city.id}/" not in inbox  # no 填报 link into a closed round
    page = client.post(f"{_base(rep)}/submit-drafts/", {"reason": ""}, follow=True).content.decode()
    assert CLOSED in page
    api = client.post(f"{_base(rep, api=True)}/submit-drafts", {"reason": ""}, content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "round_closed"
    assert _fresh(draft).status == "draft"


def test_evidence_upload_is_refused(rep: SimpleNamespace) -> None:
    draft = save(rep, rep.world.users.reporter)
    _close(rep)
    with pytest.raises(RoundClosed):
        evidence_upload(value=_fresh(draft), upload=SimpleUploadedFile("公报.pdf", b"%PDF-1.4\n%%EOF\n"),
                        actor=rep.world.users.reporter)
    assert not _fresh(draft).evidence.exists()


def test_import_preview_is_refused_on_page_and_api(rep: SimpleNamespace, client_for: ClientFor) -> None:
    _close(rep)
    client = client_for(rep.world.users.reporter)
    page = client.post(f"{_base(rep)}/import/", {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None)))},
                       follow=True).content.decode()
    assert CLOSED in page
    for commit in ("false", "true"):
        api = client.post(f"{_base(rep, api=True)}/import",
                          {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None))), "commit": commit})
        assert api.status_code == 409 and api.json()["code"] == "round_closed"
    assert not StagedImport.objects.exists() and not IndicatorValue.objects.exists()


def test_a_preview_made_before_closing_cannot_be_confirmed(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.reporter)
    preview = client.post(f"{_base(rep, api=True)}/import",
                          {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None)))}).json()
    assert preview["status"] == "previewed"
    _close(rep)
    api = client.post(f"{_base(rep, api=True)}/imports/{preview['import_id']}/commit", {},
                      content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "round_closed"
    page = client.post(f"{_base(rep)}/import/", {"token": preview["import_id"]}, follow=True).content.decode()
    assert CLOSED in page
    assert StagedImport.objects.get().status == StagedStatus.PREVIEWED and not IndicatorValue.objects.exists()
    reporting_round_transition(reporting_round=_round(rep), action="reopen", actor=rep.world.users.office,
                               comment="补报")
    done = client.post(f"{_base(rep, api=True)}/imports/{preview['import_id']}/commit", {},
                       content_type="application/json").json()
    assert done["status"] == "committed" and IndicatorValue.objects.count() == 1


@override_settings(ECOCIV_COMMIT_CHUNK_ROWS=1)
def test_a_commit_under_way_stops_at_its_next_chunk_and_undoes_the_rest(rep: SimpleNamespace,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The office closes the round while a commit job runs: its next chunk is refused, the chunks written are
    undone, and the import returns to its preview with the refusal (confirm again once reopened)."""
    office = rep.world.users.office
    staged = values_import_upload(reporting_round=rep.round, actor=office, checked=_checked(
        sheet((CITY, NUMERIC, 22, None), (HILL, NUMERIC, 30, None), (PLAIN, NUMERIC, 32, None))))
    original = bulk._write
    calls: list[int] = []

    def closing_after_the_first_chunk(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            _close(rep, "截止")

    monkeypatch.setattr(bulk, "_write", closing_after_the_first_chunk)
    with pytest.raises(DomainError, match=CLOSED):  # inline, the job's refusal is raised to the caller
        values_import_confirm(staged=staged, actor=office, backend="inline")
    staged.refresh_from_db()
    assert calls == [1] and staged.status == StagedStatus.PREVIEWED and CLOSED in staged.errors[0]["message"]
    assert not IndicatorValue.objects.exists() and not ValueRevision.objects.exists()


def _checked(data: bytes) -> CheckedUpload:
    return check_upload(SimpleUploadedFile("填报.xlsx", data), allowed={"xlsx"})


# --- late marking -------------------------------------------------------------------------------------------------


def test_a_first_submission_after_the_due_date_is_marked_late_once(rep: SimpleNamespace) -> None:
    office, reporter = rep.world.users.office, rep.world.users.reporter
    _due(rep, timezone.localdate() - dt.timedelta(days=1))
    late = save(rep, reporter, submit=True)
    assert _fresh(late).submitted_late is True
    indicator_value_transition(value=_fresh(late), action="return", actor=office, comment="请核实")
    _due(rep, timezone.localdate() + dt.timedelta(days=30))  # the due date moved later: the mark stays
    save(rep, reporter, number="26", version=_fresh(late).version, reason="核实后修改", submit=True)
    assert _fresh(late).submitted_late is True
    on_time = save(rep, rep.world.users.county, region=rep.world.counties["hill"], number="30", submit=True)
    assert _fresh(on_time).submitted_late is False


def test_the_due_date_counts_to_its_last_instant(rep: SimpleNamespace) -> None:
    _due(rep, timezone.localdate())  # due today: submitting now is on time
    value = save(rep, rep.world.users.reporter, submit=True)
    assert _fresh(value).submitted_late is False


def test_late_values_are_shown_in_the_inbox_queue_value_page_progress_and_api(rep: SimpleNamespace,
                                                                             client_for: ClientFor) -> None:
    _due(rep, timezone.localdate() - dt.timedelta(days=1))
    late = save(rep, rep.world.users.reporter, submit=True)
    _due(rep, timezone.localdate() + dt.timedelta(days=1))
    on_time = save(rep, rep.world.users.county, region=rep.world.counties["hill"], number="30", submit=True)
    pid = rep.world.program.id
    inbox = client_for(rep.world.users.reporter).get(f"{_base(rep)}/inbox/").content.decode()
    assert inbox.count('<span class="tag late">逾期提交</span>') == 1
    office = client_for(rep.world.users.office)
    queue = office.get(f"/programs/{pid}/reporting/review/").content.decode()
    assert queue.count('<span class="tag late">逾期提交</span>') == 1
    assert "逾期提交" in office.get(f"/programs/{pid}/values/{late.id}/").content.decode()
    assert "逾期提交" not in office.get(f"/programs/{pid}/values/{on_time.id}/").content.decode()
    progress = round_progress(_round(rep))
    assert (progress.total.reported, progress.total.on_time, progress.total.late) == (2, 1, 1)
    api = office.get(f"{_base(rep, api=True)}/progress").json()
    assert (api["total"]["late"], api["total"]["on_time"], api["total"]["on_time_rate"]) == (1, 1, 50)
    page = office.get(f"{_base(rep)}/").content.decode()
    assert "逾期提交" in page
    sheet_rows = list(load_workbook(io.BytesIO(office.get(f"{_base(rep)}/progress.xlsx").content))["按区域"]
                      .iter_rows(values_only=True))
    header = next(row for row in sheet_rows if row and row[0] == "名称")
    total = next(row for row in sheet_rows if row and row[0] == "合计")
    assert total[header.index("逾期提交")] == 1
    values = {v["id"]: v["submitted_late"] for v in office.get(f"/api/programs/{pid}/values").json()}
    assert values == {late.id: True, on_time.id: False}
    detail = client_for(rep.world.users.reporter).get(f"/api/programs/{pid}/values/{late.id}").json()
    assert detail["submitted_late"] is True


def test_submit_all_after_the_due_date_marks_each_late(rep: SimpleNamespace) -> None:
    _due(rep, timezone.localdate() - dt.timedelta(days=3))
    office = rep.world.users.office
    values = [save(rep, office), save(rep, office, region=rep.world.counties["hill"], number="30")]
    result = indicator_values_submit_drafts(reporting_round=_round(rep), actor=office)
    assert sorted(result.submitted) == sorted(v.id for v in values)
    assert [_fresh(v).submitted_late for v in values] == [True, True]


# --- a close and a save at once (PostgreSQL: real concurrency) ----------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no concurrent close")
@pytest.mark.django_db(transaction=True)
def test_a_close_waits_for_a_save_under_way(rep: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The save share-locks the round before it writes; the close (which locks it for update) waits until the save
    has committed, so no value is written into a round after it was closed."""
    world = rep.world
    save_locked, close_started = threading.Event(), threading.Event()
    original = services._locked_value
    order: list[str] = []

    def hold(*args: Any) -> IndicatorValue | None:
        save_locked.set()  # the round is share-locked by now
        close_started.wait(10)
        time.sleep(0.5)  # the close is trying to lock the round meanwhile
        return original(*args)

    monkeypatch.setattr(services, "_locked_value", hold)

    def saving() -> None:
        try:
            save(rep, world.users.reporter)
            order.append("saved")
        finally:
            connections.close_all()

    def closing() -> None:
        try:
            save_locked.wait(10)
            close_started.set()
            reporting_round_transition(reporting_round=ReportingRound.objects.select_related("program").get(
                pk=rep.round.pk), action="close", actor=world.users.office)
            order.append("closed")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=saving), threading.Thread(target=closing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert order == ["saved", "closed"]
    assert IndicatorValue.objects.count() == 1 and _round(rep).status == "closed"
    monkeypatch.setattr(services, "_locked_value", original)
    with pytest.raises(RoundClosed):
        save(rep, world.users.reporter, number="26", version=1)
