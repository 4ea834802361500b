"""HTML input of the task pages; the rules stay in the services (the API calls the same ones)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StepForm, domain_check
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS

from .models import NoticeLevel


class ProgressForm(forms.Form):
    """A unit's new progress update with its evidence files (each checked by content)."""

    narrative = forms.CharField(required=False, strip=False)
    percent = forms.IntegerField(required=False, label=_("完成比例"),
                                 error_messages={"invalid": _("完成比例须为整数。")})
    submit = forms.CharField(required=False)

    def clean_percent(self) -> int:
        return self.cleaned_data.get("percent") or 0

    def clean_submit(self) -> bool:
        return self.cleaned_data.get("submit") == "1"

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["files"] = [domain_check(check_upload, f, allowed=EVIDENCE_KINDS) for f in self.files.getlist("evidence")]
        return data


class ProgressTransitionForm(forms.Form):
    """A review step on an update; with ``narrative`` the reporter's edited update, (re)submitted at once."""

    action = forms.CharField(required=False)
    version = forms.IntegerField(required=False, label=_("版本"))
    narrative = forms.CharField(required=False, strip=False)
    percent = forms.IntegerField(required=False, label=_("完成比例"),
                                 error_messages={"invalid": _("完成比例须为整数。")})
    comment = forms.CharField(required=False, strip=False)

    def clean_percent(self) -> int:
        return self.cleaned_data.get("percent") or 0


class NoticeIssueForm(forms.Form):
    """The office's notice by hand; the service checks department, title, level and due date."""

    department = forms.IntegerField(label=_("责任单位"), error_messages={"required": _("请选择责任单位。")})
    level = forms.TypedChoiceField(choices=NoticeLevel.choices, coerce=int, required=False, empty_value=None,
                                   label=_("等级"), error_messages={"invalid_choice": _("督办等级无效。")})
    response_due = forms.DateField(required=False, label=_("答复期限"),
                                   error_messages={"invalid": _("日期格式不正确。")})
    title = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)

    def clean_level(self) -> int:
        return self.cleaned_data.get("level") or NoticeLevel.REMIND


class NoticeStepForm(StepForm):
    """A response, close or reopen on a notice; a garbled version is ignored as before."""

    text = forms.CharField(required=False, strip=False)


class ListImportForm(forms.Form):
    """The task or project list sheet."""

    file = forms.FileField(required=False, allow_empty_file=True)

    def clean_file(self) -> object:
        return domain_check(check_upload, self.cleaned_data.get("file"), allowed={"xlsx"})
