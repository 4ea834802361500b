"""Form pieces shared by the apps' ``forms.py``: the services' own checks become field errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext

from .errors import DomainError

T = TypeVar("T")


def domain_check(check: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a service's check (the one the API runs too); its ``DomainError`` becomes a ``ValidationError``."""
    try:
        return check(*args, **kwargs)
    except DomainError as exc:
        raise forms.ValidationError(str(exc)) from exc


def optional_int(value: object) -> int | None:
    """``int(value)`` for a digits-only value, else ``None`` (a missing or garbled version number)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


class StepForm(forms.Form):
    """A move in a workflow: the action and the version the actor saw (a garbled version is ignored)."""

    action = forms.CharField(required=False)
    version = forms.CharField(required=False)

    def clean_version(self) -> int | None:
        return optional_int(self.cleaned_data.get("version"))

    def move(self) -> dict[str, Any]:
        """The posted move as the keyword arguments of the app's transition: ``action``, ``expected_version``
        and each further field of the form by its name (``""`` when missing or invalid: the service judges)."""
        self.is_valid()
        data = self.cleaned_data
        texts = {name: data.get(name) or "" for name in self.fields if name not in ("action", "version")}
        return {"action": data.get("action") or "", "expected_version": data.get("version"), **texts}


class ModelForm(forms.ModelForm):
    """A model form that speaks the reader's language: the labels and help texts Django takes from the models are
    their Chinese ``verbose_name`` and ``help_text`` (the admin's words, kept as plain text in the models), so each
    is looked up in the catalogue when the form is made. Labels a form sets itself (lazy translations) stay as set;
    a text without an entry stays Chinese (``tests/i18n`` lists the entries the pages need)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.label) is str and field.label:
                field.label = gettext(field.label)
            if type(field.help_text) is str and field.help_text:
                field.help_text = gettext(field.help_text)
