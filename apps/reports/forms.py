from __future__ import annotations

from django import forms

from .models import ReportKind


class ReportForm(forms.Form):
    """The draft button: a kind, a year and, for a progress report, a county or a unit."""

    kind = forms.ChoiceField(label="报告类型", choices=ReportKind.choices)
    year = forms.IntegerField(label="年度", min_value=1900, max_value=2200)
    region = forms.IntegerField(label="县区", required=False, min_value=1)
    unit = forms.IntegerField(label="牵头单位", required=False, min_value=1)
    indicator_set = forms.CharField(label="指标范围", required=False, max_length=40)


class VetoForm(forms.Form):
    """One veto condition of one year: 无/有, a note, the documents and an optional file."""

    condition = forms.CharField(label="否决事项", max_length=40)
    year = forms.IntegerField(label="年度", min_value=1900, max_value=2200)
    occurred = forms.TypedChoiceField(label="有无", choices=(("0", "无"), ("1", "有")), coerce=lambda v: v == "1")
    note = forms.CharField(label="说明", required=False, max_length=2000)
    documents = forms.CharField(label="佐证材料（文件名称、文号）", required=False, max_length=2000)
    file = forms.FileField(label="佐证材料文件", required=False)
