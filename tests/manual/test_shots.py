"""The user manual's screenshots (``docs/manual/``): each demo role's pages in a real browser at 1366 × 768.

The demo is loaded once (one test, so the live server sees it), and every page the manual shows is opened as the
role the manual describes, asserting its heading. With ``ECOCIV_MANUAL_SHOTS=1`` (``make manual-shots``) each
page is also saved to ``docs/manual/img/<name>.png``; otherwise nothing is written.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.demo.programs import DEMO_PASSWORD
from apps.geo.models import Department
from apps.programs.models import Program
from apps.reporting.models import ReportingRound
from apps.scoring.models import ScoreRun
from apps.scoring.workflow import RunStatus
from apps.tasks.models import DEFAULT_CATEGORIES, ProjectCategory
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IMG = Path(__file__).resolve().parents[2] / "docs" / "manual" / "img"
SHOTS = bool(os.environ.get("ECOCIV_MANUAL_SHOTS"))
MAX_BYTES = 150_000

#: (role, page under /programs/<id>, image name, expected words in the first h1), in the manual's order.
PAGES = [
    ("office", "/", "office-home", "秦川市创建国家生态文明建设示范市"),
    ("office", "/setup/program/", "setup-program", "创建工作设置"),
    ("office", "/setup/departments/", "setup-departments", "单位设置"),
    ("office", "/setup/users/", "setup-users", "用户与角色"),
    ("office", "/rounds/", "rounds", "调度轮次"),
    ("office", "/rounds/{round}/", "round", "填报进度"),
    ("office", "/rounds/{round}/?by=rows", "round-rows", "填报进度"),
    ("office", "/reporting/review/", "review", "审核队列"),
    ("office", "/tasks/", "tasks", "任务清单"),
    ("office", "/supervision/", "notices", "督办"),
    ("office", "/timeline/", "timeline", "进度计划"),
    ("office", "/inbox/?department={unit}", "office-inbox", "待办"),
    ("office", "/monitoring/", "monitoring", "监测数据核算"),
    ("office", "/monitoring/batches/", "monitoring-batches", "监测数据导入记录"),
    ("office", "//audit/", "audit", "审计日志"),
    ("office", "//password/", "password", "修改密码"),
    ("reporter", "/rounds/{round}/inbox/", "reporter-inbox", "待办"),
    ("reporter", "/rounds/{round}/import/", "import", "批量导入填报数据"),
    ("leader", "/assessment/", "cockpit", "创建驾驶舱"),
    ("leader", "/assessment/matrix/", "matrix", "达标矩阵"),
    ("office", "/scoring/", "scoring", "目标责任考核"),
    ("office", "/scoring/runs/{published}/", "scoring-run", "2024"),
    ("county", "/scoring/runs/{current}/units/{government}/", "scoring-sheet", "评分表"),
]


def _shot(page, name: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """The page shows ``heading`` in its first ``h1``; saved as ``img/<name>.png`` when shots are asked for."""
    page.wait_for_load_state("networkidle")
    assert heading in page.locator("h1").first.inner_text(), (name, page.url)
    if SHOTS:
        IMG.mkdir(parents=True, exist_ok=True)
        path = IMG / f"{name}.png"
        for height in (768, 640, 520):  # a busy page is cropped to its top until the PNG is under ~150 KB
            page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1366, "height": height})
            if path.stat().st_size <= MAX_BYTES:
                break


def _first_link(page, part: str) -> str:  # type: ignore[no-untyped-def]
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    return next(h for h in hrefs if h and part in h)


def test_manual_pages_render_for_each_role(browser_page):  # type: ignore[no-untyped-def]
    # A transactional test before this one (same worker) flushed the categories the migration seeds.
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        ProjectCategory.objects.get_or_create(name=name, defaults={"order": order})
    call_command("load_demo", stdout=io.StringIO())
    program = Program.objects.get()
    round_id = ReportingRound.objects.filter(program=program).order_by("-year", "-id").values_list("id", flat=True)[0]
    unit_id = Department.objects.get(name="市生态环境局").id
    runs = ScoreRun.objects.filter(program=program, scheme_code="demo-county-2025")
    published = runs.get(status=RunStatus.PUBLISHED).id
    current = runs.get(status=RunStatus.OBJECTION).id
    county = User.objects.get(username="county").duties[0].region
    government = Department.objects.get(governs=county).id
    page = browser_page
    page.goto(f"{page.base_url}/login/")
    _shot(page, "login", "生态文明建设示范区创建管理系统")

    role = None
    for who, tail, name, heading in PAGES:
        if who != role:
            page.context.clear_cookies()
            browser_login(page, who, DEMO_PASSWORD)
            page.wait_for_load_state("networkidle")
            role = who
        path = tail.format(round=round_id, unit=unit_id, published=published, current=current, government=government)
        program_url = f"{page.base_url}/programs/{program.id}{path}"
        page.goto(page.base_url + tail[1:] if tail.startswith("//") else program_url)
        _shot(page, name, heading)
        if name == "cockpit":  # an indicator's page (its chart, target per year, pace sentences) from the cockpit
            page.goto(page.base_url + page.locator(".sparks a.spark").first.get_attribute("href"))
            _shot(page, "indicator", " · ")
        if name == "reporter-inbox":  # the reporter's entry form and a value's page, from the inbox's links
            inbox = page.url
            for part, shot, words in (("/entry/", "entry", "年度）"), ("/values/", "value", "年度）")):
                page.goto(page.base_url + _first_link(page, part))
                _shot(page, shot, words)
                page.goto(inbox)
