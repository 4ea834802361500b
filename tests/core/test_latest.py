"""The current row of each append-only history is chosen in SQL: a long history is never fetched.

Every reader below gets a history of many revisions per key and must hand back the newest one per key,
while fetching exactly one row per key from the history's table (counted at the database cursor).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.assessment.selectors import load_assigned
from apps.core.latest import latest_per_key
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.monitoring.models import BaseValue, BatchStatus, ComputedResult, ImportBatch
from apps.monitoring.selectors import current_results
from apps.monitoring.services import base_values
from apps.programs import selectors as programs
from apps.programs.models import AssignedTarget, Program, TargetEdit, TargetOverride
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.selectors import _attach_return_comments, last_approved_numbers
from apps.review.models import ReviewEvent

REVISIONS = 12  # rows per key: far more than the one that counts


class _CountingCursor:
    """Wraps Django's cursor and counts the rows each statement hands back to Python."""

    def __init__(self, cursor: CursorWrapper, log: list[list]) -> None:
        self._cursor, self._log = cursor, log

    def __getattr__(self, name: str) -> object:
        return getattr(self._cursor, name)

    def __enter__(self) -> _CountingCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cursor.__exit__(*exc)

    def __iter__(self) -> Iterator[tuple]:
        for row in self._cursor:
            self._log[-1][1] += 1
            yield row

    def execute(self, sql: str, params: object = None) -> object:
        self._log.append([sql, 0])
        return self._cursor.execute(sql, params)

    def fetchone(self) -> tuple | None:
        row = self._cursor.fetchone()
        self._log[-1][1] += row is not None
        return row

    def fetchmany(self, *args: object) -> list[tuple]:
        rows = self._cursor.fetchmany(*args)
        self._log[-1][1] += len(rows)
        return rows

    def fetchall(self) -> list[tuple]:
        rows = self._cursor.fetchall()
        self._log[-1][1] += len(rows)
        return rows


