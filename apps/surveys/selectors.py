"""Reads of surveys: the questionnaire of a survey, its sampling plan (targets and quotas), quota fill and rates.

:func:`survey_results` costs a fixed number of queries whatever the number of responses, regions or cells: the
program's regions, the population cells and the responses' profile and answers (``values_list``); everything
else is :mod:`calc.surveys` over those rows. It is what the results page, the API, the submission of values and
the publication snapshot read.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from apps.core.errors import DomainError
from apps.geo.models import Region, RegionLevel
from apps.programs.models import Program
from apps.programs.selectors import program_regions
from calc.surveys import (
    Estimate,
    QuotaFill,
    SampleSize,
    allocate,
    estimate,
    percent_text,
    quota_fill,
    sample_size,
)
from docimport.surveys import Item, Questionnaire, parse_questionnaire
from docimport.xlsx import chinese_date

from .models import Invitation, PopulationCell, Response, Survey
from .models import Questionnaire as QuestionnaireRow

#: What a measure of the questionnaire is called in a sentence, and the indicator it feeds (by name).
MEASURE_WORDS = {"satisfaction": "满意率", "participation": "参与率", "awareness": "知晓率"}
MEASURE_INDICATORS = {"satisfaction": "公众对生态文明建设的满意度", "participation": "公众对生态文明建设的参与度"}


@functools.lru_cache(maxsize=32)
def _parsed(sha256: str, source: str) -> Questionnaire:  # noqa: ARG001 - the hash keys the cache
    return parse_questionnaire(source)


def questionnaire_of(row: QuestionnaireRow) -> Questionnaire:
    """The parsed definition of a stored questionnaire version (parsed once per process and version)."""
    return _parsed(row.sha256, row.source)


def questionnaires() -> QuerySet[QuestionnaireRow]:
    return QuestionnaireRow.objects.defer("source").order_by("code", "-created_at")


def program_surveys(program: Program) -> list[Survey]:
    """The program's surveys, newest year first, with their response and invitation counts (one query)."""
    return list(Survey.objects.filter(program=program).select_related("questionnaire")
                .annotate(responses_count=Count("responses", distinct=True),
                          invitations_count=Count("invitations", distinct=True)))


def program_counties(program: Program) -> dict[str, Region]:
    """The program's counties by region code (the respondents' 区县)."""
    return {r.code: r for r in program_regions(program) if r.level == RegionLevel.COUNTY}


Cell = tuple[int, str, str, str]  # (region id, 城乡, sex, age band)


@dataclass(frozen=True)
class StratumPlan:
    """One stratum (county × 城乡): its population, target n, received and the quota cells (sex × age band)."""

    region_id: int
    region_name: str
    urban_rural: str
    population: int
    fill: QuotaFill
    cells: tuple[QuotaFill, ...]  # keys: (sex, age band)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    estimate: Estimate


@dataclass(frozen=True)
class RegionResult:
    """One county, or the city as a whole (``is_city``): every item's estimate."""

    code: str
    name: str
    is_city: bool
    items: tuple[ItemResult, ...]

    def measure(self, measure: str) -> ItemResult | None:
        return next((r for r in self.items if r.item.measure == measure), None)


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    questionnaire: Questionnaire
    size: SampleSize | None  # None while no population is entered
    target: int
    received: int
    strata: tuple[StratumPlan, ...]
    regions: tuple[RegionResult, ...]  # the city first, then each county with responses or population
    invitations: int
    invitations_used: int

    @property
    def city(self) -> RegionResult:
        return self.regions[0]

    def provenance(self, measure: str, region: RegionResult | None = None) -> str:
        """"2025年问卷调查：有效样本1,206份，加权满意率86.4%，95%置信区间84.5%–88.2%" for the city or a region."""
        found = (region or self.city).measure(measure)
        where = "" if region is None or region.is_city else region.name
        if found is None:
            return ""
        return (f"{self.survey.year}年问卷调查{('（' + where + '）') if where else ''}："
                f"{found.estimate.sentence(what=MEASURE_WORDS.get(measure, '肯定率'))}")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else percent_text(value)


