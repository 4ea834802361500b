"""Survey services: the plan, office entry, the workflow and the submission of results as values for review."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDeniedError
from apps.reporting.models import IndicatorValue
from apps.review.models import ReviewEvent
from apps.review.workflow import ReviewStatus
from apps.surveys.selectors import survey_results
from apps.surveys.services import invitations_create, response_add, survey_transition
from apps.surveys.workflow import SurveyStatus

from .conftest import response


def _fill(survey, world, count_hill=6, count_plain=4):
    office = world.users.office
    for n in range(count_hill):
        response_add(survey=survey, actor=office, data=response(world.counties["hill"].code,
                                                                Q6="满意" if n % 3 else "不满意"))
    for n in range(count_plain):
        response_add(survey=survey, actor=office, data=response(world.counties["plain"].code, urban_rural="乡村",
                                                                Q6="不清楚" if n == 0 else "比较满意",
                                                                Q2="没有参与过" if n == 1 else "参与过"))


def test_the_plan_computes_targets_and_quotas_from_population(survey):
    results = survey_results(survey.survey)
    assert results.size is not None and results.target == 384  # ±5 %, N = 96,000 → 385 corrected to 384
    assert sum(s.fill.target for s in results.strata) == results.target
    hill = [s for s in results.strata if s.region_name == "丘陵县"]
    assert {s.urban_rural for s in hill} == {"城镇", "乡村"}
    assert all(sum(c.target for c in s.cells) == s.fill.target for s in results.strata)


def test_office_entry_is_validated_against_the_questionnaire(survey):
    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    with pytest.raises(DomainError, match="Q6"):
        response_add(survey=survey.survey, actor=world.users.office,
                     data=response(world.counties["hill"].code, Q6="非常好"))
    with pytest.raises(DomainError, match="区县"):
        response_add(survey=survey.survey, actor=world.users.office, data=response(world.other_city.code))
    with pytest.raises(PermissionDeniedError):
        response_add(survey=survey.survey, actor=world.users.leader, data=response(world.counties["hill"].code))


def test_entry_is_refused_before_the_survey_starts(survey):
    with pytest.raises(DomainError, match="草稿"):
        response_add(survey=survey.survey, actor=survey.world.users.office,
                     data=response(survey.world.counties["hill"].code))


def test_submitted_results_enter_the_review_workflow_with_provenance(survey):
    world, office = survey.world, survey.world.users.office
    survey_transition(survey=survey.survey, action="start", actor=office)
    _fill(survey.survey, world)
    with pytest.raises(DomainError):  # results are submitted only once the survey is closed
        survey_transition(survey=survey.survey, action="submit", actor=office)
    survey_transition(survey=survey.survey, action="close", actor=office)
    event = survey_transition(survey=survey.survey, action="submit", actor=office)
    assert survey.survey.status == SurveyStatus.SUBMITTED
    values = {(v.region.code, v.indicator.code): v for v in IndicatorValue.objects.filter(
        program=world.program, year=2025).select_related("region", "indicator", "current_revision")}
    city = values[(world.city.code, "2019-39")]
    assert city.status == ReviewStatus.SUBMITTED
    results = survey_results(survey.survey)
    rate = results.city.measure("satisfaction").estimate
    assert city.current_revision.number == (rate.weighted_rate * 100).quantize(Decimal("0.1"))
    assert city.current_revision.explanation.startswith("2025年问卷调查：有效样本9份，加权满意率")
    assert ReviewEvent.objects.filter(object_id=city.id, action="submit", new_status="submitted").exists()
    hill = values[(world.counties["hill"].code, "2019-40")]
    assert hill.status == ReviewStatus.SUBMITTED and hill.current_revision.number == Decimal("100.0")
    assert "丘陵县" in hill.current_revision.explanation
    assert len(event.data["written"]) == 6 and event.data["skipped"] == []


def test_unsure_answers_are_excluded_from_the_rate(survey):
    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    _fill(survey.survey, world, count_hill=0, count_plain=4)
    plain = next(r for r in survey_results(survey.survey).regions if r.name == "平原县")
    satisfaction = plain.measure("satisfaction").estimate
    assert (satisfaction.answered, satisfaction.valid, satisfaction.positive) == (4, 3, 3)
    assert satisfaction.rate == 1


def test_invitation_codes_are_unique_and_bounded(survey):
    office = survey.world.users.office
    codes = invitations_create(survey=survey.survey, actor=office, count=50)
    assert len({c.code for c in codes}) == 50 and all(len(c.code) == 10 for c in codes)
    with pytest.raises(DomainError):
        invitations_create(survey=survey.survey, actor=office, count=0)
    with pytest.raises(PermissionDeniedError):
        invitations_create(survey=survey.survey, actor=survey.world.users.outsider, count=1)
