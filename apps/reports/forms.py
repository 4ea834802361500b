from __future__ import annotations

from django import forms

from .models import ReportKind


class ReportForm(forms.Form):
    """The draft button: a kind, a year and, for a progress report, a county or a unit."""

    kind = forms.ChoiceField(label="报告类型", choices=ReportKind.choices)
    year = forms.IntegerField(label="年度", min_value=1900, max_value=2200)
    region = forms.IntegerField(label="县区", required=False, min_value=1)
    unit = forms.IntegerField(label="牵头单位", required=False, min_value=1)
