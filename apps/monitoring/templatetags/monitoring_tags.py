"""Template filters of the monitoring pages: readable computation inputs (numbers: core's ``cn_number``)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

register = template.Library()

#: Labels of the keys of ``ComputedResult.inputs`` (and of the land-use columns kept for EI).
INPUT_LABELS = {
    "stations": _l("站点数"), "station_days": _l("有效站日"), "good_days": _l("优良天数"), "valid_days": _l("有效天数"),
    "rules": _l("AQI规则"), "days": _l("PM2.5有效日数"), "valid": _l("年评价有效"), "base_year": _l("基准年"), "base": _l("基准年数值"),
    "current": _l("当年数值"), "base_source": _l("基准年数值来源"), "sections": _l("断面数"), "counts": _l("各类别断面数"),
    "without_data": _l("无有效数据断面"), "sources": _l("水源地数"), "attained": _l("达标水源地数"), "grade": _l("等级"),
    "change": _l("变化等级"), "unconfirmed": _l("未确认系数"), "components_text": _l("分指数"), "area": _l("国土面积"),
    "ndvi": _l("NDVI"), "river_length": _l("河流长度"), "water_area": _l("水域面积"), "water_resources": _l("水资源量"),
    "severe_erosion": _l("重度侵蚀"), "moderate_erosion": _l("中度侵蚀"), "construction": _l("建设用地"),
    "other_stress": _l("其他胁迫"), "cod": _l("COD"), "nh3n": _l("氨氮"), "so2": _l("SO2"), "dust": _l("烟（粉）尘"), "nox": _l("NOx"),
    "solid_waste": _l("固体废物"), "precipitation": _l("降水量"), "biodiversity": _l("生物多样性指数"),
}
INPUT_LABELS.update({  # HJ 192-2015 land-use classes (calc/eco_index/index.py LAND_USE)
    "forest": _l("有林地"),
    "shrub": _l("灌木林地"),
    "sparse_forest": _l("疏林地和其他林地"),
    "grass_high": _l("高覆盖度草地"),
    "grass_medium": _l("中覆盖度草地"),
    "grass_low": _l("低覆盖度草地"),
    "river": _l("河流(渠)"),
    "lake": _l("湖泊(库)"),
    "beach_wetland": _l("滩涂湿地"),
    "paddy": _l("水田"),
    "dryland": _l("旱地"),
    "urban": _l("城镇建设用地"),
    "rural": _l("农村居民点"),
    "other_construction": _l("其他建设用地"),
    "sand": _l("沙地"),
    "saline": _l("盐碱地"),
    "bare_soil": _l("裸土地"),
    "bare_rock": _l("裸岩石砾"),
    "other_unused": _l("其他未利用地"),
})
SKIP = {"components", "land_use"}


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
    items = [(str(INPUT_LABELS.get(k, k)), _value(v)) for k, v in inputs.items() if k not in SKIP]
    land_use = inputs.get("land_use") or {}
    if land_use:
        items.append((_("基础数据"), "；".join(f"{str(INPUT_LABELS.get(k, k))} {_value(v)}" for k, v in land_use.items()
                                            if v is not None)))
    return items