def survey_results(survey: Survey) -> SurveyResults:
    """The plan, the quota fill and every item's estimate per county and for the city (four queries)."""
    questionnaire = questionnaire_of(survey.questionnaire)
    regions = program_regions(survey.program)
    by_id: dict[int, Region] = {r.id: r for r in regions}
    population: dict[Cell, int] = {
        (region_id, urban_rural, sex, age): people
        for region_id, urban_rural, sex, age, people in PopulationCell.objects.filter(survey=survey)
        .values_list("region_id", "urban_rural", "sex", "age_band", "population")}
    rows = list(Response.objects.filter(survey=survey).order_by()
                .values_list("region_id", "urban_rural", "sex", "age_band", "answers"))
    invitations = Invitation.objects.filter(survey=survey).aggregate(
        total=Count("id"), used=Count("used_at"))
    received: Counter[Cell] = Counter((r[0], r[1], r[2], r[3]) for r in rows)
    size = None
    strata: list[StratumPlan] = []
    total_people = sum(population.values())
    if total_people:
        size = sample_size(Decimal(survey.margin) / 100, population=total_people)
        stratum_people: dict[tuple[int, str], int] = defaultdict(int)
        for (region_id, urban_rural, _sex, _age), people in population.items():
            stratum_people[(region_id, urban_rural)] += people
        ordered = sorted(stratum_people, key=lambda k: (by_id[k[0]].code if k[0] in by_id else "", k[1]))
        targets = allocate(size.n, {k: stratum_people[k] for k in ordered})
        for key in ordered:
            cells = {(c[2], c[3]): people for c, people in population.items() if (c[0], c[1]) == key}
            got = {(c[2], c[3]): n for c, n in received.items() if (c[0], c[1]) == key}
            cell_fill = quota_fill(allocate(targets[key], cells), got)
            region = by_id.get(key[0])
            strata.append(StratumPlan(
                region_id=key[0], region_name=region.name if region else "", urban_rural=key[1],
                population=stratum_people[key], fill=QuotaFill(key=key, target=targets[key], received=sum(got.values())),
                cells=cell_fill))
    county_ids = sorted({c[0] for c in population} | {r[0] for r in rows},
                        key=lambda i: by_id[i].code if i in by_id else "")
    city = survey.program.region
    results = [_region_result(questionnaire, rows, population, None, city.code, city.name)]
    for region_id in county_ids:
        region = by_id.get(region_id)
        if region is None or region_id == city.id:
            continue
        results.append(_region_result(questionnaire, rows, population, region_id, region.code, region.name))
    return SurveyResults(
        survey=survey, questionnaire=questionnaire, size=size, target=size.n if size else 0, received=len(rows),
        strata=tuple(strata), regions=tuple(results), invitations=invitations["total"] or 0,
        invitations_used=invitations["used"] or 0)


def _region_result(questionnaire: Questionnaire, rows: list[tuple[int, str, str, str, dict[str, str]]],
                   population: dict[Cell, int], region_id: int | None, code: str, name: str) -> RegionResult:
    """A domain's estimates: a county's cells are (城乡, sex, age) within it; the city's every county's cells."""
    chosen = [r for r in rows if region_id is None or r[0] == region_id]
    cells: dict[Hashable, int] = {c: p for c, p in population.items() if region_id is None or c[0] == region_id}
    items = []
    for item in questionnaire.items:
        answers = [((r[0], r[1], r[2], r[3]), r[4][item.code]) for r in chosen if item.code in r[4]]
        items.append(ItemResult(item=item, estimate=estimate(answers, positive=item.positive, excluded=item.excluded,
                                                             population=cells or None)))
    return RegionResult(code=code, name=name, is_city=region_id is None, items=tuple(items))


def public_summary(program: Program, year: int) -> dict[str, object]:
    """What the portal may show of the survey of ``year`` (JSON-ready display data, no internal id): method,
    operator, field period, sample, and per region the satisfaction and participation rates with their interval.
    Only a survey whose field work has ended (closed or with its results submitted) can be published."""
    survey = Survey.objects.select_related("questionnaire", "program__region").filter(program=program, year=year).first()
    if survey is None:
        raise DomainError(f"{year}年度没有问卷调查。")
    if survey.status not in ("closed", "submitted"):
        raise DomainError("调查结束后才能发布调查结果。")
    survey.program = program
    results = survey_results(survey)

    def rate(region: RegionResult, measure: str) -> dict[str, object] | None:
        found = region.measure(measure)
        if found is None or found.estimate.weighted_rate is None or found.estimate.interval is None:
            return None
        e = found.estimate
        return {"rate": percent_text(e.weighted_rate), "low": percent_text(e.interval.low),
                "high": percent_text(e.interval.high), "valid": e.valid}

    return {
        "year": survey.year, "title": survey.title, "method": survey.get_method_display(),
        "operator": survey.operator_name, "field_start": survey.field_start.isoformat(),
        "field_end": survey.field_end.isoformat(),
        "field_period": f"{chinese_date(survey.field_start)}至{chinese_date(survey.field_end)}", "questionnaire": f"{results.questionnaire.title}（{results.questionnaire.version}）",
        "received": results.received,
        "sentences": [s for s in (results.provenance("satisfaction"), results.provenance("participation")) if s],
        "regions": [{"code": r.code, "name": r.name, "is_city": r.is_city,
                     "satisfaction": rate(r, "satisfaction"), "participation": rate(r, "participation")}
                    for r in results.regions],
    }
