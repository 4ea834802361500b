"""The office's survey pages and API: who may open them, what they show, and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.surveys.models import PopulationCell, Response, Survey
from apps.surveys.services import response_add, survey_transition

from .conftest import response, sheet


def test_anonymous_callers_are_refused_pages_and_api(survey):
    program_id, survey_id = survey.world.program.id, survey.survey.id
    anonymous = Client()
    for path in (f"/programs/{program_id}/surveys/", f"/programs/{program_id}/surveys/{survey_id}/",
                 f"/programs/{program_id}/surveys/{survey_id}/entry/",
                 f"/programs/{program_id}/surveys/{survey_id}/invitations.xlsx"):
        assert anonymous.get(path).status_code == 302, path  # to the login page
    for path in (f"/api/programs/{program_id}/surveys", f"/api/programs/{program_id}/surveys/{survey_id}/results"):
        assert anonymous.get(path).status_code in (401, 403), path


@pytest.mark.parametrize("persona", ["reporter", "county", "outsider"])
def test_other_roles_are_refused(survey, client_for, persona):
    client = client_for(getattr(survey.world.users, persona))
    program_id, survey_id = survey.world.program.id, survey.survey.id
    assert client.get(f"/programs/{program_id}/surveys/{survey_id}/").status_code in (403, 404)
    assert client.get(f"/api/programs/{program_id}/surveys/{survey_id}/results").status_code in (403, 404)


def test_a_leader_reads_but_does_not_manage(survey, client_for):
    client = client_for(survey.world.users.leader)
    program_id, survey_id = survey.world.program.id, survey.survey.id
    page = client.get(f"/programs/{program_id}/surveys/{survey_id}/")
    assert page.status_code == 200 and "配额完成情况" in page.content.decode()
    assert "保存抽样人口" not in page.content.decode()
    assert client.get(f"/programs/{program_id}/surveys/{survey_id}/entry/").status_code == 403
    refused = client.post(f"/api/programs/{program_id}/surveys/{survey_id}/transition", {"action": "start"},
                          content_type="application/json")
    assert refused.status_code == 403


def test_the_results_page_keeps_a_constant_number_of_queries(survey, client_for):
    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/surveys/{survey.survey.id}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    response_add(survey=survey.survey, actor=world.users.office, data=response(world.counties["hill"].code))
    few = count()
    for _ in range(15):
        response_add(survey=survey.survey, actor=world.users.office, data=response(world.counties["plain"].code,
                                                                                  urban_rural="乡村", sex="女"))
    assert count() == few


def test_office_runs_a_survey_through_the_api(survey, client_for):
    world = survey.world
    client = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/surveys"
    created = client.post(base, {"year": 2024, "questionnaire_id": survey.questionnaire.id, "method": "web",
                                 "operator": "third_party", "operator_name": "某调查公司",
                                 "field_start": "2024-10-01", "field_end": "2024-10-31", "margin": "5"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    survey_id = created.json()["id"]
    cells = [{"region_code": world.counties["hill"].code, "urban_rural": "城镇", "sex": sex, "age_band": "30-44岁",
              "population": 1000} for sex in ("男", "女")]
    assert client.put(f"{base}/{survey_id}/population", cells, content_type="application/json").json() == {"count": 2}
    started = client.post(f"{base}/{survey_id}/transition", {"action": "start"}, content_type="application/json")
    assert started.json()["status"] == "fielding"
    invitations = client.post(f"{base}/{survey_id}/invitations", {"count": 5}, content_type="application/json")
    assert invitations.status_code == 201 and len(invitations.json()) == 5
    payload = {"region_code": world.counties["hill"].code, "urban_rural": "城镇", "sex": "男", "age_band": "30-44岁",
               "occupation": "学生", "answers": dict(response("x").answers)}
    assert client.post(f"{base}/{survey_id}/responses", payload, content_type="application/json").status_code == 201
    bad = client.post(f"{base}/{survey_id}/responses", {**payload, "answers": {"Q1": "知道"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "Q6" in bad.json()["detail"]
    results = client.get(f"{base}/{survey_id}/results").json()
    assert results["received"] == 1 and results["regions"][0]["is_city"]
    assert results["regions"][0]["items"][5]["estimate"]["sentence"].startswith("有效样本1份")
    assert client.get(f"{base}/{survey_id}/invitations").status_code == 200
    download = client.get(f"/programs/{world.program.id}/surveys/{survey_id}/invitations.xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")


def test_the_office_creates_a_survey_and_enters_population_on_the_pages(survey, client_for):
    world = survey.world
    client = client_for(world.users.office)
    base = f"/programs/{world.program.id}/surveys/"
    assert "新建问卷调查" in client.get(base).content.decode()
    created = client.post(base, {"year": 2023, "title": "", "questionnaire": survey.questionnaire.id,
                                 "method": "home", "operator": "statistics", "operator_name": "甲市统计局",
                                 "field_start": "2023-09-01", "field_end": "2023-09-30", "margin": "5"})
    new = Survey.objects.get(program=world.program, year=2023)
    assert created.status_code == 302 and new.field_start == dt.date(2023, 9, 1)
    grid = {f"pop|{world.counties['hill'].code}|城镇|男|18-29岁": "1,200", f"pop|{world.counties['plain'].code}|乡村|女|60岁及以上": "800"}
    client.post(f"{base}{new.id}/population/", grid)
    assert PopulationCell.objects.filter(survey=new).count() == 2
    client.post(f"{base}{new.id}/step/", {"action": "start", "version": new.version})
    entry = client.post(f"{base}{new.id}/entry/", {
        "region_code": world.counties["hill"].code, "urban_rural": "城镇", "sex": "男", "age_band": "18-29岁",
        "occupation": "学生", "reference": "P-001", **{f"item_{k}": v for k, v in response("x").answers.items()}})
    assert entry.status_code == 302
    assert Response.objects.get(survey=new).reference == "P-001"


def test_an_import_with_one_bad_row_writes_nothing(survey, client_for):
    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    client = client_for(world.users.office)
    url = f"/api/programs/{world.program.id}/surveys/{survey.survey.id}/import"
    good = ["知道", "参与过", "满意", "满意", "满意", "比较满意", "满意"]
    rows = [["A1", "丘陵县", "城镇", "男", "30-44岁", "农民", *good],
            ["A2", "990123", "乡村", "女", "60岁及以上", "离退休", *good],
            ["A3", "丘陵县", "城镇", "男", "30-44岁", "农民", *good[:5], "很满意", good[6]]]
    rejected = client.post(url, {"file": _upload(sheet(rows))})
    assert rejected.status_code == 400
    errors = rejected.json()["errors"]
    assert len(errors) == 1 and errors[0]["row"] == 4 and errors[0]["column"] == "Q6"
    assert not Response.objects.exists()
    previewed = client.post(url, {"file": _upload(sheet(rows[:2]))})
    assert previewed.status_code == 200, previewed.content
    preview = previewed.json()
    assert preview["status"] == "previewed"
    assert {c["name"] for c in preview["changes"]} == {"丘陵县·城镇", "平原县·乡村"}
    committed = client.post(f"{url}/{preview['import_id']}/commit")
    assert committed.json()["status"] == "committed"
    assert Response.objects.filter(survey=survey.survey, channel="import").count() == 2


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415 - test helper

    return SimpleUploadedFile("responses.xlsx", data)


def test_the_operator_may_deliver_csv_in_gb18030(survey, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415 - test helper

    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    client = client_for(world.users.office)
    url = f"/api/programs/{world.program.id}/surveys/{survey.survey.id}/import"
    header = "问卷编号,区县,城乡,性别,年龄段,职业,Q1,Q2,Q3,Q4,Q5,Q6,Q7\n"
    good = "C1,丘陵县,乡村,女,18-29岁,学生,知道,参与过,满意,满意,满意,不清楚,满意\n"
    bad = "C2,丘陵县,乡村,女,18-29岁,学生,知道,参与过,满意,满意,满意,好,满意\n"
    rejected = client.post(url, {"file": SimpleUploadedFile("r.csv", (header + good + bad).encode("gb18030"))})
    assert rejected.status_code == 400
    assert [(e["row"], e["column"]) for e in rejected.json()["errors"]] == [(3, "Q6")]
    done = client.post(url, {"file": SimpleUploadedFile("r.csv", (header + good).encode("utf-8-sig")),
                             "commit": "true"})
    assert done.status_code == 200 and done.json()["status"] == "committed", done.content
    assert Response.objects.get(survey=survey.survey).answers["Q6"] == "不清楚"
    assert client.post(url, {"file": SimpleUploadedFile("r.csv", b"\x00\x01binary")}).status_code == 400
