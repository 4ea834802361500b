"""Rules added after scoring documents the reader had never seen (``tests/docimport/plan/heldout*``), each on a
small inline text rather than on those documents."""

from __future__ import annotations

from decimal import Decimal

from docimport.plan import extract_text
from docimport.plan.read import drop_page_furniture, read_text


def _phases(text: str) -> list[tuple[str, str | None]]:
    return [(p.start, p.end) for p in extract_text(text).phases]


def test_running_header_and_page_number_go_and_the_cut_sentence_joins_again() -> None:
    page = "某某市人民政府办公室文件"
    text = (
        f"{page}\n某市污水治理实施方案\n一、重点任务\n（一）建立运维机制。推行“县级统筹、乡镇监管、\n"
        f"                — 1 —\n{page}\n专业运维”模式，达标率达到80%以上。\n牵头单位：市住建局\n"
        f"（二）强化资金保障。安排专项资金。\n牵头单位：市财政局\n                — 2 —\n{page}\n"
        "二、保障措施\n（一）加强组织领导。\n                — 3 —\n"
    )
    read = read_text(text.encode("utf-8"), "plan.txt")
    assert read.count(page) == 1  # the letterhead stays, the running header goes
    assert "— 2 —" not in read
    assert "乡镇监管、专业运维”模式" in read
    result = extract_text(read)
    assert [(t.ref, t.lead) for t in result.tasks] == [("一.(一)", ("市住建局",)), ("一.(二)", ("市财政局",))]


def test_a_line_that_recurs_away_from_page_numbers_stays() -> None:
    lines = ["（一）加强组织领导。", "各县区负责。", "— 1 —", "正文继续。", "各县区负责。", "— 2 —", "结束。"]
    # "各县区负责。" sits next to two page numbers but ends a sentence: it is text, not a running header.
    assert drop_page_furniture(lines) == [
        "（一）加强组织领导。",
        "各县区负责。",
        "正文继续。",
        "各县区负责。",
        "结束。",
    ]


def test_no_targets_under_a_past_results_heading() -> None:
    text = (
        "某市生态文明建设规划（2021—2030年）\n第一章 发展基础与形势\n第一节 发展基础\n"
        "全市累计建成自然保护区7处，总面积达1433平方公里。\n第二节 面临形势\n任务依然艰巨。\n"
        "第二章 规划目标\n到2025年，全市森林覆盖率达到55%。\n"
    )
    targets = extract_text(text).targets
    assert [(t.value, t.unit, t.deadline) for t in targets] == [(Decimal("55"), "%", 2025)]


def test_a_period_word_then_its_range() -> None:
    text = "规划期限为2021—2030年，其中近期为2021—2025年，远期为2026—2030年。\n"
    assert _phases(text) == [("2021-01", "2025-12"), ("2026-01", "2030-12")]


def test_a_first_phase_by_its_end_only_and_a_phase_of_one_month() -> None:
    text = (
        "二、实施步骤\n（一）启动阶段（2023年3月底前）。制定方案。\n（二）集中整治阶段（2023年4月—2024年12月）。\n"
        "（三）总结验收阶段（2025年12月）。\n"
    )
    assert _phases(text) == [("2023-03", "2023-03"), ("2023-04", "2024-12"), ("2025-12", "2025-12")]


def test_items_under_a_steps_heading_are_phases_without_the_word() -> None:
    text = (
        "三、实施步骤\n（一）启动部署（2023年3月—4月）。\n（二）全面攻坚（2023年5月—2025年10月）。\n"
        "（三）总结评估（11月—12月）。\n四、重点任务\n（一）开展专项整治（2023年5月—10月）。\n"
    )
    assert _phases(text) == [("2023-03", "2023-04"), ("2023-05", "2025-10"), ("2025-11", "2025-12")]


def test_units_of_visits_and_species() -> None:
    text = "年接待公众不少于10万人次，湿地水鸟种类不少于120种。\n"
    assert [(t.value, t.unit) for t in extract_text(text).targets] == [
        (Decimal("10"), "万人次"),
        (Decimal("120"), "种"),
    ]


def test_an_assignment_in_words_after_the_last_sub_item_belongs_to_the_item() -> None:
    text = (
        "二、重点工作\n1.规范转运站点建设。对转运站进行改造。\n（1）2023年完成中心城区改造。\n"
        "（2）2024年完成县城改造。\n市城市管理局、市住建局牵头，市财政局配合。\n"
        "2.配齐运输车辆。市城市管理局牵头，市公安局配合。\n"
    )
    tasks = [(t.ref, t.lead, t.cooperating) for t in extract_text(text).tasks]
    assert tasks == [
        ("二.1", ("市城市管理局", "市住建局"), ("市财政局",)),
        ("二.2", ("市城市管理局",), ("市公安局",)),
    ]


