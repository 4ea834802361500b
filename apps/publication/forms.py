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
    slug = forms.CharField(label=_("门户短名（网址中代替编号，可不填）"), required=False, max_length=40)


def parse_list(text: str) -> tuple[list[str], list[list[str]]]:
    """The notice's list as typed or pasted from a spreadsheet: the first line the header, cells separated by a
    tab or a vertical bar (|)."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    cells = [[c.strip() for c in (line.split("\t") if "\t" in line else line.split("|"))] for line in lines]
    return (cells[0], cells[1:]) if cells else ([], [])


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    scope = forms.CharField(label=_("公示内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label=_("依据"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    list_text = forms.CharField(label=_("公示名单（第一行为表头，各列用 | 或 Tab 分隔，可从表格粘贴）"), required=False,
                                max_length=40000, widget=forms.Textarea(attrs={"rows": 5}))
    start = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60, initial=7)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=40)
    email = forms.CharField(label=_("电子邮箱"), required=False, max_length=100)
    address = forms.CharField(label=_("通讯地址"), required=False, max_length=200)
    issuer = forms.CharField(label=_("发布单位"), max_length=100)


class NoticeStepForm(StepForm):
    reason = forms.CharField(required=False, max_length=300)
    statement = forms.CharField(required=False, max_length=2000)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    """The public's comment on a notice; ``website`` is the honeypot and ``stamp`` the signed time it was shown."""

    name = forms.CharField(label=_("姓名（可不填）"), required=False, max_length=40)
    contact = forms.CharField(label=_("联系方式（可不填）"), required=False, max_length=100)
    body = forms.CharField(label=_("意见"), min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    website = forms.CharField(required=False, max_length=200)
    stamp = forms.CharField(required=False, max_length=400)


class MapForm(forms.Form):
    file = forms.FileField(label=_("县区边界（GeoJSON）"))
    name = forms.CharField(label=_("名称"), required=False, max_length=100)


class DisclosureItemForm(forms.Form):
    name = forms.CharField(label=_("公开事项"), max_length=200)
    kind = forms.ChoiceField(label=_("对应发布类型"), choices=())
    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=2200)
    due = forms.DateField(label=_("应公开日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, kinds: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = list(kinds.items())  # type: ignore[attr-defined]


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=2200)
