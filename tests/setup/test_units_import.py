"""The units import of the set-up pages: preview old → new, all or nothing, within the office's regions,
export → import changes nothing (#12)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.geo.models import Department
from docimport.setup import COLUMNS
from tests.conftest import ClientFor
from tests.sheets import xlsx


def _upload(data: bytes) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("units.xlsx", data)}


def _snapshot() -> list[tuple[object, ...]]:
    return list(Department.objects.order_by("pk").values_list("region_id", "name", "kind", "governs_id", "aliases",
                                                              "order"))


def test_export_then_import_changes_nothing(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    exported = client.get(f"/programs/{world.program.id}/setup/departments/export/")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]  # below the title and the header
    assert "丘陵县人民政府" in names and "乙市生态环境局" not in names  # the office's own regions only
    assert client.get("/api/setup/departments/export").content[:2] == b"PK"
    before = _snapshot()
    response = client.post(f"/api/setup/programs/{world.program.id}/departments/import", _upload(exported.content))
    assert response.status_code == 200, response.content
    assert response.json()["changes"] == [] and response.json()["unchanged"] == len(names)
    assert _snapshot() == before


def test_preview_old_to_new_then_commit(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    data = xlsx([list(COLUMNS), ["市水务局", "990100", "部门", "", "水务局", "2"],
                 ["平原县人民政府", "990100", "县区政府", "990123", "", ""],
                 ["市统计局", "990100", "部门", "", "", "0"]])
    url = f"/api/setup/programs/{world.program.id}/departments/import"
    preview = client.post(url, _upload(data)).json()
    assert preview["status"] == "previewed" and preview["unchanged"] == 1
    changed = {c["name"]: (c["created"], [(f["label"], f["old"], f["new"]) for f in c["changes"]])
               for c in preview["changes"]}
    assert changed["市水务局"] == (False, [("其他写法", "", "水务局"), ("排序", "0", "2")])
    assert changed["平原县人民政府"][0] is True
    assert not Department.objects.filter(name="平原县人民政府").exists()  # nothing written before the confirm
    done = client.post(f"{url}/{preview['import_id']}/commit")
    assert done.json()["result"] == {"created": 1, "updated": 1, "unchanged": 1}
    unit = Department.objects.get(name="平原县人民政府")
    assert unit.governs == world.counties["plain"] and unit.region == world.city
    water = Department.objects.get(name="市水务局")
    assert (water.aliases, water.order) == (["水务局"], 2)
    assert AuditEvent.objects.filter(target_label="单位导入").exists()


def test_a_bad_row_writes_nothing_and_names_its_row(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    before = _snapshot()
    data = xlsx([list(COLUMNS), ["市林业局", "990100", "", "", "", ""],
                 ["乙市林业局", "990200", "", "", "", ""],  # another city: not this office's
                 ["市X局", "990100", "县区政府", "990100", "", ""],  # governs a city, not a county
                 ["长" * 81, "990100", "", "", "", ""]])
    response = client.post(f"/api/setup/programs/{world.program.id}/departments/import", _upload(data))
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(4, "区划代码"), (5, "所辖县区代码"),
                                                                           (6, "单位名称")]
    page = client.post(f"/programs/{world.program.id}/setup/departments/import/", _upload(data))
    assert "不在您的管辖范围内" in page.content.decode()
    assert _snapshot() == before


def test_only_an_office_imports_and_only_its_own_units(world: SimpleNamespace, client_for: ClientFor):
    data = xlsx([list(COLUMNS), ["市生态环境局", "990100", "", "", "改名", ""]])
    before = _snapshot()
    for persona in ("reporter", "county", "leader"):
        client = client_for(getattr(world.users, persona))
        url = f"/api/setup/programs/{world.program.id}/departments/import"
        assert client.post(url, _upload(data)).status_code == 403
        assert client.get(f"/programs/{world.program.id}/setup/departments/import/").status_code == 403
        assert client.get(f"/programs/{world.program.id}/setup/departments/export/").status_code == 403
        assert client.get("/api/setup/departments/export").status_code == 403
    outsider = client_for(world.users.outsider)
    assert outsider.post(f"/api/setup/programs/{world.program.id}/departments/import",
                         _upload(data)).status_code in (403, 404)
    response = outsider.post(f"/api/setup/programs/{world.other_program.id}/departments/import", _upload(data))
    assert response.status_code == 400 and response.json()["errors"][0]["column"] == "区划代码"
    assert _snapshot() == before


def test_the_page_previews_then_confirms(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/setup/departments/import/"
    assert "单位名称、区划代码" in client.get(url).content.decode()
    preview = client.post(url, _upload(xlsx([list(COLUMNS), ["市林业局", "990100", "", "", "", ""]])))
    assert "市林业局" in preview.content.decode() and not Department.objects.filter(name="市林业局").exists()
    token = preview.context["token"]
    done = client.post(url, {"token": token})
    assert done.status_code == 302 and Department.objects.filter(name="市林业局", region=world.city).exists()
