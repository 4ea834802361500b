"""The demo city's public portal: the office publishes 2024's indicator values, attainment and project progress,
and three news items (工作动态), through the publication services like a user would."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from apps.publication import spam
from apps.publication.models import PortalStatus, PublicationKind
from apps.publication.services import (
    disclosure_item_add,
    notice_comment_add,
    notice_create,
    notice_transition,
    portal_setting_set,
    publication_create,
    publication_transition,
)

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
    portal_setting_set(program=program, actor=office, status=PortalStatus.CREATING, slug="qinchuan",
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
    notices(context)
    disclosure_list(context)


CHANNELS = {"phone": "0931-8812345", "email": "stwm@qinchuan.example.cn", "address": "秦川市政务服务中心东楼507室",
            "issuer": "秦川市生态文明建设示范区创建工作领导小组办公室"}


def notices(context: DemoContext) -> None:
    """Two 公示: one whose period ended with no feedback (its outcome published), one open from today."""
    program, office = context.program, context.users["office"]
    assert program is not None
    today = timezone.localdate()
    closed = notice_create(
        program=program, actor=office, title="秦川市2024年度生态文明建设指标数据公示",
        scope="根据创建工作安排，现将秦川市2024年度生态文明建设指标数据审核结果予以公示，接受社会监督。",
        legal_basis="《国家生态文明建设示范区管理规程》《国家生态文明建设示范区建设指标》", start=today - dt.timedelta(days=20),
        days=7, columns=["指标", "2024年数值", "目标值"],
        rows=[["环境空气质量优良天数比例", "86.3%", "≥80%"], ["地表水水质达到或优于Ⅲ类比例", "92.0%", "≥90%"]], **CHANNELS)
    opened = notice_create(
        program=program, actor=office, title="关于推荐青峰县、石门县申报省级生态文明建设示范县的公示",
        scope="经县区申报、市级初审，拟推荐以下县区申报省级生态文明建设示范县，现予以公示。公示期间，任何单位和个人"
              "如有异议，可通过电话、电子邮件或信函反映，反映问题须实事求是，并提供联系方式。",
        legal_basis="《省级生态文明建设示范区管理办法》", start=today, days=7,
        columns=["县区", "拟申报称号", "初审意见"],
        rows=[["青峰县", "省级生态文明建设示范县", "符合申报条件"], ["石门县", "省级生态文明建设示范县", "符合申报条件"]],
        **CHANNELS)
    for notice in (closed, opened):
        notice_transition(notice=notice, action="publish", actor=office)
    # a comment from the public on the open notice, as the portal's form sends it (filled in a minute)
    key = f"{program.portal_setting.slug}:{opened.number}"
    notice_comment_add(notice=opened, body="建议公示材料中补充两县近三年的空气和水环境质量数据，便于公众了解。",
                       name="王女士", contact="wang@example.cn", ip="198.51.100.20",
                       stamp=spam.form_stamp(key, at=time.time() - 60), stamp_key=key)
    notice_transition(notice=closed, action="conclude", actor=office,
                      statement="公示期间未收到反馈意见，公示结果按程序报送。")


def disclosure_list(context: DemoContext) -> None:
    """The 2024 disclosure list: three items published (today, by this builder), one still due later."""
    program, office = context.program, context.users["office"]
    assert program is not None
    today = timezone.localdate()
    for name, kind, due in [
        ("2024年度生态文明建设指标数值", PublicationKind.INDICATORS, today),
        ("2024年度指标达标情况", PublicationKind.ATTAINMENT, today),
        ("2024年重点项目进展", PublicationKind.PROJECTS, today),
        ("2024年度创建规划（修编）", PublicationKind.PLAN, today + dt.timedelta(days=60)),
    ]:
        disclosure_item_add(program=program, actor=office, name=name, kind=kind, year=YEAR, due=due)
