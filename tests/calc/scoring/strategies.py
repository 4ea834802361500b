"""Hypothesis strategies: valid random schemes (for the file round trip and the engine-vs-reference test)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from calc.scoring import scheme as sc

KEYS = ("k1", "k2", "k3", "k4")
CATEGORIES = ("优秀", "良好", "合格", "不合格")
GRADE_SETS = (
    (sc.Grade("优秀", Decimal(90)), sc.Grade("良好", Decimal(70)), sc.Grade("合格", Decimal(60)), sc.Grade("不合格")),
    (sc.Grade("A", Decimal("85.5")), sc.Grade("B")),
)
# Odd text for the writer: quotes, backslashes, a newline, a tab, DEL, and Chinese.
texts = st.sampled_from(["", "PM2.5年均浓度", 'say "hi"', "back\\slash", "line\nbreak\ttab", "del\x7f", "µg/m³"])
codes = st.sampled_from(["A1", "A2", "B-1", "c_2", "x.y", "Z9"])


def amounts(places: int = 2, low: str = "0.01", high: str = "20") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False,
                       allow_infinity=False)


def rules(places: int) -> st.SearchStrategy[sc.Rule]:
    rate = amounts(3, "0.05", "3")
    key = st.sampled_from(KEYS)
    per = st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(2), Decimal("0.3")])
    step = amounts(places, "0.1", "2")
    return st.one_of(
        st.builds(sc.GapLinear, key=key, comparison=st.sampled_from(["<=", ">="]), deduct=rate,
                  target=st.one_of(st.none(), amounts(1, "0", "100")), per=per,
                  rounding=st.sampled_from(["exact", "up", "down"]), unit=st.sampled_from(["", "%", "µg/m³"]),
                  label=texts).map(lambda r: r if r.target is not None else sc.GapLinear(
                      **{**r.__dict__, "target_key": "k1.target"})),
        st.builds(sc.ThresholdCount, key=key, required=st.integers(1, 5).map(Decimal), deduct=rate),
        st.builds(sc.RankPoints, key=key, order=st.sampled_from(["higher", "lower"]), mode=st.just("step"), step=step),
        st.builds(sc.RankPoints, key=key, mode=st.just("share")),
        st.builds(sc.GradeMap, key=key, points=st.lists(st.tuples(st.sampled_from(CATEGORIES), amounts(places, "0", "1")),
                                                     min_size=1, max_size=4, unique_by=lambda p: p[0]).map(tuple)),
        st.builds(sc.PeriodicEvents, key=key, deduct=rate, waiver_key=st.one_of(st.none(), st.just("k4"))),
        st.builds(sc.PeriodicEvents, key=key, deduct=rate, severe_key=st.just("k3"), severe_deduct=rate),
        st.builds(sc.BonusCapped, key=key, per=rate),
        st.builds(sc.EventDeduction, key=key, per=rate),
        st.builds(sc.CompositeIndex, indicators=st.lists(
            st.builds(sc.IndexIndicator, key=key, name=st.sampled_from(["甲", "乙"]), weight=amounts(2, "0.5", "3"),
                      order=st.sampled_from(["higher", "lower"])), min_size=1, max_size=3, unique_by=lambda i: i.key
        ).map(tuple), mode=st.sampled_from(["share", "step"])).map(
            lambda r: r if r.mode == "share" else sc.CompositeIndex(r.indicators, "step", Decimal(1))),
        st.just(sc.Manual()),
    )


conditions = st.builds(sc.Condition, key=st.sampled_from(KEYS), op=st.sampled_from([">=", ">", "<=", "<", "=", "!="]),
                       value=st.integers(0, 60).map(Decimal))


@st.composite
def items(draw: st.DrawFn, places: int) -> sc.Item:
    rule = draw(rules(places))
    points = draw(amounts(places, "1", "10"))
    kind_base = not isinstance(rule, sc.BonusCapped | sc.EventDeduction)
    extras = {}
    if kind_base:
        extras = {
            "floor": draw(st.booleans()),
            "zero_if": draw(st.one_of(st.none(), conditions)),
            "bonus": draw(st.one_of(st.none(), st.builds(sc.Bonus, key=st.sampled_from(KEYS), per=amounts(2, "0.5", "2"),
                                                         cap=amounts(places, "0.5", "3")))),
            "missing": draw(st.sampled_from(["zero", "full"])),
        }
    if isinstance(rule, sc.GradeMap):
        points = max(points, max(p for _, p in rule.points))
    return sc.Item(code="", name=draw(texts.filter(bool)), points=points, rule=rule, source=draw(texts),
                eco=draw(st.booleans()), **extras)


@st.composite
def schemes(draw: st.DrawFn, groups: tuple[str, ...] | None = None) -> sc.Scheme:
    places = draw(st.sampled_from([0, 1, 2, 3]))
    drawn = draw(st.lists(items(places), min_size=1, max_size=7))
    numbered = [sc.Item(**{**i.__dict__, "code": f"I{n}"}) for n, i in enumerate(drawn, start=1)]
    if all(i.kind != "base" for i in numbered):
        numbered.append(sc.Item(code="I0", name="基本项", points=Decimal(5), rule=sc.Manual()))
    cut = draw(st.integers(1, len(numbered)))
    sections = tuple(s for s in (sc.Section("S1", "甲", tuple(numbered[:cut])), sc.Section("S2", "乙", tuple(numbered[cut:])))
                     if s.items)
    grades = draw(st.sampled_from(GRADE_SETS))
    adjustments = draw(st.lists(st.builds(
        sc.Adjustment, code=st.just(""), name=st.sampled_from(["一票否决", "封顶"]), kind=st.sampled_from(["veto", "grade_cap"]),
        when=conditions), max_size=2))
    adjustments = [sc.Adjustment(code=f"V{n}", name=a.name, kind=a.kind, when=a.when,
                              grade=grades[1].name if a.kind == "grade_cap" else "")
                   for n, a in enumerate(adjustments, start=1)]
    total = sum((i.points for i in numbered if i.kind == "base"), Decimal(0))
    return sc.Scheme(code="random", name=draw(texts.filter(bool)), version=draw(st.integers(1, 9)),
                  groups=groups or draw(st.sampled_from([("county",), ("department",), ("county", "department")])),
                  period="year", total=total, sections=sections, grades=grades, adjustments=tuple(adjustments),
                  places=places, bonus_order=draw(st.sampled_from(["after", "before"])), note=draw(texts))
