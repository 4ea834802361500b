"""The province pages' input: the target form (the service runs the rules)."""

from __future__ import annotations

from django import forms

from apps.geo.models import RegionLevel


class ProvinceTargetForm(forms.Form):
    indicator = forms.IntegerField(label="指标", min_value=1)
    level = forms.ChoiceField(label="层级", choices=[(RegionLevel.CITY, RegionLevel.CITY.label),
                                                    (RegionLevel.COUNTY, RegionLevel.COUNTY.label)])
    target = forms.CharField(label="省级目标", max_length=255, required=False)
    reason = forms.CharField(label="理由", max_length=300)
