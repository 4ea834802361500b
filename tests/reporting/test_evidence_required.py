"""Trust #11.5: evidence is required. Each checklist item is required unless the framework lists it as optional;
a submission lacking a required item needs a stated reason (every path: service, save-and-submit, page, API); an
approval of one goes through, warns and records the override (single and bulk, page and API); the review queue
and the round progress show the values that lack required evidence, at a constant query count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import PermissionDeniedError
from apps.indicators.framework_files import FrameworkFileError, parse_framework
from apps.indicators.models import Indicator
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.selectors import evidence_completeness, round_progress
from apps.reporting.services import (
    EvidenceReasonRequired,
    evidence_upload,
    indicator_value_transition,
    indicator_values_bulk_approve,
)
from apps.review.models import ReviewEvent
from apps.review.services import review_history

from .conftest import save

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATS = "统计年鉴、统计公报或部门统计报表"  # 2019-03's required item
REPORT = "监测报告或计算过程说明"  # 2019-03's optional item
REASON = "统计公报尚未发布，发布后补传。"


def _attach(value: IndicatorValue, user, item: str) -> None:
    evidence_upload(value=value, upload=SimpleUploadedFile("公报.pdf", PDF), actor=user, checklist_item=item)


def _fresh(value: IndicatorValue) -> IndicatorValue:
    return IndicatorValue.objects.select_related("program__region", "indicator").get(pk=value.pk)


def _last_event(value: IndicatorValue) -> ReviewEvent:
    return list(review_history(value))[-1]


# --- the data: required unless optional -----------------------------------------------------------------


def _framework(leaf: dict) -> dict:
    return {"framework": {"code": "t", "title": "测试"},
            "indicator": [{"number": 1, "code": "T-01", "name": "指标", "domain": "领域", "task": "任务",
                           "binding": True, "scope": ["city"], "target": ">=1", **leaf}]}


def test_the_framework_file_says_which_items_are_optional():
    record = parse_framework(_framework({"evidence": ["文件", "台账"], "evidence_optional": ["台账"]}), source="t")
    assert record.indicators[0].evidence == ("文件", "台账")
    assert record.indicators[0].evidence_optional == ("台账",)
    with pytest.raises(FrameworkFileError, match="evidence_optional.*「照片」不在佐证材料清单中"):
        parse_framework(_framework({"evidence": ["文件"], "evidence_optional": ["照片"]}), source="t")
    with pytest.raises(FrameworkFileError, match="evidence_optional"):
        parse_framework(_framework({"evidence": ["文件"], "evidence_optional": "文件"}), source="t")


@pytest.mark.django_db
def test_the_loaded_frameworks_mark_optional_items_and_the_admin_checks_them(world):
    numeric = Indicator.objects.get(framework=world.program.framework, code="2019-03")
    assert numeric.evidence_optional == [REPORT]
    assert numeric.evidence_required == (STATS,)
    numeric.evidence_optional = ["不存在的材料"]
    with pytest.raises(ValidationError, match="不在佐证材料清单中"):
        numeric.full_clean()


def test_completeness_lists_the_required_items_missing():
    indicator = Indicator(evidence_checklist=[STATS, REPORT], evidence_optional=[REPORT])
    nothing = evidence_completeness(indicator, [])
    assert nothing.missing == (STATS, REPORT) and nothing.required_missing == (STATS,)
    only_optional = evidence_completeness(indicator, [SimpleNamespace(checklist_item=REPORT)])
    assert only_optional.required_missing == (STATS,)
    assert evidence_completeness(indicator, [SimpleNamespace(checklist_item=STATS)]).required_missing == ()
    # without a checklist one file of any kind is required
    bare = Indicator(evidence_checklist=[])
    assert evidence_completeness(bare, []).required_missing == ("佐证材料",)
    assert evidence_completeness(bare, [SimpleNamespace(checklist_item="")]).required_missing == ()


# --- submitting -------------------------------------------------------------------------------------------


def test_submitting_without_required_evidence_needs_a_reason(required_evidence):
    rep, reporter = required_evidence, required_evidence.world.users.reporter
    value = save(rep, reporter)
    _attach(value, reporter, REPORT)  # the optional item does not help
    events = ReviewEvent.objects.count()
    with pytest.raises(EvidenceReasonRequired, match=STATS) as refused:
        indicator_value_transition(value=_fresh(value), action="submit", actor=reporter, comment="  ")
    assert refused.value.status_code == 422 and refused.value.missing == (STATS,)
    assert _fresh(value).status == "draft" and ReviewEvent.objects.count() == events
    indicator_value_transition(value=_fresh(value), action="submit", actor=reporter, comment=REASON)
    assert _fresh(value).status == "submitted"
    assert _last_event(value).data == {"evidence_missing": [STATS], "reason": REASON}


def test_submitting_with_the_required_evidence_needs_no_reason(required_evidence):
    rep, reporter = required_evidence, required_evidence.world.users.reporter
    value = save(rep, reporter)
    _attach(value, reporter, STATS)
    indicator_value_transition(value=_fresh(value), action="submit", actor=reporter)
    assert _fresh(value).status == "submitted" and _last_event(value).data == {}


def test_a_resubmission_follows_the_same_rule(required_evidence):
    rep, users = required_evidence, required_evidence.world.users
    value = save(rep, users.reporter)
    indicator_value_transition(value=_fresh(value), action="submit", actor=users.reporter, comment=REASON)
    indicator_value_transition(value=_fresh(value), action="return", actor=users.office, comment="请附统计公报")
    with pytest.raises(EvidenceReasonRequired):
        indicator_value_transition(value=_fresh(value), action="submit", actor=users.reporter)
    assert _fresh(value).status == "returned"


def test_save_and_submit_without_a_reason_writes_nothing(required_evidence):
    rep, reporter = required_evidence, required_evidence.world.users.reporter
    with pytest.raises(EvidenceReasonRequired):
        save(rep, reporter, submit=True)
    assert not IndicatorValue.objects.exists() and not ValueRevision.objects.exists()
    value = save(rep, reporter, submit=True, comment=REASON)
    assert _fresh(value).status == "submitted" and value.revisions.count() == 1
    assert _last_event(value).data == {"evidence_missing": [STATS], "reason": REASON}


def test_a_denied_submitter_is_refused_for_the_role_not_the_evidence(required_evidence):
    rep = required_evidence
    value = save(rep, rep.world.users.reporter)
    for persona in ("county", "leader", "outsider"):
        with pytest.raises(PermissionDeniedError):
            indicator_value_transition(value=_fresh(value), action="submit", actor=getattr(rep.world.users, persona))
    assert _fresh(value).status == "draft"


def test_the_entry_page_asks_for_the_reason(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    url = f"/programs/{world.program.id}/rounds/{rep.round.id}/entry/{world.city.id}/{rep.numeric.id}/"
    client = client_for(world.users.reporter)
    refused = client.post(url, {"version": "0", "number": "24", "submit": "1"})
    assert refused.status_code == 200 and "缺少必需的佐证材料" in refused.content.decode()
    assert not IndicatorValue.objects.exists()
    assert client.post(url, {"version": "0", "number": "24", "submit": "1", "comment": REASON}).status_code == 302
    value = IndicatorValue.objects.get()
    assert value.status == "submitted" and _last_event(value).data["reason"] == REASON


def test_the_value_page_asks_for_the_reason_and_shows_it_in_the_history(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    value = save(rep, world.users.reporter)
    client = client_for(world.users.reporter)
    page = f"/programs/{world.program.id}/values/{value.id}/"
    assert "提交前请上传，或在意见中说明理由" in client.get(page).content.decode()
    url = f"{page}transition/"
    client.post(url, {"action": "submit", "version": str(value.version)})
    assert _fresh(value).status == "draft"
    client.post(url, {"action": "submit", "version": str(value.version), "comment": REASON})
    assert _fresh(value).status == "submitted"
    body = client_for(world.users.office).get(page).content.decode()
    assert f"缺少必需佐证材料提交：{STATS}" in body and REASON in body
    assert "审核通过将记录为例外放行" in body


def test_the_api_asks_for_the_reason(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    pid, reporter = world.program.id, client_for(world.users.reporter)
    payload = {"region_id": world.city.id, "indicator_id": rep.numeric.id, "number": "25", "submit": True}
    save_url = f"/api/programs/{pid}/rounds/{rep.round.id}/values"
    refused = reporter.post(save_url, payload, content_type="application/json")
    assert refused.status_code == 422 and STATS in refused.json()["detail"]
    assert refused.json()["code"] == "evidence_reason_required"
    assert not IndicatorValue.objects.exists()
    saved = reporter.post(save_url, {**payload, "comment": REASON}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["status"] == "submitted"
    other = save(rep, world.users.county, region=world.counties["hill"])
    url = f"/api/programs/{pid}/values/{other.id}/transition"
    leader = client_for(world.users.leader)  # sees the value, may not submit it: refused for the role
    assert leader.post(url, {"action": "submit", "comment": REASON}, content_type="application/json").status_code == 403
    assert leader.post(url, {"action": "submit"}, content_type="application/json").status_code == 403
    county = client_for(world.users.county)  # (one test client, logged in again)
    assert county.post(url, {"action": "submit"}, content_type="application/json").status_code == 422
    done = county.post(url, {"action": "submit", "comment": REASON}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["evidence_missing"] == [STATS] and done.json()["evidence_override"] == []
    detail = client_for(world.users.office).get(f"/api/programs/{pid}/values/{other.id}").json()
    assert detail["evidence_required_missing"] == [STATS]


# --- approving ------------------------------------------------------------------------------------------------


def _submitted(rep: SimpleNamespace) -> IndicatorValue:
    """The city's value, submitted by its reporter without evidence, with a reason."""
    value = save(rep, rep.world.users.reporter)
    indicator_value_transition(value=_fresh(value), action="submit", actor=rep.world.users.reporter, comment=REASON)
    return _fresh(value)