def test_an_indicator_table_with_the_unit_in_brackets_after_the_name() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415 (the reader's helper, tested through the rules)

    rows = [
        ["序号", "指标", "2023年完成值", "2024年目标值"],
        ["1", "国考断面水质优良比例（%）", "85.3", "≥86.7"],
        ["2", "城市生活污水集中收集率（%）", "66", "70"],
        ["3", "森林覆盖率（含灌木林）", "40", "≥41"],
    ]
    targets = extract_text("\n".join(table_lines(rows))).targets
    assert [(t.indicator, t.comparator.value, t.value, t.unit, t.deadline) for t in targets] == [
        ("国考断面水质优良比例", "≥", Decimal("86.7"), "%", 2024),
        ("城市生活污水集中收集率", "=", Decimal("70"), "%", 2024),
        ("森林覆盖率（含灌木林）", "≥", Decimal("41"), "", 2024),
    ]


def test_at_least_as_an_adverb_before_the_verb() -> None:
    text = "县委每年至少专题研究生态文明建设工作2次，至少要有3个乡镇开展试点。\n"
    assert [(t.comparator.value, t.value, t.unit) for t in extract_text(text).targets] == [
        ("≥", Decimal("2"), "次"),
        ("≥", Decimal("3"), "个"),
    ]


def test_a_bracket_of_units_only_closing_the_item_is_its_lead() -> None:
    text = (
        "一、深入打好碧水保卫战\n1.推进长江大保护。完成入河排污口整治。（市生态环境局、市水利局）\n"
        "2.加强督察整改。按期完成整改。（市生态环境局，各镇人民政府、街道办事处）\n"
        "3.推进污水处理。城市生活污水集中收集率达到75%以上（含市本级）。\n"
        "4.推进“无废城市”建设（市生态环境局）工作，形成经验。\n"
    )
    tasks = [(t.ref, t.lead, t.cooperating) for t in extract_text(text).tasks]
    # A bracket of other words, or one inside the sentence, assigns nothing.
    assert tasks == [
        ("一.1", ("市生态环境局", "市水利局"), ()),
        ("一.2", ("市生态环境局", "各镇人民政府", "街道办事处"), ()),
    ]


def test_square_brackets_hold_labels_like_round_ones() -> None:
    text = (
        "二、重点任务\n（一）农村厕所革命。新改建公厕20座。【责任单位：镇农业农村办（牵头）、镇村镇建设办、各行政村】\n"
        "（二）村庄绿化。每年植树不少于5万株。[责任单位：镇林业站]\n"
    )
    result = extract_text(text)
    assert [(t.ref, t.lead, t.cooperating) for t in result.tasks] == [
        ("二.(一)", ("镇农业农村办",), ("镇村镇建设办", "各行政村")),
        ("二.(二)", ("镇林业站",), ()),
    ]
    assert result.tasks[0].title == "农村厕所革命"


def test_range_then_name_under_a_steps_heading() -> None:
    text = (
        "三、推进步骤\n2023年3月—2023年12月：试点示范。选择5个村开展试点。\n"
        "2024年1月—12月：全面推进。\n四、保障措施\n2025年1月—12月：开展评估。\n"
    )
    assert _phases(text) == [("2023-03", "2023-12"), ("2024-01", "2024-12")]


def test_a_task_table_given_as_lines_of_cells_apart_by_spaces() -> None:
    text = (
        "三、任务分工\n序号 工作任务 牵头单位 配合单位\n1 秸秆禁烧巡查 县农业农村局 县公安局\n"
        "2 秸秆还田作业 县农业农村局 各镇人民政府\n四、工作要求\n各镇要落实网格化监管。\n"
    )
    tasks = [(t.ref, t.lead, t.cooperating) for t in extract_text(read_text(text.encode(), "plan.txt")).tasks]
    assert tasks == [
        ("三.1", ("县农业农村局",), ("县公安局",)),
        ("三.2", ("县农业农村局",), ("各镇人民政府",)),
    ]


def test_a_departments_plan_assigns_its_divisions() -> None:
    text = (
        "一、污染防治\n（一）打好蓝天保卫战。PM2.5平均浓度控制在28微克/立方米以内。（牵头处室：大气环境处；配合处室：监测处、执法局）\n"
        "（二）深化改革。全年办理赔偿案件不少于300件。（责任处室：法规处）\n"
    )
    result = extract_text(text)
    assert [(t.ref, t.lead, t.cooperating) for t in result.tasks] == [
        ("一.(一)", ("大气环境处",), ("监测处", "执法局")),
        ("一.(二)", ("法规处",), ()),
    ]
    assert [(t.value, t.unit) for t in result.targets] == [
        (Decimal("28"), "微克/立方米"),
        (Decimal("300"), "件"),
    ]


def test_a_closing_bracket_with_an_unknown_label_is_not_a_list_of_units() -> None:
    text = "一、重点任务\n（一）加强执法。开展专项检查。（主办科组：执法科；协作科组：监测站）\n"
    assert extract_text(text).tasks == ()


def test_beside_a_lead_column_a_responsible_units_column_cooperates() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415 (the reader's helper, tested through the rules)

    rows = [
        ["序号", "任务名称", "责任领导", "牵头单位", "责任单位", "完成时限"],
        ["1", "推进农村户厕改造", "副县长 王强", "县农业农村局", "县卫健局、各乡镇人民政府", "2024年11月"],
        ["2", "推进村庄规划编制", "副县长 李华", "县自然资源局", "", "2024年12月"],
    ]
    tasks = [(t.ref, t.lead, t.cooperating) for t in extract_text("\n".join(table_lines(rows))).tasks]
    assert tasks == [
        ("1", ("县农业农村局",), ("县卫健局", "各乡镇人民政府")),
        ("2", ("县自然资源局",), ()),
    ]


def test_year_less_phases_take_the_plans_year_and_may_share_a_month() -> None:
    text = (
        "某区扬尘污染专项整治工作方案\n一、整治目标\n到2023年底，降尘量控制在每月每平方公里7吨以内。\n三、时间安排\n"
        "（一）动员部署（4月上旬）：制定方案。\n（二）集中整治（4月中旬至10月底）：全面整治。\n"
        "（三）总结提高（11月至12月）：建立机制。\n"
    )
    assert _phases(text) == [("2023-04", "2023-04"), ("2023-04", "2023-10"), ("2023-11", "2023-12")]
