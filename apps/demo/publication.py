"""The demo city's public portal: the office publishes 2024's indicator values, attainment and project progress,
and three news items (工作动态), through the publication services like a user would."""

from __future__ import annotations

from apps.publication.models import PortalStatus, PublicationKind
from apps.publication.services import portal_setting_set, publication_create, publication_transition

from .programs import DemoContext

YEAR = 2024

NEWS = [
    ("秦川市召开生态文明建设示范市创建推进会",
     "市创建工作领导小组召开推进会，通报2024年度指标完成情况，部署2025年重点任务：补齐城镇污水处理、"
     "绿色建筑等短板指标，压实各责任单位和县区的任务。"),
    ("2024年度生态文明建设指标数据完成审核",
     "市生态办组织对各责任单位和县区报送的2024年度指标数据进行审核，审核通过的数据已在本门户公开，"
     "欢迎社会各界监督。"),
    ("青峰县启动河湖生态缓冲带修复工程",
     "青峰县河湖生态缓冲带修复工程开工建设，计划修复岸线12公里，预计2025年底完工。"),
]


def build(context: DemoContext) -> None:
    """Publish once: a program that already has publications (a second ``load_demo``) is left as it is."""
    program, office = context.program, context.users["office"]
    assert program is not None
    if program.publications.exists():
        return
    portal_setting_set(program=program, actor=office, status=PortalStatus.CREATING,
                       intro="秦川市正在创建国家生态文明建设示范市（2021—2025年）。本门户公开经市生态办审核发布的"
                             "指标数据、达标情况、重点项目进展和工作动态。")
    drafts = [
        publication_create(program=program, actor=office, kind=PublicationKind.INDICATORS,
                           title=f"{YEAR}年度生态文明建设指标数值", year=YEAR),
        publication_create(program=program, actor=office, kind=PublicationKind.ATTAINMENT,
                           title=f"{YEAR}年度指标达标情况", year=YEAR),
        publication_create(program=program, actor=office, kind=PublicationKind.PROJECTS,
                           title=f"{YEAR}年重点项目进展", year=YEAR),
        *(publication_create(program=program, actor=office, kind=PublicationKind.NEWS, title=title, body=body)
          for title, body in NEWS),
    ]
    for draft in drafts:
        publication_transition(publication=draft, action="publish", actor=office)
