"""生态环境信息公开率: statuses at the edges of the due date, matching items to publications, the rate, the page,
the API and the value entering review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDeniedError
from apps.publication.models import Publication
from apps.publication.selectors import disclosure
from apps.publication.services import disclosure_item_add, disclosure_value_submit
from apps.reporting.models import IndicatorValue
from apps.reporting.services import reporting_round_create
from apps.review.models import ReviewEvent
from calc.disclosure import DisclosureStatus, DueItem, disclosure_rate, item_status, match
from tests.queries import page_queries

from .conftest import publish

D = dt.date
DUE = D(2025, 3, 31)


@pytest.mark.parametrize(("published", "as_of", "status"), [
    (D(2025, 3, 31), D(2025, 12, 31), DisclosureStatus.ON_TIME),   # on the due date
    (D(2025, 1, 2), D(2025, 1, 10), DisclosureStatus.ON_TIME),     # early, before the due date
    (D(2025, 4, 1), D(2025, 12, 31), DisclosureStatus.LATE),       # a day late
    (None, D(2025, 4, 1), DisclosureStatus.MISSING),               # the day after the due date
    (None, D(2025, 3, 31), DisclosureStatus.NOT_DUE),              # on the due date, not yet published
    (D(2025, 4, 5), D(2025, 4, 1), DisclosureStatus.MISSING),      # published after the as-of date: unknown then
])
def test_item_status_at_the_edges(published, as_of, status):
    assert item_status(DUE, published, as_of) == status


def test_items_of_a_group_take_its_publications_in_order():
    items = [DueItem("news", D(2025, 6, 30)), DueItem("news", D(2025, 3, 31)), DueItem("plan", D(2025, 3, 31))]
    assert match(items, {"news": [D(2025, 7, 2), D(2025, 3, 1)]}) == [D(2025, 7, 2), D(2025, 3, 1), None]


def test_the_rate_counts_on_time_over_due_and_leaves_out_what_is_not_due():
    items = [DueItem("a", D(2025, 3, 31)), DueItem("b", D(2025, 3, 31)), DueItem("c", D(2025, 3, 31)),
             DueItem("d", D(2025, 12, 31))]
    result = disclosure_rate(items, {"a": [D(2025, 3, 1)], "b": [D(2025, 4, 2)]}, as_of=D(2025, 6, 1))
    assert (result.on_time, result.late, result.missing, result.not_due) == (1, 1, 1, 1)
    assert result.rate == Decimal("33.3")
    assert "应公开3项" in result.sentence() and "1 ÷ 3 = 33.3%" in result.sentence() and "未到期" in result.sentence()
    assert disclosure_rate(items[3:], {}, as_of=D(2025, 6, 1)).rate is None


def test_the_list_is_matched_to_publication_records(public_world):
    world, office = public_world.world, public_world.world.users.office
    program = world.program
    today = timezone.localdate()
    disclosure_item_add(program=program, actor=office, name="2024年度指标数值", kind="indicators", year=2024,
                        due=today)
    disclosure_item_add(program=program, actor=office, name="2024年重点项目进展", kind="projects", year=2024,
                        due=today - dt.timedelta(days=1))
    disclosure_item_add(program=program, actor=office, name="2024年度达标情况", kind="attainment", year=2024,
                        due=today - dt.timedelta(days=1))
    disclosure_item_add(program=program, actor=office, name="2024年创建规划", kind="plan", year=2024,
                        due=today + dt.timedelta(days=30))
    publish(program, office, "indicators", "2024年度指标数值", 2024)   # today: on the due date
    publish(program, office, "projects", "2024年重点项目进展", 2024)   # a day late
    draft = Publication.objects.create(program=program, kind="attainment", year=2024, title="草稿",
                                       created_by=office)
    assert draft.published_at is None  # a draft counts for nothing
    result = disclosure(program, 2024, today)
    assert [r.status for r in result.rows] == ["late", "missing", "on_time", "not_due"]
    assert result.rate.rate == Decimal("33.3")


def test_items_are_the_office_s(world):
    with pytest.raises(PermissionDeniedError):
        disclosure_item_add(program=world.program, actor=world.users.leader, name="x", kind="news", year=2024,
                            due=D(2025, 1, 1))
    with pytest.raises(DomainError, match="未知"):
        disclosure_item_add(program=world.program, actor=world.users.office, name="x", kind="no-such-kind", year=2024,
                            due=D(2025, 1, 1))


def test_the_rate_enters_review_as_the_city_value(world):
    office, program = world.users.office, world.program
    disclosure_item_add(program=program, actor=office, name="2024年度指标数值", kind="indicators", year=2024,
                        due=timezone.localdate())
    disclosure_item_add(program=program, actor=office, name="工作动态", kind="news", year=2024, due=D(2024, 6, 30))
    with pytest.raises(DomainError, match="填报轮次"):
        disclosure_value_submit(program=program, actor=office, year=2024)
    reporting_round_create(program=program, actor=office, name="2024年度调度", period_type="year", year=2024,
                           due=timezone.localdate() + dt.timedelta(days=30))
    publish(program, office, "indicators", "2024年度指标数值", 2024)
    value = disclosure_value_submit(program=program, actor=office, year=2024)
    value = IndicatorValue.objects.select_related("current_revision", "indicator").get(pk=value.pk)
    assert value.indicator.name == "生态环境信息公开率" and value.region_id == program.region_id
    assert value.status == "submitted" and value.approved_revision_id is None  # in review, not approved
    assert value.current_revision.number == Decimal("50.0")
    assert "按时公开1项" in value.current_revision.explanation and "未公开1项" in value.current_revision.explanation
    assert ReviewEvent.objects.filter(object_id=value.pk, action="submit").exists()
    with pytest.raises(PermissionDeniedError):
        disclosure_value_submit(program=program, actor=world.users.leader, year=2024)


def test_page_api_and_denied_paths(client_for, world):
    office = client_for(world.users.office)
    page = f"/programs/{world.program.id}/disclosure/"
    response = office.post(page + "?year=2024", {"name": "2024年度指标数值", "kind": "indicators", "year": 2024,
                                                 "due": "2025-03-31"})
    assert response.status_code == 302
    html = office.get(page + "?year=2024").content.decode()
    assert "2024年度指标数值" in html and "2025年3月31日" in html
    api = office.get(f"/api/programs/{world.program.id}/disclosure?year=2024").json()
    assert api["rows"][0]["name"] == "2024年度指标数值" and "sentence" in api
    added = office.post(f"/api/programs/{world.program.id}/disclosure/items",
                        data={"name": "工作动态", "kind": "news", "year": 2024, "due": "2024-12-31"},
                        content_type="application/json")
    assert added.status_code == 201 and added.json()["kind_label"] == "工作动态"
    for user in (world.users.leader, world.users.reporter):
        assert client_for(user).get(page).status_code == 403
        assert client_for(user).get(f"/api/programs/{world.program.id}/disclosure?year=2024").status_code == 403
    assert client_for(world.users.outsider).get(page).status_code in (403, 404)


def test_office_pages_keep_their_query_count_as_rows_grow(client_for, world):
    from .test_notices import make_notice  # noqa: PLC0415 - a helper of the notice tests

    office = client_for(world.users.office)
    pages = [f"/programs/{world.program.id}/disclosure/?year=2024", f"/programs/{world.program.id}/public-notices/"]
    disclosure_item_add(program=world.program, actor=world.users.office, name="事项0", kind="news", year=2024,
                        due=D(2024, 3, 31))
    make_notice(world)
    publish(world.program, world.users.office, "news", "动态0", body="正文")
    before = [page_queries(office, page) for page in pages]
    for n in range(1, 6):
        disclosure_item_add(program=world.program, actor=world.users.office, name=f"事项{n}", kind="news", year=2024,
                            due=D(2024, 3, 31))
        make_notice(world)
        publish(world.program, world.users.office, "news", f"动态{n}", body="正文")
    assert [page_queries(office, page) for page in pages] == before
