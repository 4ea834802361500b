"""The pages' input for scoring; the services do the checks (the same ones the API runs)."""

from __future__ import annotations

from django import forms

from apps.core.forms import domain_check
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS


class RunForm(forms.Form):
    scheme = forms.IntegerField(min_value=1)
    period = forms.RegexField(regex=r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$", max_length=8,
                              error_messages={"invalid": "考核期应为2025、2025-H1或2025-03这样的写法。"})
    note = forms.CharField(required=False, max_length=300)


class ObjectionForm(forms.Form):
    """An objection with its evidence files (each checked by content)."""

    item = forms.CharField(required=False, max_length=60)
    reason = forms.CharField(max_length=4000)

    def clean(self) -> dict[str, object]:
        return _with_files(self, super().clean())


class RulingForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("reject", "reject")])
    ruling = forms.CharField(max_length=4000)
    points = forms.DecimalField(required=False, max_digits=12, decimal_places=4)


class ItemEditForm(forms.Form):
    """An item's columns of the scheme sheet; the service checks them as a new version of the scheme."""

    name = forms.CharField(max_length=200)
    points = forms.CharField(max_length=30)
    source = forms.CharField(required=False, max_length=300)
    params = forms.CharField(required=False, max_length=4000)
    other = forms.CharField(required=False, max_length=4000)


def _with_files(form: forms.Form, data: dict[str, object]) -> dict[str, object]:
    """The form's ``evidence`` files, each checked by content, as ``files``."""
    data["files"] = [domain_check(check_upload, f, allowed=EVIDENCE_KINDS) for f in form.files.getlist("evidence")]
    return data


class _WithEvidence(forms.Form):
    def clean(self) -> dict[str, object]:
        return _with_files(self, super().clean())


class FactForm(_WithEvidence):
    """An office fact (value, category or 不涉及) with its basis and evidence files."""

    department = forms.IntegerField(min_value=1)
    key = forms.CharField(max_length=80)
    part = forms.CharField(required=False, max_length=80)
    value = forms.DecimalField(required=False, max_digits=18, decimal_places=6)
    text = forms.CharField(required=False, max_length=40)
    na = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=300)


class ManualForm(_WithEvidence):
    """The points of a manual item (加分、扣分、人工评分) with the reason and evidence files."""

    department = forms.IntegerField(min_value=1)
    item = forms.CharField(max_length=60)
    points = forms.DecimalField(max_digits=12, decimal_places=4)
    reason = forms.CharField(max_length=300)