def test_approving_records_the_override(required_evidence):
    rep = required_evidence
    value = _submitted(rep)
    indicator_value_transition(value=value, action="approve", actor=rep.world.users.office)
    assert _fresh(value).status == "approved"
    assert _last_event(value).data == {"evidence_override": [STATS]}


def test_approving_a_complete_value_records_no_override(required_evidence):
    rep, reporter = required_evidence, required_evidence.world.users.reporter
    value = save(rep, reporter)
    _attach(value, reporter, STATS)
    indicator_value_transition(value=_fresh(value), action="submit", actor=reporter)
    indicator_value_transition(value=_fresh(value), action="approve", actor=rep.world.users.office)
    assert _last_event(value).data == {}


def test_bulk_approval_lists_the_overrides(required_evidence):
    rep = required_evidence
    world, reporter = rep.world, rep.world.users.reporter
    lacking = _submitted(rep)
    complete = save(rep, world.users.county, region=world.counties["hill"])
    _attach(complete, world.users.county, STATS)
    indicator_value_transition(value=_fresh(complete), action="submit", actor=world.users.county)
    with pytest.raises(PermissionDeniedError):
        indicator_values_bulk_approve(program=world.program, value_ids=[lacking.id], actor=reporter)
    result = indicator_values_bulk_approve(program=world.program, value_ids=[lacking.id, complete.id],
                                           actor=world.users.office)
    assert result.approved == [lacking.id, complete.id]
    assert [(o.id, o.missing) for o in result.overridden] == [(lacking.id, [STATS])]
    assert _last_event(lacking).data == {"evidence_override": [STATS]} and _last_event(complete).data == {}


