"""Silent acceptance, refused at the boundary the same on SQLite and PostgreSQL: round years against the program,
unknown indicator ids, extra decimals, over-long text and control characters (Trust #11.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.core.errors import DomainError
from apps.reporting.models import IndicatorValue, ReportingRound, ValueRevision
from apps.reporting.services import reporting_round_create
from tests.conftest import ClientFor

from .conftest import save


def _round(rep: SimpleNamespace, **kw: object) -> ReportingRound:
    args: dict[str, object] = {"program": rep.world.program, "actor": rep.world.users.office, "name": "年度调度",
                               "period_type": "year", "year": 2024, "due": dt.date(2025, 1, 31), **kw}
    return reporting_round_create(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [0, 175, 2019, 2031, 99999])
def test_round_years_outside_the_program_are_refused(rep: SimpleNamespace, year: int) -> None:
    """The world's program runs 2020–2025: rounds may report 2020 … 2030."""
    with pytest.raises(DomainError, match="2020–2030"):
        _round(rep, year=year)
    assert not ReportingRound.objects.filter(year=year).exists()


def test_round_years_at_the_bounds_are_accepted(rep: SimpleNamespace) -> None:
    assert _round(rep, year=2020).year == 2020 and _round(rep, year=2030).year == 2030


def test_round_text_is_checked_against_the_model(rep: SimpleNamespace) -> None:
    with pytest.raises(DomainError, match="80"):
        _round(rep, name="长" * 81)
    with pytest.raises(DomainError, match="控制字符"):
        _round(rep, name="年度\x00调度")


def test_api_refuses_unknown_indicator_ids_instead_of_covering_every_indicator(
        rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.office)
    url = f"/api/programs/{rep.world.program.id}/rounds"
    body = {"name": "2024年度调度", "year": 2024, "due": "2025-01-31", "indicator_ids": [rep.numeric.id, 987654321]}
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400 and "987654321" in response.json()["detail"]
    assert not ReportingRound.objects.filter(year=2024).exists()
    response = client.post(url, data={**body, "year": 175}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = client.post(url, data={**body, "indicator_ids": [rep.numeric.id]}, content_type="application/json")
    assert response.status_code == 201
    assert list(ReportingRound.objects.get(year=2024).indicators.all()) == [rep.numeric]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("number", "25.12345", "4 位小数"),
    ("number", "1e20", "整数部分"),
    ("source", "源" * 201, "200"),
    ("reason", "理由\x00", "控制字符"),
    ("explanation", "说明\x1b[0m", "控制字符"),
])
def test_value_fields_that_do_not_fit_are_refused_not_rounded_or_truncated(
        rep: SimpleNamespace, client_for: ClientFor, field: str, value: str, message: str) -> None:
    client = client_for(rep.world.users.reporter)
    body = {"region_id": rep.world.city.id, "indicator_id": rep.numeric.id, "number": "25", field: value}
    response = client.post(f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/values", data=body,
                           content_type="application/json")
    # a control character is refused by the API's input check (422) before the service's model check (400)
    assert response.status_code == (422 if message == "控制字符" else 400), response.content
    assert message in response.json()["detail"]
    with pytest.raises(DomainError, match=message):  # the page and the import save through the same check
        save(rep, rep.world.users.reporter, **{"number": "25", field: value})
    assert not IndicatorValue.objects.exists() and not ValueRevision.objects.exists()


def test_a_value_that_fits_is_stored_as_given(rep: SimpleNamespace) -> None:
    value = save(rep, rep.world.users.reporter, number="25.1234", explanation="第一行\n第二行\t完")
    revision = ValueRevision.objects.get(value=value)
    assert revision.number == Decimal("25.1234") and revision.explanation == "第一行\n第二行\t完"


def test_two_first_saves_of_one_value_the_second_gets_the_conflict(rep: SimpleNamespace,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   client_for: ClientFor) -> None:
    """Both read "no value yet"; the first creates it; the second hits the unique index: the conflict message
    of the optimistic lock (409), never a server error (PostgreSQL), and nothing of the second is written."""
    from apps.reporting import services  # noqa: PLC0415 - the module whose lock is made to miss the race

    first = save(rep, rep.world.users.reporter, number="25")
    monkeypatch.setattr(services, "_locked_value", lambda *args: None)  # the second read before the first wrote
    with pytest.raises(services.ConflictError, match="已被他人修改"):
        save(rep, rep.world.users.reporter, number="30")
    body = {"region_id": rep.world.city.id, "indicator_id": rep.numeric.id, "number": "30"}
    response = client_for(rep.world.users.reporter).post(
        f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/values", data=body,
        content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert list(ValueRevision.objects.values_list("value_id", "number")) == [(first.id, Decimal("25"))]
