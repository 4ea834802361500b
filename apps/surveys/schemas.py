"""The survey API's shapes: read by attribute from the models and the selectors' frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from apps.core.schemas import schema_of

from .services import SurveyInput


class QuestionnaireOut(Schema):
    id: int
    code: str
    version: str
    title: str
    created_at: dt.datetime


SurveyIn = schema_of("SurveyIn", SurveyInput,
                     "year title questionnaire_id method operator operator_name field_start field_end margin",
                     defaults=True, doc="A new survey (a draft): see apps.surveys.services.SurveyInput.",
                     title=(str, Field("", max_length=200)), operator_name=(str, Field(..., max_length=100)))


SurveyOut = schema_of("SurveyOut", SurveyInput,
                      "id year title questionnaire_id method operator operator_name field_start field_end margin "
                      "status version", id=int, status=str, version=int, doc="A survey (read from the model).")


class PopulationCellIn(Schema):
    region_code: str = Field(..., max_length=12)
    urban_rural: str = Field(..., max_length=10)
    sex: str = Field(..., max_length=10)
    age_band: str = Field(..., max_length=20)
    population: int = Field(..., ge=0, le=50_000_000)


class CountOut(Schema):
    count: int


class InvitationsIn(Schema):
    count: int = Field(..., ge=1, le=5000)


class InvitationOut(Schema):
    code: str
    used_at: dt.datetime | None


class ResponseIn(Schema):
    region_code: str = Field(..., max_length=12)
    urban_rural: str = Field(..., max_length=10)
    sex: str = Field(..., max_length=10)
    age_band: str = Field(..., max_length=20)
    occupation: str = Field(..., max_length=20)
    answers: dict[str, str]
    reference: str = Field("", max_length=40)


class PublicResponseIn(ResponseIn):
    token: str = Field(..., max_length=300)
    website: str = Field("", max_length=200)  # the honeypot: left empty by people


class ResponseOut(Schema):
    id: int
    region_code: str = Field(..., alias="region.code")
    channel: str
    created_at: dt.datetime


class SurveyTransitionIn(Schema):
    action: str = Field(..., max_length=12)
    expected_version: int | None = None


class SurveyTransitionOut(Schema):
    status: str
    version: int
    data: dict[str, object]


class EstimateOut(Schema):
    answered: int
    valid: int
    positive: int
    rate: Decimal | None
    weighted_rate: Decimal | None
    n_eff: Decimal
    low: Decimal | None = None
    high: Decimal | None = None
    sentence: str

    @staticmethod
    def resolve_low(obj: object) -> Decimal | None:
        interval = obj.interval  # type: ignore[attr-defined]
        return None if interval is None else interval.low  # type: ignore[no-any-return]

    @staticmethod
    def resolve_high(obj: object) -> Decimal | None:
        interval = obj.interval  # type: ignore[attr-defined]
        return None if interval is None else interval.high  # type: ignore[no-any-return]

    @staticmethod
    def resolve_sentence(obj: object) -> str:
        return obj.sentence()  # type: ignore[attr-defined, no-any-return]


class ItemResultOut(Schema):
    code: str = Field(..., alias="item.code")
    section: str = Field(..., alias="item.section")
    measure: str = Field(..., alias="item.measure")
    estimate: EstimateOut


class RegionResultOut(Schema):
    code: str
    name: str
    is_city: bool
    items: list[ItemResultOut]


class QuotaOut(Schema):
    region_name: str
    urban_rural: str
    population: int
    target: int = Field(..., alias="fill.target")
    received: int = Field(..., alias="fill.received")
    percent: Decimal | None = Field(None, alias="fill.percent")


class ResultsOut(Schema):
    target: int
    received: int
    invitations: int
    invitations_used: int
    strata: list[QuotaOut]
    regions: list[RegionResultOut]
