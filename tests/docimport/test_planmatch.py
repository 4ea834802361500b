"""Unit and indicator matching of the plan import: exact, alias rules, normalisation, fuzzy, new."""

from __future__ import annotations

import pytest

from docimport.planmatch import (
    Candidate,
    MatchKind,
    match_indicator,
    match_unit,
    match_units,
    similarity,
    unit_key,
)

UNITS = (
    Candidate(1, "市住房和城乡建设局"),
    Candidate(2, "市发展和改革委员会"),
    Candidate(3, "市生态环境局", ("生态环境局",)),
    Candidate(4, "市自然资源局"),
    Candidate(5, "市财政局"),
    Candidate(6, "市林业和草原局"),
    Candidate(7, "市市场监督管理局"),
    Candidate(8, "市交通运输局"),
)
PLACES = ("天水市", "天水")


@pytest.mark.parametrize("written,kind,unit,confidence", [
    ("市住房和城乡建设局", MatchKind.EXACT, 1, 1.0),
    ("生态环境局", MatchKind.EXACT, 3, 1.0),  # a registered other spelling
    ("市住建局", MatchKind.ALIAS, 1, 0.9),
    ("市住房城乡建设局", MatchKind.ALIAS, 1, 0.9),
    ("天水市住房和城乡建设局", MatchKind.ALIAS, 1, 0.9),
    ("市发改委", MatchKind.ALIAS, 2, 0.9),
    ("市发展改革委", MatchKind.ALIAS, 2, 0.9),
    ("天水市发展和改革委员会", MatchKind.ALIAS, 2, 0.9),
    ("市环保局", MatchKind.ALIAS, 3, 0.9),
    ("天水市生态环境局", MatchKind.ALIAS, 3, 0.9),
    ("市国土局", MatchKind.ALIAS, 4, 0.9),
    ("市自然资源和规划局", MatchKind.ALIAS, 4, 0.9),
    ("市林草局", MatchKind.ALIAS, 6, 0.9),
    ("市市场监管局", MatchKind.ALIAS, 7, 0.9),
    ("市交通局", MatchKind.ALIAS, 8, 0.9),
    ("市 财 政 局", MatchKind.EXACT, 5, 1.0),  # OCR spaces
    ("市教育局", MatchKind.NEW, None, 0.0),
    ("各县区政府", MatchKind.SKIP, None, 0.0),
    ("各县（区）党委、政府", MatchKind.SKIP, None, 0.0),
    ("《规划》涉及所有单位", MatchKind.SKIP, None, 0.0),
    ("政府", MatchKind.SKIP, None, 0.0),
])
def test_unit_alias_table(written: str, kind: MatchKind, unit: int | None, confidence: float) -> None:
    match = match_unit(written, UNITS, PLACES)
    assert (match.kind, match.id, match.confidence) == (kind, unit, confidence)
    assert match.reason


def test_alias_reason_names_the_rule() -> None:
    assert "住建局" in match_unit("市住建局", UNITS, PLACES).reason


def test_fuzzy_is_less_sure_and_says_so() -> None:
    match = match_unit("市交通运输厅", UNITS, PLACES)
    assert match.kind == MatchKind.FUZZY and match.id == 8
    assert 0.5 <= match.confidence < 0.9 and "相近" in match.reason


def test_match_units_dedups() -> None:
    assert list(match_units(["市住建局", "市财政局", "市住建局"], UNITS)) == ["市住建局", "市财政局"]


def test_normalisation() -> None:
    assert unit_key("天水市住房和城乡建设管理局", PLACES) == "住房城乡建设局"
    assert unit_key("市发展和改革委员会") == "发展改革委"
    assert similarity("林草覆盖率", "林草覆盖率") == 1.0
    assert similarity("甲乙", "丙丁") == 0.0


INDICATORS = (
    Candidate(11, "林草覆盖率"),
    Candidate(12, "优良天数比例"),
    Candidate(13, "PM2.5浓度下降幅度"),
    Candidate(14, "城镇污水处理率"),
    Candidate(15, "危险废物利用处置率"),
)


@pytest.mark.parametrize("phrase,kind,indicator", [
    ("林草覆盖率", MatchKind.EXACT, 11),
    ("林 草 覆 盖 率", MatchKind.EXACT, 11),
    ("空气质量优良天数比例", MatchKind.ALIAS, 12),
    ("城市污水处理率", MatchKind.ALIAS, 14),
    ("细颗粒物浓度下降幅度", MatchKind.ALIAS, 13),
    ("全市城镇污水处理率", MatchKind.ALIAS, 14),  # contains the name
    ("危险废物处置利用率", MatchKind.FUZZY, 15),
    ("农村公路里程", MatchKind.NONE, None),
])
def test_indicator_matching(phrase: str, kind: MatchKind, indicator: int | None) -> None:
    match = match_indicator(phrase, INDICATORS)
    assert (match.kind, match.id) == (kind, indicator)
    assert match.reason
    assert {MatchKind.EXACT: 1.0, MatchKind.ALIAS: 0.9}.get(kind, match.confidence) >= match.confidence


def test_indicator_containment_is_0_8() -> None:
    assert match_indicator("全市城镇污水处理率", INDICATORS).confidence == 0.8
