"""The header's program menu: groups and entries per role, the active marker, English labels, no SQL query, and
in a real browser a single-line header at 1366×768 whose dropdowns open, close and navigate."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from apps.accounts.models import Role
from apps.core import nav
from apps.programs.access import access_program
from apps.programs.context_processors import navigation, program_menu
from apps.tasks import nav as tasks_nav
from tests.conftest import ClientFor, browser_login, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


class _MenuParser(HTMLParser):
    """The menu as rendered: [(label, is_group, group_active, [(label, href, active)])]."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[list] = []
        self.in_nav = self.in_summary = self.in_link = self.in_badge = False
        self.depth = 0  # <ul> depth inside the nav: 1 = top level, 2 = a dropdown

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("class") == "mainnav":
            self.in_nav = True
        if not self.in_nav:
            return
        if tag == "ul":
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            classes = (a.get("class") or "").split()
            self.items.append(["", "menu-group" in classes, "active" in classes, []])
        elif tag == "summary":
            self.in_summary = True
        elif tag == "a":
            self.in_link = True
            self.items[-1][3].append(["", a["href"], a.get("aria-current") == "page"])
        elif tag == "span" and "menu-badge" in (a.get("class") or "").split():
            self.in_badge = True  # a count beside the label (待办 5), not part of it

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav = False
        elif tag == "ul" and self.in_nav:
            self.depth -= 1
        elif tag == "summary":
            self.in_summary = False
        elif tag == "a":
            self.in_link = False
        elif tag == "span":
            self.in_badge = False

    def handle_data(self, data: str) -> None:
        if self.in_badge:
            return
        if self.in_summary:
            self.items[-1][0] += data.strip()
        elif self.in_link:
            self.items[-1][3][-1][0] += data.strip()
            if not self.items[-1][1]:
                self.items[-1][0] += data.strip()


def menu_of(content: str) -> list[list]:
    parser = _MenuParser()
    parser.feed(content)
    return parser.items


def shape(items: list[list]) -> list[tuple[str, list[str]] | str]:
    """Top-level links as their label, groups as (label, [entry labels])."""
    return [(label, [link[0] for link in links]) if is_group else label for label, is_group, _, links in items]


