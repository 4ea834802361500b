"""Two people make the first save of the same new value at once, for real: two threads, two connections.

Only PostgreSQL runs writers concurrently (SQLite serialises whole transactions, so there the race cannot
happen; the simulated race in ``test_input_limits`` covers the code path on both databases).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.test import Client

from apps.reporting import services
from apps.reporting.models import IndicatorValue, ValueRevision
from tests.reporting.conftest import rep  # noqa: F401 - the round fixture, reused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no concurrent first save")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_saves_one_wins_the_other_gets_the_conflict(
        rep: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    world = rep.world
    both_looked = threading.Barrier(2, timeout=20)
    original = services._locked_value

    def look_then_wait(*args: object) -> IndicatorValue | None:
        found = original(*args)  # both find no value yet (nothing to lock) ...
        both_looked.wait()  # ... before either creates it
        return found

    monkeypatch.setattr(services, "_locked_value", look_then_wait)
    url = f"/api/programs/{world.program.id}/rounds/{rep.round.id}/values"
    answers: dict[str, tuple[int, dict[str, object]]] = {}

    def first_save(number: str) -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(world.users.reporter)
            response = client.post(url, data={"region_id": world.city.id, "indicator_id": rep.numeric.id,
                                               "number": number}, content_type="application/json")
            answers[number] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_save, args=(n,)) for n in ("25", "30")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    statuses = sorted(status for status, _body in answers.values())
    assert statuses == [200, 409], answers
    loser = next(body for status, body in answers.values() if status == 409)
    assert loser["code"] == "conflict"
    winner = next(Decimal(n) for n, (status, _body) in answers.items() if status == 200)
    assert list(ValueRevision.objects.values_list("number", flat=True)) == [winner]
    assert IndicatorValue.objects.count() == 1
