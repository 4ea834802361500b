"""Input checked against the model's own limits before a write (``apps.core.validation``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError
from apps.core.validation import check_model_values, decimal_error, model_errors, text_error
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
