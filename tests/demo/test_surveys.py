"""The demo's surveys: 2025 submitted as the values of indicators 39 and 40, 2024 published on the portal."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.programs.models import Program
from apps.reporting.models import IndicatorValue
from apps.surveys.models import Survey
from apps.surveys.selectors import survey_results

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_2025_survey_feeds_indicators_39_and_40_and_2024_is_public():
    program = Program.objects.get(name="秦川市创建国家生态文明建设示范市")
    survey = Survey.objects.get(program=program, year=2025)
    results = survey_results(survey)
    assert survey.status == "submitted" and results.received == 1206
    assert any(s.fill.received < s.fill.target for s in results.strata)  # quotas missed: the weights matter
    city = IndicatorValue.objects.select_related("current_revision").get(
        program=program, region=program.region, indicator__code="2019-39", year=2025)
    assert city.status in ("submitted", "resubmitted")  # it had been returned once: the survey answers it
    assert city.current_revision.explanation == results.provenance("satisfaction")
    page = Client().get(f"/public/{program.id}/").content.decode()
    assert "2024年公众满意度与参与度调查结果" in page and "2024年问卷调查：有效样本" in page
