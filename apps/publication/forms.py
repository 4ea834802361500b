"""The office's inputs on the publication page; the services run every rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StepForm

from .models import PortalStatus, PublicationKind


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PublicationKind.choices)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=2200)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文（工作动态）"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    doc_number = forms.CharField(label=_("文号（规划文件）"), required=False, max_length=60)
    file = forms.FileField(label=_("文件（规划文件，PDF 或 Word）"), required=False)


class PublicationStepForm(StepForm):
    reason = forms.CharField(required=False, max_length=300)


class PortalSettingForm(forms.Form):
    status = forms.ChoiceField(label=_("创建状态"), choices=PortalStatus.choices)
    intro = forms.CharField(label=_("门户简介"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
