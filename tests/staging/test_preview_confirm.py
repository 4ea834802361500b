"""Trust #11.1 (part 2): every list import previews old → new before it commits, on the page and the API.

For each list kind (responsibilities, tasks, projects): an upload writes nothing and shows the changed rows
(old → new per field) and the number of unchanged rows; the confirm commits the stored plan; only the
uploader can confirm; data changed between the preview and the confirm is refused and previewed again; an
exported list imports as "0 changes". Row errors name the indicator, task or project of their row.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.programs import services as program_services
from apps.programs.models import Responsibility
from apps.programs.selectors import responsibility_export
from apps.reporting.exports import department_template
from apps.staging.models import StagedImport, StagedStatus
from apps.tasks.exports import render_project_xlsx, render_task_xlsx
from apps.tasks.models import Project, ProjectFunding, ProjectYear, Task, TaskUnit
from apps.tasks.selectors import project_queryset, task_list
from tests.conftest import make_user
from tests.programs.test_services import GOOD, sheet
from tests.reporting.conftest import rep, save  # noqa: F401 - the values fixture
from tests.tasks.conftest import plan  # noqa: F401 - the task-list fixture


def table(*model_classes: type[models.Model]) -> list[tuple]:
    return [tuple(row.values()) for model in model_classes for row in model.objects.order_by("pk").values()]


def edited(data: bytes, match: str, column: str, value: object) -> bytes:
    """``data`` with ``column`` of the row holding the cell ``match`` set to ``value``."""
    book = load_workbook(io.BytesIO(data))
    rows = list(book.active.iter_rows())
    header = next([c.value for c in row] for row in rows if column in [c.value for c in row])
    target = next(row for row in rows if match in [str(c.value) for c in row])
    target[header.index(column)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _tasks_export(world: SimpleNamespace) -> bytes:
    return render_task_xlsx("任务清单", task_list(world.users.office, world.program))


def _projects_export(world: SimpleNamespace) -> bytes:
    return render_project_xlsx("项目清单", project_queryset(world.users.office, world.program), [2025])


def _stale_task(_world: SimpleNamespace, plan: SimpleNamespace) -> None:  # noqa: F811
    Task.objects.filter(pk=plan.own.pk).update(description="预览后他人改过")


def _stale_project(_world: SimpleNamespace, plan: SimpleNamespace) -> None:  # noqa: F811
    Project.objects.filter(pk=plan.own_project.pk).update(percent=20)


def _stale_responsibility(world: SimpleNamespace, _plan: SimpleNamespace) -> None:
    Responsibility.objects.filter(program=world.program, role="cooperate").delete()


@dataclass(frozen=True)
class Kind:
    path: str  # the list's URL segment
    models: tuple[type[models.Model], ...]
    export: Callable[[SimpleNamespace], bytes]  # the stored list as its export writes it
    changed: Callable[[bytes], bytes]  # the export with one stored cell changed
    old: str  # that cell's old and new text as the preview shows them
    new: str
    stale: Callable[[SimpleNamespace, SimpleNamespace], None]  # someone else changes the stored list


KINDS = {
    "tasks": Kind("tasks", (Task, TaskUnit), _tasks_export,
                  lambda data: edited(data, "生态文明建设规划", "任务名称", "生态文明建设规划（修编）"),
                  "生态文明建设规划", "生态文明建设规划（修编）", _stale_task),
    "projects": Kind("projects", (Project, ProjectFunding, ProjectYear), _projects_export,
                     lambda data: edited(data, "入河排污口整治", "形象进度（%）", 55), "0", "55", _stale_project),
    "responsibilities": Kind("responsibilities", (Responsibility,), lambda world: responsibility_export(world.program),
                             lambda data: edited(data, "城镇污水处理率", "配合单位", "市生态环境局"),
                             "市生态环境局、丘陵县人民政府", "市生态环境局", _stale_responsibility),
}


@pytest.fixture
def lists(world: SimpleNamespace, plan: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    """The plan's tasks and projects, and the responsibilities of GOOD."""
    program_services.responsibilities_import(program=world.program, data=sheet(GOOD))
    return plan


