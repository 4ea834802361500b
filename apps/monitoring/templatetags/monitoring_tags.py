"""Template filters of the monitoring pages: plain decimals and readable computation inputs."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()

#: Labels of the keys of ``ComputedResult.inputs`` (and of the land-use columns kept for EI).
INPUT_LABELS = {
    "stations": "站点数", "station_days": "有效站日", "good_days": "优良天数", "valid_days": "有效天数",
    "rules": "AQI规则", "days": "PM2.5有效日数", "valid": "年评价有效", "base_year": "基准年", "base": "基准年数值",
    "current": "当年数值", "base_source": "基准年数值来源", "sections": "断面数", "counts": "各类别断面数",
    "without_data": "无有效数据断面", "sources": "水源地数", "attained": "达标水源地数", "grade": "等级",
    "change": "变化等级", "unconfirmed": "未确认系数", "components_text": "分指数", "area": "国土面积",
    "ndvi": "NDVI", "river_length": "河流长度", "water_area": "水域面积", "water_resources": "水资源量",
    "severe_erosion": "重度侵蚀", "moderate_erosion": "中度侵蚀", "construction": "建设用地",
    "other_stress": "其他胁迫", "cod": "COD", "nh3n": "氨氮", "so2": "SO2", "dust": "烟（粉）尘", "nox": "NOx",
    "solid_waste": "固体废物", "precipitation": "降水量", "biodiversity": "生物多样性指数",
}
INPUT_LABELS.update({  # HJ 192-2015 land-use classes (calc/eco_index/index.py LAND_USE)
    "forest": "有林地",
    "shrub": "灌木林地",
    "sparse_forest": "疏林地和其他林地",
    "grass_high": "高覆盖度草地",
    "grass_medium": "中覆盖度草地",
    "grass_low": "低覆盖度草地",
    "river": "河流(渠)",
    "lake": "湖泊(库)",
    "beach_wetland": "滩涂湿地",
    "paddy": "水田",
    "dryland": "旱地",
    "urban": "城镇建设用地",
    "rural": "农村居民点",
    "other_construction": "其他建设用地",
    "sand": "沙地",
    "saline": "盐碱地",
    "bare_soil": "裸土地",
    "bare_rock": "裸岩石砾",
    "other_unused": "其他未利用地",
})
SKIP = {"components", "land_use"}


@register.filter
def plain(value: object) -> str:
    """A decimal without trailing zeros and never in exponent form (100.0000 → 100, not 1E+2)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = format(value.normalize(), "f")
    return text


def _value(value: object) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return "，".join(f"{k}{v}" for k, v in value.items()) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


@register.filter
def input_items(inputs: dict | None) -> list[tuple[str, str]]:
    """The inputs summary as (label, text) pairs, the land-use table of EI included, in a stable order."""
    if not inputs:
        return []
    items = [(INPUT_LABELS.get(k, k), _value(v)) for k, v in inputs.items() if k not in SKIP]
    land_use = inputs.get("land_use") or {}
    if land_use:
        items.append((_("基础数据"), "；".join(f"{INPUT_LABELS.get(k, k)} {_value(v)}" for k, v in land_use.items()
                                            if v is not None)))
    return items
