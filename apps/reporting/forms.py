"""HTML input of the reporting pages; the rules stay in the services (the API calls the same ones)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StepForm, optional_int
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.review.workflow import ReviewStatus

from . import services
from .models import PeriodType
from .selectors import MISSING, RoundProgress

ROUND_FIELDS = _("请填写完整的年份、期次和截止日期。")


class RoundForm(forms.Form):
    """A new reporting round; without indicators or regions the whole program (the service decides)."""

    name = forms.CharField(required=False, strip=False)
    period_type = forms.CharField(required=False)
    year = forms.IntegerField(label=_("年份"), error_messages={"required": ROUND_FIELDS, "invalid": ROUND_FIELDS})
    period_number = forms.IntegerField(required=False, label=_("期次"), error_messages={"invalid": ROUND_FIELDS})
    due = forms.DateField(label=_("截止日期"), error_messages={"required": ROUND_FIELDS, "invalid": ROUND_FIELDS})
    indicators = forms.ModelMultipleChoiceField(queryset=Indicator.objects.all(), required=False)
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.all(), required=False)
    note = forms.CharField(required=False, strip=False)

    def clean_period_type(self) -> str:
        return self.cleaned_data.get("period_type") or PeriodType.YEAR

    def clean_period_number(self) -> int:
        return self.cleaned_data.get("period_number") or 1

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["indicators"], data["regions"] = list(data.get("indicators") or []), list(data.get("regions") or [])
        return data


def parse_number(raw: str) -> Decimal | None:
    """A reported number as typed (thousands separators allowed); empty is ``None``."""
    raw = (raw or "").strip().replace(",", "")
    try:
        return Decimal(raw) if raw else None
    except InvalidOperation as exc:
        raise forms.ValidationError(_("「%(text)s」不是数字。") % {"text": raw}) from exc


class ValueForm(forms.Form):
    """A value saved (and with ``submit`` submitted); the service checks it as the API and the import do."""

    version = forms.CharField(required=False)
    number = forms.CharField(required=False)
    qualitative = forms.CharField(required=False, strip=False)
    explanation = forms.CharField(required=False, strip=False)
    source = forms.CharField(required=False, strip=False)
    caliber = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)
    confirm = forms.CharField(required=False)
    submit = forms.CharField(required=False)
    comment = forms.CharField(required=False, strip=False)  # the submission's; why required evidence is missing

    def clean_number(self) -> Decimal | None:
        return parse_number(self.cleaned_data.get("number", ""))

    def clean_version(self) -> int:
        return optional_int(self.cleaned_data.get("version")) or 0

    def value_input(self) -> services.ValueInput:
        return services.ValueInput.of(self.cleaned_data)


class TransitionForm(StepForm):
    """A review step on a value."""

    comment = forms.CharField(required=False, strip=False)


class RoundTransitionForm(StepForm):
    """Close a round (optional note) or reopen it (the reason; the service requires it)."""

    comment = forms.CharField(required=False, strip=False)


class SubmitDraftsForm(forms.Form):
    """Submit all my drafts of a round: one comment for all, the reason of those lacking required evidence."""

    reason = forms.CharField(required=False, max_length=2000)


class EvidenceForm(forms.Form):
    file = forms.FileField(required=False, allow_empty_file=True)
    checklist_item = forms.CharField(required=False, strip=False)


class BulkApproveForm(forms.Form):
    value = forms.CharField(required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["value_ids"] = [int(v) for v in self.data.getlist("value") if v.isdigit()]
        return data


#: The round page's views: its progress by reporting unit, by region, by indicator, and its rows.
ROUND_VIEWS = (("reporter", _("按填报单位")), ("region", _("按区域")), ("indicator", _("按指标")), ("rows", _("逐项明细")))


class RoundViewForm(forms.Form):
    """What the round page shows: a view, one page of it, and the rows' filters (each a progress line's key, or a
    status). A value that is not a choice is left out, never an error: the page shows everything instead."""

    by = forms.ChoiceField(choices=ROUND_VIEWS, required=False)
    reporter = forms.ChoiceField(label=_("填报单位"), required=False)
    region = forms.ChoiceField(label=_("区域"), required=False)
    indicator = forms.ChoiceField(label=_("指标"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, data: object, progress: RoundProgress) -> None:
        super().__init__(data)
        everything = [("", _("全部"))]
        for name, lines in (("reporter", progress.by_reporter), ("region", progress.by_region),
                            ("indicator", progress.by_indicator)):
            self.fields[name].choices = everything + [(line.key, line.label) for line in lines]  # type: ignore[attr-defined]
        self.fields["status"].choices = everything + [  # type: ignore[attr-defined]
            (MISSING, _("未填报")), *ReviewStatus.choices, ("evidence_incomplete", _("缺必需佐证")),
            ("late", _("逾期提交"))]

    def choice(self, name: str) -> str:
        """The field's value if it is one of its choices, else ``""``."""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "") if name not in self.errors else ""

    @property
    def view(self) -> str:
        return self.choice("by") or "reporter"

    @property
    def lines(self) -> list[str]:
        """The progress lines the rows must all be in."""
        return [key for key in (self.choice("reporter"), self.choice("region"), self.choice("indicator")) if key]
