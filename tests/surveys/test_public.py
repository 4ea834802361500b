"""The public questionnaire: one response per invitation code, and the bot refusals (honeypot, too fast, rate)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from apps.surveys import services
from apps.surveys.models import Invitation, Response
from apps.surveys.services import form_token, invitations_create, survey_transition

from .conftest import ANSWERS


@pytest.fixture
def fielding(survey):
    office = survey.world.users.office
    survey_transition(survey=survey.survey, action="start", actor=office)
    codes = invitations_create(survey=survey.survey, actor=office, count=3)
    return survey, codes


def _post(client: Client, program_id: int, invitation: Invitation, *, age: float = 30, **extra: str):
    data = {"region_code": "990121", "urban_rural": "城镇", "sex": "女", "age_band": "45-59岁", "occupation": "农民",
            "token": form_token(invitation, at=time.time() - age), "website": "",
            **{f"item_{code}": label for code, label in ANSWERS.items()}, **extra}
    return client.post(f"/public/{program_id}/survey/{invitation.code}/", data)


def test_the_form_answers_once_per_invitation_code(fielding):
    survey, codes = fielding
    client = Client()
    page = client.get(f"/public/{survey.world.program.id}/survey/{codes[0].code}/")
    assert page.status_code == 200 and "您对本地空气质量现状是否满意" in page.content.decode()
    assert "不清楚" in page.content.decode() and 'name="website"' in page.content.decode()
    first = _post(client, survey.world.program.id, codes[0])
    assert first.status_code == 200 and "问卷已提交" in first.content.decode()
    again = _post(client, survey.world.program.id, codes[0])
    assert "已提交过问卷" in again.content.decode()
    assert Response.objects.filter(survey=survey.survey).count() == 1
    response = Response.objects.get(survey=survey.survey)
    assert response.channel == "web" and response.answers["Q6"] == "满意" and response.region.code == "990121"


def test_unknown_code_or_other_program_is_a_404(fielding):
    survey, codes = fielding
    client = Client()
    assert client.get(f"/public/{survey.world.program.id}/survey/NOTACODE22/").status_code == 404
    assert client.get(f"/public/{survey.world.other_program.id}/survey/{codes[0].code}/").status_code == 404


def test_a_filled_honeypot_is_refused(fielding):
    survey, codes = fielding
    response = _post(Client(), survey.world.program.id, codes[0], website="http://spam.example")
    assert response.status_code == 400 and "未被接受" in response.content.decode()
    assert not Response.objects.exists()


def test_a_form_sent_too_fast_is_refused(fielding):
    survey, codes = fielding
    response = _post(Client(), survey.world.program.id, codes[0], age=1)
    assert response.status_code == 400 and "提交过快" in response.content.decode()
    assert not Response.objects.exists()


def test_a_forged_token_is_refused(fielding):
    survey, codes = fielding
    response = _post(Client(), survey.world.program.id, codes[0], token="forged:token")
    assert response.status_code == 400 and "已过期" in response.content.decode()
    other = _post(Client(), survey.world.program.id, codes[1], token=form_token(codes[0], at=time.time() - 30))
    assert other.status_code == 400 and not Response.objects.exists()


def test_the_rate_limit_refuses_an_address_after_its_quota(fielding, monkeypatch):
    survey, codes = fielding
    monkeypatch.setattr(services, "RATE_PER_HOUR", 2)
    client = Client()
    assert _post(client, survey.world.program.id, codes[0]).status_code == 200
    assert _post(client, survey.world.program.id, codes[1]).status_code == 200
    third = _post(client, survey.world.program.id, codes[2])
    assert third.status_code == 429 and "过于频繁" in third.content.decode()
    assert Response.objects.count() == 2


def test_invalid_answers_are_refused_field_by_field(fielding):
    survey, codes = fielding
    response = _post(Client(), survey.world.program.id, codes[0], item_Q6="非常好")
    assert response.status_code == 400 and not Response.objects.exists()


def test_the_form_is_closed_outside_the_field_period(survey):
    codes = invitations_create(survey=survey.survey, actor=survey.world.users.office, count=1)
    page = Client().get(f"/public/{survey.world.program.id}/survey/{codes[0].code}/")
    assert "暂不接受填写" in page.content.decode()
    assert _post(Client(), survey.world.program.id, codes[0]).status_code == 200  # shown the message, nothing written
    assert not Response.objects.exists()


def test_the_anonymous_api_post_needs_csrf_and_the_form_token(fielding):
    survey, codes = fielding
    url = f"/api/public/surveys/{survey.world.program.id}/{codes[0].code}"
    payload = {"region_code": "990121", "urban_rural": "乡村", "sex": "男", "age_band": "60岁及以上",
               "occupation": "离退休", "answers": ANSWERS, "token": form_token(codes[0], at=time.time() - 30)}
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, payload, content_type="application/json").status_code == 403
    client = Client()
    assert client.post(url, payload, content_type="application/json").status_code == 201
    assert client.post(url, payload, content_type="application/json").status_code == 400  # used
    assert Response.objects.filter(survey=survey.survey, channel="web").count() == 1
