"""With the language cookie set to English the covered pages speak English; without it they stay Chinese.

"Headings" here are what a user reads to find their way: the page title, the header menu, h1–h3, table headers,
buttons and form labels. Domain data shown in them (region, unit, indicator, round and task names) stays Chinese
and is taken out before checking.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from apps.programs.models import Program
from apps.tasks.models import ProjectCategory, SupervisionNotice, Task

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

HEADING_PATTERNS = [
    r"<title>(.*?)</title>", r'<nav class="mainnav">(.*?)</nav>', r"<h1[^>]*>(.*?)</h1>", r"<h2[^>]*>(.*?)</h2>",
    r"<h3[^>]*>(.*?)</h3>", r"<th[^>]*>(.*?)</th>", r"<button[^>]*>(.*?)</button>", r"<summary>(.*?)</summary>",
    r'<a class="button"[^>]*>(.*?)</a>',
]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def headings(content: str) -> list[str]:
    found = []
    for pattern in HEADING_PATTERNS:
        found += [_text(m) for m in re.findall(pattern, content, flags=re.S)]
    # a label's own text, without the options of a select inside it
    for label in re.findall(r"<label[^>]*>(.*?)</label>", content, flags=re.S):
        found.append(_text(re.sub(r"<select.*?</select>|<textarea.*?</textarea>", " ", label, flags=re.S)))
    return found


def domain_strings(filled: SimpleNamespace) -> list[str]:
    """Names that are data, longest first so that a name containing another is removed whole."""
    names = set(Region.objects.values_list("name", flat=True)) | set(Department.objects.values_list("name", flat=True))
    names |= set(Program.objects.values_list("name", flat=True)) | {filled.round.name, filled.project.name}
    for indicator in Indicator.objects.filter(framework=filled.world.program.framework):
        names |= {indicator.name, indicator.full_name}
    names |= {str(t) for t in Task.objects.all()} | {t.title for t in Task.objects.all()}
    names |= {t.number for t in Task.objects.all()}  # a group's heading shows its number as the plan writes it
    names |= {str(n) for n in SupervisionNotice.objects.all()} | {n.title for n in SupervisionNotice.objects.all()}
    names |= set(ProjectCategory.objects.values_list("name", flat=True))
    names |= set(filled.world.users.__dict__[u].display_name for u in filled.world.users.__dict__)
    return sorted((n for n in names if n), key=len, reverse=True)


def chinese_in_headings(content: str, data: list[str]) -> list[str]:
    bad = []
    for text in headings(content):
        for name in data:
            text = text.replace(name, "")
        if CJK.search(text):
            bad.append(" ".join(text.split()))
    return bad


def page_specs(f: SimpleNamespace) -> list[tuple[str, dict[str, int], str, list[str]]]:
    """(url name, kwargs, persona, English texts expected on the page)."""
    p = f.world.program.id
    return [
        ("program", {"program_id": p}, "office", ["Indicators and targets", "Campaign phases", "Responsibilities"]),
        ("region", {"program_id": p, "region_id": f.world.city.id}, "office", ["Target", "Adjust"]),
        ("responsibilities", {"program_id": p}, "office", ["Responsibility list", "Lead units", "Export to Excel"]),
        ("departments", {"program_id": p}, "office", ["Responsible units", "Lead indicators"]),
        ("department", {"program_id": p, "department_id": f.world.units["市生态环境局"].id}, "office",
         ["indicators this unit is responsible for", "Lead indicators"]),
        ("target_edits", {"program_id": p}, "office", ["Local adjustments", "Add a local indicator"]),
        ("reporting_rounds", {"program_id": p}, "office", ["Reporting rounds", "Open a reporting round", "Deadline"]),
        ("reporting_round", {"program_id": p, "round_id": f.round.id}, "office",
         ["reporting progress", "By reporting unit", "Completion"]),
        ("reporting_inbox", {"program_id": p, "round_id": f.round.id}, "reporter",
         ["to do", "Download reporting template (Excel)", "Awaiting review"]),
        ("reporting_entry", {"program_id": p, "round_id": f.round.id, "region_id": f.world.city.id,
                             "indicator_id": f.indicator.id}, "reporter", ["Save draft", "Data source"]),
        ("reporting_value", {"program_id": p, "value_id": f.value.id}, "office",
         ["Approve", "Evidence", "History", "Submitted"]),
        ("reporting_review", {"program_id": p}, "office", ["Review queue", "Approve selected", "All rounds"]),
        ("reporting_import", {"program_id": p, "round_id": f.round.id}, "reporter", ["Bulk import of reported values"]),
        ("tasks", {"program_id": p}, "office", ["Tasks", "Import task list", "Deadline"]),
        ("task", {"program_id": p, "task_id": f.task.id}, "reporter",
         ["Implementation milestones", "Report progress", "Submit for review"]),
        ("projects", {"program_id": p}, "office", ["Projects", "By funding source", "Fiscal funds"]),
        ("notices", {"program_id": p}, "office", ["Supervision", "Issue a supervision notice", "Reminder"]),
        ("notice", {"program_id": p, "notice_id": f.notice.id}, "office", ["Handling record", "Response due"]),
        ("inbox", {"program_id": p}, "reporter", ["Unfinished tasks", "Supervision notices"]),
        ("timeline", {"program_id": p}, "office", ["Schedule", "Red: overdue"]),
        ("tasks_import", {"program_id": p}, "office", ["Import Tasks", "If any row has an error, nothing is imported."]),
        # the set-up forms' labels come from the models' Chinese verbose names (apps.core.forms.ModelForm)
        ("setup_program", {"program_id": p}, "office", ["Campaign region", "Base year", "Target year", "Start"]),
        ("setup_program_new", {"program_id": p}, "office", ["Indicator framework", "Plan or programme document"]),
        ("setup_departments", {"program_id": p}, "office", ["Counties governed"]),
        ("setup_department", {"program_id": p, "department_id": f.world.units["市生态环境局"].id}, "office",
         ["Counties governed"]),
        ("setup_user", {"program_id": p, "user_id": f.world.users.reporter.id}, "office", ["Name"]),
    ]


PAGE_NAMES = [
    "program", "region", "responsibilities", "departments", "department", "target_edits", "reporting_rounds",
    "reporting_round", "reporting_inbox", "reporting_entry", "reporting_value", "reporting_review",
    "reporting_import", "tasks", "task", "projects", "notices", "notice", "inbox", "timeline", "tasks_import",
    "setup_program", "setup_program_new", "setup_departments", "setup_department", "setup_user",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_in_english(name: str, filled: SimpleNamespace, english: Client):
    spec = {s[0]: s for s in page_specs(filled)}[name]
    _, kwargs, persona, expected = spec
    english.force_login(getattr(filled.world.users, persona))
    response = english.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert response.headers["Content-Language"] == "en"
    for text in expected:
        assert text in html.unescape(content), f"{name}: {text!r} missing"
    assert chinese_in_headings(content, domain_strings(filled)) == []


@pytest.mark.parametrize("persona", ["office", "reporter", "county", "leader", "inspector"])
def test_menu_in_english_for_every_role(persona: str, filled: SimpleNamespace, english: Client):
    english.force_login(getattr(filled.world.users, persona))
    content = english.get(reverse("tasks", kwargs={"program_id": filled.world.program.id})).content.decode()
    menu = _text(re.search(r'<nav class="mainnav">(.*?)</nav>', content, flags=re.S).group(1))
    assert "Indicators" in menu and "Tasks" in menu and "Reporting" in menu
    assert not CJK.search(menu), menu
    userbox = _text(re.search(r'<span class="role">(.*?)</span>', content, flags=re.S).group(1))
    assert not CJK.search(userbox), userbox  # the role label


def test_login_page_in_english(english: Client):
    content = english.get(reverse("login")).content.decode()
    assert "Sign in" in content and "Username" in content and "Password" in content
    assert chinese_in_headings(content, []) == []
    assert not CJK.search(_text(content.split("<body", 1)[1]))


@pytest.mark.usefixtures("world")
def test_login_error_in_english(english: Client):
    content = english.post(reverse("login"), {"username": "office", "password": "wrong"}).content.decode()
    assert "Incorrect username or password" in content


def test_flash_message_in_english(english: Client, filled: SimpleNamespace):
    english.force_login(filled.world.users.office)
    url = reverse("notices", kwargs={"program_id": filled.world.program.id})
    response = english.post(url, {"department": filled.world.units["市水务局"].id, "level": "1", "title": "x",
                                  "reason": "y"}, follow=True)
    assert "Supervision notice issued." in response.content.decode()


def test_denied_page_in_english(english: Client, filled: SimpleNamespace):
    english.force_login(filled.world.users.reporter)
    response = english.get(reverse("reporting_review", kwargs={"program_id": filled.world.program.id}))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Access denied" in content and "Back to home" in content


def test_dates_in_english_read_as_english(filled: SimpleNamespace, english: Client):
    english.force_login(filled.world.users.office)
    content = english.get(reverse("reporting_rounds", kwargs={"program_id": filled.world.program.id})).content.decode()
    assert "Jan. 31, 2026" in content and "2026年1月31日" not in content


# --- Chinese stays the default ---------------------------------------------------------------------------------

CHINESE_EXPECTED = {
    "program": ["指标与目标值", "创建阶段", "指标总览"],
    "responsibilities": ["责任清单", "导出 Excel"],
    "reporting_rounds": ["调度轮次", "发起调度", "2026年1月31日"],
    "reporting_value": ["审核通过", "佐证材料", "已提交", "（2025年度）"],
    "tasks": ["任务清单", "导入任务清单"],
    "projects": ["项目清单", "财政资金", "按资金来源"],
    "notices": ["督办", "下发督办", "提醒"],
    "timeline": ["进度计划", "红色为逾期"],
}


@pytest.mark.parametrize("name", sorted(CHINESE_EXPECTED))
def test_page_stays_chinese_without_the_cookie(name: str, filled: SimpleNamespace, client: Client):
    spec = {s[0]: s for s in page_specs(filled)}[name]
    client.force_login(getattr(filled.world.users, spec[2]))
    response = client.get(reverse(name, kwargs=spec[1]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    for text in CHINESE_EXPECTED[name]:
        assert text in content, f"{name}: {text!r} missing"
    assert "Responsibility list" not in content and "Sign out" not in content


def test_login_stays_chinese_for_an_english_browser(client: Client):
    content = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "用户名" in content and "Username" not in content
