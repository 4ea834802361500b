"""Normalising a plan's text: widths, OCR noise, dashes, and the map back to the source."""

from __future__ import annotations

import pytest

from docimport.plan.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("到２０２３年底达到４１％", "到2023年底达到41%"),  # full-width digits and %
        ("ＰＭ２．５浓度", "PM2.5浓度"),  # full-width letters and point
        (
            "牵头单位：市林草局；配合单位：（略）",
            "牵头单位：市林草局；配合单位：（略）",
        ),  # Chinese punctuation stays
        ("林 草 覆盖率", "林草覆盖率"),  # OCR spaces inside words
        ("到 2023 年底", "到2023年底"),
        ("2 0 2 3年", "2023年"),
        ("Windows 10 与 PM2.5", "Windows 10与PM2.5"),  # a space between Latin words stays
        ("2O23年", "2023年"),  # O read for 0
        ("稳定在4l%以上", "稳定在41%以上"),  # l read for 1
        ("达到l5平方米", "达到15平方米"),
        ("臭氧O3浓度", "臭氧O3浓度"),  # a formula is not a number
        ("COD排放", "COD排放"),
        ("（2021年12月-2022年11月）", "（2021年12月—2022年11月）"),
        ("2018~2021年", "2018—2021年"),
        ("2018～2021年", "2018—2021年"),
        ("2021–2025年", "2021—2025年"),
        ("2021——2025年", "2021—2025年"),
        ("2021 － 2025年", "2021—2025年"),
        ("　　第一段\r\n第二段  \r第三段", "第一段\n第二段\n第三段"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_origin_maps_each_character_back_to_the_source() -> None:
    raw = "　　到 ２０２３ 年底，林 草 覆盖率2O23\r\n"
    result = normalise(raw)
    assert len(result.origin) == len(result.text)
    for i, ch in enumerate(result.text):
        source = raw[result.origin[i]]
        assert source == ch or source in "０１２３O\r" or ch == "\n"
    assert raw[result.origin[result.text.index("林")]] == "林"
    assert result.origin == tuple(sorted(result.origin))


def test_a_space_between_two_unit_names_stays() -> None:
    assert normalise("市发展改革委 市工信局　市统计局").text == "市发展改革委 市工信局 市统计局"
    assert normalise("市 生 态 环 境 局").text == "市生态环境局"


def test_ocr_confusions_in_label_words() -> None:
    result = normalise("牽头単位：市林草局\n配台単位：市水务局")
    assert result.text == "牵头单位：市林草局\n配合单位：市水务局"
    assert len(result.origin) == len(result.text)
