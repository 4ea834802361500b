"""A county map uploaded by the office: GeoJSON bytes → the features keyed by region code, or the errors.

The portal's map (一张图) needs one polygon per county, named by its 区划代码. The file must be a
``FeatureCollection`` of ``Feature``s whose ``properties`` carry ``code`` (6 to 12 digits) and ``name``, whose
geometry is a ``Polygon`` or ``MultiPolygon`` of closed rings, with longitudes in [-180, 180] and latitudes in
[-90, 90]. The result keeps only what the portal draws (code, name, geometry), with coordinates rounded to five
decimals (about a metre), so the stored map is small and carries nothing else of the file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

#: Bounds of an upload (the demo city's map is about 10 KB).
MAX_BYTES = 2 * 1024 * 1024
MAX_FEATURES = 300
MAX_POINTS = 60_000
DECIMALS = 5

CODE = re.compile(r"[0-9]{6,12}")


class GeoJsonError(ValueError):
    """The file is not a usable county map; ``errors`` says why, each in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors))


@dataclass(frozen=True)
class CountyMap:
    """The features' codes and names in file order, and the cleaned GeoJSON."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    geojson: dict[str, Any]
    points: int


def _position(value: object) -> list[float] | None:
    if not isinstance(value, list) or len(value) < 2:
        return None
    lon, lat = value[0], value[1]
    if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in (lon, lat)):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return [round(float(lon), DECIMALS), round(float(lat), DECIMALS)]


def _ring(value: object, where: str, errors: list[str]) -> list[list[float]] | None:
    if not isinstance(value, list) or len(value) < 4:
        errors.append(f"{where}：边界环至少需要4个坐标点（首尾相同）。")
        return None
    ring = []
    for point in value:
        position = _position(point)
        if position is None:
            errors.append(f"{where}：坐标须为数字 [经度, 纬度]，经度在 -180 至 180、纬度在 -90 至 90 之间。")
            return None
        ring.append(position)
    if ring[0] != ring[-1]:
        errors.append(f"{where}：边界环未闭合（首尾坐标须相同）。")
        return None
    return ring


def _polygon(value: object, where: str, errors: list[str]) -> list[list[list[float]]] | None:
    if not isinstance(value, list) or not value:
        errors.append(f"{where}：多边形须为边界环的列表。")
        return None
    rings = [_ring(ring, where, errors) for ring in value]
    return None if any(r is None for r in rings) else [r for r in rings if r is not None]


def _geometry(value: object, where: str, errors: list[str]) -> dict[str, Any] | None:
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        errors.append(f"{where}：几何类型须为 Polygon 或 MultiPolygon。")
        return None
    coordinates = value.get("coordinates")
    if value["type"] == "Polygon":
        polygon = _polygon(coordinates, where, errors)
        return None if polygon is None else {"type": "Polygon", "coordinates": polygon}
    if not isinstance(coordinates, list) or not coordinates:
        errors.append(f"{where}：MultiPolygon 须为多边形的列表。")
        return None
    polygons = [_polygon(p, where, errors) for p in coordinates]
    if any(p is None for p in polygons):
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}


def _count(geometry: dict[str, Any]) -> int:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(len(ring) for polygon in polygons for ring in polygon)


def _feature(feature: object, number: int, seen: set[str], errors: list[str]) -> dict[str, Any] | None:
    where = f"第{number}个要素"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        errors.append(f"{where}：不是 Feature。")
        return None
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    code, name = str(properties.get("code", "")).strip(), str(properties.get("name", "")).strip()
    if not CODE.fullmatch(code):
        errors.append(f"{where}：properties.code 须为 6 至 12 位区划代码。")
        return None
    where = f"{where}（{code}）"
    if code in seen:
        errors.append(f"{where}：区划代码重复。")
        return None
    seen.add(code)
    if not name or len(name) > 50:
        errors.append(f"{where}：properties.name 须为 1 至 50 个字的区域名称。")
        return None
    geometry = _geometry(feature.get("geometry"), where, errors)
    if geometry is None:
        return None
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}


def read_county_map(data: bytes, *, max_bytes: int = MAX_BYTES) -> CountyMap:
    """The county map in ``data``, or :class:`GeoJsonError` with every problem found (up to one per feature)."""
    if len(data) > max_bytes:
        raise GeoJsonError([f"文件超过 {max_bytes // 1024} KB，请先简化边界。"])
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise GeoJsonError(["文件不是 UTF-8 编码的 GeoJSON（JSON）文件。"]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise GeoJsonError(["GeoJSON 须为 FeatureCollection。"])
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise GeoJsonError(["FeatureCollection 中没有要素（features）。"])
    if len(features) > MAX_FEATURES:
        raise GeoJsonError([f"要素超过 {MAX_FEATURES} 个。"])
    errors: list[str] = []
    seen: set[str] = set()
    cleaned = [f for f in (_feature(feature, number, seen, errors) for number, feature in enumerate(features, 1))
               if f is not None]
    if errors:
        raise GeoJsonError(errors)
    points = sum(_count(f["geometry"]) for f in cleaned)
    if points > MAX_POINTS:
        raise GeoJsonError([f"坐标点共 {points:,} 个，超过 {MAX_POINTS:,} 个，请先简化边界。"])
    return CountyMap(codes=tuple(f["properties"]["code"] for f in cleaned),
                     names=tuple(f["properties"]["name"] for f in cleaned),
                     geojson={"type": "FeatureCollection", "features": cleaned}, points=points)
