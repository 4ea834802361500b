"""Each layout feature of a plan, on small inline texts (issue #16's list)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from docimport.plan import Comparator, PlanExtraction, as_json, extract_text


def _tasks(result: PlanExtraction) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(t.ref, t.lead, t.cooperating) for t in result.tasks]


def _targets(result: PlanExtraction) -> list[tuple[str, Decimal, str, int | None]]:
    return [(t.comparator.value, t.value, t.unit, t.deadline) for t in result.targets]


# --- headings and numbering -------------------------------------------------------------------------------------


def test_numbering_chinese_bracketed_arabic_and_circled() -> None:
    text = (
        "某市生态文明建设实施方案\n一、重点任务\n（一）大气污染防治\n1.工业治理。推进超低排放改造。\n"
        "（1）钢铁行业。完成改造。\n牵头单位：市工信局\n（2）水泥行业。完成改造。\n①熟料生产线。完成错峰生产。\n"
        "牵头单位：市发展改革委\n二、保障措施\n（一）加强组织领导。成立领导小组。\n"
    )
    result = extract_text(text)
    assert result.title == "某市生态文明建设实施方案"
    assert [(h.marker, h.title, h.level) for h in result.headings] == [
        ("一", "重点任务", 1),
        ("二", "保障措施", 1),
    ]
    work = result.headings[0].children[0].children[0]
    assert (work.marker, work.title, work.level) == ("1", "工业治理", 3)
    assert [c.marker for c in work.children] == ["（1）", "（2）"]
    assert _tasks(result) == [
        ("一.(一).1.(1)", ("市工信局",), ()),
        ("一.(一).1.(2).①", ("市发展改革委",), ()),
    ]


def test_chapters_and_sections() -> None:
    text = "第一章 总体要求\n第一节 目标\n到2025年，森林覆盖率达到34%。\n第二章 主要任务\n第一节 蓝天\n推进治理。\n"
    result = extract_text(text)
    assert [(h.marker, h.title) for h in result.headings] == [("第一章", "总体要求"), ("第二章", "主要任务")]
    assert [c.marker for c in result.headings[1].children] == ["第一节"]
    assert _targets(result) == [("=", Decimal(34), "%", 2025)]


def test_task_numbering_with_bracketed_assignment() -> None:
    text = (
        "二、重点任务\n任务一：调整产业结构\n1.遏制两高项目盲目发展。（牵头单位：市发展改革委；配合单位：市工信局、市生态环境局）\n"
        "任务二：深入打好蓝天保卫战\n1.推进VOCs治理。（牵头单位：市生态环境局）\n"
    )
    result = extract_text(text)
    assert _tasks(result) == [
        ("二.任务一.1", ("市发展改革委",), ("市工信局", "市生态环境局")),
        ("二.任务二.1", ("市生态环境局",), ()),
    ]
    assert result.tasks[0].title == "遏制两高项目盲目发展"


def test_bare_headings_without_numbers() -> None:
    text = (
        "某县创建实施方案\n总体目标\n到2022年底，森林覆盖率达到38%以上。\n重点任务\n完善制度体系\n"
        "将生态文明建设纳入重要议事日程，每年研究不少于2次。\n责任单位：县委组织部\n配合部门：县委办公室\n"
        "推进河湖长制\n全面落实河湖长制。\n责任单位：县水利局\n"
    )
    result = extract_text(text)
    assert [h.title for h in result.headings] == ["总体目标", "重点任务", "完善制度体系", "推进河湖长制"]
    assert all(h.marker == "" for h in result.headings)
    assert _tasks(result) == [
        ("完善制度体系", ("县委组织部",), ("县委办公室",)),
        ("推进河湖长制", ("县水利局",), ()),
    ]


def test_a_title_line_above_numbered_headings_heads_nothing() -> None:
    result = extract_text(
        "某市\n工作方案\n为推进工作，制定本方案。\n一、任务\n1.河长制。落实河长制。\n牵头单位：市水利局\n"
    )
    assert result.title == "某市工作方案"
    assert _tasks(result) == [("一.1", ("市水利局",), ())]


# --- assignments -----------------------------------------------------------------------------------------------


def test_label_lines_with_every_label() -> None:
    for lead, cooperating in [
        ("牵头单位", "配合单位"),
        ("责任单位", "参与单位"),
        ("牵头部门", "配合部门"),
        ("责任部门", "配合部门"),
    ]:
        result = extract_text(
            f"1.任务甲。推进工作。\n{lead}：市林草局\n{cooperating}：市自然资源局、市农业农村局\n"
        )
        assert _tasks(result) == [("1", ("市林草局",), ("市自然资源局", "市农业农村局"))], lead


def test_labels_on_one_line_and_units_split_on_commas() -> None:
    result = extract_text("1.任务甲。推进工作。\n牵头单位：市林草局，市水务局；配合单位：市财政局,市统计局\n")
    assert _tasks(result) == [("1", ("市林草局", "市水务局"), ("市财政局", "市统计局"))]


def test_lead_and_cooperating_in_words() -> None:
    result = extract_text(
        "1.完善责任体系。修订责任清单。市生态环境局牵头，市委编办、市司法局配合。\n"
        "2.推进绿化。完成造林。（市林业局牵头，市自然资源局及市农业农村局配合）\n"
        "3.加强河湖保护。落实河湖长制。市水务局负责，各县区政府配合。\n"
        "4.国土绿化。义务植树。市林业局负责。\n"
        "5.考核办法。制定办法。（市林业局、市委组织部按职责分工负责）\n"
        "6.植树造林。由市自然资源局牵头负责。\n"
    )
    assert _tasks(result) == [
        ("1", ("市生态环境局",), ("市委编办", "市司法局")),
        ("2", ("市林业局",), ("市自然资源局", "市农业农村局")),
        ("3", ("市水务局",), ("各县区政府",)),
        ("4", ("市林业局",), ()),
        ("5", ("市林业局", "市委组织部"), ()),
        ("6", ("市自然资源局",), ()),
    ]


def test_responsible_for_is_no_assignment_without_a_unit() -> None:
    result = extract_text(
        "（一）加强领导。各县区、各部门要确定专人负责创建工作。\n（二）强化考核。领导小组办公室负责统筹协调，定期调度。\n"
    )
    assert result.tasks == ()


def test_names_with_and_stay_whole_and_suffixes_are_dropped() -> None:
    result = extract_text(
        "1.任务甲。推进工作。\n牵头单位：市住房和城乡建设局、市委办公室、市政府办公室按职责牵头\n"
        "配合单位：市发展和改革委员会等部门\n"
    )
    assert _tasks(result) == [
        ("1", ("市住房和城乡建设局", "市委办公室", "市政府办公室"), ("市发展和改革委员会",))
    ]


def test_blanket_line_gives_blanket_units_not_a_task() -> None:
    result = extract_text(
        "1.规划。编制规划。\n牵头单位：市生态环境局\n"
        "配合单位：市发展改革委。（以下所有工作任务均需各县区党委、政府落实，不再一一列出。）\n"
        "2.河长制。落实河长制。\n牵头单位：市水务局\n各项任务均需各县（市、区）人民政府具体落实，以下不再一一列出。\n"
    )
    assert _tasks(result) == [("1", ("市生态环境局",), ("市发展改革委",)), ("2", ("市水务局",), ())]
    assert result.blanket_units == ("各县区党委", "政府", "各县（市、区）人民政府")


def test_only_the_lowest_assigned_items_are_tasks() -> None:
    result = extract_text(
        "（一）大气污染防治（牵头单位：市生态环境局）\n1.工业源治理。推进改造。\n2.移动源治理。推广新能源车。\n"
        "（二）水污染防治（牵头单位：市生态环境局）\n1.污水处理。提标改造。（牵头单位：市住建局）\n"
    )
    assert _tasks(result) == [("(一)", ("市生态环境局",), ()), ("(二).1", ("市住建局",), ())]


# --- targets ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "comparator"),
    [
        ("稳定在41%以上", "≥"),
        ("不低于41%", "≥"),
        ("不少于41%", "≥"),
        ("至少41%", "≥"),
        ("达到41%以上", "≥"),
        ("41%及以上", "≥"),
        ("控制在41%以下", "≤"),
        ("不超过41%", "≤"),
        ("不高于41%", "≤"),
        ("控制在41%以内", "≤"),
        ("超过41%", ">"),
        ("高于41%", ">"),
        ("大于41%", ">"),
        ("低于41%", "<"),
        ("少于41%", "<"),
        ("达到41%", "="),
        ("为41%", "="),
        ("稳定在41%", "="),
        ("保持在41%", "="),
        ("达41%", "="),
        ("提高到41%", "="),
    ],
)
def test_comparators(phrase: str, comparator: str) -> None:
    result = extract_text(f"到2023年底，全市林草覆盖率{phrase}。")
    assert _targets(result) == [(comparator, Decimal(41), "%", 2023)]
    assert result.targets[0].indicator == "林草覆盖率"


def test_several_targets_in_one_sentence_and_deadline_across_semicolons() -> None:
    result = extract_text(
        "到2025年，PM2.5年均浓度控制在30微克/立方米以内，优良天数比率稳定在88%以上；森林覆盖率提高到34%。"
        "受污染耕地安全利用率达到93%，重污染天数控制在3天以内。"
    )
    assert _targets(result) == [
        ("≤", Decimal(30), "微克/立方米", 2025),
        ("≥", Decimal(88), "%", 2025),
        ("=", Decimal(34), "%", 2025),
        ("=", Decimal(93), "%", None),
        ("≤", Decimal(3), "天", None),
    ]
    assert [t.indicator for t in result.targets][:2] == ["PM2.5年均浓度", "优良天数比率"]


def test_units_as_written() -> None:
    result = extract_text(
        "人均公园绿地面积不低于13平方米/人，EI不低于57，成灾率控制在0.9‰以内，造林不少于2万亩，"
        "资金不少于5000万元，成灾率控制在万分之三以下，满意度不低于百分之九十。"
    )
    assert [(t.value, t.unit) for t in result.targets] == [
        (Decimal(13), "平方米/人"),
        (Decimal(57), ""),
        (Decimal("0.9"), "‰"),
        (Decimal(2), "万亩"),
        (Decimal(5000), "万元"),
        (Decimal(3), "万分之"),
        (Decimal(90), "%"),
    ]


def test_each_and_respectively() -> None:
    result = extract_text("公众满意度、参与度均不低于80%。化学需氧量、氨氮减排量分别不少于1200吨、90吨。")
    assert [(t.indicator, t.value, t.unit) for t in result.targets] == [
        ("公众满意度", Decimal(80), "%"),
        ("参与度", Decimal(80), "%"),
        ("化学需氧量", Decimal(1200), "吨"),
        ("氨氮减排量", Decimal(90), "吨"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "全面淘汰10蒸吨/小时以下燃煤锅炉。",  # a scope limit
        "对20万千瓦以上燃煤机组实施深度治理。",
        "截至2020年底，全市森林覆盖率达到32.5%。",  # past achievements
        "“十三五”期间，PM2.5平均浓度较2015年下降了18.6%。",
        "全市空气质量优良天数比率已达到86.3%。",
        "2022年，全市PM2.5平均浓度为38微克/立方米。",
        "深入落实“1433”发展战略，推进5+X重点行业改造。",  # names and codes
        "落实1433发展战略，推进“十四五”规划实施。",
        "依据厅字〔2019〕48号文件，2023年6月底前完成评估。",
        "完成20家企业清洁化改造，新建公园5个。",  # a quantity without a comparator
        "PM2.5浓度持续下降，劣V类水体全面消除。",
    ],
)
def test_not_targets(sentence: str) -> None:
    assert extract_text(sentence).targets == ()


# --- phases and projects ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "第一阶段：全面启动阶段（2021年12月—2022年11月）。成立领导小组。",
            [("第一阶段：全面启动阶段", "2021-12", "2022-11")],
        ),
        (
            "近期（2018—2021年），补齐短板；远期（2022-2035年），全面提升。",
            [("近期", "2018-01", "2021-12"), ("远期", "2022-01", "2035-12")],
        ),
        (
            "（一）部署阶段（2023年3月至4月）。\n（二）总结阶段（11月～12月）。",
            [("部署阶段", "2023-03", "2023-04"), ("总结阶段", "2023-11", "2023-12")],
        ),
        ("2021年12月—2022年11月为全面启动阶段。", [("全面启动阶段", "2021-12", "2022-11")]),
        ("《某市规划（2022—2026年）》已印发。", []),
    ],
)
def test_phases(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(p.name, p.start, p.end) for p in extract_text(text).phases] == expected


def test_project_totals_in_yi_yuan_and_categories() -> None:
    result = extract_text(
        "全县共谋划生态文明建设重点项目42个，总投资386500万元。\n"
        "其中，生态保护修复项目12个，投资152000万元；环境污染治理项目18个，投资128500万元。\n"
    )
    total = result.projects_total
    assert total is not None and (total.count, total.investment_yi_yuan) == (42, Decimal("38.65"))
    assert [(c.name, c.count, c.investment_yi_yuan) for c in total.categories] == [
        ("生态保护修复", 12, Decimal("15.2")),
        ("环境污染治理", 18, Decimal("12.85")),
    ]
    sample = extract_text("共计196个项目，总投资2221.71亿元。").projects_total
    assert sample is not None and (sample.count, sample.investment_yi_yuan) == (196, Decimal("2221.71"))
    assert extract_text("完成20个项目建设。").projects_total is None


# --- spans and JSON --------------------------------------------------------------------------------------------


def test_spans_point_at_the_normalised_text() -> None:
    result = extract_text(
        "第一阶段：启动阶段（２０２１年１２月—２０２２年１１月）。\n一、任务\n1.林 草 覆盖率。到２０２３年底，全市林草覆盖率稳定在４１％以上。\n"
        "牵头单位：市林草局\n共计19个项目，总投资22.5亿元。\n"
    )
    text = result.text
    target = result.targets[0]
    assert text[target.span.start : target.span.end] == "全市林草覆盖率稳定在41%以上"
    task = result.tasks[0]
    assert text[task.span.start : task.span.end].startswith("1.林草覆盖率。")
    assert text[task.span.start : task.span.end].endswith("牵头单位：市林草局")
    phase = result.phases[0]
    assert text[phase.span.start : phase.span.end] == "第一阶段：启动阶段（2021年12月—2022年11月）"
    heading = result.headings[0]
    assert text[heading.span.start : heading.span.end] == "一、任务"
    total = result.projects_total
    assert total is not None and text[total.span.start : total.span.end] == "共计19个项目，总投资22.5亿元。"


def test_as_json_has_the_issue_shape() -> None:
    result = as_json(
        extract_text(
            "1.林草。到2023年底，全市林草覆盖率稳定在41.5%以上。\n牵头单位：市林草局\n配合单位：市水务局\n"
        )
    )
    assert result == {
        "tasks": [{"ref": "1", "title": "林草", "lead": ["市林草局"], "cooperating": ["市水务局"]}],
        "targets": [
            {
                "text": "到2023年底，全市林草覆盖率稳定在41.5%以上。",
                "indicator": "林草覆盖率",
                "comparator": "≥",
                "value": 41.5,
                "unit": "%",
                "deadline": 2023,
            }
        ],
        "phases": [],
        "projects_total": None,
    }
    assert Comparator("≥") is Comparator.GE


def test_five_year_plan_end_is_a_deadline() -> None:
    assert _targets(extract_text("到“十四五”末，全市森林覆盖率达到34%。")) == [("=", Decimal(34), "%", 2025)]
    assert _targets(extract_text("到十五五期末，森林覆盖率不低于36%。")) == [("≥", Decimal(36), "%", 2030)]


def test_label_alone_on_its_line_and_units_apart_by_wide_spaces() -> None:
    result = extract_text(
        "1）推进绿化。完成造林。\n牵头单位：\n市林业局\n配合单位：市财政局　市统计局  市水务局\n"
    )
    assert _tasks(result) == [("1", ("市林业局",), ("市财政局", "市统计局", "市水务局"))]
    assert result.text[result.tasks[0].span.end - 4 : result.tasks[0].span.end] == "市水务局"


def test_task_table_rows_become_tasks() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415 (the reader's helper, tested through the rules)

    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "编制生态文明建设规划", "市生态环境局", "市发展改革委、市财政局", "2022年12月"],
        ["2", "落实河湖长制", "市水务局", "", "长期"],
    ]
    result = extract_text("附件\n重点任务分工表\n" + "\n".join(table_lines(rows)))
    assert _tasks(result) == [
        ("1", ("市生态环境局",), ("市发展改革委", "市财政局")),
        ("2", ("市水务局",), ()),
    ]
    assert [t.title for t in result.tasks] == ["编制生态文明建设规划", "落实河湖长制"]


def test_labels_after_the_last_sentence_of_the_item_line() -> None:
    result = extract_text(
        "（一）深入打好蓝天保卫战。完成改造企业不少于25家。责任单位：省生态环境厅、省工业和信息化厅\n"
        "（二）碧水保卫战。推进治理（详见附表：牵头单位一栏）。\n"
    )
    assert _tasks(result) == [("(一)", ("省生态环境厅", "省工业和信息化厅"), ())]
    assert _targets(result) == [("≥", Decimal(25), "家", None)]


def test_lead_marked_inside_a_list_of_responsible_units() -> None:
    result = extract_text(
        "1.推进节能。强化能耗双控。\n责任单位：市发展改革委（牵头）、市工信局、市统计局\n"
        "2.发展循环经济。推进园区改造。\n责任单位：市发展改革委牵头，市工信局、市商务局配合\n"
        "3.河长制。落实河长制。\n责任单位：市水务局、市自然资源局\n"
    )
    assert _tasks(result) == [
        ("1", ("市发展改革委",), ("市工信局", "市统计局")),
        ("2", ("市发展改革委",), ("市工信局", "市商务局")),
        ("3", ("市水务局", "市自然资源局"), ()),
    ]


def test_first_listed_unit_leads_where_the_document_says_so() -> None:
    result = extract_text(
        "各项任务的责任单位中，列第一位的为牵头单位。\n1.河长制。落实河长制。\n责任单位：市水务局、市自然资源局\n"
        "2.林长制。落实林长制。\n牵头单位：市林业局、市财政局\n"
    )
    assert _tasks(result) == [("1", ("市水务局",), ("市自然资源局",)), ("2", ("市林业局", "市财政局"), ())]


def test_parts_above_chapters() -> None:
    result = extract_text("第一部分 总体要求\n第一章 目标\n到2025年，森林覆盖率达到34%。\n第二部分 任务\n")
    assert [(h.marker, h.title) for h in result.headings] == [("第一部分", "总体要求"), ("第二部分", "任务")]
    assert result.headings[0].children[0].marker == "第一章"


def test_indicator_table_rows_become_targets() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415 (the reader's helper, tested through the rules)

    rows = [
        ["序号", "指标名称", "单位", "2020年现状", "2025年目标", "指标属性"],
        ["1", "空气质量优良天数比例", "%", "83.5", "≥85", "约束性"],
        ["2", "PM2.5年均浓度", "微克/立方米", "38", "33以下", "约束性"],
        ["3", "生态环境状况指数", "—", "56", "≥57", "预期性"],
        ["4", "单位GDP能耗降低", "%", "—", "完成省下达任务", "约束性"],
        ["5", "森林覆盖率", "%", "32.1", "34", "约束性"],
    ]
    result = extract_text("\n".join(table_lines(rows)))
    assert [(t.indicator, *row) for t, row in zip(result.targets, _targets(result), strict=True)] == [
        ("空气质量优良天数比例", "≥", Decimal(85), "%", 2025),
        ("PM2.5年均浓度", "≤", Decimal(33), "微克/立方米", 2025),
        ("生态环境状况指数", "≥", Decimal(57), "", 2025),
        ("森林覆盖率", "=", Decimal(34), "%", 2025),
    ]
    assert table_lines([["阶段", "主要工作"], ["第一阶段", "动员部署"]]) == [
        "阶段",
        "主要工作",
        "第一阶段",
        "动员部署",
    ]


def test_a_phase_given_by_its_end_starts_after_the_previous_one() -> None:
    result = extract_text(
        "（一）动员阶段（2022年3月底前）。\n（二）实施阶段（2022年4月—2023年9月）。\n（三）验收阶段（2023年12月底前）。\n"
    )
    # The first phase has no start written: its end month stands for it (the office corrects it in the preview
    # rather than missing the phase).
    assert [(p.name, p.start, p.end) for p in result.phases] == [
        ("动员阶段", "2022-03", "2022-03"),
        ("实施阶段", "2022-04", "2023-09"),
        ("验收阶段", "2023-10", "2023-12"),
    ]


def test_units_apart_by_a_single_space_but_ocr_spaces_go() -> None:
    result = extract_text(
        "1.河长制。落实河长制。\n牵头单位：市水务局 市自然资源局\n配合单位：市 生 态 环 境 局 、 市 林 草 局\n"
    )
    assert _tasks(result) == [("1", ("市水务局", "市自然资源局"), ("市生态环境局", "市林草局"))]


def test_other_fields_in_the_bracket_are_not_units_and_ratios_are_not_targets() -> None:
    result = extract_text(
        "（一）环境卫生整治。清扫率达到85%以上。（责任单位：市城市管理局，各县（市、区）人民政府；完成时限：2023年12月底）\n"
        "（二）农村人居环境。改造户厕。（牵头单位：市农业农村局；配合单位：市卫生健康委；责任人：各县分管负责同志）\n"
        "（三）资金保障。各县按不低于1:1比例配套。\n"
    )
    assert _tasks(result) == [
        ("(一)", ("市城市管理局", "各县（市、区）人民政府"), ()),
        ("(二)", ("市农业农村局",), ("市卫生健康委",)),
    ]
    assert _targets(result) == [("≥", Decimal(85), "%", None)]


def test_a_task_table_with_indicator_values_gives_tasks_and_targets() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415 (the reader's helper, tested through the rules)

    rows = [
        ["序号", "指标名称", "单位", "指标值", "指标属性", "现状值", "牵头单位", "配合单位"],
        ["1", "生态文明建设工作占党政实绩考核的比例", "%", "≥20", "约束性", "20", "市委组织部", "市人社局"],
        ["2", "河长制", "—", "全面实施", "约束性", "已实施", "市水务局", "市住建局、市自然资源局"],
    ]
    result = extract_text("\n".join(table_lines(rows)))
    assert _tasks(result) == [
        ("1", ("市委组织部",), ("市人社局",)),
        ("2", ("市水务局",), ("市住建局", "市自然资源局")),
    ]
    assert [(t.indicator, *row) for t, row in zip(result.targets, _targets(result), strict=True)] == [
        ("生态文明建设工作占党政实绩考核的比例", "≥", Decimal(20), "%", None)
    ]


def test_warnings_name_what_to_check_by_hand() -> None:
    assert extract_text("各县区要高度重视。").warnings == (
        "未识别到标题层级（文件可能没有编号或标题行），请核对任务结构。",
        "未识别到牵头单位或配合单位：文件可能没有责任分工，或其写法未被识别。",
        "未识别到量化目标。",
    )
    result = extract_text(
        "1.河长制。落实河长制。\n配合单位：市水务局\n1.林长制。森林覆盖率达到30%。\n牵头单位：市林业局\n"
    )
    assert result.warnings == ("任务 1 只有配合单位，没有牵头单位。", "任务编号 1 出现多次，请核对。")
    sample = extract_text(
        (Path(__file__).parent / "corpus" / "tianshui-2022.txt").read_text(encoding="utf-8")
    )
    assert sample.warnings == ()


def test_an_annex_starts_its_numbering_again_at_the_top() -> None:
    result = extract_text(
        "四、保障措施\n（一）加强领导。成立领导小组。\n附件：重点工程任务分工表\n"
        "1.污水处理厂扩容工程\n牵头单位：县住房和城乡建设局\n2.矿山生态修复工程\n牵头单位：县自然资源局\n"
    )
    assert _tasks(result) == [("1", ("县住房和城乡建设局",), ()), ("2", ("县自然资源局",), ())]


def test_labels_on_the_item_line_other_fields_and_more_label_words() -> None:
    result = extract_text(
        "1.编制规划 牵头单位：市生态环境局 配合单位：市发展改革委\n"
        "2.河长制。落实河长制。\n责任单位：市水务局 完成时限：2023年底\n"
        "3.林长制。落实林长制。责任主体：各县区政府\n"
        "4.湿地保护。加强保护。\n负责单位：市林业局\n参加单位：市自然资源局\n"
    )
    assert [(t.ref, t.title, t.lead, t.cooperating) for t in result.tasks] == [
        ("1", "编制规划", ("市生态环境局",), ("市发展改革委",)),
        ("2", "河长制", ("市水务局",), ()),
        ("3", "林长制", ("各县区政府",), ()),
        ("4", "湿地保护", ("市林业局",), ("市自然资源局",)),
    ]


def test_a_rate_with_its_percentage_and_no_verb_and_compound_units() -> None:
    result = extract_text(
        "到2025年，农村饮用水卫生合格率100%，执法检查不少于4次/年。工业用水重复利用率比上年提高。"
    )
    assert _targets(result) == [("=", Decimal(100), "%", 2025), ("≥", Decimal(4), "次/年", 2025)]


def test_a_bare_year_is_past_only_before_the_plans_own_year() -> None:
    text = "某市2024年水生态环境保护工作计划\n2023年，优良比例为86%。\n2024年，全市国控断面水质优良比例达到88.9%以上。\n"
    assert _targets(extract_text(text)) == [("≥", Decimal("88.9"), "%", None)]


def test_brackets_inside_a_unit_in_words_stay() -> None:
    result = extract_text("①划定保护区。市生态环境局负责，各县（市、区）政府配合。\n")
    assert _tasks(result) == [("①", ("市生态环境局",), ("各县（市、区）政府",))]


def test_labels_after_the_last_sub_item_belong_to_the_item() -> None:
    result = extract_text(
        "一、重点任务\n1.推进燃煤锅炉整治。\n（1）淘汰小锅炉。\n（2）改造大锅炉。\n牵头单位：市生态环境局\n"
        "2.推进扬尘治理。\n（1）工地扬尘。\n牵头单位：市住建局\n（2）道路扬尘。\n牵头单位：市城市管理局\n"
    )
    assert _tasks(result) == [
        ("一.1", ("市生态环境局",), ()),
        ("一.2.(1)", ("市住建局",), ()),
        ("一.2.(2)", ("市城市管理局",), ()),
    ]
