"""Pages fit the window and lists print (issue #12), on the demo loaded once for both checks.

Width: at 1366 × 768 no page of the demo is wider than the window; at 360 px the header fits and no table's text
is squeezed to a few characters a line. Each role (the office, a reporter, a county) opens the program overview, the
projects, the matrix, the tasks, the timeline, the review queue and the cockpit. A page passes when the
document is no wider than the window; a wide table may scroll inside its own container only when that
container keeps its first column in view (``position: sticky``).

Print: the office prints the overview, the projects, the matrix, the tasks and a round's progress. With the print
stylesheet applied (``emulate_media("print")``) at the width of a landscape A4 page, nothing is wider than the
page, no ancestor of a table clips it, and every table's header is a repeating ``table-header-group``; chromium's
print to PDF gives landscape pages.

Both checks are one test: the demo takes longer to load than either walk, and a test that commits (a live server)
is undone by emptying every table, so a second test would load it again. Screenshots (and the PDFs) go to
``ECOCIV_SHOTS`` when set.
"""

from __future__ import annotations

import importlib
import io
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.demo.programs import DEMO_PASSWORD
from apps.programs.models import Program
from apps.reporting.models import ReportingRound
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
    "responsibilities": "/programs/{id}/responsibilities/",
    "inbox": "/programs/{id}/reporting/inbox/",
}

#: A4 landscape less the print stylesheet's 10 mm side margins, in CSS pixels (96 per inch).
PRINT_WIDTH = round((297 - 20) / 25.4 * 96)

#: What the office prints.
PRINTED = {
    "overview": "/programs/{id}/",
    "projects": "/programs/{id}/projects/",
    "matrix": "/programs/{id}/assessment/matrix/",
    "tasks": "/programs/{id}/tasks/",
    "round": "/programs/{id}/rounds/{round}/",
}

#: What does not print as an office's table.
PRINT_PROBLEMS = """() => {
  const problems = [];
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  for (const sel of ['.topbar', '.mainnav', '.foot', '.actions', 'a.button'])
    for (const el of document.querySelectorAll(sel)) if (shown(el)) problems.push(`${sel} is printed`);
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) problems.push(`page ${doc.scrollWidth}px > ${window.innerWidth}px`);
  for (const table of document.querySelectorAll('table')) {
    if (!shown(table)) continue;
    const head = table.tHead;
    if (head && getComputedStyle(head).display !== 'table-header-group') problems.push('a table header does not repeat');
    const box = table.getBoundingClientRect();
    if (box.right > window.innerWidth + 1) problems.push(`table#${table.id} ends at ${Math.round(box.right)}px`);
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${el.tagName.toLowerCase()}.${el.className} clips table#${table.id}`);
    }
  }
  return problems;
}"""


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


#: Table cells squeezed to a few characters a line at 360 px (Chinese breaks after any character, so a table fitted
#: into the window can make a column 3 characters wide and 20 lines tall; the tables scroll instead).
SQUEEZED = """() => [...document.querySelectorAll('table.grid td')].filter(td => {
  const box = td.getBoundingClientRect();
  return box.width > 0 && box.width < 4 * parseFloat(getComputedStyle(td).fontSize) && td.textContent.trim().length > 12;
}).slice(0, 3).map(td => `a cell of table#${td.closest('table').id}.${td.closest('table').className} is `
  + `${Math.round(td.getBoundingClientRect().width)}px wide for ${td.textContent.trim().length} characters`)"""


def header_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(HEADER))


def squeezed(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(SQUEEZED))


def overflow(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(OVERFLOW))


def _sign_in(page, role: str) -> None:  # type: ignore[no-untyped-def]
    """The browser signed in afresh as the demo's ``role``, past the login page."""
    page.context.clear_cookies()
    browser_login(page, role, DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/login/" not in url)


def _widths(page, program: Program, round_id: int, shots: str | None) -> list[str]:  # type: ignore[no-untyped-def]
    """What of the pages is wider than the window at 1366 px, or of the header at 360 px (or of a table squeezed
    there), for each role."""
    failures = []
    for role in ROLES:
        _sign_in(page, role)
        for name, path in PAGES.items():
            response = page.goto(page.base_url + path.format(id=program.id, round=round_id))
            assert response is not None
            if response.status == 403:
                continue  # not this role's page; the link crawl shows no link leads here
            assert response.status == 200 and "/login/" not in page.url, (role, name, response.status, page.url)
            if shots:
                page.screenshot(path=str(Path(shots) / f"1366-{role}-{name}.png"), full_page=True)
            failures += [f"{role} {name}: {problem}" for problem in overflow(page)]
        page.set_viewport_size({"width": 360, "height": 740})
        for name, path in PAGES.items():
            response = page.goto(page.base_url + path.format(id=program.id, round=round_id))
            if response is None or response.status != 200:
                continue
            if shots:
                page.screenshot(path=str(Path(shots) / f"360-{role}-{name}.png"))
            failures += [f"{role} {name} at 360 px: {problem}" for problem in header_problems(page) + squeezed(page)]
        page.set_viewport_size({"width": 1366, "height": 768})
    return failures


def _prints(page, program: Program, round_id: int, shots: str | None) -> list[str]:  # type: ignore[no-untyped-def]
    """What of the office's lists does not print as an office's table on landscape A4."""
    _sign_in(page, "office")
    failures = []
    for name, path in PRINTED.items():
        response = page.goto(page.base_url + path.format(id=program.id, round=round_id))
        assert response is not None and response.status == 200, name
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PRINT_WIDTH, "height": 800})
        failures += [f"print {name}: {problem}" for problem in page.evaluate(PRINT_PROBLEMS)]
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        width, height = (float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
        if width <= height:
            failures.append(f"print {name}: the PDF page is {width} × {height} pt, not landscape")
        if shots:
            (Path(shots) / f"print-{name}.pdf").write_bytes(pdf)
            page.screenshot(path=str(Path(shots) / f"print-{name}.png"), full_page=True)
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1366, "height": 768})
    return failures


def test_pages_fit_1366_and_lists_print_landscape(browser_page) -> None:
    # an earlier transactional test may have flushed the rows the migrations seed; put the categories back
    importlib.import_module("apps.tasks.migrations.0002_default_categories").create(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    program = Program.objects.filter(tasks__isnull=False).distinct().get()  # the demo's city program
    round_id = ReportingRound.objects.filter(program=program).order_by("-year", "id").values_list("id", flat=True)[0]
    shots = os.environ.get("ECOCIV_SHOTS")
    failures = _widths(browser_page, program, round_id, shots) + _prints(browser_page, program, round_id, shots)
    assert not failures, "\n".join(failures)
