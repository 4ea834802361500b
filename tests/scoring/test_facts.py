"""The fact loader's judgements: on-time reporting by reporting's own 逾期提交 flag, notice answers by their
business date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.indicators.models import Indicator
from apps.reporting.models import IndicatorValue, ReportingRound
from apps.scoring.facts import load_inputs, subject_key
from apps.tasks.supervision import notice_issue, notice_respond


def _facts(scored, key: str) -> dict[str, list[object]]:
    scheme = scored.run.scheme
    facts = load_inputs(scored.world.program, scheme.data, scheme.sources, "2025", dt.date(2026, 1, 10)).facts
    own = facts.filter((facts["subject"] == subject_key(scored.units[0].id)) & (facts["key"] == key))
    return {"values": own["value"].to_list()}


def test_a_notice_answered_by_its_due_date_is_on_time_whenever_the_answer_was_recorded(scored):
    world, unit = scored.world, scored.units[0]
    on_time = notice_issue(program=world.program, department=unit, title="按期答复", reason="测试",
                           actor=world.users.office, today=dt.date(2025, 5, 1))
    late = notice_issue(program=world.program, department=unit, title="逾期答复", reason="测试",
                        actor=world.users.office, today=dt.date(2025, 6, 1))
    # Both answers are recorded now (2026 and later), with the business dates of the answers.
    notice_respond(notice=on_time, actor=world.users.county, text="已整改", today=on_time.response_due)
    notice_respond(notice=late, actor=world.users.county, text="已整改",
                   today=late.response_due + dt.timedelta(days=1))
    # the conftest's notice (never answered) and the late one; judged by the time of recording, all three
    assert _facts(scored, "notices.overdue_responses")["values"] == [Decimal(2)]


def test_on_time_reporting_reads_the_late_flag_of_reporting(scored):
    world = scored.world
    county = scored.units[0].governs
    round_ = ReportingRound.objects.create(program=world.program, name="2025年度", year=2025,
                                           due=dt.date(2025, 3, 31), created_by=world.users.office)
    indicators = list(Indicator.objects.filter(framework=world.program.framework).order_by("order")[:3])
    submitted = timezone.make_aware(dt.datetime(2025, 3, 31, 23, 30))  # late in UTC terms, on time locally
    for indicator, (first, late) in zip(indicators, [(submitted, False), (submitted, True), (None, False)],
                                        strict=True):
        IndicatorValue.objects.create(program=world.program, region=county, indicator=indicator, year=2025,
                                      round=round_, first_submitted_at=first, submitted_late=late)
    # one of three: the flagged one is late, the unsubmitted one is not on time
    assert _facts(scored, "reporting.on_time_rate")["values"] == [Decimal("33.333333")]
