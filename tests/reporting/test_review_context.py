"""What a reviewer weighs beside each value (issue #12): the target in words, last year's approved value of the
same indicator and region, and the attainment verdict of the value as reported: on the review queue, the value's
page and the queue's API, in a constant number of queries, and the same verdict the dashboards give once approved."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessment.selectors import program_assessment
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.selectors import review_contexts
from apps.reporting.services import indicator_value_transition
from tests.conftest import ClientFor

from .conftest import save


def _approved(rep: SimpleNamespace, region: Region, indicator: Indicator, year: int, number: str | None,
              qualitative: str = "") -> IndicatorValue:
    value = IndicatorValue.objects.create(program=rep.world.program, region=region, indicator=indicator, year=year,
                                          status="approved")
    revision = ValueRevision.objects.create(value=value, number=Decimal(number) if number else None,
                                            qualitative=qualitative, version=1, author=rep.world.users.office)
    IndicatorValue.objects.filter(pk=value.pk).update(approved_revision=revision, current_revision=revision)
    return value


def _submitted(rep: SimpleNamespace, region: Region, indicator: Indicator, number: str | None,
               qualitative: str = "") -> IndicatorValue:
    return save(rep, rep.world.users.office, region=region, indicator=indicator, number=number,
                qualitative=qualitative, submit=True, confirm_warnings=True, note="核实无误")


def _queue(rep: SimpleNamespace, client_for: ClientFor) -> str:
    return client_for(rep.world.users.office).get(f"/programs/{rep.world.program.id}/reporting/review/").content.decode()


def test_queue_shows_target_last_year_and_verdict(rep: SimpleNamespace, client_for: ClientFor) -> None:
    world = rep.world
    hill = world.counties["hill"]
    _approved(rep, world.city, rep.numeric, 2024, "22")
    _approved(rep, world.city, rep.numeric, 2023, "99")  # not last year: never shown as such
    city = _submitted(rep, world.city, rep.numeric, "25")
    county = _submitted(rep, hill, rep.numeric, "15")
    page = _queue(rep, client_for)
    assert page.count("≥20%") >= 2  # the target in words, never the expression
    assert "&gt;=20" not in page and ">=20" not in page
    assert "22 %<span class=\"muted small\">（2024年）</span>" in page and "99 %" not in page
    assert '<span class="verdict verdict-attained" title="' in page and ">达标</span>" in page
    assert '<span class="verdict verdict-not_attained"' in page and ">未达标</span>" in page
    contexts = review_contexts(world.program, [IndicatorValue.objects.select_related("region", "current_revision")
                                               .get(pk=pk) for pk in (city.pk, county.pk)])
    assert (contexts[city.pk].verdict_status, contexts[county.pk].verdict_status) == ("attained", "not_attained")
    assert contexts[city.pk].last_year.number == Decimal("22") and contexts[county.pk].last_year is None
    assert "低于目标值" in contexts[county.pk].verdict.explanation


def test_qualitative_and_value_page(rep: SimpleNamespace, client_for: ClientFor) -> None:
    world = rep.world
    _approved(rep, world.city, rep.qualitative, 2024, None, "in_progress")
    value = _submitted(rep, world.city, rep.qualitative, None, "achieved")
    page = client_for(world.users.office).get(f"/programs/{world.program.id}/values/{value.id}/").content.decode()
    assert "data-review-context" in page and "制定实施" in page and "实施中" in page and "（2024年）" in page
    assert ">达标</span>" in page
    reporter_page = client_for(world.users.reporter).get(f"/programs/{world.program.id}/values/{value.id}/")
    assert reporter_page.status_code == 200  # the reporter who may see the value sees its context too


def test_api_queue_carries_the_context(rep: SimpleNamespace, client_for: ClientFor) -> None:
    world = rep.world
    _approved(rep, world.city, rep.numeric, 2024, "22")
    value = _submitted(rep, world.city, rep.numeric, "18")
    rows = client_for(world.users.office).get(f"/api/programs/{world.program.id}/values").json()
    row = next(r for r in rows if r["id"] == value.id)
    assert {k: row[k] for k in ("target", "last_year", "last_year_value", "attainment", "attainment_label")} == {
        "target": "≥20%", "last_year": 2024, "last_year_value": "22", "attainment": "not_attained",
        "attainment_label": "未达标"}
    assert "18%" in row["attainment_explanation"]
    denied = client_for(world.users.reporter).get(f"/api/programs/{world.program.id}/values")
    assert denied.status_code == 403


def test_verdict_is_the_dashboards_once_approved(rep: SimpleNamespace) -> None:
    """The queue judges the value as reported exactly as the attainment dashboards judge it once approved."""
    world = rep.world
    values = [_submitted(rep, world.city, rep.numeric, "20"), _submitted(rep, world.counties["hill"], rep.numeric, "19.99"),
              _submitted(rep, world.counties["plain"], rep.qualitative, None, "in_progress")]
    loaded = list(IndicatorValue.objects.select_related("region", "current_revision").filter(pk__in=[v.pk for v in values]))
    before = {v.pk: review_contexts(world.program, loaded)[v.pk].verdict for v in loaded}
    for value in loaded:
        value.program = world.program
        indicator_value_transition(value=IndicatorValue.objects.select_related("program", "indicator").get(pk=value.pk),
                                   action="approve", actor=world.users.office)
    dashboards = program_assessment(world.program, year=2025, use_cache=False).scalar(
        [(v.region_id, v.indicator_id) for v in loaded])
    for value in loaded:
        ours, theirs = before[value.pk], dashboards[(value.region_id, value.indicator_id)][0]
        assert (ours.status, ours.explanation) == (theirs.status, theirs.explanation)
    assert sorted(str(before[v.pk].status) for v in loaded) == ["attained", "not_attained", "not_attained"]


def test_a_verdict_claims_review_only_once_approved(rep: SimpleNamespace) -> None:
    """A reported 已完成 is judged as reported (达标), but its sentence does not say 经审核 until the office approves it."""
    world = rep.world
    value = _submitted(rep, world.city, rep.qualitative, None, "achieved")

    def verdict():
        loaded = IndicatorValue.objects.select_related("region", "current_revision").get(pk=value.pk)
        return review_contexts(world.program, [loaded])[value.pk].verdict

    reported = verdict()
    assert reported.status == "attained" and "经审核" not in reported.explanation + reported.reason
    assert "填报为已达到" in reported.explanation
    indicator_value_transition(value=IndicatorValue.objects.select_related("program", "indicator").get(pk=value.pk),
                               action="approve", actor=world.users.office)
    approved = verdict()
    assert approved.status == "attained" and "经审核已达到" in approved.explanation
    dashboards = program_assessment(world.program, year=2025, use_cache=False).scalar(
        [(value.region_id, value.indicator_id)])[(value.region_id, value.indicator_id)][0]
    assert approved.explanation == dashboards.explanation


def test_a_value_that_is_not_annual_gets_no_verdict(rep: SimpleNamespace) -> None:
    world = rep.world
    value = IndicatorValue.objects.create(program=world.program, region=world.city, indicator=rep.numeric, year=2025,
                                          period_type="quarter", period_number=2, status="submitted")
    revision = ValueRevision.objects.create(value=value, number=Decimal("5"), version=1, author=world.users.office)
    IndicatorValue.objects.filter(pk=value.pk).update(current_revision=revision)
    value = IndicatorValue.objects.select_related("region", "current_revision").get(pk=value.pk)
    context = review_contexts(world.program, [value])[value.pk]
    assert context.verdict is None and context.target == "≥20%"


@pytest.mark.parametrize("url", ["/programs/{pid}/reporting/review/", "/api/programs/{pid}/values"])
def test_queries_stay_constant_as_the_queue_grows(rep: SimpleNamespace, client_for: ClientFor, url: str) -> None:
    world = rep.world
    client = client_for(world.users.office)
    url = url.format(pid=world.program.id)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _approved(rep, world.city, rep.numeric, 2024, "22")
    _submitted(rep, world.city, rep.numeric, "25")
    count()  # warm the process caches (content types)
    small = count()
    for region in (world.counties["hill"], world.counties["plain"]):
        _approved(rep, region, rep.numeric, 2024, "21")
        _approved(rep, region, rep.qualitative, 2024, None, "in_progress")
        _submitted(rep, region, rep.numeric, "30")
        _submitted(rep, region, rep.qualitative, None, "achieved")
    _submitted(rep, world.city, rep.qualitative, None, "achieved")
    assert len(client.get(url).content) > 0
    assert count() == small
