"""The county map (一张图): the GeoJSON check, the office's upload, the snapshot keeping the map it used, and the
portal's map with its table."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError, PermissionDeniedError
from apps.publication.services import map_layer_upload
from apps.publication.snapshots import MAPS
from docimport.geojson import GeoJsonError, read_county_map

from .conftest import publish

SQUARE = [[[104.0, 35.0], [104.1, 35.0], [104.1, 35.1], [104.0, 35.1], [104.0, 35.0]]]


def feature(code="990121", name="丘陵县", coordinates=None, kind="Polygon") -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name, "extra": "dropped"},
            "geometry": {"type": kind, "coordinates": SQUARE if coordinates is None else coordinates}}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_a_valid_map_is_read_and_cleaned():
    result = read_county_map(collection(feature(), feature("990123", "平原县", [SQUARE], "MultiPolygon")))
    assert result.codes == ("990121", "990123") and result.points == 10
    assert result.geojson["features"][0]["properties"] == {"code": "990121", "name": "丘陵县"}


def test_the_built_in_demo_map_is_small_and_valid():
    data = (MAPS / "629800.geojson").read_bytes()
    assert len(data) < 50 * 1024
    assert sorted(read_county_map(data).codes) == ["629802", "629803", "629821", "629822", "629823", "629824"]


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "不是 UTF-8"),
    (json.dumps({"type": "Feature"}).encode(), "FeatureCollection"),
    (collection(), "没有要素"),
    (collection(feature(code="12")), "区划代码"),
    (collection(feature(), feature()), "重复"),
    (collection(feature(name="")), "区域名称"),
    (collection(feature(coordinates=[[[200.0, 35.0], [104.1, 35.0], [104.1, 35.1], [200.0, 35.0]]])), "经度"),
    (collection(feature(coordinates=[[[104.0, 35.0], [104.1, 35.0], [104.1, 35.1], [104.0, 35.2]]])), "未闭合"),
    (collection(feature(coordinates=[[[104.0, 35.0], [104.1, 35.0], [104.0, 35.0]]])), "至少需要4个"),
    (collection(feature(coordinates=[[["a", 35.0], [104.1, 35.0], [104.1, 35.1], ["a", 35.0]]])), "坐标须为数字"),
    (collection({"type": "Feature", "properties": {"code": "990121", "name": "丘陵县"},
                 "geometry": {"type": "Point", "coordinates": [104, 35]}}), "Polygon"),
])
def test_bad_maps_are_refused_with_a_reason(data, message):
    with pytest.raises(GeoJsonError) as caught:
        read_county_map(data)
    assert message in str(caught.value)


def test_size_and_point_limits():
    with pytest.raises(GeoJsonError, match="超过"):
        read_county_map(collection(feature()), max_bytes=100)
    ring = [[104.0 + i / 100000, 35.0] for i in range(30_001)] + [[104.0, 35.0]]
    with pytest.raises(GeoJsonError, match="坐标点"):
        read_county_map(collection(feature(coordinates=[ring]), feature("990123", "平原县", [ring])))


def test_the_office_uploads_a_map_of_its_own_counties_only(world):
    office = world.users.office
    layer = map_layer_upload(program=world.program, actor=office, data=collection(feature()), name="甲市县区")
    assert layer.codes == ["990121"] and len(layer.sha256) == 64
    with pytest.raises(DomainError, match="不属于"):
        map_layer_upload(program=world.program, actor=office, data=collection(feature("990201", "乙市某县")))
    with pytest.raises(DomainError, match="地图文件有误"):
        map_layer_upload(program=world.program, actor=office, data=b"{}")
    with pytest.raises(PermissionDeniedError):
        map_layer_upload(program=world.program, actor=world.users.leader, data=collection(feature()))


def test_upload_through_the_page_and_the_api(client_for, world):
    office = client_for(world.users.office)
    response = office.post(f"/programs/{world.program.id}/publications/map/",
                           {"file": SimpleUploadedFile("map.geojson", collection(feature())), "name": "页面上传"})
    assert response.status_code == 302
    api = office.post(f"/api/programs/{world.program.id}/portal/map",
                      {"file": SimpleUploadedFile("map.geojson", collection(feature("990123", "平原县")))})
    assert api.status_code == 201 and api.json()["codes"] == ["990123"]
    assert office.get(f"/api/programs/{world.program.id}/portal/map").json()["codes"] == ["990123"]
    bad = office.post(f"/api/programs/{world.program.id}/portal/map",
                      {"file": SimpleUploadedFile("map.geojson", b"[]")})
    assert bad.status_code == 400
    denied = client_for(world.users.reporter).post(
        f"/api/programs/{world.program.id}/portal/map", {"file": SimpleUploadedFile("m.geojson", collection(feature()))})
    assert denied.status_code == 403


def test_the_snapshot_keeps_the_map_it_used_and_the_portal_draws_it(client, public_world):
    world, office = public_world.world, public_world.world.users.office
    map_layer_upload(program=world.program, actor=office, data=collection(feature()), name="第一版")
    publish(world.program, office, "indicators", "2024年度指标数值", 2024)
    first = publish(world.program, office, "attainment", "2024年度达标情况", 2024)
    map_layer_upload(program=world.program, actor=office, data=collection(feature("990123", "平原县")), name="第二版")
    first.refresh_from_db()
    assert first.payload["map"]["name"] == "第一版"  # a later upload does not change the published snapshot
    html = client.get(f"/public/{world.program.id}/").content.decode()
    assert 'id="portal-map"' in html and "第一版" in html and "第二版" not in html
    assert "达标率" in html  # the table behind the map carries the same shares
    assert f'"url": "/public/{world.program.id}/990121/"' in html
    publish(world.program, office, "attainment", "2024年度达标情况（更新地图）", 2024)
    assert "第二版" in client.get(f"/public/{world.program.id}/").content.decode()


def test_without_a_map_the_portal_has_no_map(client, public_world, published):
    assert published.attainment.payload["map"] is None  # the test city has no built-in map
    assert 'id="portal-map"' not in client.get(f"/public/{public_world.program.id}/").content.decode()
