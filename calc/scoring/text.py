"""The Chinese sentence of one trace row: every number comes from the row, none is computed again.

The scheme is consulted only for words (names, units, labels): ``explain(row, scheme)`` →
"PM2.5年均浓度38µg/m³，目标≤35µg/m³，差3µg/m³，按每差1µg/m³扣0.5分扣1.5分，本项得1.5分".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from calc.scoring import scheme as sc

__all__ = ["explain", "number"]

Row = Mapping[str, Any]


def number(value: Decimal | int | None) -> str:
    """A number in plain notation, thousands separated, trailing zeros dropped (``1234.50`` → ``1,234.5``)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == 0:
        return "0"
    return format(value.normalize(), ",f")


def _pts(value: Decimal | None) -> str:
    return f"{number(value)}分"


def _difference_unit(unit: str) -> str:
    return "个百分点" if unit in ("%", "％") else unit


def _condition(condition: sc.Condition, row: Row) -> str:
    words = condition.label or f"{condition.key}{sc.CONDITION_OPS[condition.op]}{number(condition.value) if condition.other_key is None else condition.other_key}"
    if row.get("cond_value") is None:
        return words
    return f"{words}（{number(row['cond_value'])}{sc.CONDITION_OPS[condition.op]}{number(row.get('cond_other'))}）"


def _gap_linear(rule: sc.GapLinear, item: sc.Item, row: Row) -> str:
    unit, diff = rule.unit, _difference_unit(rule.unit)
    parts = [f"{rule.label or item.name}{number(row['actual'])}{unit}",
             f"目标{sc.COMPARISONS[rule.comparison]}{number(row['target'])}{unit}"]
    if not row["gap"]:
        return "，".join([*parts, "已达到目标"])
    gap = f"差{number(row['gap'])}{diff}"
    if rule.rounding != "exact" and row["counted_gap"] != row["gap"]:
        gap += f"（{sc.ROUNDINGS[rule.rounding]}，计{number(row['counted_gap'])}{diff}）"
    return "，".join([*parts, gap, f"按每差{number(rule.per)}{diff}扣{_pts(rule.deduct)}扣{_pts(row['deduction'])}"])


def _threshold(rule: sc.ThresholdCount, item: sc.Item, row: Row) -> str:
    text = f"{rule.label or item.name}{number(row['count'])}{rule.unit}，要求{number(row['target'])}{rule.unit}"
    if not row["gap"]:
        return text + "，已达到要求"
    return text + f"，少{number(row['gap'])}{rule.unit}，每少1{rule.unit}扣{_pts(rule.deduct)}扣{_pts(row['deduction'])}"


def _rank(rule: sc.RankPoints | sc.CompositeIndex, row: Row) -> str:
    group = sc.GROUPS.get(str(row.get("group")), "考核对象")
    place = f"在{number(row['ranked'])}个{group}中排第{row['rank']}名"
    if rule.mode == "step":
        return f"{place}，第1名得{_pts(row['max'])}，每低1名减{_pts(rule.step)}"
    return f"{place}，第1名为{number(row['top'])}，按与第1名的比例得分"


def _periodic(rule: sc.PeriodicEvents, item: sc.Item, row: Row) -> str:
    unit = rule.unit
    parts = [f"{rule.label or item.name}未达标{number(row['count'])}{unit}，每{unit}扣{_pts(rule.deduct)}"]
    if rule.severe_key:
        parts.append(f"{rule.severe_label or '水质为劣Ⅴ类'}{number(row['severe'])}{unit}，每{unit}扣{_pts(rule.severe_deduct)}")
    if row.get("waived_parts"):
        parts.append(f"{row['waived_parts']}个断面年均值达到目标，免扣{_pts(row['waived'])}")
    parts.append(f"共扣{_pts(row['deduction'])}")
    return "；".join(parts)


def _composite(rule: sc.CompositeIndex, row: Row) -> str:
    text = f"{rule.label or '综合指数'}{number(row['index'])}（{len(rule.indicators)}项指标"
    if row.get("missing_inputs"):
        text += f"，{row['missing_inputs']}项缺数据按60计"
    if row.get("na_inputs"):
        text += f"，{row['na_inputs']}项不适用、其权重分摊到其余指标"
    text += "）"
    if rule.mode == "share":
        return text + f"，按指数÷100×{_pts(row['max'])}得分"
    return text + "，" + _rank(rule, row)


