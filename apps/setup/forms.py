"""The set-up pages' input: Django forms whose choices are the actor's own scope; the rules are the models' and
the services' (``apps.setup.services``), never the forms' own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.core.forms import ModelForm
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.models import Milestone, Phase, Program, RegionGoal

from .access import managed_departments, office_regions, office_regions_q, program_regions


class DutyForm(forms.Form):
    """A role within a scope (a region, or a unit for a department reporter), optionally for one program."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.none(), required=False,
                                    help_text=_("部门联络员不填；其他角色选择所在的省、市或县区。"))
    department = forms.ModelChoiceField(label=_("单位"), queryset=Department.objects.none(), required=False,
                                        help_text=_("部门联络员必填。"))
    program = forms.ModelChoiceField(label=_("限于创建工作"), queryset=Program.objects.none(), required=False,
                                     help_text=_("留空：范围内的全部创建工作。"))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = office_regions(actor)
        self.fields["department"].queryset = managed_departments(actor).order_by("region__path", "order", "name")
        self.fields["program"].queryset = Program.objects.filter(office_regions_q(actor, "region__"))


class UserCreateForm(DutyForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    field_order = ["username", "display_name", "role", "region", "department", "program"]


class UserChangeForm(ModelForm):
    """A managed user's name and e-mail address (its roles and password have their own actions)."""

    class Meta:
        model = User
        fields = ["display_name", "email"]


class ProgramForm(ModelForm):
    class Meta:
        model = Program
        fields = ["region", "framework", "name", "title_sought", "base_year", "target_year", "plan_document"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = program_regions(actor)
        if self.instance.pk is not None:  # the region and the framework stay as created
            for name in ("region", "framework"):
                self.fields[name].disabled = True
                self.fields[name].queryset = self.fields[name].queryset.model.objects.all()


def _date_input() -> forms.DateInput:
    """A browser date picker, given the ISO date it reads (a localised date would show as empty when editing)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PhaseForm(ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "start", "end", "description", "order"]
        widgets = {"start": _date_input(), "end": _date_input(), "description": forms.Textarea(attrs={"rows": 2})}
        labels = {"order": _("排序")}


class MilestoneForm(ModelForm):
    class Meta:
        model = Milestone
        fields = ["phase", "title", "due"]
        widgets = {"due": _date_input()}
        labels = {"phase": _("阶段")}

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = program.phases.all()


class RegionGoalForm(ModelForm):
    class Meta:
        model = RegionGoal
        fields = ["region", "title_sought", "target_year"]

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["region"].queryset = Region.objects.filter(
            level=RegionLevel.COUNTY, path__startswith=program.region.path).order_by("path")


class DepartmentForm(ModelForm):
    aliases_text = forms.CharField(label=_("其他写法"), required=False, max_length=500,
                                   help_text=_("导入时可识别的其他名称，用顿号或逗号分隔。"))

    class Meta:
        model = Department
        fields = ["region", "name", "kind", "governs", "order"]
        labels = {"order": _("排序")}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = office_regions(actor)
        self.fields["region"].queryset = regions
        self.fields["governs"].queryset = regions.filter(level=RegionLevel.COUNTY)
        if self.instance.pk is not None:
            self.fields["aliases_text"].initial = "、".join(self.instance.aliases)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = data.get("aliases_text") or ""
        for sep in ("，", ",", "；", ";"):
            text = text.replace(sep, "、")
        self.instance.aliases = [a.strip() for a in text.split("、") if a.strip()]
        return data