def _upload(name: str, data: bytes) -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, data)}


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize("name", list(KINDS))
def test_page_previews_old_to_new_and_writes_only_when_confirmed(world: SimpleNamespace,
                                                                 client_for, name: str) -> None:
    kind = KINDS[name]
    url = f"/programs/{world.program.id}/{kind.path}/import/"
    office = client_for(world.users.office)
    before = table(*kind.models)
    preview = office.post(url, _upload("x.xlsx", kind.changed(kind.export(world))))
    assert preview.status_code == 200 and table(*kind.models) == before  # the upload writes nothing
    page = preview.content.decode()
    shown = preview.context["preview"]
    assert [(f.old, f.new) for row in shown.changes for f in row.changes] == [(kind.old, kind.new)]
    assert f"<s>{kind.old}</s> → {kind.new}" in page and f"{shown.unchanged} 行无变化" in page
    assert shown.unchanged > 0
    response = office.post(url, {"token": preview.context["token"]})
    assert response.status_code == 302 and table(*kind.models) != before
    after = table(*kind.models)
    again = office.post(url, _upload("x.xlsx", kind.export(world)))  # the list as now stored: 0 changes
    assert again.context["preview"].changes == [] and "检查通过：0 行有变化" in again.content.decode()
    assert office.post(url, {"token": again.context["token"]}).status_code == 302
    assert table(*kind.models) == after


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize("name", list(KINDS))
def test_page_row_errors_name_their_subject_and_sort_by_row(world: SimpleNamespace,
                                                            client_for, name: str) -> None:
    kind = KINDS[name]
    column = {"tasks": "牵头单位", "projects": "责任单位", "responsibilities": "牵头单位"}[name]
    data = edited(kind.export(world), {"tasks": "城镇污水处理", "projects": "第二污水处理厂提标改造",
                                       "responsibilities": "城镇污水处理率"}[name], column, "市不存在局")
    response = client_for(world.users.office).post(f"/programs/{world.program.id}/{kind.path}/import/",
                                                   _upload("x.xlsx", data))
    errors = response.context["preview"].errors
    subject = {"tasks": "城镇污水处理", "projects": "第二污水处理厂提标改造", "responsibilities": "2019-29 城镇污水处理率"}[name]
    assert [e.subject for e in errors if "市不存在局" in e.message] == [subject]
    assert [e.row for e in errors] == sorted(e.row for e in errors)
    assert f"<td>{subject}</td>" in response.content.decode()
    assert "token" not in response.context and StagedImport.objects.get().status == StagedStatus.REJECTED


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize("name", list(KINDS))
def test_api_previews_then_commits_in_two_steps(world: SimpleNamespace, client_for,
                                                name: str) -> None:
    kind = KINDS[name]
    url = f"/api/programs/{world.program.id}/{kind.path}/import"
    office = client_for(world.users.office)
    before = table(*kind.models)
    response = office.post(url, _upload("x.xlsx", kind.changed(kind.export(world))))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "previewed" and not body["committed"] and body["unchanged"] > 0
    assert [(f["old"], f["new"]) for row in body["changes"] for f in row["changes"]] == [(kind.old, kind.new)]
    assert table(*kind.models) == before
    assert office.get(f"{url}/{body['import_id']}").json()["changes"] == body["changes"]
    committed = office.post(f"{url}/{body['import_id']}/commit")
    assert committed.status_code == 200 and committed.json()["committed"] and table(*kind.models) != before
    assert office.post(f"{url}/{body['import_id']}/commit").status_code == 400  # not twice
    after = table(*kind.models)
    unchanged = office.post(url, _upload("x.xlsx", kind.export(world))).json()
    assert unchanged["changes"] == [] and unchanged["unchanged"] > 0
    assert office.post(f"{url}/{unchanged['import_id']}/commit").json()["committed"]
    assert table(*kind.models) == after


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize("name", list(KINDS))
def test_only_the_uploader_confirms(world: SimpleNamespace, client_for, name: str) -> None:
    kind = KINDS[name]
    other_office = make_user("office2", Role.OFFICE_ADMIN, region=world.city)
    api = f"/api/programs/{world.program.id}/{kind.path}/import"
    page = f"/programs/{world.program.id}/{kind.path}/import/"
    before = table(*kind.models)
    import_id = client_for(world.users.office).post(api, _upload("x.xlsx", kind.changed(kind.export(world)))).json()[
        "import_id"]
    assert client_for(world.users.reporter).post(f"{api}/{import_id}/commit").status_code == 403
    assert client_for(world.users.outsider).post(f"{api}/{import_id}/commit").status_code == 403
    assert client_for(other_office).post(f"{api}/{import_id}/commit").status_code == 400
    assert client_for(other_office).get(f"{api}/{import_id}").status_code == 404
    refused = client_for(other_office).post(page, {"token": import_id})
    assert "预览已失效" in refused.content.decode()
    assert table(*kind.models) == before and StagedImport.objects.get().status == StagedStatus.PREVIEWED


