"""Demo task list, project list and supervision for 秦川市 (built after the program and reporting demos).

The task list follows the structure of published implementation plans (四、重点任务和责任分工:
（一）目标责任体系与制度建设 → 1. … with lead and cooperating units). Some tasks are late on purpose, and
supervision is replayed over the last three weeks so that open notices exist at every level.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from apps.demo.programs import DemoContext
from apps.programs.selectors import program_indicators
from apps.review.workflow import ReviewAction
from apps.tasks import services
from apps.tasks.models import NoticeLevel, ProjectCategory, ProjectStatus, Task, TaskMilestone
from apps.tasks.supervision import notice_close, notice_issue, notice_respond, supervision_run
from docimport.xlsx import sheet_row

D = dt.date
LATE = "late"  # deadline placeholder: filled relative to today so that escalation levels always show

# (group title, [(title, lead, cooperators, deadline or (LATE, days ago), milestones, status, percent)])
GROUPS: list[tuple[str, list[tuple]]] = [
    ("目标责任体系与制度建设", [
        ("生态文明建设规划", "市生态环境局", "市发展改革委、市自然资源局", D(2025, 6, 30),
         [("《规划》通过专家论证", D(2025, 4, 30)), ("市政府常务会议审议颁布", D(2025, 6, 30))], "completed", 100),
        ("党委政府对生态文明建设重大目标任务部署", "市委组织部", "市生态环境局", D(2029, 12, 31), [], "in_progress", 60),
        ("生态文明建设工作占党政实绩考核的比例", "市委组织部", "市统计局", (LATE, 30),
         [("印发差别化考核办法", (LATE, 40))], "in_progress", 70),
        ("河长制", "市水务局", "市自然资源局、市住房和城乡建设局、市生态环境局", D(2026, 12, 31), [], "in_progress", 85),
        ("生态环境信息公开率", "市生态环境局", "市委宣传部", D(2029, 12, 31), [], "in_progress", 90),
        ("依法开展规划环境影响评价", "市生态环境局", "市自然资源局", (LATE, 12), [], "in_progress", 80),
    ]),
    ("生态环境质量改善", [
        ("环境空气质量", "市生态环境局", "市工业和信息化局、市住房和城乡建设局、市交通运输局", D(2027, 12, 31),
         [("完成燃煤锅炉淘汰", (LATE, 3)), ("重污染天气应急减排清单修订", D(2026, 12, 15))], "in_progress", 65),
        ("水环境质量", "市生态环境局", "市水务局、市住房和城乡建设局、市农业农村局", D(2027, 12, 31), [], "in_progress", 55),
        ("近岸海域水质", "市生态环境局", "市自然资源局", None, [], "not_started", 0),
        ("生态环境状况指数", "市生态环境局", "市林业和草原局", D(2028, 6, 30), [], "in_progress", 40),
        ("林草覆盖率", "市林业和草原局", "市自然资源局", (LATE, 20), [], "in_progress", 75),
        ("生物多样性保护", "市林业和草原局", "市生态环境局、市农业农村局", D(2027, 6, 30), [], "in_progress", 30),
    ]),
    ("生态系统保护", [
        ("生态保护红线", "市自然资源局", "市生态环境局", D(2026, 6, 30), [], "completed", 100),
        ("危险废物利用处置", "市生态环境局", "市应急管理局", (LATE, 5), [], "in_progress", 85),
        ("自然生态空间保护", "市自然资源局", "市林业和草原局", D(2028, 12, 31), [], "in_progress", 35),
        ("河湖岸线保护率", "市水务局", "市自然资源局", D(2027, 12, 31), [], "not_started", 0),
        ("耕地保有量", "市自然资源局", "市农业农村局", None, [], "in_progress", 50),
    ]),
    ("生态经济发展", [
        ("单位地区生产总值能耗", "市发展改革委", "市统计局、市工业和信息化局", D(2026, 12, 31), [], "in_progress", 80),
        ("单位地区生产总值用水量", "市水务局", "市统计局", D(2026, 12, 31), [], "in_progress", 85),
        ("单位国内生产总值建设用地使用面积下降率", "市自然资源局", "市统计局", D(2027, 12, 31), [], "in_progress", 45),
        ("碳排放强度", "市发展改革委", "市生态环境局、市统计局", (LATE, 35), [], "in_progress", 50),
        ("应当实施强制性清洁生产企业通过审核的比例", "市生态环境局", "市工业和信息化局", (LATE, 9), [],
         "in_progress", 70),
        ("农业废弃物综合利用率", "市农业农村局", "市生态环境局", D(2027, 12, 31),
         [("秸秆综合利用台账建立", (LATE, 15))], "in_progress", 55),
    ]),
    ("生态生活建设", [
        ("集中式饮用水水源地水质优良比例", "市生态环境局", "市水务局、市卫生健康委", D(2026, 12, 31), [], "in_progress", 90),
        ("村镇饮用水卫生合格率", "市卫生健康委", "市水务局", D(2026, 12, 31), [], "in_progress", 85),
        ("城镇污水处理率", "市住房和城乡建设局", "市生态环境局", (LATE, 25),
         [("第二污水处理厂提标改造通水", (LATE, 30))], "in_progress", 75),
        ("城镇生活垃圾无害化处理率", "市城市管理局", "市住房和城乡建设局", D(2026, 12, 31), [], "in_progress", 88),
        ("城镇新建绿色建筑比例", "市住房和城乡建设局", "市自然资源局", (LATE, 2), [], "in_progress", 67),
        ("公共交通出行分担率", "市交通运输局", "", D(2027, 12, 31), [], "in_progress", 40),
        ("农村无害化卫生厕所普及率", "市农业农村局", "市卫生健康委", D(2027, 6, 30), [], "in_progress", 60),
        ("政府绿色采购比例", "市财政局", "市机关事务管理局", D(2026, 12, 31), [], "completed", 100),
    ]),
    ("生态文化培育", [
        ("党政领导干部参加生态文明培训的人数比例", "市委组织部", "市生态环境局", D(2026, 12, 31), [], "in_progress", 80),
        ("公众对生态文明建设的满意度", "市委宣传部", "市统计局、市生态环境局", D(2026, 10, 31), [], "completed", 100),
        ("公众对生态文明建设的参与度", "市委宣传部", "市教育局、市统计局", (LATE, 17), [], "in_progress", 60),
        ("生态文明宣传教育进机关、进学校、进社区", "市委宣传部", "市教育局", None, [], "in_progress", 70),
    ]),
]

CN_GROUPS = "一二三四五六七八九十"

# (category, [(name, county index or None for 市本级, unit, start year, end year, total, unit of total, status)])
PROJECTS: list[tuple[str, list[tuple]]] = [
    ("生态屏障建设", [
        ("渭河流域（秦川段）山水林田湖草沙一体化保护和修复工程", None, "市自然资源局", 2024, 2027, "18.6", "亿元", "under_way"),
        ("北山生态屏障造林绿化工程", 4, "市林业和草原局", 2024, 2026, "3.2", "亿元", "under_way"),
        ("青峰山水源涵养林建设项目", 2, "市林业和草原局", 2025, 2027, "26800", "万元", "under_way"),
        ("南谷县废弃矿山生态修复项目", 5, "市自然资源局", 2024, 2025, "9650", "万元", "under_way"),
        ("国家储备林建设项目", 3, "市林业和草原局", 2025, 2029, "12.5", "亿元", "planned"),
        ("石门县水土保持综合治理工程", 3, "市水务局", 2024, 2026, "15400", "万元", "under_way"),
    ]),
    ("净空净水净土", [
        ("城区集中供热清洁化改造工程", 0, "市住房和城乡建设局", 2024, 2026, "4.6", "亿元", "under_way"),
        ("秦川市第二污水处理厂提标改造工程", 0, "市住房和城乡建设局", 2024, 2025, "32600", "万元", "under_way"),
        ("渭河干流入河排污口整治工程", None, "市生态环境局", 2025, 2026, "8900", "万元", "under_way"),
        ("东岭区黑臭水体综合治理项目", 1, "市住房和城乡建设局", 2024, 2025, "21500", "万元", "completed"),
        ("北塬县受污染耕地安全利用项目", 4, "市农业农村局", 2025, 2027, "6800", "万元", "under_way"),
        ("重点行业挥发性有机物综合治理项目", None, "市生态环境局", 2025, 2026, "1.35", "亿元", "under_way"),
    ]),
    ("环境综合整治", [
        ("农村生活污水治理提升工程", 2, "市生态环境局", 2024, 2026, "18700", "万元", "under_way"),
        ("城乡生活垃圾分类收运体系建设项目", None, "市城市管理局", 2024, 2026, "2.4", "亿元", "under_way"),
        ("河湾区老旧小区雨污分流改造工程", 0, "市住房和城乡建设局", 2025, 2027, "3.8", "亿元", "under_way"),
        ("石门县农村人居环境整治提升项目", 3, "市农业农村局", 2024, 2025, "7600", "万元", "under_way"),
        ("南谷县城乡环卫一体化项目", 5, "市城市管理局", 2025, 2026, "5400", "万元", "planned"),
    ]),
    ("生态工业", [
        ("秦川经济技术开发区循环化改造项目", 1, "市发展改革委", 2024, 2027, "9.8", "亿元", "under_way"),
        ("工业固体废物综合利用项目", 4, "市工业和信息化局", 2025, 2026, "42000", "万元", "under_way"),
        ("绿色工厂与清洁生产改造专项", None, "市工业和信息化局", 2024, 2026, "2.1", "亿元", "under_way"),
        ("河湾区分布式光伏整县推进项目", 0, "市发展改革委", 2025, 2027, "6.5", "亿元", "under_way"),
        ("铝型材企业超低排放改造项目", 1, "市生态环境局", 2024, 2025, "13200", "万元", "completed"),
    ]),
    ("生态农业", [
        ("高标准农田建设项目", 4, "市农业农村局", 2024, 2026, "5.6", "亿元", "under_way"),
        ("畜禽粪污资源化利用整县推进项目", 2, "市农业农村局", 2024, 2025, "8600", "万元", "under_way"),
        ("苹果产业绿色标准化基地建设项目", 5, "市农业农村局", 2025, 2027, "12300", "万元", "under_way"),
        ("化肥农药减量增效示范项目", None, "市农业农村局", 2025, 2026, "3200", "万元", "under_way"),
        ("石门县有机农产品认证基地建设项目", 3, "市农业农村局", 2026, 2028, "4700", "万元", "planned"),
    ]),
    ("生态服务业", [
        ("青峰山生态旅游示范区建设项目", 2, "市文化和旅游局", 2024, 2027, "7.2", "亿元", "under_way"),
        ("渭河湿地公园提升工程", 0, "市林业和草原局", 2024, 2026, "2.9", "亿元", "under_way"),
        ("绿色物流园区建设项目", 1, "市商务局", 2025, 2027, "4.3", "亿元", "under_way"),
        ("南谷县康养旅游基础设施项目", 5, "市文化和旅游局", 2025, 2026, "18600", "万元", "under_way"),
        ("城区新能源公交更新项目", None, "市交通运输局", 2024, 2025, "15800", "万元", "under_way"),
    ]),
    ("资源集约利用", [
        ("城市再生水利用工程", 0, "市水务局", 2024, 2026, "26500", "万元", "under_way"),
        ("农业高效节水灌溉工程", 4, "市水务局", 2024, 2026, "3.1", "亿元", "under_way"),
        ("建筑垃圾资源化利用项目", 1, "市住房和城乡建设局", 2025, 2026, "11200", "万元", "under_way"),
        ("低效工业用地再开发项目", None, "市自然资源局", 2025, 2028, "8.4", "亿元", "planned"),
        ("公共机构节能改造项目", None, "市机关事务管理局", 2024, 2025, "3600", "万元", "completed"),
    ]),
    ("生态扶贫", [
        ("北塬县生态护林员与生态补偿项目", 4, "市林业和草原局", 2024, 2026, "4200", "万元", "under_way"),
        ("南谷县林下经济产业扶持项目", 5, "市林业和草原局", 2025, 2027, "6300", "万元", "under_way"),
        ("青峰县光伏扶贫电站提质项目", 2, "市发展改革委", 2024, 2025, "9800", "万元", "under_way"),
        ("石门县易地搬迁安置区后续产业项目", 3, "市农业农村局", 2024, 2026, "2.2", "亿元", "under_way"),
    ]),
]

FUNDING_SPLITS = [("财政资金", "0.3"), ("上级专项", "0.4"), ("社会资本", "0.3")], [("PPP", "0.6"), ("财政资金", "0.4")], \
    [("绿色债券", "0.5"), ("上级专项", "0.3"), ("其他", "0.2")], [("财政资金", "1")]


def _date(value: dt.date | tuple[str, int] | None, today: dt.date) -> dt.date | None:
    if isinstance(value, tuple):
        return today - dt.timedelta(days=value[1])
    return value


def _build_tasks(context: DemoContext, today: dt.date) -> None:
    program, units = context.program, context.units
    indicators = {i.name: i for i in program_indicators(program)}
    for index, (group, items) in enumerate(GROUPS):
        parent = services.task_create(program=program, number=f"（{CN_GROUPS[index]}）", title=group)
        for number, (title, lead, cooperating, deadline, milestones, status, percent) in enumerate(items, start=1):
            leads = [units[lead]]
            cooperators = [units[name] for name in cooperating.split("、") if name]
            counties = [units[n] for n in units if n.endswith("人民政府")]
            task = services.task_create(
                program=program, parent=parent, number=f"{number}.", title=title,
                description=f"对照《指标体系》要求推进{title}工作，建立工作台账，按节点报送进展和佐证材料。",
                leads=leads, cooperators=cooperators + counties[: (number % 3)], start=D(2025, 1, 1),
                deadline=_date(deadline, today),
                deadline_text="" if deadline else "长期坚持",
                milestones=[(t, _date(d, today)) for t, d in milestones],
                indicators=[indicators[title]] if title in indicators else [],
            )
            services.task_apply_progress(task=task, percent=percent, today=today)
            if status == "completed":
                TaskMilestone.objects.filter(task=task).update(done_on=task.deadline)


def _build_progress(context: DemoContext) -> None:
    program, users = context.program, context.users
    reporter, office = users["reporter"], users["office"]
    tasks = {t.title: t for t in Task.objects.filter(program=program)}
    update = services.task_progress_create(
        task=tasks["环境空气质量"], actor=reporter, percent=70, submit=True,
        narrative="完成燃煤锅炉淘汰 46 台，PM2.5 年均浓度同比下降 6.2%，重污染天气应急减排清单修订中。",
    )
    services.task_progress_transition(progress=update, action=ReviewAction.APPROVE, actor=office)
    update = services.task_progress_create(
        task=tasks["水环境质量"], actor=reporter, percent=60, submit=True,
        narrative="国控断面水质优良比例 85.7%，3 个断面仍为 IV 类，入河排污口排查完成 80%。",
    )
    services.task_progress_transition(progress=update, action=ReviewAction.RETURN, actor=office,
                                      comment="请补充各断面月度监测数据和排污口整治台账。")
    services.task_progress_create(task=tasks["危险废物利用处置"], actor=reporter, percent=90, submit=True,
                                  narrative="危废经营单位规范化考核全部完成，医疗废物集中处置率 100%。")
    if "reporter2" in users:
        services.task_progress_create(task=tasks["城镇新建绿色建筑比例"], actor=users["reporter2"], percent=67,
                                      submit=True, narrative="1—10 月城镇新建绿色建筑面积占比 67.3%。")


def _project_sheet(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(sheet_row(sheet, ["秦川市生态文明建设重点项目清单（第二批）"]))
    sheet.append(["序号", "项目名称", "项目类别", "建设地点", "责任单位", "建设内容", "起止年限", "总投资（亿元）", "资金来源",
                  "项目状态", "2025年计划投资（亿元）", "2025年完成投资（亿元）", "2026年计划投资（亿元）",
                  "2026年完成投资（亿元）"])
    for row in rows:
        sheet.append(sheet_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _build_projects(context: DemoContext) -> None:
    """万元 projects through the service, 亿元 ones through the xlsx import (as offices send them)."""
    program, counties, units = context.program, context.counties, context.units
    categories = {c.name: c for c in ProjectCategory.objects.all()}
    sheet_rows: list[list[object]] = []
    number = 0
    for category, items in PROJECTS:
        for name, county, unit, start, end, total, money_unit, status in items:
            number += 1
            region = counties[county] if county is not None else program.region
            location = region.name if county is not None else "全市"
            total_d = Decimal(total)
            split = FUNDING_SPLITS[number % len(FUNDING_SPLITS)]
            progress = {"completed": 100, "planned": 0}.get(status, 20 + (number * 13) % 70)
            if money_unit == "亿元":
                funding = "、".join(f"{source}{(total_d * Decimal(share)).quantize(Decimal('0.01'))}亿元"
                                    for source, share in split)
                years = [(total_d * Decimal(s)).quantize(Decimal("0.01")) for s in ("0.3", "0.25", "0.35")]
                sheet_rows.append([number, name, category, location, unit, f"{name}，详见可研批复。",
                                   f"{start}-{end}", float(total_d), funding, ProjectStatus(status).label,
                                   float(years[0]), float(years[1]) if status != "planned" else 0,
                                   float(years[2]), float(years[2] * progress / 100) if status != "planned" else 0])
                continue
            wan = total_d
            services.project_create(
                program=program, number=str(number), name=name, category=categories[category], region=region,
                location=location, department=units[unit], content=f"{name}，详见可研批复。",
                start=D(start, 1, 1), end=D(end, 12, 31), total=wan, status=status, percent=progress,
                funding=[({"财政资金": "fiscal", "上级专项": "special", "社会资本": "social", "PPP": "ppp",
                           "绿色债券": "green_bond", "其他": "other"}[s], (wan * Decimal(share)).quantize(Decimal("0.01")))
                         for s, share in split],
                years={
                    2025: {"planned": (wan * Decimal("0.4")).quantize(Decimal("0.01")),
                           "completed": (wan * Decimal("0.4") * (1 if status == "completed" else Decimal("0.9")))
                           .quantize(Decimal("0.01")) if status != "planned" else Decimal(0)},
                    2026: {"planned": (wan * Decimal("0.4")).quantize(Decimal("0.01")),
                           "completed": (wan * Decimal("0.4") * progress / 100).quantize(Decimal("0.01"))},
                },
                order=number,
            )
    services.project_list_import(program=program, data=_project_sheet(sheet_rows))
    for project in program.projects.filter(status=ProjectStatus.UNDER_WAY):
        project.percent = project.percent or 20 + (project.id * 17) % 70
        project.save(update_fields=["percent"])


def _replay_supervision(context: DemoContext, today: dt.date) -> None:
    """Run the daily rules over the last three weeks, with a response and a closure along the way."""
    program, users = context.program, context.users
    for days_ago in (22, 15, 8):
        supervision_run(program=program, today=today - dt.timedelta(days=days_ago))
    notices = list(program.notices.filter(department=users["reporter"].duties[0].department).order_by("issued_on", "id"))
    if len(notices) >= 2:
        notice_respond(notice=notices[0], actor=users["reporter"], today=today - dt.timedelta(days=6),
                       text="已制定整改方案，计划12月底前完成，详见附件。")
        notice_close(notice=notices[0], actor=users["office"], today=today - dt.timedelta(days=5),
                     text="整改方案可行，督办事项转入日常调度。")
        notice_respond(notice=notices[1], actor=users["reporter"], today=today - dt.timedelta(days=2),
                       text="正在补充材料，12月15日前完成。")
    supervision_run(program=program, today=today)


#: Notices of 2024 and 2025, all closed, so that scoring those years has notice facts (count, 通报, overdue
#: answers): (issued on, unit, matter, level, answered how many days after issue (None: never), who answers).
PAST_NOTICES = [
    (D(2024, 3, 12), "市生态环境局", "大气污染防治季度任务滞后", NoticeLevel.REMIND, 3, "reporter"),
    (D(2024, 5, 20), "市住房和城乡建设局", "建筑工地扬尘管控不到位", NoticeLevel.URGE, 9, "reporter2"),
    (D(2024, 7, 8), "青峰县人民政府", "黑臭水体整治进度滞后", NoticeLevel.CIRCULATE, 4, "county"),
    (D(2024, 9, 2), "北塬县人民政府", "秸秆禁烧巡查不到位", NoticeLevel.REMIND, 12, "dual"),
    (D(2024, 10, 15), "市水务局", "河长制巡河记录缺失", NoticeLevel.URGE, 2, "dual"),
    (D(2024, 11, 6), "市交通运输局", "柴油货车抽检未按期完成", NoticeLevel.CIRCULATE, None, ""),
    (D(2025, 2, 18), "市生态环境局", "重点排污单位自动监控数据缺失", NoticeLevel.REMIND, 2, "reporter"),
    (D(2025, 4, 9), "青峰县人民政府", "饮用水水源地整治滞后", NoticeLevel.URGE, 8, "county"),
    (D(2025, 6, 23), "北塬县人民政府", "生活垃圾分类覆盖率未达进度", NoticeLevel.REMIND, 4, "dual"),
    (D(2025, 8, 4), "市住房和城乡建设局", "污水管网建设投资完成率偏低", NoticeLevel.CIRCULATE, 3, "reporter2"),
    (D(2025, 9, 17), "市农业农村局", "化肥减量增效台账未报送", NoticeLevel.URGE, None, ""),
]


def _past_notices(context: DemoContext) -> None:
    """Issue, answer (on time or late) and close the notices of 2024 and 2025, each on its business date."""
    program, users, units = context.program, context.users, context.units
    for issued, unit, title, level, answer_days, responder in PAST_NOTICES:
        notice = notice_issue(program=program, department=units[unit], title=title, reason=f"{title}，请限期整改并答复。",
                              actor=users["office"], level=level, today=issued)
        closed = issued + dt.timedelta(days=(answer_days or 20) + 5)
        if answer_days is not None:
            notice_respond(notice=notice, actor=users[responder], today=issued + dt.timedelta(days=answer_days),
                           text="已完成整改，整改材料已报送。")
        notice_close(notice=notice, actor=users["office"], today=closed,
                     text="整改完成，予以办结。" if answer_days is not None else "逾期未答复，记入考核后办结。")


def build(context: DemoContext) -> None:
    program = context.program
    if program is None or Task.objects.filter(program=program).exists():
        return
    today = timezone.localdate()
    _build_tasks(context, today)
    _build_progress(context)
    _build_projects(context)
    _replay_supervision(context, today)
    _past_notices(context)  # after the replay, which answers the reporter's first open notices
