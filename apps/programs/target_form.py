"""The target form: a target composed from clauses (kind, comparator, number, 且/或) instead of typed as an
expression, with an "advanced" expression field for what the clauses cannot say (region branches …).

A page's form names its target fields (``target``, ``target_city`` …); for each, the posted
``<field>-mode`` says which way it was written. In ``form`` mode the clauses ``<field>-kind-<i>``,
``-op-``, ``-value-``, ``-text-``, ``-rule-``, ``-join-`` compose the expression that replaces the field's
value, so the services receive an expression either way (the API posts expressions directly).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core.errors import DomainError
from calc.targets import (
    OPS,
    TREND_RULES,
    Clause,
    TargetSyntaxError,
    clauses_of,
    describe,
    parse_target,
    target_of,
    unparse,
)

from .services import target_syntax_message

#: How many clause lines the form shows (完成上级规定的考核任务，且≥90%或持续提高 takes three).
CLAUSE_ROWS = 4

KIND_CHOICES = (("", gettext_lazy("（不填）")), ("number", pgettext_lazy("target kind", "数值")),
                ("qual", pgettext_lazy("target kind", "定性")), ("trend", pgettext_lazy("target kind", "趋势")),
                ("assigned", pgettext_lazy("target kind", "上级考核任务")))
OP_CHOICES = ((">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"), ("=", "="))
JOIN_CHOICES = (("and", gettext_lazy("且")), ("or", gettext_lazy("或")))


@dataclass(frozen=True)
class TargetWidget:
    """What ``programs/_target_form.html`` draws for one target field."""

    field: str
    expression: str
    rows: tuple[tuple[int, Clause | None], ...]  # (line index, its clause or None for an empty line)
    advanced: bool  # the expression cannot be written with the clauses
    words: str
    unit: str

    kinds = KIND_CHOICES
    ops = OP_CHOICES
    joins = JOIN_CHOICES
    rules = tuple(TREND_RULES.items())


def target_widget(field: str, expression: str = "", *, words: str = "", unit: str = "") -> TargetWidget:
    """The form for a target field, opened on ``expression`` (its words given by the caller)."""
    clauses: list[Clause] | None = []
    if expression.strip():
        try:
            clauses = clauses_of(parse_target(expression))
        except TargetSyntaxError:
            clauses = None
    if clauses is not None and len(clauses) > CLAUSE_ROWS:
        clauses = None
    filled = clauses or []
    rows = tuple((i, filled[i] if i < len(filled) else None) for i in range(CLAUSE_ROWS))
    return TargetWidget(field, expression, rows, clauses is None, words, unit)


def _clause(data: Mapping[str, str], field: str, i: int) -> Clause | None:
    def get(part: str) -> str:
        return (data.get(f"{field}-{part}-{i}") or "").strip()

    kind = get("kind")
    if not kind:
        return None
    if kind not in dict(KIND_CHOICES):
        raise forms.ValidationError(_("第%(n)s项：请选择目标类型。") % {"n": i + 1})
    value = None
    if kind == "number":
        try:
            value = Decimal(get("value").replace("，", "").replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise forms.ValidationError(_("第%(n)s项：请填写数值。") % {"n": i + 1})
        if get("op") not in OPS:
            raise forms.ValidationError(_("第%(n)s项：请选择比较方式（≥ > ≤ < =）。") % {"n": i + 1})
    if kind == "qual" and not get("text"):
        raise forms.ValidationError(_("第%(n)s项：请填写定性要求，如“建立”。") % {"n": i + 1})
    if kind == "trend" and get("rule") not in TREND_RULES:
        raise forms.ValidationError(_("第%(n)s项：请选择趋势要求。") % {"n": i + 1})
    if any(ch in get("text") for ch in "&|(){};"):
        raise forms.ValidationError(_("第%(n)s项：文字中不能含有 & | ( ) { } ; 等符号。") % {"n": i + 1})
    join = get("join") if get("join") in ("and", "or") else "and"
    return Clause(kind, op=get("op") or ">=", value=value, text=get("text"), rule=get("rule"),  # type: ignore[arg-type]
                  join=join)  # type: ignore[arg-type]


def composed_expression(data: Mapping[str, str], field: str) -> str | None:
    """The expression the clauses of ``field`` compose ("" for none), or None when it was written as an
    expression (advanced mode, or a client posting the field itself). Raises ValidationError in Chinese."""
    if data.get(f"{field}-mode") != "form":
        return None
    clauses = [c for c in (_clause(data, field, i) for i in range(CLAUSE_ROWS)) if c is not None]
    if not clauses:
        return ""
    try:
        return unparse(target_of(clauses))
    except TargetSyntaxError as exc:  # pragma: no cover - every clause was checked above
        raise forms.ValidationError(_("目标填写有误，请检查各项。")) from exc


class ComposedTargetsMixin(forms.Form):
    """A page form whose ``target_fields`` may be written with the target form (see the module docstring)."""

    target_fields: tuple[str, ...] = ("target",)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for name in self.target_fields:
            try:
                expression = composed_expression(self.data, name)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
                continue
            if expression is not None:
                data[name] = expression
        return data


def preview_words(data: Mapping[str, str], field: str, *, unit: str, direction: str) -> str:
    """The words of what ``field`` holds right now (the form's live preview), or why it cannot be read."""
    try:
        expression = composed_expression(data, field)
    except forms.ValidationError as exc:
        return "；".join(exc.messages)
    expression = (data.get(field) or "") if expression is None else expression
    if not expression.strip():
        return "—"
    try:
        return describe(parse_target(expression), unit=unit, direction=direction)  # type: ignore[arg-type]
    except TargetSyntaxError as exc:
        return target_syntax_message(exc)


def expression_and_words(*, expression: str, clauses: list[dict[str, str]], unit: str,
                         direction: str) -> tuple[str, str]:
    """The API's target form: clauses (as the page posts them) or an expression → (expression, words).

    Raises DomainError with the form's Chinese message."""
    if clauses:
        if len(clauses) > CLAUSE_ROWS:
            raise DomainError(_("目标最多%(n)s项。") % {"n": CLAUSE_ROWS})
        data = {"api-mode": "form"} | {f"api-{k}-{i}": str(v) for i, c in enumerate(clauses) for k, v in c.items()}
        try:
            expression = composed_expression(data, "api") or ""
        except forms.ValidationError as exc:
            raise DomainError("；".join(exc.messages)) from exc
    try:
        target = parse_target(expression)
    except TargetSyntaxError as exc:
        raise DomainError(target_syntax_message(exc)) from exc
    return unparse(target), describe(target, unit=unit, direction=direction)  # type: ignore[arg-type]
