"""Small builders for the scoring tests: one-item schemes, fact frames and a run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from calc.scoring.engine import Scoring, score
from calc.scoring.scheme import Adjustment, Grade, Item, Rule, Scheme, Section

D = Decimal
GRADES = (Grade("优秀", D(90)), Grade("良好", D(70)), Grade("合格", D(60)), Grade("不合格"))
FACT_SCHEMA = {"subject": pl.String, "period": pl.String, "key": pl.String, "part": pl.String,
               "value": pl.Decimal(38, 6), "text": pl.String, "na": pl.Boolean, "source_kind": pl.String,
               "source_id": pl.Int64}


def item(rule: Rule, points: str | int = 10, code: str = "X1", **kwargs: Any) -> Item:
    return Item(code=code, name=kwargs.pop("name", "测试项"), points=D(points), rule=rule, **kwargs)


def scheme(*items: Item, adjustments: Sequence[Adjustment] = (), bonus_order: str = "after", places: int = 2,
           groups: tuple[str, ...] = ("county",), grades: tuple[Grade, ...] = GRADES) -> Scheme:
    total = sum((i.points for i in items if i.kind == "base"), D(0)) or D(1)
    return Scheme(code="t", name="测试细则", version=1, groups=groups, period="year", total=total,
                  sections=(Section("S", "测试", tuple(items)),), grades=grades, adjustments=tuple(adjustments),
                  places=places, bonus_order=bonus_order)  # type: ignore[arg-type]


def fact(subject: str, key: str, value: Any = None, *, part: str | None = None, text: str | None = None,
         na: bool = False, period: str = "2025", source: tuple[str, int] | None = None) -> dict[str, Any]:
    return {"subject": subject, "period": period, "key": key, "part": part,
            "value": None if value is None else D(str(value)), "text": text, "na": na,
            "source_kind": source[0] if source else None, "source_id": source[1] if source else None}


def facts_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=FACT_SCHEMA)


def subjects_frame(names: Iterable[str], group: str = "county") -> pl.DataFrame:
    return pl.DataFrame({"subject": list(names), "group": group}, schema={"subject": pl.String, "group": pl.String})


def run(the_scheme: Scheme, rows: Iterable[dict[str, Any]], subjects: Iterable[str] = ("s1",), **kwargs: Any) -> Scoring:
    return score(the_scheme, subjects_frame(subjects), facts_frame(rows), periods=kwargs.pop("periods", ["2025"]),
                 **kwargs)


def row(result: Scoring, subject: str = "s1", code: str = "X1") -> dict[str, Any]:
    rows = result.trace.filter((pl.col("subject") == subject) & (pl.col("item") == code)).to_dicts()
    assert len(rows) == 1
    return rows[0]


def total(result: Scoring, subject: str = "s1") -> dict[str, Any]:
    rows = result.totals.filter(pl.col("subject") == subject).to_dicts()
    assert len(rows) == 1
    return rows[0]
