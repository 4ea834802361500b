"""HTML input of the program pages; the rules stay in the services (the API calls the same ones)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.geo.models import RegionLevel

from .target_form import ComposedTargetsMixin

YEAR_AND_VALUE = _("请填写正确的年度和数值。")


@dataclass(frozen=True)
class TargetLevelField:
    """One level's target in the local-adjustment forms and the local indicators' table."""

    level: str
    label: Promise
    target_label: Promise
    placeholder: Promise

    @property
    def input_name(self) -> str:
        return f"target_{self.level}"


#: The levels the local-adjustment page offers, top level first (a province level adds a row here).
TARGET_LEVEL_FIELDS = (
    TargetLevelField(RegionLevel.CITY, _("市"), _("市级目标"), _("如 >=57")),
    TargetLevelField(RegionLevel.COUNTY, _("县"), _("县级目标"),
                     _("留空表示不适用于县")),
)


class TargetOverrideForm(ComposedTargetsMixin):
    """A region's target set, marked not applicable or cleared (``action``)."""

    action = forms.CharField(required=False)
    indicator = forms.CharField(required=False)
    target = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)

    def clean_action(self) -> str:
        return self.cleaned_data.get("action") or "target"

    def override(self) -> dict[str, object]:
        """The service's keyword arguments besides program, region, indicator and actor."""
        action = self.cleaned_data["action"]
        return {"target": self.cleaned_data["target"] if action == "target" else "",
                "not_applicable": action == "not_applicable", "clear": action == "clear",
                "reason": self.cleaned_data["reason"]}


class AssignedTargetForm(forms.Form):
    """A yearly target handed down from above."""

    indicator = forms.CharField(required=False)
    year = forms.IntegerField(error_messages={"required": YEAR_AND_VALUE, "invalid": YEAR_AND_VALUE})
    value = forms.DecimalField(error_messages={"required": YEAR_AND_VALUE, "invalid": YEAR_AND_VALUE})
    document = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)


class TargetEditsForm(ComposedTargetsMixin):
    """The program's indicator system: a local indicator added (``action=add``), or a national target tightened
    (or restored) for the whole program at one level. The defaults are the API's."""

    LOCAL = ("name", "domain", "task", "unit", "direction", "binding", "reason")
    target_fields = ("target", *(level.input_name for level in TARGET_LEVEL_FIELDS))

    action = forms.CharField(required=False)
    name = forms.CharField(required=False, strip=False)
    domain = forms.CharField(required=False, strip=False)
    task = forms.CharField(required=False, strip=False)
    unit = forms.CharField(required=False, strip=False)
    direction = forms.CharField(required=False)
    binding = forms.CharField(required=False)
    indicator = forms.CharField(required=False)
    level = forms.CharField(required=False)
    target = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for level in TARGET_LEVEL_FIELDS:  # one target per level (target_city, target_county, ...)
            self.fields[level.input_name] = forms.CharField(required=False, strip=False)

    def clean_direction(self) -> str:
        return self.cleaned_data.get("direction") or "higher"

    def clean_binding(self) -> bool:
        return self.cleaned_data.get("binding") == "1"

    @property
    def adds_indicator(self) -> bool:
        return self.cleaned_data["action"] == "add"

    def local_indicator(self) -> dict[str, object]:
        """``local_indicator_add``'s keyword arguments besides program and actor."""
        data = self.cleaned_data
        return {**{name: data[name] for name in self.LOCAL},
                "targets": {level.level: data[level.input_name] for level in TARGET_LEVEL_FIELDS}}
