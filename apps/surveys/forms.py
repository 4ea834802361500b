"""The survey pages' input: a survey, the sampling frame, invitation counts and one respondent's questionnaire
(built from the questionnaire's data, so a new version needs no code). The checks are the services'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.core.forms import StepForm
from apps.geo.models import Region
from docimport.surveys import Questionnaire

from .models import OperatorKind, SurveyMethod
from .models import Questionnaire as QuestionnaireRow
from .services import PopulationInput, ResponseInput


class SurveyForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    questionnaire = forms.ModelChoiceField(label=_("问卷"), queryset=QuestionnaireRow.objects.defer("source"))
    method = forms.ChoiceField(label=_("调查方式"), choices=SurveyMethod.choices)
    operator = forms.ChoiceField(label=_("实施机构类型"), choices=OperatorKind.choices)
    operator_name = forms.CharField(label=_("实施机构"), max_length=100)
    field_start = forms.DateField(label=_("调查开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    field_end = forms.DateField(label=_("调查结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    margin = forms.DecimalField(label=_("允许误差（%）"), max_digits=4, decimal_places=2, initial=3)


class QuestionnaireForm(forms.Form):
    file = forms.FileField(label=_("问卷文件（TOML）"))


class InvitationsForm(forms.Form):
    count = forms.IntegerField(label=_("生成数量"), min_value=1, max_value=5000, initial=100)


class SurveyStepForm(StepForm):
    pass


class ResponseForm(forms.Form):
    """One respondent: county, profile and one choice per item, from the questionnaire's data."""

    def __init__(self, questionnaire: Questionnaire, counties: Mapping[str, Region], *args: Any,
                 public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = questionnaire.profile

        def choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
            return [(v, v) for v in values]

        self.fields["region_code"] = forms.ChoiceField(
            label=_("您所在的区县"), choices=[("", "—")] + [(code, r.name) for code, r in counties.items()])
        self.fields["urban_rural"] = forms.ChoiceField(label=_("您居住在"), choices=choices(profile.urban_rural),
                                                       widget=forms.RadioSelect)
        self.fields["sex"] = forms.ChoiceField(label=_("性别"), choices=choices(profile.sex), widget=forms.RadioSelect)
        self.fields["age_band"] = forms.ChoiceField(label=_("年龄"), choices=choices(profile.age_bands),
                                                    widget=forms.RadioSelect)
        self.fields["occupation"] = forms.ChoiceField(label=_("职业"),
                                                      choices=[("", "—")] + choices(profile.occupations))
        self.items = questionnaire.items
        for item in questionnaire.items:
            # on the web every option is shown (nobody reads them out); the interviewer's form marks the others
            labels = [(o.label, o.label if public or o.read_out else f"{o.label}（不读出）") for o in item.options]
            self.fields[f"item_{item.code}"] = forms.ChoiceField(label=f"{item.code}. {item.text}", choices=labels,
                                                                 widget=forms.RadioSelect)
        if public:
            self.fields["website"] = forms.CharField(required=False, label=_("请勿填写此项"))
            self.fields["token"] = forms.CharField(widget=forms.HiddenInput)
        else:
            self.fields["reference"] = forms.CharField(label=_("问卷编号"), max_length=40, required=False)

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.code}"] for item in self.items]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("region_code", "urban_rural", "sex", "age_band", "occupation")]

    def response_input(self) -> ResponseInput:
        data = self.cleaned_data
        return ResponseInput(region_code=data["region_code"], urban_rural=data["urban_rural"], sex=data["sex"],
                             age_band=data["age_band"], occupation=data["occupation"],
                             answers={item.code: data[f"item_{item.code}"] for item in self.items})


def population_inputs(data: Mapping[str, Any], counties: Mapping[str, Region],
                      questionnaire: Questionnaire) -> list[PopulationInput]:
    """The sampling frame's grid (``pop|<county code>|<城乡>|<sex>|<age band>`` = people): every non-empty cell.
    A cell that is not a whole number is refused here, as a form refuses a field."""
    profile = questionnaire.profile
    cells = []
    for code in counties:
        for urban_rural in profile.urban_rural:
            for sex in profile.sex:
                for age in profile.age_bands:
                    text = str(data.get(f"pop|{code}|{urban_rural}|{sex}|{age}", "")).replace(",", "").strip()
                    if not text:
                        continue
                    if not text.isdigit():
                        raise DomainError(f"{counties[code].name}·{urban_rural}·{sex}·{age}：人口数须为整数。")
                    cells.append(PopulationInput(code, urban_rural, sex, age, int(text)))
    return cells