def test_bulk_approval_api_and_page_warn(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    pid = world.program.id
    first = _submitted(rep)
    second = save(rep, world.users.county, region=world.counties["hill"])
    indicator_value_transition(value=_fresh(second), action="submit", actor=world.users.county, comment=REASON)
    assert client_for(world.users.reporter).post(f"/api/programs/{pid}/bulk-approve", {"value_ids": [first.id]},
                                                 content_type="application/json").status_code == 403
    office = client_for(world.users.office)
    response = office.post(f"/api/programs/{pid}/bulk-approve", {"value_ids": [first.id]},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["approved"] == [first.id] and answer["overridden"] == [{"id": first.id, "missing": [STATS]}]
    page = office.post(f"/programs/{pid}/reporting/review/", {"value": [str(second.id)]}, follow=True)
    assert f"#{second.id} 缺少必需的佐证材料：{STATS}（已记录为例外放行）" in page.content.decode()
    assert _fresh(second).status == "approved"


def test_single_approval_api_and_page_warn(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    pid = world.program.id
    first = _submitted(rep)
    office = client_for(world.users.office)
    answer = office.post(f"/api/programs/{pid}/values/{first.id}/transition", {"action": "approve"},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["evidence_override"] == [STATS]
    second = save(rep, world.users.county, region=world.counties["hill"])
    indicator_value_transition(value=_fresh(second), action="submit", actor=world.users.county, comment=REASON)
    page = office.post(f"/programs/{pid}/values/{second.id}/transition/",
                       {"action": "approve", "version": str(_fresh(second).version)}, follow=True)
    body = page.content.decode()
    assert f"已审核通过，但缺少必需的佐证材料：{STATS}（已记录为例外放行）" in body
    assert f"缺少必需佐证材料，例外放行：{STATS}" in body  # the history keeps it


# --- display: the queue and the progress ------------------------------------------------------------------------


def test_queue_and_progress_show_the_values_lacking_required_evidence(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    pid, rid = world.program.id, rep.round.id
    lacking = _submitted(rep)
    complete = save(rep, world.users.county, region=world.counties["hill"])
    _attach(complete, world.users.county, STATS)
    indicator_value_transition(value=_fresh(complete), action="submit", actor=world.users.county)
    save(rep, world.users.office, region=world.counties["plain"])  # a draft: not counted yet
    office = client_for(world.users.office)
    queue = {v["id"]: v["evidence_required_missing"] for v in office.get(f"/api/programs/{pid}/values").json()}
    assert queue == {lacking.id: [STATS], complete.id: []}
    page = office.get(f"/programs/{pid}/reporting/review/").content.decode()
    assert 'data-evidence-lacking="1"' in page and "⚠" in page
    progress = office.get(f"/api/programs/{pid}/rounds/{rid}/progress").json()
    assert progress["total"]["evidence_incomplete"] == 1
    by_region = {line["label"]: line["evidence_incomplete"] for line in progress["by_region"]}
    assert by_region[world.city.name] == 1 and by_region[world.counties["hill"].name] == 0
    assert round_progress(rep.round).total.evidence_incomplete == 1
    assert "缺必需佐证" in office.get(f"/programs/{pid}/rounds/{rid}/").content.decode()


def test_queue_and_progress_queries_stay_constant(required_evidence, client_for):
    rep = required_evidence
    world = rep.world
    pid, rid = world.program.id, rep.round.id
    client = client_for(world.users.office)

    def add(region, indicator, number, qualitative=""):
        value = save(rep, world.users.office, region=region, indicator=indicator, number=number,
                     qualitative=qualitative)
        indicator_value_transition(value=_fresh(value), action="submit", actor=world.users.office, comment=REASON)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(world.city, rep.numeric, "25")
    urls = [f"/programs/{pid}/reporting/review/", f"/programs/{pid}/rounds/{rid}/",
            f"/api/programs/{pid}/values", f"/api/programs/{pid}/rounds/{rid}/progress"]
    for url in urls:  # warm the process caches (content types) the first request fills
        count(url)
    small = [count(u) for u in urls]
    add(world.counties["hill"], rep.numeric, "30")
    add(world.counties["plain"], rep.numeric, "31")
    add(world.counties["plain"], rep.qualitative, None, "achieved")
    add(world.city, rep.qualitative, None, "in_progress")
    assert [count(u) for u in urls] == small
