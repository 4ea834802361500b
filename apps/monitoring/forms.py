"""HTML input of the monitoring pages; the checks are the services' (the API runs the same ones)."""

from __future__ import annotations

from django import forms

from apps.core.forms import domain_check
from apps.geo.models import Region

from . import services
from .uploads import check_monitoring_upload


class BaseValueForm(forms.Form):
    """A base-year value entered by the office; the service checks measure, range and source."""

    region = forms.ModelChoiceField(queryset=Region.objects.none(), label="区域",
                                    error_messages={"required": "请选择区域。", "invalid_choice": "请选择区域。"})
    measure = forms.CharField(required=False)
    value = forms.DecimalField(label="数值", error_messages={"required": "数值须为数字。", "invalid": "数值须为数字。"})
    source = forms.CharField(required=False)
    reason = forms.CharField(required=False)

    def __init__(self, *args: object, regions: list[Region], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.id for r in regions])


class BatchUploadForm(forms.Form):
    """A monitoring file and its import options, checked as ``clean_options`` and the upload check do."""

    kind = forms.CharField(required=False)
    year = forms.CharField(required=False)
    rule = forms.CharField(required=False)
    time_label = forms.CharField(required=False)
    file = forms.FileField(required=False, allow_empty_file=True)

    def clean_file(self) -> object:
        return domain_check(check_monitoring_upload, self.cleaned_data.get("file"))

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["options"] = domain_check(services.clean_options, year=data.get("year"), rule=data.get("rule"),
                                       time_label=data.get("time_label"))
        return data
