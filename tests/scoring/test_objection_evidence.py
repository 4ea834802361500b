"""Evidence of an objection (异议): attached by the objecting unit, seen by the office when ruling and by the
objector, downloaded through the one checked download, and by nobody else even after publication."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.scoring.models import Objection, SubjectScore
from apps.scoring.services import objection_rule, run_transition

from ..conftest import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str = "复核报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_an_objection_carries_evidence_for_the_office_and_the_objector_only(scored, client_for):
    run, users, unit = scored.run, scored.world.users, scored.units[0]
    run_transition(run=run, action="open", actor=users.office)
    base = f"/programs/{run.program_id}/scoring/runs/{run.id}"
    county = client_for(users.county)
    response = county.post(f"{base}/units/{unit.id}/", {"item": "A1", "reason": "PM2.5数据有误", "evidence": [_pdf()]})
    assert response.status_code == 302
    objection = Objection.objects.get(run=run)
    evidence = objection.evidence.get()
    assert evidence.original_name == "复核报告.pdf"
    assert "复核报告.pdf" in county.get(f"{base}/units/{unit.id}/").content.decode()
    office = client_for(users.office)
    assert evidence.download_url in office.get(f"{base}/").content.decode()  # seen when ruling
    assert office.get(evidence.download_url).status_code == 200
    assert client_for(users.county).get(evidence.download_url).status_code == 200  # the one client, logged in again
    api = json.loads(client_for(users.office).get(f"/api/programs/{run.program_id}/scoring/runs/{run.id}/objections").content)
    assert api[0]["evidence"] == [{"id": evidence.id, "name": "复核报告.pdf", "url": evidence.download_url}]
    # Another unit's reporter and a leader: not even after publication.
    assert client_for(users.reporter).get(evidence.download_url).status_code == 403
    objection_rule(objection=objection, upheld=False, ruling="数据无误", actor=users.office)
    run_transition(run=run, action="finalise", actor=users.office)
    run_transition(run=run, action="publish", actor=users.office)
    for user in (users.reporter, users.leader):
        client = client_for(user)
        assert client.get(evidence.download_url).status_code == 403
        assert evidence.download_url not in client.get(f"{base}/units/{unit.id}/").content.decode()


def test_evidence_added_through_the_api_by_the_objector_while_the_objection_is_open(scored, client_for):
    run, users, unit = scored.run, scored.world.users, scored.units[0]
    run_transition(run=run, action="open", actor=users.office)
    api = f"/api/programs/{run.program_id}/scoring/runs/{run.id}"
    county = client_for(users.county)
    created = county.post(f"{api}/units/{unit.id}/objections", {"item": "", "reason": "总分有误"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["evidence"] == []
    url = f"{api}/objections/{created.json()['id']}/evidence"
    answer = county.post(url, {"evidence": [_pdf("说明.pdf"), _pdf("附表.pdf")]})
    assert answer.status_code == 201, answer.content
    assert [e["name"] for e in answer.json()["evidence"]] == ["说明.pdf", "附表.pdf"]
    # Not the office (it rules, it does not object), not another county's office, not a wrong file.
    assert client_for(users.office).post(url, {"evidence": [_pdf()]}).status_code == 403
    stranger = make_user("county2", Role.COUNTY_OFFICE, region=scored.world.counties["mountain"])
    assert client_for(stranger).post(url, {"evidence": [_pdf()]}).status_code == 403
    county = client_for(users.county)  # one test client: log the county office in again
    bad = county.post(url, {"evidence": [SimpleUploadedFile("x.pdf", b"not a pdf")]})
    assert bad.status_code == 400
    objection_rule(objection=Objection.objects.get(pk=created.json()["id"]), upheld=False, ruling="无误",
                   actor=users.office)
    closed = county.post(url, {"evidence": [_pdf()]})
    assert closed.status_code == 400, closed.content  # ruled: closed
    assert SubjectScore.objects.get(run=run, department=unit).objections.get().evidence.count() == 2
