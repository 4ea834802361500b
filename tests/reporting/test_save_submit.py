"""保存并提交: saving a value and submitting it is one atomic service, for the page and the API alike."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest

from apps.core.errors import ConflictError, DomainError
from apps.indicators.models import Indicator
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.review.models import ReviewEvent
from apps.review.services import review_history
from tests.conftest import ClientFor

from .conftest import save
from .test_workflow import act


@pytest.fixture
def returned(rep: SimpleNamespace) -> IndicatorValue:
    users = rep.world.users
    value = save(rep, users.reporter, number="21")
    act(value, "submit", users.reporter)
    act(value, "return", users.office, "请核实")
    return IndicatorValue.objects.get(pk=value.pk)


def _counts() -> tuple[int, int]:
    return ValueRevision.objects.count(), ReviewEvent.objects.count()


def test_service_saves_and_resubmits(rep: SimpleNamespace, returned: IndicatorValue):
    before = _counts()
    value = save(rep, rep.world.users.reporter, number="22", version=returned.version, submit=True)
    assert IndicatorValue.objects.get(pk=value.pk).status == "resubmitted"
    assert _counts() == (before[0] + 1, before[1] + 1)
    assert [e.action for e in review_history(value)] == ["submit", "return", "submit"]


def test_stale_version_writes_nothing(rep: SimpleNamespace, returned: IndicatorValue):
    before = _counts()
    with pytest.raises(ConflictError):
        save(rep, rep.world.users.reporter, number="22", version=returned.version - 1, submit=True)
    assert _counts() == before and IndicatorValue.objects.get(pk=returned.pk).status == "returned"


def test_a_failed_submit_undoes_the_save(rep: SimpleNamespace, returned: IndicatorValue):
    before = _counts()
    with mock.patch("apps.reporting.services.indicator_value_transition", side_effect=DomainError("x")), \
            pytest.raises(DomainError):
        save(rep, rep.world.users.reporter, number="22", version=returned.version, submit=True)
    assert _counts() == before
    assert IndicatorValue.objects.get(pk=returned.pk).version == returned.version


def test_api_save_and_submit(rep: SimpleNamespace, returned: IndicatorValue, client_for: ClientFor):
    world = rep.world
    url = f"/api/programs/{world.program.id}/rounds/{rep.round.id}/values"
    payload = {"region_id": world.city.id, "indicator_id": rep.numeric.id, "number": "22",
               "expected_version": returned.version, "submit": True}
    before = _counts()
    response = client_for(world.users.reporter).post(url, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resubmitted"
    assert _counts() == (before[0] + 1, before[1] + 1)
    stale = client_for(world.users.reporter).post(url, payload, content_type="application/json")
    assert stale.status_code == 409 and _counts() == (before[0] + 1, before[1] + 1)


def test_page_save_and_submit(rep: SimpleNamespace, returned: IndicatorValue, client_for: ClientFor):
    world = rep.world
    url = f"/programs/{world.program.id}/rounds/{rep.round.id}/entry/{world.city.id}/{rep.numeric.id}/"
    before = _counts()
    response = client_for(world.users.reporter).post(url, {"version": str(returned.version), "number": "22",
                                                           "submit": "1"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(pk=returned.pk).status == "resubmitted"
    assert _counts() == (before[0] + 1, before[1] + 1)
    stale = client_for(world.users.reporter).post(url, {"version": str(returned.version), "number": "23",
                                                        "submit": "1"})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    assert _counts() == (before[0] + 1, before[1] + 1)


def test_a_cell_outside_the_round_is_not_found_on_the_page_and_in_the_api(rep: SimpleNamespace,
                                                                          client_for: ClientFor):
    world = rep.world
    outside = Indicator.objects.filter(framework=world.program.framework).exclude(
        pk__in=[rep.numeric.pk, rep.qualitative.pk]).first()
    reporter = client_for(world.users.reporter)
    page = reporter.get(f"/programs/{world.program.id}/rounds/{rep.round.id}/entry/{world.city.id}/{outside.id}/")
    assert page.status_code == 404 and "该区域或指标不在本轮调度范围内。" in page.content.decode()
    response = reporter.post(f"/api/programs/{world.program.id}/rounds/{rep.round.id}/values",
                             {"region_id": world.city.id, "indicator_id": outside.id, "number": "1"},
                             content_type="application/json")
    assert response.status_code == 404 and response.json()["detail"] == "该区域或指标不在本轮调度范围内。"
