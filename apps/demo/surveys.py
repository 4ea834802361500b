"""The demo city's surveys: the 2024 survey (closed, published on the portal) and the 2025 survey (CATI by the
city's statistics bureau, closed, results submitted as the values of indicators 39 and 40), each with a sampling
frame per county × 城乡 × sex × age band and synthetic responses, written through the survey services in bulk.

The synthetic respondents over-represent older and rural people (as telephone surveys do), so the weighted rates
differ from the raw ones; satisfaction and participation vary by county around 85 %.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from apps.publication.models import PublicationKind
from apps.publication.services import publication_create, publication_transition
from apps.surveys.models import Survey
from apps.surveys.services import (
    PopulationInput,
    ResponseInput,
    SurveyInput,
    invitations_create,
    population_set,
    questionnaires_builtin,
    responses_bulk_add,
    survey_create,
    survey_transition,
)
from docimport.surveys import Questionnaire, parse_questionnaire

from .programs import DemoContext

#: Adults (18+) per county in thousands and the urban share (秦川市's counties, see programs.COUNTIES).
POPULATION = {"629802": (412, 0.86), "629803": (268, 0.71), "629821": (96, 0.38), "629822": (124, 0.41),
              "629823": (187, 0.33), "629824": (143, 0.45)}
AGE_SHARES = (0.19, 0.27, 0.29, 0.25)
#: Telephone respondents by age band relative to the population (the young answer less, the old more).
AGE_BIAS = (0.6, 0.9, 1.1, 1.4)
#: Each county's chance of 满意/比较满意 and of 参与过 (2025); 2024 a little lower.
MOOD = {"629802": (0.82, 0.80), "629803": (0.86, 0.84), "629821": (0.93, 0.90), "629822": (0.88, 0.83),
        "629823": (0.84, 0.79), "629824": (0.90, 0.86)}
SAMPLE = {2024: 612, 2025: 1206}


def _population(questionnaire: Questionnaire) -> list[PopulationInput]:
    cells = []
    for code, (thousands, urban) in POPULATION.items():
        for urban_rural, share in zip(questionnaire.profile.urban_rural, (urban, 1 - urban), strict=True):
            for sex, sex_share in zip(questionnaire.profile.sex, (0.5, 0.5), strict=True):
                for age, age_share in zip(questionnaire.profile.age_bands, AGE_SHARES, strict=True):
                    cells.append(PopulationInput(code, urban_rural, sex, age,
                                                 round(thousands * 1000 * share * sex_share * age_share)))
    return cells


def _answer(rng: random.Random, chance: float, labels: tuple[str, ...], unsure: str | None) -> str:
    roll = rng.random()
    if unsure and roll < 0.04:
        return unsure
    if rng.random() < chance:
        return labels[0] if rng.random() < 0.55 else labels[1]
    return labels[2] if rng.random() < 0.7 else labels[3]


def _responses(rng: random.Random, questionnaire: Questionnaire, year: int) -> list[tuple[ResponseInput, str]]:
    """``SAMPLE[year]`` respondents spread over the cells by population, tilted towards the old and the rural."""
    cells = [(c, c.population * AGE_BIAS[questionnaire.profile.age_bands.index(c.age_band)]
              * (1.3 if c.urban_rural == questionnaire.profile.urban_rural[1] else 1.0))
             for c in _population(questionnaire)]
    chosen = rng.choices([c for c, _w in cells], weights=[w for _c, w in cells], k=SAMPLE[year])
    shift = 0.0 if year == 2025 else -0.04
    rows = []
    for n, cell in enumerate(chosen, start=1):
        satisfied, participating = (p + shift for p in MOOD[cell.region_code])
        answers: dict[str, str] = {}
        for item in questionnaire.items:
            labels = item.labels
            if item.section == "满意度":
                answers[item.code] = _answer(rng, satisfied, labels, labels[4])
            elif item.measure == "participation":
                roll = rng.random()
                answers[item.code] = labels[2] if roll < 0.03 else labels[0 if rng.random() < participating else 1]
            else:
                answers[item.code] = labels[0] if rng.random() < 0.7 else labels[1 if rng.random() < 0.6 else 2]
        occupation = rng.choice(questionnaire.profile.occupations)
        if cell.age_band == questionnaire.profile.age_bands[-1] and rng.random() < 0.7:
            occupation = "离退休"
        rows.append((ResponseInput(region_code=cell.region_code, urban_rural=cell.urban_rural, sex=cell.sex,
                                   age_band=cell.age_band, occupation=occupation, answers=answers),
                     f"CATI-{year}-{n:05d}"))
    return rows


def build(context: DemoContext) -> None:
    """Both surveys, once (a second ``load_demo`` finds them and changes nothing)."""
    program, office = context.program, context.users["office"]
    assert program is not None
    if Survey.objects.filter(program=program).exists():
        return
    row = questionnaires_builtin()[0]
    questionnaire = parse_questionnaire(row.source)
    rng = random.Random(3940)
    for year in (2024, 2025):
        survey = survey_create(program=program, actor=office, data=SurveyInput(
            year=year, title=f"{year}年度秦川市公众生态文明建设满意度调查", questionnaire_id=row.id, method="cati",
            operator="statistics", operator_name="秦川市统计局社情民意调查中心", field_start=dt.date(year, 10, 8),
            field_end=dt.date(year, 10, 31), margin=Decimal(3)))
        population_set(survey=survey, actor=office, cells=_population(questionnaire))
        survey_transition(survey=survey, action="start", actor=office)
        if year == 2024:  # codes printed for an online supplement that was not sent out in the end
            invitations_create(survey=survey, actor=office, count=100)
        responses_bulk_add(survey=survey, actor=office, rows=_responses(rng, questionnaire, year))
        survey_transition(survey=survey, action="close", actor=office)
        if year == 2025:  # 2024's values were reported and approved before the platform ran surveys
            survey_transition(survey=survey, action="submit", actor=office)


def publish(context: DemoContext) -> None:
    """Publish the 2024 survey's results on the portal (after the portal's own first publications)."""
    program, office = context.program, context.users["office"]
    assert program is not None
    if program.publications.filter(kind=PublicationKind.SURVEY).exists():
        return
    draft = publication_create(program=program, actor=office, kind=PublicationKind.SURVEY,
                               title="2024年度公众生态文明建设满意度调查结果", year=2024)
    publication_transition(publication=draft, action="publish", actor=office)
