"""Fixtures for surveys: the shipped questionnaire, a 2025 survey of 甲市 with a sampling frame and a 2025 round."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from openpyxl import Workbook
from pytest_django.fixtures import Settings

from apps.reporting.services import reporting_round_create
from apps.surveys.services import (
    PopulationInput,
    ResponseInput,
    SurveyInput,
    population_set,
    questionnaires_builtin,
    survey_create,
)
from tests.conftest import shared_fixture

ANSWERS = {"Q1": "知道", "Q2": "参与过", "Q3": "满意", "Q4": "比较满意", "Q5": "满意", "Q6": "满意", "Q7": "比较满意"}


@pytest.fixture(autouse=True)
def _inline_and_fresh(settings: Settings):
    settings.ECOCIV_JOB_BACKEND = "inline"
    cache.clear()
    yield
    cache.clear()


@shared_fixture
def survey(world: SimpleNamespace):
    questionnaire = questionnaires_builtin()[0]
    reporting_round_create(program=world.program, actor=world.users.office, name="2025年度调度", period_type="year",
                           year=2025, due=dt.date(2026, 1, 31))
    created = survey_create(program=world.program, actor=world.users.office, data=SurveyInput(
        year=2025, title="2025年度公众生态文明建设满意度调查", questionnaire_id=questionnaire.id, method="cati",
        operator="statistics", operator_name="甲市统计局社情民意调查中心", field_start=dt.date(2025, 10, 1),
        field_end=dt.date(2025, 10, 31), margin=Decimal(5)))
    cells = [PopulationInput(county.code, ur, sex, age, people)
             for county, base in ((world.counties["hill"], 1000), (world.counties["plain"], 3000))
             for ur, share in (("城镇", 2), ("乡村", 1))
             for sex in ("男", "女")
             for age, people in (("18-29岁", base * share), ("30-44岁", base * share), ("45-59岁", base * share),
                                 ("60岁及以上", base * share))]
    population_set(survey=created, actor=world.users.office, cells=cells)
    return SimpleNamespace(survey=created, questionnaire=questionnaire, world=world)


def response(county_code: str, *, urban_rural: str = "城镇", sex: str = "男", age: str = "30-44岁",
             **answers: str) -> ResponseInput:
    return ResponseInput(region_code=county_code, urban_rural=urban_rural, sex=sex, age_band=age, occupation="企业职工",
                         answers={**ANSWERS, **answers})


def sheet(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or ["问卷编号", "区县", "城乡", "性别", "年龄段", "职业", *ANSWERS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
