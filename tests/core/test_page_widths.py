"""Pages fit the window (issue #12): at 1366 × 768 no page of the demo is wider than the window.

The demo is loaded once and each role (the office, a reporter, a county) opens the program overview, the
projects, the matrix, the tasks, the timeline, the review queue and the cockpit. A page passes when the
document is no wider than the window; a wide table may scroll inside its own container only when that
container keeps its first column in view (``position: sticky``). Screenshots go to ``ECOCIV_SHOTS`` when set.
"""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.demo.programs import DEMO_PASSWORD
from apps.programs.models import Program
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["office", "reporter", "county"]
PAGES = {
    "overview": "/programs/{id}/",
    "projects": "/programs/{id}/projects/",
    "matrix": "/programs/{id}/assessment/matrix/",
    "tasks": "/programs/{id}/tasks/",
    "timeline": "/programs/{id}/timeline/",
    "review": "/programs/{id}/reporting/review/",
    "cockpit": "/programs/{id}/assessment/",
    "round": "/programs/{id}/rounds/{round}/",
    "round-rows": "/programs/{id}/rounds/{round}/?by=rows",
    "reports": "/programs/{id}/reports/",
}

#: What is wider than the window: the document itself, or a scroll container whose first column scrolls away.
OVERFLOW = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) problems.push(`document ${doc.scrollWidth}px > ${window.innerWidth}px`);
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    const first = el.querySelector('table tbody tr > :first-child, table thead tr > :first-child');
    if (!first || getComputedStyle(first).position !== 'sticky')
      problems.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} scrolls `
                    + `${el.scrollWidth}px in ${el.clientWidth}px without a frozen first column`);
  }
  return problems;
}"""


#: What of the header runs off the window or overlaps another part of it (at 360 px the menu collapses).
HEADER = """() => {
  const problems = [];
  const parts = [...document.querySelectorAll('.topbar > *')].filter(el => el.getClientRects().length);
  const boxes = parts.map(el => [el, el.getBoundingClientRect()]);
  for (const [el, box] of boxes) {
    if (box.right > window.innerWidth + 0.5 || box.left < -0.5)
      problems.push(`header .${el.className} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5)
      problems.push(`header .${a.className} overlaps .${b.className}`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) problems.push(`document ${doc.scrollWidth}px > ${window.innerWidth}px`);
  return problems;
}"""


def header_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(HEADER))


def overflow(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(OVERFLOW))


def test_pages_fit_1366(browser_page) -> None:
    # an earlier transactional test may have flushed the rows the migrations seed; put the categories back
    importlib.import_module("apps.tasks.migrations.0002_default_categories").create(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    program = Program.objects.filter(tasks__isnull=False).distinct().get()  # the demo's city program
    assert program is not None
    latest_round = program.reporting_rounds.order_by("-year").first().id
    shots = os.environ.get("ECOCIV_SHOTS")
    page = browser_page
    failures = []
    for role in ROLES:
        page.context.clear_cookies()
        browser_login(page, role, DEMO_PASSWORD)
        page.wait_for_url(lambda url: "/login/" not in url)
        for name, path in PAGES.items():
            response = page.goto(page.base_url + path.format(id=program.id, round=latest_round))
            assert response is not None
            if response.status == 403:
                continue  # not this role's page; the link crawl shows no link leads here
            assert response.status == 200 and "/login/" not in page.url, (role, name, response.status, page.url)
            if shots:
                page.screenshot(path=str(Path(shots) / f"1366-{role}-{name}.png"), full_page=True)
            failures += [f"{role} {name}: {problem}" for problem in overflow(page)]
        page.set_viewport_size({"width": 360, "height": 740})
        for name, path in PAGES.items():
            response = page.goto(page.base_url + path.format(id=program.id, round=latest_round))
            if response is None or response.status != 200:
                continue
            if shots:
                page.screenshot(path=str(Path(shots) / f"360-{role}-{name}.png"))
            failures += [f"{role} {name} at 360 px: {problem}" for problem in header_problems(page)]
        page.set_viewport_size({"width": 1366, "height": 768})
    assert not failures, "\n".join(failures)
