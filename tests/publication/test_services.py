"""Publishing: the snapshot, the transition table, who may, what is recorded, and that nothing later leaks in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.uploads import check_upload
from apps.publication.models import Publication
from apps.publication.services import publication_create, publication_transition
from apps.review.services import review_history
from tests.assessment.conftest import approve

from .conftest import HIDDEN, publish


def _city_values(publication: Publication, code: str) -> dict[str, dict]:
    return {row["number"]: row for row in publication.payload["values"][code]}


def test_publishing_freezes_approved_values_with_source_and_date(public_world, published):
    payload = published.indicators.payload
    assert payload["year"] == 2024
    city = _city_values(published.indicators, public_world.world.city.code)
    number = public_world.code["2019-03"].number_label
    assert city[number]["value"] == "19.5"
    assert city[number]["source"] == "市统计局年报"
    assert city[number]["as_of"] == public_world.approved.approved_at.date().isoformat()
    assert city[public_world.code["2019-01"].number_label]["qualitative"] == "已建立"
    assert published.indicators.input_version
    assert published.indicators.published_by == public_world.world.users.office
    assert published.indicators.published_at is not None


@pytest.mark.usefixtures("public_world")
def test_no_unapproved_value_enters_a_snapshot(published):
    text = str([published.indicators.payload, published.attainment.payload, published.projects.payload])
    for number in HIDDEN.values():
        assert number not in text
    assert "不应公开的来源" not in text


def test_a_value_approved_after_publication_does_not_change_the_snapshot(public_world, published):
    before = published.indicators.payload
    world = public_world.world
    approve(public_world.program, world.counties["plain"], public_world.code["2019-03"], 2024, "555.5",
            author=world.users.office)
    public_world.approved.approved_revision.number = 1
    public_world.approved.approved_revision.save(update_fields=["number"])
    published.indicators.refresh_from_db()
    assert published.indicators.payload == before
    assert "555.5" not in str(published.indicators.payload)
    # A new publication of the same year takes the new value.
    again = publish(public_world.program, world.users.office, "indicators", "2024年度指标数值（更新）", 2024)
    assert "555.5" in str(again.payload)
    assert again.input_version != published.indicators.input_version


def test_transition_table_reason_events_and_audit(public_world, published):
    office = public_world.world.users.office
    news = published.news
    with pytest.raises(DomainError, match="理由"):
        publication_transition(publication=news, action="withdraw", actor=office, reason="  ")
    with pytest.raises(DomainError):
        publication_transition(publication=news, action="publish", actor=office)  # already published
    with pytest.raises(ConflictError):
        publication_transition(publication=news, action="withdraw", actor=office, reason="x", expected_version=1)
    publication_transition(publication=news, action="withdraw", actor=office, reason="内容有误", expected_version=2)
    news.refresh_from_db()
    assert (news.status, news.withdraw_reason, news.withdrawn_by) == ("withdrawn", "内容有误", office)
    assert [(e.action, e.old_status, e.new_status) for e in review_history(news)] == [
        ("publish", "draft", "published"), ("withdraw", "published", "withdrawn")]
    assert [e.new_status_label for e in review_history(news)] == ["已发布", "已撤回"]
    with pytest.raises(DomainError):
        publication_transition(publication=news, action="publish", actor=office)  # withdrawn is final
    actions = list(AuditEvent.objects.filter(target_type="publication.publication", target_id=str(news.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["publication.publish", "publication.withdraw"]


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
def test_only_the_programs_office_publishes(public_world, persona):
    world = public_world.world
    user = getattr(world.users, persona)
    with pytest.raises(PermissionDeniedError):
        publication_create(program=public_world.program, actor=user, kind="news", title="t", body="b")
    draft = publication_create(program=public_world.program, actor=world.users.office, kind="news", title="t",
                               body="b")
    with pytest.raises(PermissionDeniedError):
        publication_transition(publication=draft, action="publish", actor=user)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.payload is None


def test_a_plan_document_keeps_its_file_sha256_and_number(public_world):
    office = public_world.world.users.office
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = check_upload(SimpleUploadedFile("实施方案.pdf", data), allowed={"pdf", "docx"})
    with pytest.raises(DomainError, match="文号"):
        publication_create(program=public_world.program, actor=office, kind="plan", title="实施方案", upload=upload)
    plan = publish(public_world.program, office, "plan", "甲市生态文明建设示范市规划", doc_number="甲政发〔2021〕12号",
                   upload=upload)
    assert plan.payload["doc_number"] == "甲政发〔2021〕12号"
    assert plan.payload["sha256"] == upload.sha256 == plan.file_sha256
    assert plan.file.read() == data


def test_year_kinds_need_a_year_and_news_needs_text(public_world):
    office = public_world.world.users.office
    with pytest.raises(DomainError, match="年度"):
        publication_create(program=public_world.program, actor=office, kind="indicators", title="x")
    with pytest.raises(DomainError, match="正文"):
        publication_create(program=public_world.program, actor=office, kind="news", title="x")
