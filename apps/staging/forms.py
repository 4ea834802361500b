"""The one form of every staged-import page: a sheet to stage and check, or the previewed import to confirm."""

from __future__ import annotations

from django import forms

from apps.core.forms import domain_check
from apps.core.uploads import check_upload


class StagedImportForm(forms.Form):
    """A sheet to stage and check (``checked``), or the previewed staged import's id (``token``) to confirm,
    with the confirmed warnings (``confirm``) and their note."""

    token = forms.CharField(required=False)
    file = forms.FileField(required=False, allow_empty_file=True)
    confirm = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not data.get("token"):
            data["checked"] = domain_check(check_upload, data.get("file"), allowed={"xlsx"})
        return data
