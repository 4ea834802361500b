"""Survey questionnaires (TOML) and the operator's response sheet (xlsx), read into typed records (pure).

A **questionnaire** is versioned data (``apps/surveys/questionnaires/*.toml``): a code, a version, a title, the
respondent profile's options (城乡, sex, age bands, occupations) and items, each with its section (认知度 /
参与度 / 满意度), its options (an option with ``read_out = false`` is not read out: 不清楚, 说不清), the answers
that count as positive, the ones excluded from the denominator, and optionally the ``measure`` it feeds
(``satisfaction`` → indicator 39, ``participation`` → indicator 40).

The **response sheet** (xlsx or CSV) has one row per respondent: 区县 (name or 区划代码), 城乡, 性别, 年龄段, 职业 and one column
per item code (Q1 …) holding the option's label; an optional 问卷编号 is the operator's own id. Every cell is
checked against the questionnaire (:func:`answer_errors`, the same check as the web form and the office entry);
resolving the county to a region is the app's job.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .errors import RowError
from .xlsx import DEFAULT_LIMITS, SheetError, SheetLimits, SheetRow, cell_text, read_rows, rows_below_header

COUNTY, URBAN_RURAL, SEX, AGE, OCCUPATION, REFERENCE = "区县", "城乡", "性别", "年龄段", "职业", "问卷编号"
PROFILE_COLUMNS = (COUNTY, URBAN_RURAL, SEX, AGE, OCCUPATION)
SECTIONS = ("认知度", "参与度", "满意度")
MEASURES = ("awareness", "participation", "satisfaction")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used, with the reason in Chinese."""


@dataclass(frozen=True)
class Option:
    label: str
    read_out: bool = True


@dataclass(frozen=True)
class Item:
    code: str
    section: str
    text: str
    options: tuple[Option, ...]
    positive: frozenset[str]
    excluded: frozenset[str]
    measure: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(o.label for o in self.options)


@dataclass(frozen=True)
class Profile:
    urban_rural: tuple[str, ...]
    sex: tuple[str, ...]
    age_bands: tuple[str, ...]
    occupations: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: str
    title: str
    intro: str
    profile: Profile
    items: tuple[Item, ...]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def measure_item(self, measure: str) -> Item | None:
        return next((i for i in self.items if i.measure == measure), None)


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise QuestionnaireError(f"{where}须为非空文字的列表。")
    texts = tuple(v.strip() for v in value)
    if len(set(texts)) != len(texts):
        raise QuestionnaireError(f"{where}有重复的选项。")
    return texts


def _text(data: Mapping[str, object], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise QuestionnaireError(f"{where}缺少「{key}」。")
    return value.strip()


def _item(data: object, number: int) -> Item:
    where = f"第{number}个题目"
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{where}格式不正确。")
    code = _text(data, "code", where)
    where = f"题目{code}"
    section = _text(data, "section", where)
    if section not in SECTIONS:
        raise QuestionnaireError(f"{where}的类别须为{'、'.join(SECTIONS)}之一。")
    raw_options = data.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise QuestionnaireError(f"{where}至少须有两个选项。")
    options = []
    for raw in raw_options:
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str) or not raw["label"].strip():
            raise QuestionnaireError(f"{where}的选项须写作 {{ label = \"…\" }}。")
        options.append(Option(label=raw["label"].strip(), read_out=bool(raw.get("read_out", True))))
    labels = {o.label for o in options}
    if len(labels) != len(options):
        raise QuestionnaireError(f"{where}有重复的选项。")
    positive = frozenset(_texts(data.get("positive", []), f"{where}的 positive") if data.get("positive") else ())
    excluded = frozenset(_texts(data.get("excluded", []), f"{where}的 excluded") if data.get("excluded") else ())
    if not positive:
        raise QuestionnaireError(f"{where}须说明哪些回答计为肯定（positive）。")
    if not positive <= labels or not excluded <= labels:
        raise QuestionnaireError(f"{where}的 positive / excluded 须为其选项。")
    if positive & excluded:
        raise QuestionnaireError(f"{where}的同一回答不能既计为肯定又被排除。")
    measure = _text(data, "measure", where, required=False)
    if measure and measure not in MEASURES:
        raise QuestionnaireError(f"{where}的 measure 须为{'、'.join(MEASURES)}之一。")
    return Item(code=code, section=section, text=_text(data, "text", where), options=tuple(options),
                positive=positive, excluded=excluded, measure=measure)


