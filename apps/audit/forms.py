"""The audit page's search form (GET): it coerces the parts of an :class:`~apps.audit.selectors.AuditSearch`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction
from .selectors import AuditSearch


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部")), *AuditAction.choices])
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("关键词"), required=False, max_length=200)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def search(self) -> AuditSearch:
        """The search the form asks for (an invalid form searches nothing narrower than the scope)."""
        data = self.cleaned_data if self.is_valid() else {}
        return AuditSearch(actor=data.get("actor", ""), action=data.get("action", ""), since=data.get("since"),
                           until=data.get("until"), text=data.get("q", ""))
