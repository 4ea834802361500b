"""Submit all my drafts of a round: each draft through the single submission's checks, per value with a summary."""

from __future__ import annotations

import pytest

from apps.core.errors import PermissionDeniedError
from apps.reporting.models import IndicatorValue
from apps.reporting.services import indicator_values_submit_drafts
from apps.review.models import ReviewEvent
from tests.conftest import ClientFor

from .conftest import save
from .test_evidence_required import REASON, STATS, _attach


def _status(value: IndicatorValue) -> str:
    return IndicatorValue.objects.get(pk=value.pk).status


def test_submits_every_draft_and_reports_the_one_lacking_evidence(required_evidence):
    rep, office = required_evidence, required_evidence.world.users.office
    city = save(rep, office)
    hill = save(rep, office, region=rep.world.counties["hill"])
    _attach(hill, office, STATS)
    result = indicator_values_submit_drafts(reporting_round=rep.round, actor=office)
    assert result.submitted == [hill.id]
    assert [(f.id, f.label) for f in result.failed] == [(city.id, f"{rep.world.city.name} · {rep.numeric.name}")]
    assert "缺少必需的佐证材料" in result.failed[0].reason
    assert (_status(city), _status(hill)) == ("draft", "submitted")
    again = indicator_values_submit_drafts(reporting_round=rep.round, actor=office, reason=REASON)
    assert (again.submitted, again.failed) == ([city.id], [])
    event = ReviewEvent.objects.filter(object_id=city.id, action="submit").get()
    assert event.data == {"evidence_missing": [STATS], "reason": REASON}


def test_only_my_drafts(rep):
    users = rep.world.users
    mine = save(rep, users.reporter)
    county = save(rep, users.office, region=rep.world.counties["hill"])
    result = indicator_values_submit_drafts(reporting_round=rep.round, actor=users.reporter)
    assert (result.submitted, result.failed) == ([mine.id], [])
    assert (_status(mine), _status(county)) == ("submitted", "draft")


@pytest.mark.parametrize("persona", ["leader", "inspector", "outsider"])
def test_who_reports_nothing_is_refused(rep, client_for: ClientFor, persona: str):
    draft = save(rep, rep.world.users.reporter)
    user = getattr(rep.world.users, persona)
    with pytest.raises(PermissionDeniedError):
        indicator_values_submit_drafts(reporting_round=rep.round, actor=user)
    client = client_for(user)
    base = f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/submit-drafts"
    assert client.post(f"/api{base}", {}, content_type="application/json").status_code in (403, 404)
    assert client.post(f"{base}/").status_code in (403, 404)
    assert _status(draft) == "draft"


def test_page_button_and_api(rep, client_for: ClientFor):
    users = rep.world.users
    client = client_for(users.reporter)
    first = save(rep, users.reporter)
    inbox = f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/inbox/"
    assert "提交我的全部草稿（1 项）" in client.get(inbox).content.decode()
    response = client.post(f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/submit-drafts/", follow=True)
    assert response.redirect_chain[-1][0] == inbox
    page = response.content.decode()
    assert "已提交 1 项。" in page and "提交我的全部草稿" not in page
    assert _status(first) == "submitted"
    second = save(rep, users.reporter, indicator=rep.qualitative, number=None, qualitative="achieved")
    data = client.post(f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/submit-drafts",
                       {"reason": ""}, content_type="application/json").json()
    assert data == {"submitted": [second.id], "failed": []}
    assert client.get(f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/submit-drafts").status_code == 405