def parse_questionnaire(data: bytes | str) -> Questionnaire:
    """A questionnaire from its TOML text; raises :class:`QuestionnaireError` saying what is wrong."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        raw = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuestionnaireError(f"问卷文件不是有效的 TOML：{exc}") from exc
    where = "问卷"
    profile = raw.get("profile")
    if not isinstance(profile, dict):
        raise QuestionnaireError("问卷缺少受访者信息（[profile]）。")
    items = tuple(_item(entry, n) for n, entry in enumerate(raw.get("item", []), start=1))
    if not items:
        raise QuestionnaireError("问卷没有题目（[[item]]）。")
    codes = [i.code for i in items]
    if len(set(codes)) != len(codes):
        raise QuestionnaireError("问卷的题目编号重复。")
    for measure in ("satisfaction", "participation"):
        if sum(1 for i in items if i.measure == measure) > 1:
            raise QuestionnaireError(f"measure = \"{measure}\" 只能用于一个题目。")
    return Questionnaire(
        code=_text(raw, "code", where), version=_text(raw, "version", where), title=_text(raw, "title", where),
        intro=_text(raw, "intro", where, required=False),
        profile=Profile(urban_rural=_texts(profile.get("urban_rural"), "城乡"), sex=_texts(profile.get("sex"), "性别"),
                        age_bands=_texts(profile.get("age_bands"), "年龄段"),
                        occupations=_texts(profile.get("occupations"), "职业")),
        items=items)


def answer_errors(questionnaire: Questionnaire, profile: Mapping[str, str],
                  answers: Mapping[str, str]) -> dict[str, str]:
    """Column (a profile column or an item code) → what is wrong; empty when the response is valid.

    ``profile`` holds 城乡, 性别, 年龄段 and 职业 by their column names (the county is checked by the app). Every
    item must be answered with one of its options; no other item may be present.
    """
    errors: dict[str, str] = {}
    choices = {URBAN_RURAL: questionnaire.profile.urban_rural, SEX: questionnaire.profile.sex,
               AGE: questionnaire.profile.age_bands, OCCUPATION: questionnaire.profile.occupations}
    for column, allowed in choices.items():
        value = profile.get(column, "")
        if value not in allowed:
            errors[column] = (f"请选择{column}。" if not value else
                              f"“{value}”不是{column}的选项（{'、'.join(allowed)}）。")
    for item in questionnaire.items:
        value = answers.get(item.code, "")
        if value not in item.labels:
            errors[item.code] = (f"请回答{item.code}。" if not value else
                                 f"“{value}”不是{item.code}的选项（{'、'.join(item.labels)}）。")
    for code in answers:
        if questionnaire.item(code) is None:
            errors[code] = f"问卷中没有题目{code}。"
    return errors


@dataclass(frozen=True)
class ResponseRow:
    """One respondent of the operator's sheet, as written (the county still a name or code)."""

    row: int
    county: str
    urban_rural: str
    sex: str
    age_band: str
    occupation: str
    answers: tuple[tuple[str, str], ...]  # (item code, option label) in the questionnaire's order
    reference: str = ""


def csv_rows(data: bytes, *, required: tuple[str, ...], optional: tuple[str, ...] = (),
             limits: SheetLimits = DEFAULT_LIMITS) -> Iterator[SheetRow]:
    """The rows of a CSV file below the header that names the ``required`` columns (within the first 10 lines),
    numbered as a spreadsheet shows them. UTF-8 (with or without a BOM) or GB18030, as Excel saves it in China."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise SheetError("CSV 文件须为 UTF-8 或 GB18030 编码。") from exc
    yield from rows_below_header(csv.reader(io.StringIO(text)), required=required, optional=optional, limits=limits)


def read_responses(data: bytes, questionnaire: Questionnaire, *, limits: SheetLimits = DEFAULT_LIMITS,
                   fmt: str = "xlsx") -> tuple[list[ResponseRow], list[RowError]]:
    """The respondents of an xlsx (or ``fmt="csv"``) sheet and the row errors of every cell the questionnaire
    refuses."""
    codes = tuple(i.code for i in questionnaire.items)
    rows: list[ResponseRow] = []
    errors: list[RowError] = []
    references: dict[str, int] = {}
    reader = csv_rows if fmt == "csv" else read_rows
    for line in reader(data, required=(*PROFILE_COLUMNS, *codes), optional=(REFERENCE,), limits=limits):
        cells = {column: cell_text(value) for column, value in line.cells.items()}
        subject = cells.get(REFERENCE, "")
        found = answer_errors(questionnaire, {c: cells[c] for c in PROFILE_COLUMNS[1:]},
                              {code: cells[code] for code in codes})
        if not cells[COUNTY]:
            found = {COUNTY: "请填写区县（名称或区划代码）。", **found}
        if subject and subject in references:
            found[REFERENCE] = f"问卷编号与第{references[subject]}行重复。"
        elif subject:
            references[subject] = line.number
        if len(subject) > 40:
            found[REFERENCE] = "问卷编号不能超过40个字符。"
        errors.extend(RowError(line.number, column, message, subject) for column, message in found.items())
        if not found:
            rows.append(ResponseRow(row=line.number, county=cells[COUNTY], urban_rural=cells[URBAN_RURAL],
                                    sex=cells[SEX], age_band=cells[AGE], occupation=cells[OCCUPATION],
                                    answers=tuple((code, cells[code]) for code in codes), reference=subject))
    return rows, errors