@contextmanager
def fetched(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Rows fetched per table (the table a statement selects FROM first), filled in when the block ends."""
    log: list[list] = []
    make = connection.make_debug_cursor
    monkeypatch.setattr(connection, "make_debug_cursor", lambda cursor: _CountingCursor(make(cursor), log))
    counts: dict[str, int] = {}
    with CaptureQueriesContext(connection):  # every cursor is a debug cursor inside
        yield counts
    monkeypatch.undo()
    for sql, rows in log:
        if sql.lstrip().upper().startswith("SELECT") and ' FROM "' in sql:
            table = sql.split(' FROM "', 1)[1].split('"', 1)[0]
            counts[table] = counts.get(table, 0) + rows


def table(model: type) -> str:
    return model._meta.db_table


def ind(code: str) -> Indicator:
    return Indicator.objects.get(framework__code="national-2019", code=code)


def test_latest_per_key_picks_the_newest_row_and_later_filters_see_only_current_rows(world):
    office, program = world.users.office, world.program
    for indicator, targets in ((ind("2019-37"), [">=90", ">=95", ""]), (ind("2019-33"), [">=60", ">=67"])):
        for target in targets:
            TargetEdit.objects.create(program=program, indicator=indicator, level="city", target=target,
                                      reason="r", created_by=office)
    current = latest_per_key(TargetEdit.objects.filter(program=program), key=("indicator", "level"))
    assert sorted(e.target for e in current) == ["", ">=67"]
    # the restored edit stays current: its older ">=95" does not come back when empty targets are left out
    assert [e.target for e in current.exclude(target="")] == [">=67"]


def test_assigned_numbers_fetch_one_row_per_key(world, monkeypatch):
    office, program = world.users.office, world.program
    keys = [(world.city, 2023), (world.city, 2024), (world.counties["hill"], 2024)]
    for n in range(REVISIONS):
        for region, year in keys:
            AssignedTarget.objects.create(program=program, region=region, indicator=ind("2019-07a"), year=year,
                                          value=Decimal(n), reason="省厅下达", created_by=office)
    with fetched(monkeypatch) as rows:
        current = programs.assigned_values(program)
    assert {key: a.value for key, a in current.items()} == {
        (region.id, ind("2019-07a").id, year): Decimal(REVISIONS - 1) for region, year in keys}
    assert rows[table(AssignedTarget)] == len(keys)


def test_assessment_loader_fetches_only_the_current_assigned_numbers(world, monkeypatch):
    office, program = world.users.office, world.program
    regions = [world.city, *world.counties.values()]
    for n in range(REVISIONS):
        for region in regions:
            AssignedTarget.objects.create(program=program, region=region, indicator=ind("2019-20"), year=2024,
                                          value=Decimal(f"0.{n + 10}"), reason="省厅下达", created_by=office)
    with fetched(monkeypatch) as rows:
        frame = load_assigned(program)
    assert frame.height == len(regions) and {Decimal(v) for v in frame["value"]} == {Decimal("0.21")}
    assert rows[table(AssignedTarget)] == len(regions)


def test_target_resolution_fetches_current_edits_and_overrides_only(world, monkeypatch):
    office, program, hill = world.users.office, world.program, world.counties["hill"]
    for n in range(REVISIONS):
        TargetEdit.objects.create(program=program, indicator=ind("2019-37"), level="city", target=f">={90 + n % 5}",
                                  reason=f"edit {n}", created_by=office)
        TargetOverride.objects.create(program=program, region=hill, indicator=ind("2019-11"), target=f">={41 + n}",
                                      reason=f"override {n}", created_by=office)
    TargetOverride.objects.create(program=program, region=hill, indicator=ind("2019-29"), target=">=99",
                                  reason="old", created_by=office)
    TargetOverride.objects.create(program=program, region=hill, indicator=ind("2019-29"), cleared=True,
                                  reason="恢复", created_by=office)
    indicators = programs.program_indicators(program)
    with fetched(monkeypatch) as rows:
        resolved = programs.resolve_targets(program, [world.city, hill], indicators)
    city_edit = resolved[(world.city.id, ind("2019-37").id)]
    assert (city_edit.text, city_edit.source, city_edit.reason) == ("≥91%", "local_edit", f"edit {REVISIONS - 1}")
    assert resolved[(hill.id, ind("2019-11").id)].text == f"≥{41 + REVISIONS - 1}%"
    assert resolved[(hill.id, ind("2019-29").id)].source == "national"  # the latest override was cleared
    assert rows[table(TargetEdit)] == 1
    assert rows[table(TargetOverride)] == 1  # the cleared override's key is left out in SQL


def test_monitoring_results_and_base_values_fetch_the_latest_row_per_key(world, monkeypatch):
    office, program = world.users.office, world.program
    regions = [world.city, world.counties["hill"]]
    for n in range(REVISIONS):
        batch = ImportBatch.objects.create(program=program, kind="air", original_name=f"{n}.csv", file_format="csv",
                                           sha256=f"{n:064d}", size=1, file=f"m/{n}.csv", created_by=office,
                                           status=BatchStatus.COMMITTED)
        for region in regions:
            for measure in ("air.pm25_mean", "air.good_days_ratio"):
                ComputedResult.objects.create(program=program, batch=batch, region=region, year=2020,
                                              measure=measure, value=Decimal(n), method="HJ 633-2012",
                                              provenance="p")
            BaseValue.objects.create(program=program, region=region, year=2020, measure="water.share_i_iii",
                                     value=Decimal(n), source=f"公报{n}", created_by=office)
    with fetched(monkeypatch) as rows:
        results = current_results(program, year=2020)
    assert len(results) == 4 and {r.value for r in results} == {Decimal(REVISIONS - 1)}
    assert rows[table(ComputedResult)] == 4
    with fetched(monkeypatch) as rows:
        imported = base_values(program, "air.pm25_mean", 2020)
        entered = base_values(program, "water.share_i_iii", 2020)
    assert {code: value for code, (value, _) in imported.items()} == {r.code: REVISIONS - 1 for r in regions}
    assert {code: note for code, (_, note) in entered.items()} == {r.code: f"生态办录入，来源：公报{REVISIONS - 1}"
                                                                    for r in regions}
    assert rows[table(ComputedResult)] == 2 and rows[table(BaseValue)] == 2


def _value(program: Program, region: Region, indicator: Indicator, year: int, number: Decimal,
           author: User) -> IndicatorValue:
    value = IndicatorValue.objects.create(program=program, region=region, indicator=indicator, year=year,
                                          status="approved")
    revision = ValueRevision.objects.create(value=value, number=number, version=1, author=author)
    value.current_revision = value.approved_revision = revision
    value.save(update_fields=["current_revision", "approved_revision"])
    return value


def test_last_approved_numbers_fetch_one_row_per_pair(world, monkeypatch):
    office, program = world.users.office, world.program
    pairs = [(world.city, ind("2019-29")), (world.counties["hill"], ind("2019-29"))]
    for year in range(2010, 2010 + REVISIONS):
        for region, indicator in pairs:
            _value(program, region, indicator, year, Decimal(year - 2000), office)
    with fetched(monkeypatch) as rows:
        last = last_approved_numbers(program, [(r.id, i.id) for r, i in pairs], before_year=2021)
    assert last == {(r.id, i.id): (2020, Decimal(20)) for r, i in pairs}
    assert rows[table(IndicatorValue)] == len(pairs)


def test_return_comments_fetch_the_latest_return_per_value(world, monkeypatch):
    office, program = world.users.office, world.program
    values = [_value(program, world.city, ind(code), 2024, Decimal(1), office) for code in ("2019-29", "2019-37")]
    kind = ContentType.objects.get_for_model(IndicatorValue)
    for n in range(REVISIONS):
        for value in values:
            for action in ("return", "resubmit"):
                ReviewEvent.objects.create(content_type=kind, object_id=value.id, action=action,
                                           old_status="submitted", new_status="returned", comment=f"{action} {n}",
                                           actor=office)
    obligations = [SimpleNamespace(value=value) for value in values]
    with fetched(monkeypatch) as rows:
        _attach_return_comments(obligations)
    assert [value.return_comment for value in values] == [f"return {REVISIONS - 1}"] * 2
    assert rows[table(ReviewEvent)] == len(values)