@pytest.mark.parametrize("name", list(KINDS))
def test_data_changed_since_the_preview_is_refused_and_previewed_again(world: SimpleNamespace,
                                                                       lists: SimpleNamespace, client_for,
                                                                       name: str) -> None:
    kind = KINDS[name]
    url = f"/api/programs/{world.program.id}/{kind.path}/import"
    office = client_for(world.users.office)
    # the stored list as exported, with the cell another user is about to change changed back by the sheet
    first = office.post(url, _upload("x.xlsx", kind.export(world))).json()
    assert first["changes"] == []
    kind.stale(world, lists)
    stale = table(*kind.models)
    refused = office.post(f"{url}/{first['import_id']}/commit")
    assert refused.status_code == 400 and "预览后已有变化" in refused.json()["detail"]
    assert table(*kind.models) == stale  # nothing written
    again = office.get(f"{url}/{first['import_id']}").json()
    assert again["status"] == "previewed" and again["changes"] != [] and "预览后已有变化" in again["message"]
    assert office.post(f"{url}/{first['import_id']}/commit").json()["committed"]  # confirmed as now previewed
    assert table(*kind.models) != stale


def test_the_one_step_api_import_still_commits_at_once(world: SimpleNamespace, client_for) -> None:
    url = f"/api/programs/{world.program.id}/responsibilities/import"
    response = client_for(world.users.office).post(url, {**_upload("x.xlsx", sheet(GOOD)), "commit": "true"})
    assert response.status_code == 200 and response.json()["committed"] and Responsibility.objects.exists()
    assert [row["created"] for row in response.json()["changes"]] == [True] * 4


# --- values --------------------------------------------------------------------------------------


def test_values_api_answer_carries_changes_and_unchanged(rep: SimpleNamespace, client_for) -> None:  # noqa: F811
    office = rep.world.users.office
    save(rep, office, number="25.5")
    data, _ = department_template(rep.round, office)
    url = f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/import"
    body = client_for(office).post(url, _upload("v.xlsx", data)).json()
    assert body["changes"] == [] and body["unchanged"] == 1
    changed = edited(data, "25.5", "本期数值", 26)
    body = client_for(office).post(url, _upload("v.xlsx", changed)).json()
    assert [(f["old"], f["new"]) for row in body["changes"] for f in row["changes"]] == [("25.5", "26")]
    assert rep.numeric.code in body["changes"][0]["name"] and rep.world.city.name in body["changes"][0]["name"]


def test_values_row_errors_name_the_indicator(rep: SimpleNamespace, client_for) -> None:  # noqa: F811
    office = rep.world.users.office
    data, _ = department_template(rep.round, office)
    bad = edited(data, rep.numeric.code, "本期数值", "abc")
    url = f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/import"
    body = client_for(office).post(url, _upload("v.xlsx", bad)).json()
    assert body["status"] == "rejected"
    assert [e["subject"] for e in body["errors"]] == [f"{rep.numeric.code} {rep.numeric.full_name}"]
    page = client_for(office).post(f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/import/",
                                   _upload("v.xlsx", bad))
    assert f"<td>{rep.numeric.code} {rep.numeric.full_name}</td>" in page.content.decode()


def test_responsibility_warnings_are_shown_and_need_no_box_to_confirm(world: SimpleNamespace, client_for) -> None:
    """The values import asks to tick its warnings (tests/reporting/test_values_staging.py keeps the preview when
    the box is not ticked); a responsibility sheet's warning (its target differs) only informs the confirm."""
    url = f"/programs/{world.program.id}/responsibilities/import/"
    office = client_for(world.users.office)
    rows = [(GOOD[0][0], GOOD[0][1], "≥50", *GOOD[0][3:]), *GOOD[1:]]
    preview = office.post(url, _upload("x.xlsx", sheet(rows)))
    assert [w.subject for w in preview.context["preview"].warnings] == ["2019-29 城镇污水处理率"]
    assert 'name="confirm"' not in preview.content.decode()
    assert office.post(url, {"token": preview.context["token"]}).status_code == 302
    assert Responsibility.objects.exists()
