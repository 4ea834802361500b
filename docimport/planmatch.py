"""Matching what a plan document names to what a program has: unit names → departments, target phrases →
framework indicators. Pure (no Django): the app passes the candidates in, and gets back each match with its
confidence and its reason in Chinese, for the office to confirm or correct in the preview.

Units, in this order (the first that finds one decides):

1. **exact** (1.0): the name, or one of the department's other spellings (``aliases``), as written;
2. **alias** (0.9): the same after the general normalisation (:func:`unit_key`: the city's own name and a leading
   市/县/区 dropped, 和/与/及 dropped, 委员会 → 委, 管理局 → 局) and the alias rules of
   ``planmatch_data/unit_aliases.txt`` (市住建局 = 市住房和城乡建设局 = 市住房城乡建设局);
3. **fuzzy** (0.5–0.8): the most similar department by shared character pairs, when similar enough;
4. otherwise a **new** unit is proposed (a collective name such as 各县区政府 is **skipped**: it is no unit).

Indicators: by name (1.0), by the synonyms of ``planmatch_data/indicator_synonyms.txt`` (0.9), by one name
containing the other (0.8), then by character-pair overlap (below 0.8); none when nothing is close.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "planmatch_data"

#: Below this similarity (Dice over character pairs) a fuzzy candidate is not proposed.
UNIT_FUZZY_MIN = 0.6
INDICATOR_FUZZY_MIN = 0.5


class MatchKind(StrEnum):
    EXACT = "exact"
    ALIAS = "alias"
    FUZZY = "fuzzy"
    NEW = "new"
    SKIP = "skip"  # a collective name (各县区政府): no unit to create or match
    NONE = "none"  # an indicator phrase with no indicator close enough


@dataclass(frozen=True, slots=True)
class Candidate:
    """A department or an indicator the document may name: its id, name and other spellings."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """What a name was matched to (``id`` None: nothing), how sure (0–1), and why, in Chinese."""

    name: str
    kind: MatchKind
    id: int | None
    matched: str
    confidence: float
    reason: str


# --- normalisation ---------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s（）()【】\[\]《》<>“”\"'：:—\-·.,，、；;]")
_CONJUNCTIONS = re.compile(r"[和与及]")
_FULL_WIDTH = {
    ord(c): ord(c) - 0xFEE0
    for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
}
#: Collective names: every county, every unit, "the units the plan concerns", a bare 政府/党委. Not one unit.
_COLLECTIVE = re.compile(
    r"^(各|全市|全县|全区|相关|有关|其他|其它)|所有|涉及|^(党委|政府|党委政府|人民政府)$"
)


def _clean(name: str) -> str:
    return _SPACE.sub("", name.translate(_FULL_WIDTH)).strip()


def unit_key(name: str, places: Sequence[str] = ()) -> str:
    """The general normalisation of a unit name: ``places`` (the city's name, with and without 市, its
    counties) and a leading 市/县/区 dropped, 中共 and 人民 dropped, 和/与/及 dropped, 委员会 → 委, 管理局 → 局."""
    text = _PUNCT.sub("", _clean(name))
    for place in sorted(places, key=len, reverse=True):
        if place and text.startswith(place) and len(text) > len(place):
            text = text[len(place) :]
            break
    text = re.sub(r"^中共", "", text)
    if len(text) > 2 and not text.startswith("市场"):  # 市场监管局 is a name, not 市 + 场…
        text = re.sub(r"^[市县区]", "", text)
    text = text.replace("人民政府", "政府").replace("委员会", "委").replace("管理局", "局")
    return _CONJUNCTIONS.sub("", text)


def _groups(filename: str) -> list[list[str]]:
    rows = []
    for line in (DATA / filename).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append([name.strip() for name in line.split("=") if name.strip()])
    return rows


def _rules(filename: str, key: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """Each name of the groups in ``filename``, by its ``key`` → (the key of the group's first name, the rule as
    written); a name in two groups keeps the first."""
    rules: dict[str, tuple[str, str]] = {}
    for group in _groups(filename):
        rule = " = ".join(group)
        for name in group:
            rules.setdefault(key(name), (key(group[0]), rule))
    return rules


@cache
def unit_alias_rules() -> dict[str, tuple[str, str]]:
    """Normalised name → (the group's first name, the rule as written), from ``unit_aliases.txt``."""
    return _rules("unit_aliases.txt", unit_key)


def _canonical(name: str, places: Sequence[str]) -> tuple[str, str]:
    """(The name's key after the alias rules, the rule that applied or "")."""
    key = unit_key(name, places)
    canonical, rule = unit_alias_rules().get(key, (key, ""))
    return canonical, rule


def pairs(text: str) -> set[str]:
    """The character pairs of ``text`` (single characters for a one-character text)."""
    return {text[i : i + 2] for i in range(len(text) - 1)} or set(text)


def similarity(a: str, b: str) -> float:
    """Dice's coefficient over character pairs: 1.0 for equal texts, 0.0 for texts sharing no pair."""
    first, second = pairs(a), pairs(b)
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


# --- units -----------------------------------------------------------------------------------------------


def match_unit(name: str, departments: Sequence[Candidate], places: Sequence[str] = ()) -> Match:
    """The department ``name`` means (see the module's order), or a proposed new unit."""
    written = _clean(name)
    for unit in departments:
        if written == unit.name:
            return Match(name, MatchKind.EXACT, unit.id, unit.name, 1.0, "与单位名称完全一致")
    for unit in departments:
        if written in unit.aliases:
            return Match(
                name, MatchKind.EXACT, unit.id, unit.name, 1.0, f"与该单位登记的其他写法“{written}”一致"
            )
    if _COLLECTIVE.search(written):
        return Match(name, MatchKind.SKIP, None, "", 0.0, "泛指多个单位或县区，不是一个单位，不匹配也不新增")
    wanted, rule = _canonical(written, places)
    for unit in departments:
        for spelling in (unit.name, *unit.aliases):
            key, unit_rule = _canonical(spelling, places)
            if key == wanted:
                why = rule or unit_rule
                reason = (
                    f"按别名规则“{why}”与“{spelling}”一致"
                    if why
                    else f"去掉地名前缀、“和/与”等后与“{spelling}”一致"
                )
                return Match(name, MatchKind.ALIAS, unit.id, unit.name, 0.9, reason)
    best: tuple[float, Candidate | None] = (0.0, None)
    for unit in departments:
        score = max(similarity(wanted, _canonical(s, places)[0]) for s in (unit.name, *unit.aliases))
        if score > best[0]:
            best = (score, unit)
    score, found = best
    if found is not None and score >= UNIT_FUZZY_MIN:
        confidence = round(0.5 + 0.3 * (score - UNIT_FUZZY_MIN) / (1 - UNIT_FUZZY_MIN), 2)
        return Match(
            name,
            MatchKind.FUZZY,
            found.id,
            found.name,
            confidence,
            f"名称与“{found.name}”相近（相似度{score:.2f}），请核对",
        )
    return Match(name, MatchKind.NEW, None, "", 0.0, "未找到对应单位，建议新增该单位")


def match_units(
    names: Iterable[str], departments: Sequence[Candidate], places: Sequence[str] = ()
) -> dict[str, Match]:
    """Each distinct name → its match."""
    return {name: match_unit(name, departments, places) for name in dict.fromkeys(names)}


# --- indicators ------------------------------------------------------------------------------------------


def phrase_key(text: str) -> str:
    """An indicator phrase without spaces, punctuation and a trailing 比例/比率 wording difference."""
    return _PUNCT.sub("", _clean(text)).replace("PM25", "PM2.5").upper()


@cache
def indicator_synonyms() -> dict[str, tuple[str, str]]:
    """Normalised phrase → (the framework's name, normalised; the synonym rule as written)."""
    return _rules("indicator_synonyms.txt", phrase_key)


def match_indicator(phrase: str, indicators: Sequence[Candidate]) -> Match:
    """The framework indicator a target phrase means (name, synonym, containment, similarity), or none."""
    wanted = phrase_key(phrase)
    keyed = [(phrase_key(c.name), c) for c in indicators]
    for key, indicator in keyed:
        if key == wanted:
            return Match(phrase, MatchKind.EXACT, indicator.id, indicator.name, 1.0, "与指标名称完全一致")
    canonical, rule = indicator_synonyms().get(wanted, ("", ""))
    if canonical:
        for key, indicator in keyed:
            if indicator_synonyms().get(key, (key, ""))[0] == canonical:
                return Match(phrase, MatchKind.ALIAS, indicator.id, indicator.name, 0.9, f"按同义词“{rule}”")
    contained = [
        (len(key), indicator)
        for key, indicator in keyed
        if len(key) >= 3 and (key in wanted or wanted in key)
    ]
    if contained:
        _, indicator = max(contained, key=lambda pair: pair[0])
        return Match(
            phrase,
            MatchKind.ALIAS,
            indicator.id,
            indicator.name,
            0.8,
            f"目标表述与指标名称“{indicator.name}”互相包含",
        )
    scored = [(similarity(wanted, key), indicator) for key, indicator in keyed]
    if scored:
        score, indicator = max(scored, key=lambda pair: pair[0])
        if score >= INDICATOR_FUZZY_MIN:
            return Match(
                phrase,
                MatchKind.FUZZY,
                indicator.id,
                indicator.name,
                round(0.8 * score, 2),
                f"与指标“{indicator.name}”字面相近（相似度{score:.2f}），请核对",
            )
    return Match(phrase, MatchKind.NONE, None, "", 0.0, "未找到对应指标")
