"""The office's entries keep their revisions: every write (single and bulk, form, API, import) appends one with
its content, reason, who, when and the revision it follows; the same content again appends nothing; each write is
an audit event; the history is on the entries page and in the API for the office only; the loader reads the
latest revision."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.audit.models import AuditAction, AuditEvent
from apps.scoring.facts import office_frames
from apps.scoring.models import ManualScore, ManualScoreRevision, OfficeFact, OfficeFactRevision
from apps.scoring.services import (
    FactEntry,
    ManualEntry,
    manual_scores_set,
    manual_set,
    office_fact_set,
    office_facts_set,
    run_create,
    unpack,
)
from docimport.scoring import FactRow, ManualRow, render_fact_sheet
from tests.conftest import make_user

D = Decimal


def _entries() -> int:
    return AuditEvent.objects.filter(action=AuditAction.SCORING_ENTRY).count()


def _history(fact: OfficeFact) -> list[tuple]:
    return [(r.value, r.text, r.na, r.reason, r.author_id, r.previous_id)
            for r in OfficeFactRevision.objects.filter(fact=fact).order_by("id")]


def test_a_changed_fact_appends_a_revision_and_an_unchanged_one_nothing(scored):
    world, unit = scored.world, scored.units[0]
    office, other = world.users.office, make_user("office2", Role.OFFICE_ADMIN, region=world.city)
    fact = OfficeFact.objects.get(department=unit, key="air.pm25", period="2025")
    [first] = OfficeFactRevision.objects.filter(fact=fact)
    assert (first.value, first.reason, first.author_id, first.previous_id) == (D(33), "监测年报", office.id, None)
    events = _entries()
    office_fact_set(program=world.program, department=unit, period="2025", key="air.pm25", value=D("33.0"),
                    reason=" 监测年报 ", actor=other)  # the same content: nothing written
    assert OfficeFactRevision.objects.filter(fact=fact).count() == 1 and _entries() == events
    office_fact_set(program=world.program, department=unit, period="2025", key="air.pm25", value=D(41),
                    reason="监测年报（更正）", actor=other)
    fact.refresh_from_db()
    assert (fact.value, fact.reason, fact.created_by_id) == (D(41), "监测年报（更正）", other.id)  # the latest
    assert _history(fact) == [(D(33), "", False, "监测年报", office.id, None),
                              (D(41), "", False, "监测年报（更正）", other.id, first.id)]
    assert _entries() == events + 1
    event = AuditEvent.objects.filter(action=AuditAction.SCORING_ENTRY).latest("id")
    assert (event.target_type, event.target_id, event.details["previous"]) == (
        "scoring.officefact", str(fact.id), first.id)
    assert OfficeFact.objects.filter(department=unit, key="air.pm25", period="2025").count() == 1


def test_manual_points_append_a_revision_per_change(scored):
    world, scheme, unit = scored.world, scored.run.scheme, scored.units[1]
    office = world.users.office
    events = _entries()
    for points, reason in ((D("3.5"), "台账不全"), (D("3.5"), "台账不全"), (D(4), "台账已补齐")):
        manual_set(program=world.program, scheme_code=scheme.code, department=unit, period="2025", item="C5",
                   points=points, reason=reason, actor=office)
    entry = ManualScore.objects.get(department=unit, item="C5")
    revisions = list(ManualScoreRevision.objects.filter(entry=entry).order_by("id"))
    assert [(r.points, r.reason, r.previous_id) for r in revisions] == [
        (D("3.5"), "台账不全", None), (D(4), "台账已补齐", revisions[0].id)]
    assert (entry.points, entry.reason) == (D(4), "台账已补齐") and _entries() == events + 2
    assert [(c.old, c.new) for c in entry.history] == [("3.5", "4"), ("", "3.5")]


def test_the_bulk_writers_append_revisions_for_new_and_changed_entries_only(scored):
    world, scheme, units = scored.world, scored.run.scheme, scored.units
    office = world.users.office
    old = {u.id: OfficeFact.objects.get(department=u, key="air.pm25", period="2025") for u in units[:2]}
    before = OfficeFactRevision.objects.count()
    events = _entries()
    written = office_facts_set(program=world.program, actor=office, entries=[
        FactEntry(units[0], "2025", "air.pm25", old[units[0].id].value, reason=old[units[0].id].reason),  # same
        FactEntry(units[1], "2025", "air.pm25", D(50), reason="监测年报（更正）"),  # changed
        FactEntry(units[2], "2025", "creation.townships", D(2), reason="验收文件"),  # new
    ])
    assert written == 2 and OfficeFactRevision.objects.count() == before + 2 and _entries() == events + 1
    changed = OfficeFact.objects.get(pk=old[units[1].id].pk)
    assert changed.value == D(50)
    first, second = OfficeFactRevision.objects.filter(fact=changed).order_by("id")
    assert (second.value, second.reason, second.previous_id, second.author_id) == (D(50), "监测年报（更正）",
                                                                                   first.id, office.id)
    new = OfficeFact.objects.get(department=units[2], key="creation.townships")
    assert [(r.value, r.previous_id, r.at) for r in new.revisions.all()] == [(D(2), None, new.created_at)]
    assert second.at == changed.created_at  # the entry's time is its latest revision's
    # the same again: nothing written, no event
    again = office_facts_set(program=world.program, actor=office, entries=[
        FactEntry(units[1], "2025", "air.pm25", D("50.000"), reason="监测年报（更正）"),
        FactEntry(units[2], "2025", "creation.townships", D(2), reason="验收文件")])
    assert again == 0 and OfficeFactRevision.objects.count() == before + 2 and _entries() == events + 1

    manual_set(program=world.program, scheme_code=scheme.code, department=units[0], period="2025", item="C5",
               points=D(3), reason="台账不全", actor=office)
    written = manual_scores_set(program=world.program, scheme=scheme, actor=office, entries=[
        ManualEntry(units[0], "2025", "C5", D(3), "台账不全"),  # same
        ManualEntry(units[1], "2025", "C5", D(2), "资料缺失"),  # new
    ])
    assert written == 1
    written = manual_scores_set(program=world.program, scheme=scheme, actor=office, entries=[
        ManualEntry(units[0], "2025", "C5", D(4), "已补齐"), ManualEntry(units[1], "2025", "C5", D(2), "资料缺失")])
    assert written == 1
    entry = ManualScore.objects.get(department=units[0], item="C5")
    assert [(r.points, r.reason) for r in entry.revisions.order_by("id")] == [(D(3), "台账不全"), (D(4), "已补齐")]
    assert entry.revisions.order_by("id").last().previous_id == entry.revisions.order_by("id").first().id
    assert ManualScore.objects.get(department=units[1], item="C5").revisions.count() == 1


def test_the_import_appends_revisions_and_an_unchanged_workbook_none(scored, client_for):
    world, scheme, unit = scored.world, scored.run.scheme, scored.units[0]
    office = client_for(world.users.office)
    api = f"/api/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/facts/import"
    fact = OfficeFact.objects.get(department=unit, key="air.pm25", period="2025")
    data = render_fact_sheet("t", "n", [FactRow(0, unit.name, "2025", "air.pm25", "", D(38), "", False, "复核")],
                             manual=("t", "n", [ManualRow(0, unit.name, "2025", "C5", D(3), "台账", "", D(4))]))
    answer = office.post(api, {"file": SimpleUploadedFile("f.xlsx", data), "commit": "true"})
    assert answer.status_code == 200, answer.content
    assert [(r.value, r.reason, r.author_id) for r in fact.revisions.order_by("id")] == [
        (D(33), "监测年报", world.users.office.id), (D(38), "复核", world.users.office.id)]
    assert ManualScore.objects.get(department=unit, item="C5").revisions.count() == 1
    counts = OfficeFactRevision.objects.count(), ManualScoreRevision.objects.count()
    answer = office.post(api, {"file": SimpleUploadedFile("f.xlsx", data), "commit": "true"})
    assert answer.status_code == 200 and answer.json()["changes"] == []
    assert (OfficeFactRevision.objects.count(), ManualScoreRevision.objects.count()) == counts


def test_the_form_and_the_api_append_revisions(scored, client_for):
    world, scheme, unit = scored.world, scored.run.scheme, scored.units[2]
    office = client_for(world.users.office)
    page = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/entries/"
    api = f"/api/programs/{scheme.program_id}/scoring"
    for value in ("1", "2"):
        assert office.post(page, {"form": "fact", "period": "2025", "department": unit.id,
                                  "key": "incidents.major", "value": value, "reason": f"通报{value}"}).status_code == 302
    assert office.put(f"{api}/facts", {"department_id": unit.id, "period": "2025", "key": "incidents.major",
                                       "value": "3", "reason": "通报3"}, content_type="application/json"
                      ).status_code == 200
    fact = OfficeFact.objects.get(department=unit, key="incidents.major")
    assert [(r.value, r.reason) for r in fact.revisions.order_by("id")] == [
        (D(1), "通报1"), (D(2), "通报2"), (D(3), "通报3")]
    for points in ("3", "3", "2.5"):
        assert office.put(f"{api}/manual", {"scheme_code": scheme.code, "department_id": unit.id, "period": "2025",
                                            "item": "C5", "points": points, "reason": "检查"},
                          content_type="application/json").status_code == 200
    assert ManualScore.objects.get(department=unit, item="C5").revisions.count() == 2


def test_the_history_is_on_the_entries_page_and_in_the_api_for_the_office_only(scored, client_for):
    world, scheme, unit = scored.world, scored.run.scheme, scored.units[0]
    office_fact_set(program=world.program, department=unit, period="2025", key="air.pm25", value=D(41),
                    reason="监测年报（更正）", actor=world.users.office)
    manual_set(program=world.program, scheme_code=scheme.code, department=unit, period="2025", item="C5",
               points=D(3), reason="台账不全", actor=world.users.office)
    manual_set(program=world.program, scheme_code=scheme.code, department=unit, period="2025", item="C5",
               points=D("3.5"), reason="台账补齐一半", actor=world.users.office)
    fact = OfficeFact.objects.get(department=unit, key="air.pm25", period="2025")
    entry = ManualScore.objects.get(department=unit, item="C5")
    office = client_for(world.users.office)
    page = office.get(f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/entries/?period=2025")
    text = page.content.decode()
    assert "修订记录（2）" in text and "<s>33</s> → 41" in text and "监测年报（更正）" in text
    assert "<s>3</s> → 3.5" in text and "台账补齐一半" in text
    api = f"/api/programs/{scheme.program_id}/scoring"
    answer = office.get(f"{api}/facts/{fact.id}")
    assert answer.status_code == 200
    revisions = answer.json()["revisions"]
    assert [(r["value"], r["reason"], r["author"]) for r in revisions] == [
        ("41.000000", "监测年报（更正）", str(world.users.office)), ("33.000000", "监测年报", str(world.users.office))]
    assert revisions[0]["previous_id"] == revisions[1]["id"] and revisions[1]["previous_id"] is None
    answer = office.get(f"{api}/manual/{entry.id}")
    assert [(r["points"], r["reason"]) for r in answer.json()["revisions"]] == [
        ("3.5000", "台账补齐一半"), ("3.0000", "台账不全")]
    for user in (world.users.reporter, world.users.county, world.users.leader):
        client = client_for(user)
        assert client.get(f"{api}/facts/{fact.id}").status_code == 403
        assert client.get(f"{api}/manual/{entry.id}").status_code == 403
    # another city's office: not through this program, and not through its own program (not its entry)
    outsider = client_for(world.users.outsider)
    assert outsider.get(f"{api}/facts/{fact.id}").status_code in (403, 404)
    assert outsider.get(f"/api/programs/{world.other_program.id}/scoring/facts/{fact.id}").status_code == 404
    assert outsider.get(f"/api/programs/{world.other_program.id}/scoring/manual/{entry.id}").status_code == 404
    assert client_for(world.users.office).get(f"{api}/facts/{fact.id + 10_000}").status_code == 404


def test_the_loader_reads_the_latest_revision_only(scored):
    world, scheme, unit = scored.world, scored.run.scheme, scored.units[0]
    for value in (D(40), D(41)):
        office_fact_set(program=world.program, department=unit, period="2025", key="air.pm25", value=value,
                        reason=f"更正{value}", actor=world.users.office)
    facts, _manual = office_frames(world.program, scheme.code, ["2025"], [unit.id], {"air.pm25"})
    fact = OfficeFact.objects.get(department=unit, key="air.pm25", period="2025")
    assert facts.select("value", "source_id").rows() == [(D(41), fact.id)]
    run = run_create(program=world.program, scheme=scheme, period="2025", actor=world.users.office)
    frame = unpack(run.inputs).facts
    mine = frame.filter((frame["key"] == "air.pm25") & (frame["subject"] == f"department:{unit.id}"))
    assert mine.select("value", "source_kind").rows() == [(D(41), "office_fact")]


def test_the_history_adds_no_query_per_revision_or_entry(scored, client_for, django_assert_max_num_queries):
    world, scheme = scored.world, scored.run.scheme
    office = client_for(world.users.office)
    page = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/entries/?period=2025"
    manual_set(program=world.program, scheme_code=scheme.code, department=scored.units[0], period="2025", item="C5",
               points=D(4), reason="检查", actor=world.users.office)
    office.get(page)
    with CaptureQueriesContext(connection) as few:  # every entry with one revision
        office.get(page)
    for n, unit in enumerate(scored.units):  # every entry gets more revisions, by another office user each time
        for value in (50 + n, 60 + n):
            office_fact_set(program=world.program, department=unit, period="2025", key="air.pm25", value=D(value),
                            reason=f"更正{value}", actor=make_user(f"office{n}{value}", Role.OFFICE_ADMIN,
                                                                  region=world.city))
        manual_set(program=world.program, scheme_code=scheme.code, department=unit, period="2025", item="C5",
                   points=D(n % 4), reason="核查", actor=world.users.office)
    with CaptureQueriesContext(connection) as many:
        text = office.get(page).content.decode()
    assert text.count("修订记录（3）") == len(scored.units)
    assert len(many) == len(few)
    fact = OfficeFact.objects.get(department=scored.units[0], key="air.pm25", period="2025")
    with django_assert_max_num_queries(8):  # session, user and duties, program, the entry, evidence, revisions
        answer = office.get(f"/api/programs/{scheme.program_id}/scoring/facts/{fact.id}")
    assert len(answer.json()["revisions"]) == 3
