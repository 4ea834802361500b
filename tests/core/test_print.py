"""Lists print (issue #12): landscape A4, no header menu or buttons, table headers repeated on every page, no
column clipped by a scroll container or cut off at the page's edge.

The demo's office prints the overview, the projects, the matrix, the tasks and a round's progress: with the print
stylesheet applied (``emulate_media("print")``) at the width of a landscape A4 page, nothing is wider than the
page, no ancestor of a table clips it, and every table's header is a repeating ``table-header-group``; chromium's
print to PDF gives landscape pages. PDFs and print-media screenshots go to ``ECOCIV_SHOTS`` when set.
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

#: A4 landscape less the print stylesheet's 10 mm side margins, in CSS pixels (96 per inch).
PRINT_WIDTH = round((297 - 20) / 25.4 * 96)

PAGES = {
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


def test_lists_print_landscape_without_menu_and_with_every_column(browser_page) -> None:
    importlib.import_module("apps.tasks.migrations.0002_default_categories").create(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    program = Program.objects.filter(tasks__isnull=False).distinct().get()
    round_id = ReportingRound.objects.filter(program=program).order_by("-year", "id").values_list("id", flat=True)[0]
    shots = os.environ.get("ECOCIV_SHOTS")
    page = browser_page
    browser_login(page, "office", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/login/" not in url)
    failures = []
    for name, path in PAGES.items():
        response = page.goto(page.base_url + path.format(id=program.id, round=round_id))
        assert response is not None and response.status == 200, name
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PRINT_WIDTH, "height": 800})
        failures += [f"{name}: {problem}" for problem in page.evaluate(PRINT_PROBLEMS)]
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        width, height = (float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
        if width <= height:
            failures.append(f"{name}: the PDF page is {width} × {height} pt, not landscape")
        if shots:
            (Path(shots) / f"print-{name}.pdf").write_bytes(pdf)
            page.screenshot(path=str(Path(shots) / f"print-{name}.png"), full_page=True)
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1366, "height": 768})
    assert not failures, "\n".join(failures)
