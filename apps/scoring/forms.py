"""The pages' input for scoring; the services do the checks (the same ones the API runs)."""

from __future__ import annotations

from django import forms


class RunForm(forms.Form):
    scheme = forms.IntegerField(min_value=1)
    period = forms.RegexField(regex=r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$", max_length=8,
                              error_messages={"invalid": "考核期应为2025、2025-H1或2025-03这样的写法。"})
    note = forms.CharField(required=False, max_length=300)


class ObjectionForm(forms.Form):
    item = forms.CharField(required=False, max_length=60)
    reason = forms.CharField(max_length=4000)


class RulingForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("reject", "reject")])
    ruling = forms.CharField(max_length=4000)
    points = forms.DecimalField(required=False, max_digits=12, decimal_places=4)
