"""Normalising the text of a plan before the rules read it.

- full-width ASCII (digits, letters, %, ., -, /, +) becomes half-width; the Chinese punctuation the rules read
  (、，；：（）！？) stays as written;
- line ends become "\\n", and spaces at the ends of lines go;
- single spaces inside Chinese text go (an OCR'd "林 草 覆盖率" becomes "林草覆盖率"); a space between two Latin
  words stays, and a wide gap (two spaces or more, a tab, an ideographic space) or a single space between two
  units' names ("市发展改革委 市工信局") becomes one space;
- an OCR'd letter inside a number (2O23 → 2023, 4l% → 41%) becomes the digit it stands for, and a few
  characters OCR confuses in the label words (単位, 配台, 责仼 …) become the right ones;
- the dash of a range between numbers (—, –, －, ~, ～, ‐, −, ——) becomes one "—".

``Normalised.origin[i]`` is the offset in the original text of normalised character ``i``: spans are offsets
into the normalised text (``PlanExtraction.text``) and ``origin`` leads back to the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Full-width forms kept as written: the rules read them as Chinese punctuation.
_KEEP_WIDE = frozenset("，；：（）！？")
_SPACES = frozenset(" \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff")
_DASHES = "-–—―‐‑−－~～"
_OCR_DIGIT = {"O": "0", "o": "0", "l": "1", "I": "1"}
#: A run of digits and letters OCR mistakes for digits, not touching a Latin letter.
_NUMERIC_TOKEN = re.compile(r"(?<![A-Za-z])[0-9OolI][0-9OolI.]*(?![A-Za-z])")
_AFTER_NUMBER = "年月日%个万亿项家座处条"
#: A single space between the last character of a unit's name and the first of the next ("市发展改革委 市工信局")
#: separates two names; elsewhere in Chinese text it is noise.
_NAME_END = frozenset("局委办厅部院站心司团府会室队所社")
_NAME_START = frozenset("市县区省州盟旗镇乡各国")
#: Tokens that look like an OCR'd number but are chemical formulas (臭氧 O3).
_FORMULAS = frozenset({"O3", "O2"})
_RANGE_DASH = re.compile(rf"(?<=[0-9年月])\s*[{re.escape(_DASHES)}]+\s*(?=[0-9])")


@dataclass(frozen=True, slots=True)
class Normalised:
    text: str
    origin: tuple[int, ...]


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2460 <= code <= 0x24FF
        or code in (0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x2026, 0xB7)
    )


def _keeps_space(left: str, right: str) -> bool:
    """Whether a space between ``left`` and ``right`` is a real word break (two Latin words, a Latin word and a
    number) rather than noise inside Chinese text."""
    if _is_cjk(left) or _is_cjk(right):
        return False
    if left.isdigit() and right.isdigit():
        return False
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()


def _widen(text: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "\r":
            if text[i + 1 : i + 2] == "\n":
                continue
            ch = "\n"
        elif 0xFF01 <= code <= 0xFF5E and ch not in _KEEP_WIDE:
            ch = chr(code - 0xFEE0)
        chars.append(ch)
        origin.append(i)
    return chars, origin


def _wide(chars: list[str], i: int, j: int, left: str) -> bool:
    """Whether the spaces ``chars[i:j]`` (between ``left`` and ``chars[j]``) are a gap between two names."""
    return j - i > 1 or chars[i] in "\t\u3000" or (left in _NAME_END and chars[j] in _NAME_START)


def _drop_spaces(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    out: list[str] = []
    out_origin: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        ch = chars[i]
        if ch in _SPACES:
            j = i
            while j < n and chars[j] in _SPACES:
                j += 1
            at_line_edge = not out or out[-1] == "\n" or j >= n or chars[j] == "\n"
            # A wide gap (two spaces or more, a tab, an ideographic space) separates names in a list
            # ("市发展改革委　市工信局"); a single space inside Chinese text is OCR noise.
            if not at_line_edge and (_wide(chars, i, j, out[-1]) or _keeps_space(out[-1], chars[j])):
                out.append(" ")
                out_origin.append(origin[i])
            i = j
            continue
        out.append(ch)
        out_origin.append(origin[i])
        i += 1
    return out, out_origin


def _fix_numbers(text: str) -> str:
    """OCR letters inside numbers, without changing the length of the text."""

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if not any(c.isdigit() for c in token) or token.isdigit():
            return token
        follows = text[match.end() : match.end() + 1]
        precedes = text[match.start() - 1 : match.start()]
        after_word = bool(precedes) and "\u4e00" <= precedes <= "\u9fff" and token not in _FORMULAS
        if not (token[0].isdigit() or (follows and follows in _AFTER_NUMBER) or after_word):
            return token
        return "".join(_OCR_DIGIT.get(c, c) for c in token)

    return _NUMERIC_TOKEN.sub(fix, text)


#: Characters OCR confuses in the words the rules look for (same length: the offsets do not move).
_OCR_WORDS = {"単位": "单位", "配台": "配合", "责仼": "责任", "牽头": "牵头", "牵失": "牵头", "部鬥": "部门"}
_OCR_WORD = re.compile("|".join(_OCR_WORDS))


def normalise(text: str) -> Normalised:
    chars, origin = _widen(text)
    chars, origin = _drop_spaces(chars, origin)
    fixed = _OCR_WORD.sub(lambda m: _OCR_WORDS[m.group(0)], _fix_numbers("".join(chars)))
    # Range dashes: one "—" for the whole run (and its spaces), mapped to the run's first character.
    out: list[str] = []
    out_origin: list[int] = []
    last = 0
    for match in _RANGE_DASH.finditer(fixed):
        out.append(fixed[last : match.start()])
        out_origin.extend(origin[last : match.start()])
        out.append("—")
        out_origin.append(origin[match.start()])
        last = match.end()
    out.append(fixed[last:])
    out_origin.extend(origin[last:])
    return Normalised("".join(out), tuple(out_origin))
