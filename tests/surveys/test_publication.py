"""Survey results reach the public only through a publication (kind 调查结果), as a frozen snapshot."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.core.errors import DomainError
from apps.publication.services import publication_create, publication_transition
from apps.surveys.services import response_add, survey_transition

from .conftest import response


def test_survey_results_are_published_on_the_portal_and_frozen(survey):
    world, office = survey.world, survey.world.users.office
    draft = publication_create(program=world.program, actor=office, kind="survey", title="2025年调查结果", year=2025)
    survey_transition(survey=survey.survey, action="start", actor=office)
    for n in range(5):
        response_add(survey=survey.survey, actor=office,
                     data=response(world.counties["hill"].code, Q6="不满意" if n == 0 else "满意"))
    with pytest.raises(DomainError, match="调查结束后"):
        publication_transition(publication=draft, action="publish", actor=office)
    survey_transition(survey=survey.survey, action="close", actor=office)
    publication_transition(publication=draft, action="publish", actor=office)
    page = Client().get(f"/public/{world.program.id}/").content.decode()
    assert "2025年公众满意度与参与度调查结果" in page
    assert "2025年问卷调查：有效样本5份，加权满意率80.0%" in page
    assert "2025年10月1日至2025年10月31日" in page
    survey_transition(survey=survey.survey, action="reopen", actor=office)
    response_add(survey=survey.survey, actor=office, data=response(world.counties["hill"].code, Q6="不满意"))
    assert "有效样本5份" in Client().get(f"/public/{world.program.id}/").content.decode()  # the snapshot is frozen
