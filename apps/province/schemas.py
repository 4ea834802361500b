"""The province API's shapes, derived from the dataclasses of :mod:`.data` (read by attribute)."""

from __future__ import annotations

from ninja import Field, Schema

from apps.core.schemas import schema_of

from . import data

ProvinceCityGateOut = schema_of("ProvinceCityGateOut", data.CityGate,
                        "year passed binding_applicable binding_attained blockers not_attained",
                        blockers=Field(description="未达标的约束性指标（id）"),
                        not_attained=Field(description="该市本年度未达标的全部指标（id）"))
TimelinessOut = schema_of("TimelinessOut", data.Timeliness,
                          "round_id round_name due expected on_time late missing on_time_percent",
                          expected=Field(description="最近一个已过截止日期的调度轮次的应报项数（区域×适用指标）"),
                          on_time_percent=Field(description="按期提交比例（%，向下取整）；无已截止轮次时为空"))
CityRowOut = schema_of("CityRowOut", data.CityRow,
                       "program_id program_name city_id city_name title_sought target_year gate blocker_count "
                       "counties_national counties_provincial timeliness",
                       gate=ProvinceCityGateOut, timeliness=TimelinessOut)
WeakIndicatorOut = schema_of("WeakIndicatorOut", data.WeakIndicator, "indicator_id code name binding count cities")
ProvinceCockpitOut = schema_of(
    "ProvinceCockpitOut", data.ProvinceCockpit,
    "province_id province_name manages total passed counties_national counties_provincial weak_spots page pages "
    "cities", weak_spots=list[WeakIndicatorOut], cities=list[CityRowOut],
    doc="全省驾驶舱：各市创建工作的申报条件、创建称号的县区、跨市薄弱指标和调度按期提交情况（每页50个市）")
ProvinceTargetOut = schema_of("ProvinceTargetOut", data.ProvinceTargetRow,
                              "indicator_id code name level level_label national province_target reason set_at")
ProvinceTargetsOut = schema_of("ProvinceTargetsOut", data.ProvinceTargets, "province_id manages rows",
                               rows=list[ProvinceTargetOut])


class ProvinceTargetIn(Schema):
    indicator_id: int = Field(ge=1)
    level: str = Field(description="city 或 county")
    target: str = Field("", max_length=255, description="目标表达式（如 >=95）；留空表示撤销省级目标")
    reason: str = Field(max_length=300)
