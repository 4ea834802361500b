"""Input checked against the model's own limits before a write (``apps.core.validation``)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import pre_save

from apps.core.errors import DomainError
from apps.core.validation import check_model_values, decimal_error, model_errors, text_error
from apps.geo.models import Department
from apps.reporting.models import ReportingRound, ValueRevision


@pytest.mark.parametrize(("number", "ok"), [
    ("1.5", True), ("1.1234", True), ("1.12340000", True), ("-12.5", True), ("0", True), ("1E+2", True),
    ("99999999999999.9999", True), ("1.12345", False), ("0.00001", False), ("1.00000000000000000000000000001", False),
    ("999999999999999", False), ("1e30", False), ("NaN", False), ("Infinity", False),
])
def test_decimals_fit_the_column_or_are_refused(number: str, ok: bool) -> None:
    error = decimal_error(Decimal(number), label="数值", max_digits=18, decimal_places=4)
    assert (error is None) is ok, error


@pytest.mark.parametrize(("text", "multiline", "ok"), [
    ("市生态环境局", False, True), ("a\tb", False, False), ("第一行\n第二行\r\n\t缩进", True, True),
    ("a\x00b", True, False), ("a\x1bb", True, False), ("a\x7fb", False, False), ("a\x85b", True, False),
    ("长" * 80, False, True), ("长" * 81, False, False),
])
def test_text_length_and_control_characters(text: str, multiline: bool, ok: bool) -> None:
    error = text_error(text, label="名称", max_length=80, multiline=multiline)
    assert (error is None) is ok, error


def test_limits_come_from_the_model() -> None:
    errors = model_errors(ValueRevision, {"number": Decimal("1.23456"), "source": "x" * 201, "caliber": "ok",
                                          "explanation": "多行\n说明", "reason": "a\x07"})
    assert set(errors) == {"number", "source", "reason"}
    assert "200" in errors["source"] and "4 位小数" in errors["number"]
    with pytest.raises(DomainError, match="名称最多 80 个字符"):
        check_model_values(ReportingRound, name="长" * 81, note="")
    with pytest.raises(DomainError, match="不能为负数"):
        check_model_values(ReportingRound, year=-1)
    check_model_values(ReportingRound, name="2025年度调度", note="第一行\n第二行", year=2025)


def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("apps.") and not m._meta.proxy]


def _text_fields(model: type[models.Model]) -> list[models.CharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
            and not f.is_relation and not f.choices]


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label)
def test_every_save_checks_every_text_field_against_its_column(model: type[models.Model]) -> None:
    """The ``pre_save`` guard is connected for every model: max_length + 1 characters and a control character in
    any text field are refused before the database sees them (SQLite would truncate nothing and store them,
    PostgreSQL would answer a server error)."""
    for field in _text_fields(model):
        hostile = ["a\x00b"] + (["长" * (field.max_length + 1)] if field.max_length else [])
        for value in hostile:
            instance = model()
            setattr(instance, field.attname, value)
            with pytest.raises(DomainError, match=str(field.verbose_name)):
                pre_save.send(sender=model, instance=instance, raw=False, using="default", update_fields=None)


def test_the_walk_reaches_the_text_fields() -> None:
    assert sum(len(_text_fields(m)) for m in _project_models()) > 40


@pytest.mark.django_db
def test_a_save_of_an_overlong_name_writes_nothing(world: SimpleNamespace) -> None:
    unit = world.units["市水务局"]
    unit.name = "长" * 201
    with pytest.raises(DomainError, match="最多"):
        unit.save()
    unit.refresh_from_db()
    assert unit.name == "市水务局"
    with pytest.raises(DomainError, match="控制字符"):
        Department.objects.create(region=world.city, name="市\x1b局")
    assert not Department.objects.filter(name__startswith="市\x1b").exists()
