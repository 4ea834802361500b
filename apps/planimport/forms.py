"""The plan import's HTML input: the document to upload, and one correction of the staged plan."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.core.forms import domain_check, optional_int
from apps.core.uploads import check_upload

from .draft import Correction, CorrectionKind
from .services import FORMATS

_SEPARATORS = re.compile(r"[、，,；;\n]+")


def names(text: str) -> tuple[str, ...]:
    """Unit names as a form or the API writes them: separated by 、，, ；or new lines."""
    return tuple(n.strip() for n in _SEPARATORS.split(text or "") if n.strip())


class PlanUploadForm(forms.Form):
    file = forms.FileField(label="规划文件")

    def clean_file(self) -> object:
        return domain_check(check_upload, self.cleaned_data.get("file"), allowed=set(FORMATS))


class CorrectionForm(forms.Form):
    """One correction: ``kind`` says which of the other fields count (see :class:`Correction`)."""

    kind = forms.ChoiceField(choices=[(k.value, k.value) for k in CorrectionKind])
    key = forms.CharField(required=False, max_length=20)
    version = forms.CharField(required=False)
    title = forms.CharField(required=False, max_length=200)
    lead = forms.CharField(required=False, max_length=1000)
    cooperating = forms.CharField(required=False, max_length=1000)
    unit = forms.CharField(required=False, max_length=200)
    action = forms.CharField(required=False, max_length=10)
    department = forms.CharField(required=False, max_length=80)  # an id, or a unit's name (the page's list)
    other = forms.CharField(required=False, max_length=20)
    titles = forms.CharField(required=False, max_length=4000)
    dropped = forms.CharField(required=False)
    indicator = forms.CharField(required=False, max_length=200)  # an id, or an indicator's name

    def correction(self) -> tuple[Correction, int]:
        data: dict[str, Any] = self.cleaned_data
        return Correction(
            kind=CorrectionKind(data["kind"]), key=data["key"], title=data["title"], lead=names(data["lead"]),
            cooperating=names(data["cooperating"]), unit=data["unit"], action=data["action"],
            department_id=optional_int(data["department"]), other=data["other"].strip(),
            department_name="" if optional_int(data["department"]) else data["department"].strip(),
            titles=tuple(t.strip() for t in (data["titles"] or "").splitlines() if t.strip()),
            dropped=data["dropped"] != "0", indicator_id=optional_int(data["indicator"]),
            indicator_name="" if optional_int(data["indicator"]) else data["indicator"].strip(),
        ), optional_int(data["version"]) or 0
