"""Reading a plan's text into a :class:`PlanExtraction`: headings, tasks, targets, phases, project totals.

Rules and keyword tables (``rules.toml``), no statistics. Everything works on the normalised text
(``normalise.py``), line by line for the structure and sentence by sentence for targets; every item keeps its span.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .model import (
    Comparator,
    Heading,
    PlanExtraction,
    PlanPhase,
    PlanTarget,
    PlanTask,
    ProjectCategory,
    ProjectsTotal,
    Span,
)
from .normalise import normalise
from .read import read_text

_CN = "〇零一二三四五六七八九十百两"
_OPEN = "(（"
_CLOSE = ")）"


@dataclass(frozen=True)
class Rules:
    lead_labels: tuple[str, ...]
    cooperating_labels: tuple[str, ...]
    unit_suffixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    lead_verbs: tuple[str, ...]
    other_fields: tuple[str, ...]
    cooperating_verbs: tuple[str, ...]
    blanket_markers: tuple[str, ...]
    blanket_openers: tuple[str, ...]
    blanket_closers: tuple[str, ...]
    blanket_adverbs: tuple[str, ...]
    prefix: dict[str, Comparator]
    suffix: dict[str, Comparator]
    units: tuple[str, ...]
    not_units: tuple[str, ...]
    scope_prefixes: tuple[str, ...]
    scope_trailing: tuple[str, ...]
    past_markers: tuple[str, ...]
    past_headings: tuple[str, ...]
    rate_words: tuple[str, ...]
    period_words: tuple[str, ...]
    total_openers: tuple[str, ...]


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@cache
def rules() -> Rules:
    raw: dict[str, Any] = tomllib.loads((Path(__file__).with_name("rules.toml")).read_text(encoding="utf-8"))
    a, b, t = raw["assignment"], raw["blanket"], raw["targets"]
    return Rules(
        lead_labels=_longest_first(a["lead_labels"]),
        cooperating_labels=_longest_first(a["cooperating_labels"]),
        unit_suffixes=_longest_first(a["unit_suffixes"]),
        strip_suffixes=_longest_first(a["strip_suffixes"]),
        lead_verbs=_longest_first(a["lead_verbs"]),
        other_fields=_longest_first(a["other_fields"]),
        cooperating_verbs=_longest_first(a["cooperating_verbs"]),
        blanket_markers=tuple(b["markers"]),
        blanket_openers=_longest_first(b["openers"]),
        blanket_closers=_longest_first(b["closers"]),
        blanket_adverbs=_longest_first(b["adverbs"]),
        prefix={k: Comparator(v) for k, v in t["prefix"].items()},
        suffix={k: Comparator(v) for k, v in t["suffix"].items()},
        units=_longest_first(t["units"]["units"]),
        not_units=tuple(t["units"]["not_units"]),
        scope_prefixes=_longest_first(t["scope"]["prefixes"]),
        scope_trailing=tuple(t["scope"]["trailing"]),
        past_markers=tuple(t["past"]["markers"]),
        past_headings=tuple(t["past"]["headings"]),
        rate_words=tuple(t["scope"]["rate_words"]),
        period_words=_longest_first(raw["phases"]["period_words"]),
        total_openers=_longest_first(raw["projects"]["total_openers"]),
    )


@cache
def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


# ---------------------------------------------------------------------------------------------------------------
# Lines and headings


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    start: int
    stop: int | None = None  # where a joined line ends, when it is not start + len(text)

    @property
    def end(self) -> int:
        return self.stop if self.stop is not None else self.start + len(self.text)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append(_Line(stripped, pos + raw.index(stripped[0])))
        pos += len(raw) + 1
    return out


#: (style, pattern): the marker is group 1, the rest of the line group 2. Tried in this order.
_HEADING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^(第[{_CN}\d]+(?:部分|篇))\s*[:：、.]?\s*(.*)$")),
    ("chapter", re.compile(rf"^(第[{_CN}\d]+章)\s*[:：、.]?\s*(.*)$")),
    ("section", re.compile(rf"^(第[{_CN}\d]+节)\s*[:：、.]?\s*(.*)$")),
    ("task", re.compile(rf"^(任务[{_CN}\d]+)\s*[:：、.．]?\s*(.+)$")),
    ("cn", re.compile(rf"^([{_CN}]+)\s*[、.．]\s*(.+)$")),
    ("pcn", re.compile(rf"^([{_OPEN}][{_CN}]+[{_CLOSE}])\s*[、.．]?\s*(.+)$")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[.．、](?!\d)|\s)\s*(.+)$")),
    ("rnum", re.compile(rf"^(\d{{1,3}})[{_CLOSE}]\s*(.+)$")),
    ("pnum", re.compile(rf"^([{_OPEN}]\d{{1,3}}[{_CLOSE}])\s*[、.．]?\s*(.+)$")),
    ("circle", re.compile(r"^([①-⑳])\s*[、.．]?\s*(.+)$")),
)


def _ref_marker(marker: str) -> str:
    return marker.replace("（", "(").replace("）", ")")


@dataclass
class _Node:
    style: str
    marker: str
    title: str
    level: int
    start: int
    end: int
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    body: list[_Line] = field(default_factory=list)
    line: _Line | None = None

    def path(self) -> list[_Node]:
        node: _Node | None = self
        out: list[_Node] = []
        while node is not None and node.style != "root":
            out.append(node)
            node = node.parent
        return out[::-1]

    def ref(self) -> str:
        return ".".join(_ref_marker(n.marker) if n.marker else n.title for n in self.path())

    def freeze(self) -> Heading:
        return Heading(
            self.marker,
            self.title,
            self.level,
            Span(self.start, self.end),
            tuple(c.freeze() for c in self.children),
        )


_TITLE_END = re.compile(r"[。；;]")
_FINAL_PUNCT = "。；;，,：:、！？!?…"


def _title_of(rest: str) -> str:
    rest = _round_brackets(rest)
    labels = _trailing_labels(rest)
    title = _TITLE_END.split(rest[:labels] if labels is not None else rest, maxsplit=1)[0]
    title = _BRACKET_GROUP.sub(lambda m: "" if _has_label(m.group(0)) else m.group(0), title)
    return title.strip().rstrip("：:，,")


def _is_label_line(text: str) -> bool:
    r = rules()
    return re.match(rf"^(?:{_alt(r.lead_labels + r.cooperating_labels)})\s*[:：]", text) is not None


def _match_heading(line: _Line) -> tuple[str, str, str] | None:
    for style, pattern in _HEADING_PATTERNS:
        m = pattern.match(line.text)
        if m:
            marker, rest = m.group(1), m.group(2).strip()
            if style == "num" and not rest:
                return None
            return style, marker, rest
    return None


_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def _is_bare_heading(line: _Line, following: _Line | None) -> bool:
    text = line.text
    if following is None or len(text) > 25 or len(text) < 2 or text[-1] in _FINAL_PUNCT:
        return False
    if any(c in text for c in "，,。；;") or _is_label_line(text) or _DATE_LINE.match(text):
        return False
    if text[0] in _OPEN or text.startswith(("附件", "抄送", "《")):
        return False
    if _is_label_line(following.text):
        # A short line right before a label line is an item's text, not a heading over a body.
        return False
    return len(following.text) > len(text) and _match_heading(following) is None


_ANNEX = re.compile(rf"^(?:附件|附表)\s*[\d{_CN}]*\s*(?:[:：]|$)")
_DOCUMENT_WORDS = re.compile(r"方案|规划|要点|意见|通知|计划|办法|纲要|行动|清单")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff“”《》（）()]+$")


def _title(lines: list[_Line]) -> tuple[str, int]:
    """The document's title and how many lines it takes: the first line of the first three naming a kind of
    document (方案, 规划, 要点 …), with a short Chinese line before it that it continues."""
    for i, line in enumerate(lines[:3]):
        text = line.text
        if len(text) <= 60 and text[-1] not in _FINAL_PUNCT and _match_heading(line) is None:
            if _DOCUMENT_WORDS.search(text) and not re.search(r"[>|»›/]", text):
                if i > 0 and _CJK_ONLY.match(lines[i - 1].text) and len(lines[i - 1].text) <= 30:
                    return lines[i - 1].text + text, i + 1
                return text, i + 1
    return "", 0


def _build_tree(lines: list[_Line]) -> tuple[_Node, str]:
    root = _Node("root", "", "", 0, 0, 0, None)
    stack: list[_Node] = [root]
    title, skip = _title(lines)
    for i, line in enumerate(lines):
        if i < skip:
            continue
        following = lines[i + 1] if i + 1 < len(lines) else None
        if _ANNEX.match(line.text):
            # An annex (附件：任务分工表) stands outside the plan's numbering: its items start again at the top.
            del stack[1:]
            root.body.append(line)
            continue
        found = _match_heading(line)
        if found is None and _is_bare_heading(line, following):
            found = ("bare", "", line.text)
        if found is None:
            stack[-1].body.append(line)
            continue
        style, marker, rest = found
        if style != "bare" and len(stack) > 1 and stack[1].style == "bare":
            # Bare lines above the first numbered heading (a second title line, a banner) head nothing.
            del stack[1:]
        styles = [n.style for n in stack]
        if style in styles:
            del stack[styles.index(style) :]
        parent = stack[-1]
        node = _Node(
            style,
            marker,
            _title_of(rest) if style != "bare" else rest,
            len(stack),
            line.start,
            line.end,
            parent,
            line=line,
        )
        parent.children.append(node)
        stack.append(node)
    return root, title


# ---------------------------------------------------------------------------------------------------------------
# Units and assignments

_BRACKET_GROUP = re.compile(r"[(（]((?:[^()（）]|[(（][^()（）]*[)）])*)[)）]")
_UNIT_SPLIT = re.compile(r"[、，,;；/ ]")


def _has_label(text: str) -> bool:
    r = rules()
    return re.search(rf"(?:{_alt(r.lead_labels + r.cooperating_labels)})\s*[:：]", text) is not None


def _is_unit(name: str) -> bool:
    return 2 <= len(name) <= 30 and name.endswith(rules().unit_suffixes) and "。" not in name


def _clean_unit(name: str) -> str:
    name = name.strip().strip("。.：:").strip()
    changed = True
    while changed:
        changed = False
        for suffix in rules().strip_suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)].strip()
                changed = True
    if name.startswith("由") and _is_unit(name[1:]):
        name = name[1:]
    return name


def _split_outside_brackets(value: str) -> list[str]:
    """Split on 、，,;；/ except inside brackets ("各县（市、区）人民政府" stays one name)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in value:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and _UNIT_SPLIT.match(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def split_units(value: str) -> tuple[str, ...]:
    """Unit names of a list as written: split on 、，,;；/ (not inside brackets), and on 及/和/与 only where both
    sides are units ("市农业农村局和市卫生健康局", never "市住房和城乡建设局")."""
    out: list[str] = []
    for part in _split_outside_brackets(value):
        part = _clean_unit(part)
        if not part:
            continue
        pieces = re.split(r"[及和与]", part)
        if len(pieces) > 1 and all(_is_unit(_clean_unit(p)) for p in pieces):
            out.extend(_clean_unit(p) for p in pieces)
        else:
            out.append(part)
    return tuple(dict.fromkeys(out))


@dataclass
class _Assignment:
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    end: int = 0
    only_label_lines: bool = True  # every unit came from label lines after the heading's line

    def add(self, lead: tuple[str, ...], cooperating: tuple[str, ...]) -> None:
        self.lead.extend(u for u in lead if u not in self.lead)
        self.cooperating.extend(u for u in cooperating if u not in self.cooperating and u not in self.lead)

    @property
    def empty(self) -> bool:
        return not self.lead and not self.cooperating


def _blanket_units(sentence: str) -> tuple[str, ...] | None:
    r = rules()
    if not any(m in sentence for m in r.blanket_markers):
        return None
    m = re.search(
        rf"(?:{_alt(r.blanket_openers)})(.+?)(?:{_alt(r.blanket_adverbs)})*(?:{_alt(r.blanket_closers)})",
        sentence,
    )
    return split_units(m.group(1)) if m else ()


_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_FULL_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _strip_blankets(text: str, blankets: list[str]) -> str:
    """Remove blanket sentences (in brackets or not) from a label's value, collecting their units."""

    def bracket(m: re.Match[str]) -> str:
        units = _blanket_units(m.group(1))
        if units is None:
            return m.group(0)
        blankets.extend(units)
        return ""

    text = _BRACKET_GROUP.sub(bracket, text)
    kept: list[str] = []
    for s in _SENTENCE.findall(text):
        units = _blanket_units(s)
        if units is None:
            kept.append(s)
        else:
            blankets.extend(units)
    return "".join(kept)


@dataclass
class _Context:
    """What one document's assignments share: its blanket units, and whether it says that the first unit of a
    list is the lead ("列第一位的为牵头单位")."""

    first_is_lead: bool = False
    blankets: list[str] = field(default_factory=list)


#: Another field of the item after the units: a short label and a colon (完成时限：, 责任人：, 时间节点：).
_OTHER_FIELD_SEPARATED = r"[；;，,\s][\u4e00-\u9fff]{2,6}[:：]"
_FIRST_IS_LEAD = re.compile(r"(?:列|排|居)?(?:在)?(?:第一位|首位|第一个)的?(?:单位)?(?:为|是)牵头单位")
_LEAD_MARK = re.compile(r"\s*[(（]\s*牵头\s*[)）]$")


def _label_values(text: str, ctx: _Context) -> _Assignment:
    """ "牵头单位：A、B；配合单位：C" (a line, or the inside of a bracket) → lead A, B; cooperating C. In a 责任单位
    list, a unit marked "（牵头）" leads and the others cooperate; so does the first one where the document says so."""
    r = rules()
    labels = r.lead_labels + r.cooperating_labels
    pattern = re.compile(rf"({_alt(labels)})\s*[:：]")
    found = _Assignment()
    matches = list(pattern.finditer(text))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        value = _strip_blankets(text[m.end() : end], ctx.blankets)
        other = re.search(rf"{_OTHER_FIELD_SEPARATED}|(?:{_alt(r.other_fields)})\s*[:：]", value)
        value = (value[: other.start()] if other else value).strip().strip("；;，,。 ")
        if m.group(1) not in r.lead_labels:
            found.add((), split_units(value))
            continue
        worded = _free_form(value)
        if worded is not None:  # "责任单位：市发展改革委牵头，市工信局配合"
            found.add(tuple(worded.lead), tuple(worded.cooperating))
            continue
        units = split_units(value)
        marked = [u for u in units if _LEAD_MARK.search(u)]
        if marked:
            found.add(
                tuple(_LEAD_MARK.sub("", u) for u in marked), tuple(u for u in units if u not in marked)
            )
        elif ctx.first_is_lead and "牵头" not in m.group(1) and len(units) > 1:
            found.add(units[:1], units[1:])
        else:
            found.add(units, ())
    return found


def _free_form(sentence: str) -> _Assignment | None:
    """ "市发展改革委牵头，市工信局、市生态环境局配合" / "各县区政府负责": only when every name is a unit."""
    r = rules()
    body = sentence.strip().rstrip("。；;，, ")
    m = re.fullmatch(
        rf"(?:由)?(?P<lead>[^，,。；;:：]+?)(?:按职责)?(?:{_alt(r.lead_verbs)})"
        rf"(?:[，,、]\s*(?P<coop>[^。；;:：]+?)(?:按职责分工)?(?:{_alt(r.cooperating_verbs)}))?",
        body,
    )
    if not m:
        return None
    lead = split_units(m.group("lead"))
    coop = split_units(m.group("coop")) if m.group("coop") else ()
    if not lead or not all(_is_unit(u) for u in lead + coop):
        return None
    a = _Assignment()
    a.add(lead, coop)
    return a


def _trailing_labels(text: str) -> int | None:
    """Where labels start after the item's text on the same line, outside brackets ("…。责任单位：…",
    "1.编制规划 牵头单位：…"), if they do."""
    r = rules()
    for m in re.finditer(rf"(?:{_alt(r.lead_labels + r.cooperating_labels)})\s*[:：]", text):
        before = text[: m.start()]
        if sum(before.count(c) for c in _OPEN) == sum(before.count(c) for c in _CLOSE):
            return m.start()
    return None


#: Square brackets a web page or a 工作要点 puts around an item's units: "【责任单位：…】", "[牵头单位：…]".
_SQUARE_GROUP = re.compile(r"[【\[]([^【】\[\]]*)[】\]]")


def _round_brackets(text: str) -> str:
    """ "【责任单位：A】" read as "（责任单位：A）" (the same length, so offsets hold)."""
    return _SQUARE_GROUP.sub(lambda m: f"（{m.group(1)}）", text)


def _closing_units(inner: str, after: str) -> _Assignment | None:
    """A bracket closing the item that holds units only: "…完成入河排污口整治。（市生态环境局、市水利局）" → they lead."""
    if after.strip("。；;，, "):
        return None
    units = split_units(inner)
    if not units or not all(_is_unit(u) and not re.search("[:：]", u) for u in units):
        return None
    found = _Assignment()
    found.add(units, ())
    return found


def _assignments_in(text: str, ctx: _Context) -> list[_Assignment]:
    """The assignments one line of an item states: a label line, brackets after the item, or a clause in words."""
    text = _round_brackets(text)
    if _is_label_line(text):
        return [_label_values(text, ctx)]
    found: list[_Assignment] = []
    tail = _trailing_labels(text)
    if tail is not None:
        # "…完成改造企业不少于25家。责任单位：省生态环境厅、省工业和信息化厅": labels after the item's last sentence.
        found.append(_label_values(text[tail:], ctx))
        text = text[:tail]
    for bm in _BRACKET_GROUP.finditer(text):
        inner = bm.group(1)
        a = _label_values(inner, ctx) if _has_label(inner) else _free_form(inner)
        if a is None:
            a = _closing_units(inner, text[bm.end() :])
        if a is not None:
            found.append(a)
    # Brackets that assigned are read above; others stay ("各县（市、区）政府负责").
    plain = _BRACKET_GROUP.sub(
        lambda b: (
            ""
            if _has_label(b.group(1)) or _free_form(b.group(1)) or _closing_units(b.group(1), text[b.end() :])
            else b.group(0)
        ),
        text,
    )
    for clause in re.split(r"[。；;]", plain):
        a = _free_form(clause)
        if a is not None:
            found.append(a)
    return found


def _item_lines(node: _Node) -> list[_Line]:
    """A heading's own line and body, a label standing alone on its line joined with the value on the next."""
    lines = ([node.line] if node.line is not None else []) + node.body
    out: list[_Line] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if _is_label_line(line.text) and re.fullmatch(r"[^:：]+[:：]\s*", line.text) and k + 1 < len(lines):
            following = lines[k + 1]
            if not _is_label_line(following.text):
                out.append(_Line(line.text + following.text, line.start, following.end))
                k += 2
                continue
        out.append(line)
        k += 1
    return out


def _assignment_of(node: _Node, ctx: _Context) -> _Assignment:
    """What a heading's own line and body assign; ``end`` is the end of the last line that assigned something."""
    found = _Assignment()
    for line in _item_lines(node):
        for a in _assignments_in(line.text, ctx):
            found.add(tuple(a.lead), tuple(a.cooperating))
            if not a.empty:
                found.end = line.end
                if line.start == node.start or not _is_assignment_line(line.text):
                    found.only_label_lines = False
    return found


def _is_assignment_line(text: str) -> bool:
    """A line that only assigns: a label line ("牵头单位：…") or one sentence in words ("市城管局牵头，市财政局配合。")."""
    return _is_label_line(text) or _free_form(text) is not None


def _lift_trailing_labels(assigned: dict[int, _Assignment], nodes: list[_Node]) -> None:
    """Label lines after an item's last sub-item belong to the item ("1.…\n（1）…\n（2）…\n牵头单位：…", or a line
    "A牵头，B配合。"): moved up when the last sub-item's only assignment is those lines and no other sub-item has one."""
    for node in nodes:
        found = assigned.get(id(node))
        parent = node.parent
        if found is None or not found.only_label_lines or parent is None or parent.style == "root":
            continue
        siblings = parent.children
        if len(siblings) > 1 and siblings[-1] is node and id(parent) not in assigned:
            if not any(id(s) in assigned for s in siblings[:-1]):
                assigned[id(parent)] = assigned.pop(id(node))


# ---------------------------------------------------------------------------------------------------------------
# Targets

_NUMBER = r"\d+(?:\.\d+)?"
_YEAR = re.compile(
    r"(?:(?P<to>到|至|在)\s*)?(?P<y>(?:19|20)\d{2})\s*年(?:\d{1,2}月)?(?P<when>底|末|前|年底|年末|以前|之前)?"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|‘[^’]*’")


@cache
def _target_pattern() -> re.Pattern[str]:
    r = rules()
    units = _alt(r.units)
    return re.compile(
        rf"(?P<cmp>{_alt(tuple(sorted(r.prefix, key=len, reverse=True)))})?\s*"
        rf"(?P<num>{_NUMBER}|(?:{_alt(tuple(_FRACTIONS))})[{_CN_DIGITS}十百点]+)\s*"
        rf"(?P<unit>{units})?\s*(?P<post>{_alt(tuple(sorted(r.suffix, key=len, reverse=True)))})?"
    )


#: The last year of a five-year plan period: "到“十四五”末" → 2025.
_PERIOD_END = re.compile(r"(?:到|至)\s*[“\"]?(十[一二三四五六七八九]五)[”\"]?\s*(?:时期|规划期)?(?:末|期末)")
_PERIOD_LAST_YEAR = {f"十{d}五": 2005 + 5 * i for i, d in enumerate("一二三四五六七八九", start=1)}


def _deadlines(sentence: str) -> list[tuple[int, int]]:
    """(position, year) of each deadline in a sentence: "到2023年底", "2025年前", "至2030年", "到“十四五”末"."""
    out: list[tuple[int, int]] = []
    for m in _YEAR.finditer(sentence):
        if m.group("to") or m.group("when"):
            out.append((m.start(), int(m.group("y"))))
    for m in _PERIOD_END.finditer(sentence):
        out.append((m.start(), _PERIOD_LAST_YEAR[m.group(1)]))
    return sorted(out)


def _indicator(clause: str) -> str:
    r = rules()
    text = _YEAR.sub("", clause)
    text = re.sub(r"^[，,、：:\s]+", "", text)
    changed = True
    while changed:
        changed = False
        for p in r.scope_prefixes:
            if text.startswith(p) and len(text) > len(p):
                text = text[len(p) :]
                changed = True
    for t in r.scope_trailing:
        if text.endswith(t) and len(text) > len(t):
            text = text[: -len(t)]
    return text.strip("，,、：: ")


def _is_past(sentence: str, plan_year: int | None) -> bool:
    r = rules()
    if any(m in sentence for m in r.past_markers):
        return True
    # "2022年，全市PM2.5平均浓度为38微克/立方米": a bare year before the plan's own year opening the sentence
    # states a result ("2024年，…达到88.9%以上" in a plan for 2024 is its goal).
    m = _OPENING_YEAR.match(sentence)
    return m is not None and (plan_year is None or int(m.group(1)) < plan_year)


#: A sentence opening with a bare year: "2024年，全市…" (a result before the plan's year, else the year's goal).
_OPENING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年(?:[，,]|全市|全县|全区|全省|我市)")


def _past_sections(root: _Node, length: int) -> list[tuple[int, int]]:
    """Character ranges under a heading that reports past results ("第一节 发展基础"): from the heading to the next
    heading of its level or above."""
    nodes = _walk(root)
    headings = rules().past_headings
    out: list[tuple[int, int]] = []
    for i, node in enumerate(nodes):
        # A short heading with words only ("（一）发展现状"), not a table's field line ("现状值：20").
        title = node.title
        if len(title) <= 15 and not re.search(r"[\d:：]", title) and any(w in title for w in headings):
            end = next((n.start for n in nodes[i + 1 :] if n.level <= node.level), length)
            out.append((node.start, end))
    return out


def _plan_year(title: str, text: str) -> int | None:
    """The year the plan starts from: the year in its title, else its earliest deadline."""
    m = re.search(r"((?:19|20)\d{2})\s*(?:年|—)", title)
    if m:
        return int(m.group(1))
    years = [year for _pos, year in _deadlines(text)]
    return min(years) if years else None


#: Fractions written in words: "万分之三" → 3 万分之, "百分之九十" → 90 %.
_FRACTIONS = {"百分之": "%", "千分之": "‰", "万分之": "万分之"}
_CN_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_DIGITS = "".join(_CN_DIGIT_VALUES)


def _chinese_number(text: str) -> Decimal:
    """A small number in Chinese numerals: 三, 十五, 九十, 九十五, 一百, 九十九点五."""
    whole, _, fraction = text.partition("点")
    value = 0
    current = 0
    for ch in whole:
        if ch == "十":
            value += (current or 1) * 10
            current = 0
        elif ch == "百":
            value += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGIT_VALUES[ch]
    value += current
    digits = "".join(str(_CN_DIGIT_VALUES[c]) for c in fraction if c in _CN_DIGIT_VALUES)
    return Decimal(f"{value}.{digits}") if digits else Decimal(value)


def _value_and_unit(m: re.Match[str]) -> tuple[Decimal, str]:
    num = m.group("num")
    for word, unit in _FRACTIONS.items():
        if num.startswith(word):
            return _chinese_number(num[len(word) :]), unit
    return Decimal(num), m.group("unit") or ""


def _not_a_value(masked: str, m: re.Match[str]) -> bool:
    """A number inside a code or a range ("5+X", "PM2.5", "2021—2025", "第3"), or a date or document number."""
    before = masked[max(0, m.start("num") - 1) : m.start("num")]
    after = masked[m.end("num") : m.end("num") + 8]
    if (before.isascii() and before.isalnum()) or before in ("+", ".", "—", "-", "~", "第"):
        return True
    if after[:1] in ("+", "—", "-", "~", "、", "至"):
        return True
    if (after[:1] in (":", "：") and after[1:2].isdigit()) or (
        before in (":", "：") and masked[m.start("num") - 2 : m.start("num") - 1].isdigit()
    ):
        return True  # a ratio: "1:1"
    return not m.group("unit") and after.startswith(rules().not_units)


#: 至少/最少 as an adverb before a short verb phrase that ends at the value (no separator, no other number).
_ADVERB_AT_LEAST = re.compile(r"(?:至少|最少)[^，,。；;：:、\d\x00]{1,20}$")


def _comparator_of(masked: str, m: re.Match[str]) -> Comparator | None:
    """The comparator before the value, overridden by 以上/以下 after it where the clause ends there; a number with
    以上/以下 inside a phrase ("10蒸吨/小时以下燃煤锅炉") only limits a scope."""
    r = rules()
    cmp_word, post = m.group("cmp"), m.group("post")
    unit = _value_and_unit(m)[1]
    comparator: Comparator | None = r.prefix[cmp_word] if cmp_word else None
    if (
        comparator is None
        and unit in ("%", "‰")
        and masked[max(0, m.start() - 4) : m.start()].endswith(r.rate_words)
    ):
        comparator = Comparator.EQ  # "农村饮用水卫生合格率100%": a rate stated with its value, no verb
    if comparator is None and unit and _ADVERB_AT_LEAST.search(masked[max(0, m.start() - 24) : m.start()]):
        comparator = (
            Comparator.GE
        )  # "每年至少专题研究生态文明建设工作2次": 至少 before the verb, the value after it
    if post:
        rest = masked[m.end() : m.end() + 4]
        clause_ends = not rest or rest[0] in "，,。；;、）)\n" or rest.startswith(("的水平", "水平"))
        if clause_ends and comparator in (None, Comparator.EQ):
            comparator = r.suffix[post]
        elif not clause_ends and comparator is None:
            return None
    if comparator is Comparator.EQ and not unit:
        return None
    if cmp_word in ("为", "达") and not unit:
        return None
    return comparator


_LONG_SENTENCE = 500
#: How far before a value its indicator phrase may start (a clause without commas is cut there).
_LONGEST_INDICATOR = 80


@dataclass(frozen=True)
class _Separators:
    """Positions of the separators of one sentence, to find the clause and the ；-segment around a value in
    logarithmic time however long the sentence is."""

    segments: list[int]
    clauses: list[int]

    @classmethod
    def of(cls, masked: str) -> _Separators:
        return cls(
            [i for i, c in enumerate(masked) if c in "；;"],
            [i for i, c in enumerate(masked) if c in "，,：:；;"],
        )

    @staticmethod
    def before(positions: list[int], at: int) -> int:
        k = bisect_left(positions, at)
        return positions[k - 1] + 1 if k else 0

    @staticmethod
    def after(positions: list[int], at: int, end: int) -> int:
        k = bisect_left(positions, at)
        return positions[k] if k < len(positions) else end


def _targets_in(sentence: str, start: int, plan_year: int | None = None) -> list[PlanTarget]:
    """The targets of one sentence (up to 。): a deadline named anywhere before a value in the sentence applies to
    it, across ；; a clause (between ；) reporting the past has none."""
    if not re.search(r"\d", sentence):
        return []
    masked = _QUOTED.sub(lambda q: "\x00" * len(q.group(0)), sentence)
    deadlines = _deadlines(sentence)
    deadline_positions = [pos for pos, _year in deadlines]
    separators = _Separators.of(masked)
    past: dict[int, bool] = {}
    out: list[PlanTarget] = []
    previous: tuple[int, Comparator] | None = None
    respectively: list[str] = []  # "化学需氧量、氨氮减排量分别不少于1200吨、90吨": one indicator a value
    for m in _target_pattern().finditer(masked):
        if _not_a_value(masked, m):
            continue
        comparator = _comparator_of(masked, m)
        following = previous is not None and masked[previous[0] : m.start()].strip() in ("、", "和")
        if comparator is None and following and previous is not None:
            comparator = previous[1]
        if comparator is None:
            continue
        previous = (m.end(), comparator)
        segment_start = separators.before(separators.segments, m.start())
        if segment_start not in past:
            segment_end = separators.after(separators.segments, m.end(), len(masked))
            past[segment_start] = _is_past(sentence[segment_start:segment_end], plan_year)
        if past[segment_start]:
            continue
        clause_start = max(separators.before(separators.clauses, m.start()), m.start() - _LONGEST_INDICATOR)
        clause = sentence[clause_start : m.start()]
        k = bisect_left(deadline_positions, m.start())
        deadline = deadlines[k - 1][1] if k else (deadlines[0][1] if deadlines else None)
        if following and respectively:
            indicators = [respectively.pop(0)]
        else:
            indicators = _indicators(clause)
            if clause.rstrip().endswith("分别") and len(indicators) > 1:
                respectively = indicators[1:]
                indicators = indicators[:1]
        value, unit = _value_and_unit(m)
        text = sentence.strip() if len(sentence) <= _LONG_SENTENCE else sentence[clause_start : m.end()]
        for indicator in indicators:
            out.append(
                PlanTarget(
                    text=text,
                    indicator=indicator,
                    comparator=comparator,
                    value=value,
                    unit=unit,
                    deadline=deadline,
                    span=Span(start + clause_start, start + m.end()),
                )
            )
    return out


def _indicators(clause: str) -> list[str]:
    """The indicator phrase before a value; "满意度、参与度均不低于80%" names two."""
    indicator = _indicator(clause)
    if not indicator:
        return []
    if clause.rstrip().endswith(("均", "分别")) and "、" in indicator:
        return [part for part in (_indicator(p) for p in indicator.split("、")) if part]
    return [indicator]


def _sentences(text: str, pattern: re.Pattern[str] = _SENTENCE) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in pattern.finditer(text)]


# ---------------------------------------------------------------------------------------------------------------
# Phases

_DATE_RANGE = (
    r"(?P<y1>\d{4})\s*年?\s*(?:(?P<m1>\d{1,2})\s*月份?)?(?:[上中下]旬|初|底|末)?\s*(?:—|至|到)\s*"
    r"(?:(?P<y2>\d{4})\s*年?)?\s*(?:(?P<m2>\d{1,2})\s*月份?)?(?:[上中下]旬|初|底|末)?(?:年)?"
)


@cache
def _phase_patterns() -> tuple[re.Pattern[str], ...]:
    r = rules()
    name = (
        rf"(?P<name>第[{_CN}\d]+阶段(?:\s*[:：]\s*[^(（。，,;；\s]{{1,16}})?|{_alt(r.period_words)}"
        rf"|[\u4e00-\u9fff]{{1,10}}阶段)"
    )
    # The name's range may leave out the year ("总结验收阶段（11月—12月）"): it is the previous phase's.
    yearless = _DATE_RANGE.replace(r"(?P<y1>\d{4})\s*年?", r"(?:(?P<y1>\d{4})\s*年?)?", 1)
    return (
        re.compile(rf"{name}\s*[(（]\s*{yearless}\s*[)）]"),
        # "验收阶段（2023年12月底前）": an end only; the phase starts after the previous one.
        re.compile(
            rf"{name}\s*[(（]\s*(?P<y2>\d{{4}})\s*年\s*(?P<m2>\d{{1,2}})\s*月(?:底|末)?(?:前|以前|之前)\s*[)）]"
        ),
        re.compile(rf"{_DATE_RANGE}\s*[，,:：]?\s*(?:为|是)?\s*(?P<name>[\u4e00-\u9fff]{{1,10}}阶段)"),
        # "近期为2021—2025年": the name, then 为/是/：, then the range.
        re.compile(rf"{name}\s*(?:为|是|[:：])\s*{_DATE_RANGE}"),
        # "总结验收阶段（2025年12月）": one month, the phase's start and end.
        re.compile(rf"{name}\s*[(（]\s*(?P<y1>\d{{4}})\s*年\s*(?P<m1>\d{{1,2}})\s*月份?\s*[)）]"),
    )


def _month(year: str | None, month: str | None, default: str) -> str | None:
    if year is None:
        return None
    m = int(month) if month else int(default)
    if not 1 <= m <= 12:
        return None
    return f"{int(year):04d}-{m:02d}"


def _phase_range(
    m: re.Match[str], previous: PlanPhase | None, plan_year: int | None = None
) -> tuple[str, str] | None:
    groups = m.groupdict()
    y1, y2, m1, m2 = groups.get("y1"), groups.get("y2"), groups.get("m1"), groups.get("m2")
    if "y1" not in groups:  # an end only: from the month after the previous phase's end
        if y2 is None:
            return None
        if previous is None or previous.end is None:
            # The first phase ("启动阶段（2023年3月底前）") has no start written: its end month stands for it.
            y1, m1 = y2, m2
        else:
            year, month = int(previous.end[:4]), int(previous.end[5:])
            y1, m1 = (str(year + 1), "1") if month == 12 else (str(year), str(month + 1))
    if "y2" not in groups:  # one month ("总结验收阶段（2025年12月）")
        y2, m2 = y1, m1
    if not (y2 or m2):
        return None
    if y1 is None:
        if m1 is None:
            return None
        if previous is None or previous.end is None:
            # "动员部署（4月上旬）" as the first phase: the plan's own year.
            if plan_year is None:
                return None
            y1 = str(plan_year)
        else:
            # The previous phase's year, or the next one where the month comes before its end (phases may share
            # a month: "（4月上旬）" then "（4月中旬至10月底）").
            y1 = previous.end[:4]
            if (_month(y1, m1, "1") or "") < previous.end[:7]:
                y1 = str(int(y1) + 1)
    start = _month(y1, m1, "1")
    end = _month(y2 or y1, m2, "12")
    if start is None or end is None or end < start:
        return None
    return start, end


#: A heading over the plan's steps ("三、实施步骤", "四、时间安排"): its items are phases even without "阶段".
_STEP_HEADING = re.compile(r"步骤|时间安排|进度安排|阶段安排|时间节点|实施安排|工作安排|推进安排")


@cache
def _step_item_patterns() -> tuple[re.Pattern[str], ...]:
    """An item under a steps heading: a short name and its range, "（一）启动部署（2023年3月—4月）", or the range
    and then the name, "2023年3月—2023年12月：试点示范。"."""
    yearless = _DATE_RANGE.replace(r"(?P<y1>\d{4})\s*年?", r"(?:(?P<y1>\d{4})\s*年?)?", 1)
    return (
        re.compile(
            rf"^(?:[{_OPEN}][{_CN}\d]+[{_CLOSE}]|[{_CN}\d]+[、.．])\s*(?P<name>[\u4e00-\u9fff]{{2,12}})\s*"
            rf"[(（]\s*{yearless}\s*[)）]"
        ),
        re.compile(
            rf"^(?:[{_OPEN}][{_CN}\d]+[{_CLOSE}]\s*)?{_DATE_RANGE}\s*[:：]\s*(?P<name>[\u4e00-\u9fff]{{2,12}})"
        ),
        # One month, the year left to the plan: "（一）动员部署（4月上旬）".
        re.compile(
            rf"^(?:[{_OPEN}][{_CN}\d]+[{_CLOSE}]|[{_CN}\d]+[、.．])\s*(?P<name>[\u4e00-\u9fff]{{2,12}})\s*"
            rf"[(（]\s*(?:(?P<y1>\d{{4}})\s*年)?\s*(?P<m1>\d{{1,2}})\s*月(?:[上中下]旬|初|底|末)?\s*[)）]"
        ),
    )


def _step_item_lines(root: _Node) -> set[int]:
    """Where the lines of the items (and of the body lines) under a steps heading start."""
    out: set[int] = set()
    for node in _walk(root):
        if _STEP_HEADING.search(node.title):
            out.update(child.line.start for child in node.children if child.line is not None)
            out.update(line.start for line in node.body)
    return out


def _phases(
    lines: list[_Line], step_items: AbstractSet[int] = frozenset(), plan_year: int | None = None
) -> list[PlanPhase]:
    out: list[PlanPhase] = []
    seen: set[tuple[str, str]] = set()
    for line in lines:
        before = len(out)
        for pattern in _phase_patterns() + (_step_item_patterns() if line.start in step_items else ()):
            if pattern in _step_item_patterns() and len(out) > before:
                break  # the line named its phase the usual way
            for m in pattern.finditer(line.text):
                found = _phase_range(m, out[-1] if out else None, plan_year)
                if found is None or found in seen:
                    continue
                seen.add(found)
                name = re.sub(rf"^(?:[一二三四五六七八九十]是|[{_CN}]+、)", "", m.group("name"))
                out.append(
                    PlanPhase(name, found[0], found[1], Span(line.start + m.start(), line.start + m.end()))
                )
    return out


# ---------------------------------------------------------------------------------------------------------------
# Project totals

_MONEY = r"(?P<money>\d+(?:\.\d+)?)\s*(?P<money_unit>亿元|万元)"


def _yi(amount: str, unit: str) -> Decimal:
    value = Decimal(amount)
    return value / Decimal(10000) if unit == "万元" else value


def _projects(text: str) -> ProjectsTotal | None:
    r = rules()
    total = re.compile(
        rf"(?:{_alt(r.total_openers)})[^。；;，,]{{0,12}}?(?P<count>\d+)\s*(?:个|项)(?:[^。；;，,\d]{{0,8}}?(?:项目|工程))?"
        rf"|(?:项目|工程)(?:共计?|总数|合计)?[^。；;，,\d]{{0,4}}(?P<count2>\d+)\s*(?:个|项)"
    )
    investment = re.compile(rf"(?:总投资|计划投资|估算投资|投资总额|总投资额)(?:约|达|为|共计?)?\s*{_MONEY}")
    for sentence, start in _sentences(text):
        if "项目" not in sentence and "工程" not in sentence:
            continue
        m = total.search(sentence)
        inv = investment.search(sentence)
        if m is None or inv is None:
            continue
        count = int(m.group("count") or m.group("count2"))
        categories = _categories(text[start + len(sentence) : start + len(sentence) + 600])
        return ProjectsTotal(
            count,
            _yi(inv.group("money"), inv.group("money_unit")),
            Span(start, start + len(sentence)),
            categories,
        )
    return None


def _categories(text: str) -> tuple[ProjectCategory, ...]:
    """ "其中，生态保护类项目32个，投资56.2亿元；…" after the total."""
    head = text.lstrip("\n ")
    if not head.startswith("其中"):
        return ()
    block = re.split(r"\n", head, maxsplit=1)[0]
    out: list[ProjectCategory] = []
    item = re.compile(
        rf"(?P<name>[\u4e00-\u9fff]{{2,12}}?)(?:类)?(?:项目|工程)(?P<count>\d+)\s*(?:个|项)"
        rf"(?:[，,]?\s*(?:总)?投资(?:约|达)?\s*{_MONEY})?"
    )
    for m in item.finditer(block):
        name = re.sub(r"^其中", "", m.group("name"))
        money = _yi(m.group("money"), m.group("money_unit")) if m.group("money") else None
        out.append(ProjectCategory(name, int(m.group("count")), money))
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------------
# The whole document


def _walk(node: _Node) -> list[_Node]:
    out: list[_Node] = []
    for c in node.children:
        out.append(c)
        out.extend(_walk(c))
    return out


def _tasks(root: _Node, ctx: _Context) -> list[PlanTask]:
    assigned: dict[int, _Assignment] = {}
    for node in _walk(root):
        a = _assignment_of(node, ctx)
        if not a.empty:
            assigned[id(node)] = a
    _lift_trailing_labels(assigned, _walk(root))
    out: list[PlanTask] = []
    for node in _walk(root):
        found = assigned.get(id(node))
        if found is None or any(id(d) in assigned for d in _walk(node)):
            continue
        end = max(found.end, node.end)
        body = "\n".join(
            ([node.line.text] if node.line else []) + [b.text for b in node.body if b.end <= end]
        )
        out.append(
            PlanTask(
                node.ref(),
                node.title,
                tuple(found.lead),
                tuple(found.cooperating),
                Span(node.start, end),
                body,
            )
        )
    return out


def extract_text(text: str) -> PlanExtraction:
    """Read a plan's text (already decoded) into its lists."""
    norm = normalise(text).text
    lines = _lines(norm)
    root, title = _build_tree(lines)
    ctx = _Context(first_is_lead=_FIRST_IS_LEAD.search(norm) is not None)
    blankets = ctx.blankets
    tasks = _tasks(root, ctx)
    for sentence, _start in _sentences(norm):
        units = _blanket_units(sentence)
        if units:
            blankets.extend(units)
    targets: list[PlanTarget] = []
    plan_year = _plan_year(title, norm)
    past = _past_sections(root, len(norm))
    for sentence, start in _sentences(norm, _FULL_SENTENCE):
        if _is_label_line(sentence.strip()) or any(a <= start < b for a, b in past):
            continue
        targets.extend(_targets_in(sentence, start, plan_year))
    return PlanExtraction(
        text=norm,
        headings=tuple(c.freeze() for c in root.children),
        tasks=tuple(tasks),
        targets=tuple(targets),
        phases=tuple(_phases(lines, _step_item_lines(root), plan_year)),
        projects_total=_projects(norm),
        blanket_units=tuple(dict.fromkeys(blankets)),
        title=title,
        warnings=_warnings(root, tasks, targets),
    )


def _warnings(root: _Node, tasks: list[PlanTask], targets: list[PlanTarget]) -> tuple[str, ...]:
    """What the office should check by hand: the rules read nothing of a kind, or a task has no lead."""
    out: list[str] = []
    if not root.children:
        out.append("未识别到标题层级（文件可能没有编号或标题行），请核对任务结构。")
    if not tasks:
        out.append("未识别到牵头单位或配合单位：文件可能没有责任分工，或其写法未被识别。")
    out.extend(f"任务 {t.ref} 只有配合单位，没有牵头单位。" for t in tasks if not t.lead)
    seen = Counter(t.ref for t in tasks)
    out.extend(f"任务编号 {ref} 出现多次，请核对。" for ref, n in seen.items() if n > 1)
    if not targets:
        out.append("未识别到量化目标。")
    return tuple(out)


def extract_plan(data: bytes, filename: str) -> PlanExtraction:
    """Read a plan document's bytes (.docx, .pdf with a text layer, .txt, .html) into its lists."""
    return extract_text(read_text(data, filename))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def as_json(extraction: PlanExtraction) -> dict[str, Any]:
    """The extraction as the issue's JSON object (``manage.py import_plan --json``)."""
    total = extraction.projects_total
    return {
        "tasks": [
            {"ref": t.ref, "title": t.title, "lead": list(t.lead), "cooperating": list(t.cooperating)}
            for t in extraction.tasks
        ],
        "targets": [
            {
                "text": t.text,
                "indicator": t.indicator,
                "comparator": t.comparator.value,
                "value": _number(t.value),
                "unit": t.unit,
                "deadline": t.deadline,
            }
            for t in extraction.targets
        ],
        "phases": [{"name": p.name, "start": p.start, "end": p.end} for p in extraction.phases],
        "projects_total": None
        if total is None
        else {
            "count": total.count,
            "investment_yi_yuan": None
            if total.investment_yi_yuan is None
            else _number(total.investment_yi_yuan),
        },
    }
