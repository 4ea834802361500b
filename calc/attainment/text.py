"""Chinese wording of numbers, units and differences for attainment explanations.

Numbers are ``Decimal`` and are printed in plain positional notation with trailing zeros removed
(``93.10`` → ``93.1``, ``1E+2`` → ``100``), so no float artefacts can appear. Units are printed the way
Chinese plans write them (``μg/m3`` → 微克/立方米); a difference of a percentage is said in 个百分点.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "UNIT_LABELS",
    "fmt_difference",
    "fmt_number",
    "fmt_quantity",
    "is_percent",
    "unit_label",
]

#: How a unit is printed in a Chinese sentence. Units not listed are printed as given.
UNIT_LABELS: dict[str, str] = {
    "%": "%",
    "％": "%",
    "μg/m3": "微克/立方米",
    "μg/m³": "微克/立方米",
    "µg/m3": "微克/立方米",  # MICRO SIGN, as typed on many keyboards
    "µg/m³": "微克/立方米",
    "ug/m3": "微克/立方米",
    "mg/m3": "毫克/立方米",
    "mg/m³": "毫克/立方米",
    "mg/L": "毫克/升",
    "mg/l": "毫克/升",
    "tce/万元": "吨标准煤/万元",
    "t/万元": "吨/万元",
    "m3/万元": "立方米/万元",
    "m³/万元": "立方米/万元",
    "m2/人": "平方米/人",
    "m²/人": "平方米/人",
    "km": "公里",
    "hm2": "公顷",
    "hm²": "公顷",
    "ha": "公顷",
    "kg": "千克",
    "t": "吨",
    "d": "天",
    "dB": "分贝",
    "dB(A)": "分贝",
    "": "",
    "-": "",
    "–": "",
    "—": "",
}


def unit_label(unit: str | None) -> str:
    """The unit as printed in a Chinese sentence (``"μg/m3"`` → ``"微克/立方米"``, none → ``""``)."""
    if unit is None:
        return ""
    unit = unit.strip()
    return UNIT_LABELS.get(unit, unit)


def is_percent(unit: str | None) -> bool:
    """Whether the unit is a percentage, whose differences are said in 个百分点."""
    return unit_label(unit) == "%"


def fmt_number(value: Decimal, *, places: int | None = None) -> str:
    """A decimal in plain notation without trailing zeros.

    Parameters
    ----------
    value : Decimal
        The number.
    places : int, optional
        Round half away from zero (四舍五入) to this many decimal places first.

    Returns
    -------
    str
        ``Decimal("93.10")`` → ``"93.1"``, ``Decimal("1E+2")`` → ``"100"``, ``Decimal("-0.0")`` → ``"0"``.
    """
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def fmt_quantity(value: Decimal, unit: str | None, *, places: int | None = None) -> str:
    """A value with its unit: ``93.1%``, ``32微克/立方米``, ``0.45吨标准煤/万元``."""
    return f"{fmt_number(value, places=places)}{unit_label(unit)}"


def fmt_difference(value: Decimal, unit: str | None, *, places: int | None = None) -> str:
    """A difference with its unit; a difference of percentages is in 个百分点 (``1.9个百分点``)."""
    label = "个百分点" if is_percent(unit) else unit_label(unit)
    return f"{fmt_number(value, places=places)}{label}"