def get_menu(client: Client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200, url
    return menu_of(response.content.decode())


OVERVIEW = ("总览", ["驾驶舱", "达标矩阵", "指标总览", "考核", "报告"])
LISTS = ("清单", ["责任清单", "责任单位", "任务清单", "项目清单", "地方调整"])
SUPERVISION = ("督办推进", ["督办", "进度计划"])
#: The set-up pages: an office's only (#12).
SETUP = ("设置", ["创建工作设置", "导入规划文件", "用户与角色", "单位设置", "新建创建工作"])
#: Publications (#15): the program's office only; a one-entry group is a plain link.
PUBLISH = "发布管理"

EXPECTED = {
    # the office's daily work is review: a top-level link; monitoring sits with reporting
    "office": ["审核", OVERVIEW, ("调度填报", ["调度", "我的填报", "监测核算", "问卷调查"]), SUPERVISION, LISTS, PUBLISH, SETUP],
    # a liaison's daily work is their reports and their to-do list; a one-entry group is a plain link
    "reporter": ["我的填报", "待办", ("总览", ["本单位指标", "指标总览", "考核", "报告"]), "调度", SUPERVISION, LISTS],
    "county": ["我的填报", OVERVIEW, "调度", SUPERVISION, LISTS],
    # leaders land on the cockpit
    "leader": ["驾驶舱", ("总览", ["达标矩阵", "指标总览", "考核", "报告"]), ("调度填报", ["调度", "监测核算", "问卷调查"]), SUPERVISION, LISTS],
    "inspector": [OVERVIEW, ("调度填报", ["调度", "监测核算", "问卷调查"]), SUPERVISION, LISTS],
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_groups_and_entries_per_role(world: SimpleNamespace, client_for: ClientFor, persona: str):
    client = client_for(getattr(world.users, persona))
    items = get_menu(client, reverse("program", args=[world.program.id]))
    assert shape(items) == EXPECTED[persona]
    labels = {link[0] for *_, links in items for link in links}
    assert ("审核" in labels) is (persona == "office")
    assert ("监测核算" in labels) is (persona in {"office", "leader", "inspector"})
    assert ("我的填报" in labels) is (persona in {"office", "reporter", "county"})
    # every entry shown opens for that role (the role filters agree with the pages' own permissions)
    for *_, links in items:
        for label, href, _active in links:
            # (我的填报 with no open round forwards to the rounds list)
            assert client.get(href, follow=True).status_code == 200, (persona, label, href)


def test_a_role_never_sees_an_entry_whose_page_denies_it(world: SimpleNamespace, client_for: ClientFor):
    """The denied path: pages left out of a role's menu really are refused to that role."""
    p = world.program.id
    assert client_for(world.users.leader).get(reverse("reporting_review", args=[p])).status_code == 403
    assert client_for(world.users.reporter).get(reverse("monitoring_home", args=[p])).status_code == 403
    assert client_for(world.users.reporter).get(reverse("assessment_matrix", args=[p])).status_code == 403


def test_the_review_entry_is_only_for_who_manages_the_program(world: SimpleNamespace):
    """A province office holds the office role but reads a city's program only: no 审核 link into a 403."""
    province_office = make_user("province", Role.OFFICE_ADMIN, region=world.province)
    request = RequestFactory().get(reverse("program", args=[world.program.id]))
    request.resolver_match = resolve(request.path)
    for user, reviews in ((province_office, False), (world.users.office, True)):
        request.user = user
        labels = {link.label for item in program_menu(request, access_program(user, world.program.id))
                  for link in item.links}
        assert ("审核" in labels) is reviews and "指标总览" in labels, user
    client = Client()
    client.force_login(province_office)
    assert client.get(reverse("reporting_review", args=[world.program.id])).status_code == 403


@pytest.mark.parametrize(("url_name", "extra", "entry", "group"), [
    ("program", {}, "指标总览", "总览"),
    ("region", {"region_id": "city"}, "指标总览", "总览"),
    ("reporting_rounds", {}, "调度", "调度填报"),
    ("tasks_import", {}, "任务清单", "清单"),
    ("departments", {}, "责任单位", "清单"),
    ("department", {"department_id": "unit"}, "责任单位", "清单"),
    ("notices", {}, "督办", "督办推进"),
    ("assessment_matrix", {}, "达标矩阵", "总览"),
    ("scoring_index", {}, "考核", "总览"),
    ("reporting_review", {}, "审核", None),
])
def test_the_current_page_and_its_section_are_marked(world: SimpleNamespace, client_for: ClientFor, url_name: str,
                                                     extra: dict[str, str], entry: str, group: str | None) -> None:
    kwargs = {"program_id": world.program.id}
    for key, value in extra.items():
        kwargs[key] = world.city.id if value == "city" else world.units["市生态环境局"].id
    items = get_menu(client_for(world.users.office), reverse(url_name, kwargs=kwargs))
    active = [(label, link[0]) for label, _, _, links in items for link in links if link[2]]
    assert active == [(group or entry, entry)]
    groups_marked = [label for label, is_group, group_active, _ in items if is_group and group_active]
    assert groups_marked == ([group] if group else [])


def test_menu_in_english_with_the_language_cookie(world: SimpleNamespace, client: Client):
    client.force_login(world.users.office)
    client.cookies["django_language"] = "en"
    items = get_menu(client, reverse("tasks", args=[world.program.id]))
    assert shape(items) == [
        "Review",
        ("Overview", ["Dashboard", "Attainment matrix", "Indicators", "Assessment", "Reports"]),
        ("Reporting", ["Reporting rounds", "My reports", "Monitoring", "Surveys"]),
        ("Supervision", ["Notices", "Schedule"]),
        ("Lists", ["Responsibilities", "Units", "Tasks", "Projects", "Local edits"]),
        "Publications",
        ("Set-up", ["Campaign set-up", "Import a plan document", "Users & roles", "Unit set-up", "New campaign"]),
    ]
    client.force_login(world.users.reporter)
    items = get_menu(client, reverse("tasks", args=[world.program.id]))
    assert shape(items)[:3] == ["My reports", "To do", ("Overview", ["My unit's indicators", "Indicators", "Assessment", "Reports"])]
    for persona in ("county", "leader", "inspector"):
        client.force_login(getattr(world.users, persona))
        text = str(shape(get_menu(client, reverse("tasks", args=[world.program.id]))))
        assert not CJK.search(text), (persona, text)


def test_no_menu_outside_a_program_or_on_a_refused_one(world: SimpleNamespace, client_for: ClientFor):
    request = RequestFactory().get("/")
    request.user = world.users.office
    request.resolver_match = resolve("/")
    assert "nav_menu" not in navigation(request)
    assert program_menu(request, None) == []
    response = client_for(world.users.outsider).get(reverse("program", args=[world.program.id]))
    assert response.status_code == 403
    assert menu_of(response.content.decode()) == []


def test_the_menu_costs_no_sql_query(world: SimpleNamespace):
    user = world.users.office
    request = RequestFactory().get(reverse("tasks", args=[world.program.id]))
    request.user = user  # loaded once per request by the auth middleware, counted on every page already
    request.resolver_match = resolve(request.path)
    program = access_program(user, world.program.id)  # the page's program, fetched by the page
    with CaptureQueriesContext(connection) as queries:
        navigation(request)
        menu = program_menu(request, program)
    assert len(queries) == 0
    assert [item.label for item in menu] == ["审核", "总览", "调度填报", "督办推进", "清单", "发布管理", "设置"]


def test_an_old_three_tuple_entry_is_a_top_level_link(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tasks_nav, "NAV", [*tasks_nav.NAV, ("旧式入口", "timeline", None)])
    menu = nav.build_menu(roles={"leader"}, program_id=world.program.id, path="/elsewhere/", url_name=None)
    top = [item for item in menu if not item.is_group]
    assert [item.label for item in top] == ["驾驶舱", "旧式入口"]
    assert top[1].href == reverse("timeline", args=[world.program.id])


def test_every_entry_names_a_known_group_and_a_real_page(world: SimpleNamespace):
    for entry in nav.entries():
        assert entry.group in nav.GROUPS, entry
        reverse(entry.url_name, kwargs={"program_id": world.program.id})


# --- in a browser --------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_header_is_one_line_and_dropdowns_work(world: SimpleNamespace, browser_page: Page, language: str) -> None:
    page = browser_page
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    browser_login(page, "office")
    page.wait_for_url(f"**/programs/{world.program.id}/")
    page.goto(f"{page.base_url}/programs/{world.program.id}/")
    header = page.locator("header.topbar").bounding_box()
    assert header["width"] == 1366 and header["height"] <= 56, header
    # every top-level item is on one line, inside the header, left of the user box
    userbox = page.locator(".userbox").bounding_box()
    line_height = page.locator(".mainnav .menu > li").first.bounding_box()["height"]
    for box in [b.bounding_box() for b in page.locator(".mainnav .menu > li").all()]:
        assert box["height"] == line_height <= 36, box
        assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
        assert box["x"] + box["width"] <= userbox["x"], (box, userbox)

    group = page.locator(".mainnav details").nth(1)  # 调度填报 / Reporting
    summary = group.locator("summary")
    dropdown = group.locator(".dropdown")
    assert not dropdown.is_visible()
    summary.click()
    assert dropdown.is_visible()
    # one dropdown at a time
    page.locator(".mainnav details").nth(0).locator("summary").click()
    assert not dropdown.is_visible()
    # Escape closes and gives the focus back to the group
    page.keyboard.press("Escape")
    assert page.locator(".mainnav details[open]").count() == 0
    assert page.locator(".mainnav details").nth(0).locator("summary").evaluate("s => s === document.activeElement")
    # a click outside closes
    summary.click()
    page.locator("main").click(position={"x": 5, "y": 5})
    assert not dropdown.is_visible()
    # keyboard: focus the group, Enter opens it, Tab reaches its first link, Enter follows it
    summary.focus()
    page.keyboard.press("Enter")
    assert dropdown.is_visible()
    page.keyboard.press("Tab")
    first = dropdown.locator("a").first
    assert first.evaluate("a => a === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/programs/{world.program.id}/rounds/")
    assert page.locator(".mainnav li.menu-group.active summary").inner_text() == (
        "调度填报" if language == "zh-hans" else "Reporting")
    assert page.locator(".mainnav a[aria-current=page]").text_content() == (
        "调度" if language == "zh-hans" else "Reporting rounds")