def _rule_text(item: sc.Item, row: Row) -> str:
    rule = item.rule
    label = getattr(rule, "label", "") or item.name
    if isinstance(rule, sc.GapLinear):
        return _gap_linear(rule, item, row)
    if isinstance(rule, sc.ThresholdCount):
        return _threshold(rule, item, row)
    if isinstance(rule, sc.RankPoints):
        return f"{label}{number(row['actual'])}，" + _rank(rule, row)
    if isinstance(rule, sc.GradeMap):
        return f"{label}为「{row['text']}」"
    if isinstance(rule, sc.PeriodicEvents):
        return _periodic(rule, item, row)
    if isinstance(rule, sc.BonusCapped):
        text = f"{label}{number(row['count'])}{rule.unit}，每{rule.unit}加{_pts(rule.per)}，计{_pts(row['bonus'])}"
        return text + (f"，加分以{_pts(row['max'])}为限" if row["cap_hit"] else "")
    if isinstance(rule, sc.EventDeduction):
        text = f"{label}{number(row['count'])}{rule.unit}，每{rule.unit}扣{_pts(rule.per)}，计{_pts(row['deduction'])}"
        return text + (f"，扣分以{_pts(row['max'])}为限" if row["cap_hit"] else "")
    if isinstance(rule, sc.CompositeIndex):
        return _composite(rule, row)
    return f"人工评分：{row.get('reason') or '未说明理由'}"


def _bonus_text(item: sc.Item, row: Row, scheme: sc.Scheme) -> str:
    bonus = item.bonus
    if bonus is None:
        return ""
    text = (f"；{bonus.label or '加分事项'}{number(row['bonus_count'])}{bonus.unit}，每{bonus.unit}加{_pts(bonus.per)}，"
            f"加{_pts(row['bonus'])}")
    if row["cap_hit"]:
        text += f"（以{_pts(bonus.cap)}为限）"
    if row["floor_hit"]:
        text += "，先扣完为止再加分" if scheme.bonus_order == "after" else "，加分后仍扣完为止"
    return text


def _item_sentence(item: sc.Item, row: Row, scheme: sc.Scheme) -> str:
    status = row["status"]
    points = row["points"]
    if status == "not_applicable":
        reason = f"（{row['reason']}）" if row.get("reason") else ""
        return f"本项不适用{reason}，" + (f"按满分计，本项得{_pts(points)}" if item.kind == "base" else "不计分")
    if status == "missing":
        how = "按规定不扣分" if item.missing == "full" else "按规定不得分"
        return f"{item.name}缺数据，{how}，本项得{_pts(points)}"
    if status == "unmapped":
        return f"{item.name}等级为「{row['text']}」，评分细则中无对应分值，本项得0分"
    text = _rule_text(item, row)
    if status == "zeroed":
        assert item.zero_if is not None
        return f"{text}；但{_condition(item.zero_if, row)}，本项得0分"
    text += _bonus_text(item, row, scheme)
    if row["floor_hit"] and item.bonus is None:
        text += "，扣完为止"
    if item.kind == "deduction":
        return f"{text}，本项扣{_pts(abs(points))}" if points else f"{text}，本项不扣分"
    return f"{text}，本项得{_pts(points)}"


def _adjustment_sentence(adjustment: sc.Adjustment, row: Row, scheme: sc.Scheme) -> str:
    if not row["hit"]:
        return f"{adjustment.name}：未触发"
    what = _condition(adjustment.when, row)
    if adjustment.kind == "veto":
        return f"{adjustment.name}：{what}，一票否决，等次定为{scheme.grades[-1].name}"
    return f"{adjustment.name}：{what}，等次最高为{adjustment.grade}"


def explain(row: Row, scheme: sc.Scheme) -> str:
    """The sentence of one trace row (a row of :attr:`calc.scoring.engine.Scoring.trace`, as a dict)."""
    code = str(row["item"])
    if row["kind"] == "adjustment":
        adjustment = next(a for a in scheme.adjustments if a.code == code)
        return _adjustment_sentence(adjustment, row, scheme)
    return _item_sentence(scheme.item(code), row, scheme)
