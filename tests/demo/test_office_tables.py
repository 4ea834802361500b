"""Dates and exports as offices write them (issue #12), checked over the whole demo.

- No page shows a date as ISO text (2026-01-23): the crawl of ``test_links`` opens the pages each role reaches and
  reads their visible text (text nodes, ``title`` tooltips, the values of inputs other than ``type=date``; not
  URLs, scripts or styles). The crawl reads the pages ``test_links`` kept for the role (``crawled``), so each
  page is asked for once per run.
- Every xlsx export the pages offer is an office's table: no formula, no ISO date in text, dates shown as
  2026年1月23日, numbers with thousands separators, every sheet printable (landscape, one page wide, the header
  repeated) with its header frozen. Every export route of the site must be among those downloaded, so a new
  export cannot escape the check.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.demo.test_links import Page, crawl, route_of, signed_in
from tests.sheets import ISO_DATE, workbook_problems, xlsx

#: Tags whose text is not shown.
HIDDEN = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles, tooltips, and what inputs show."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") not in ("date", "hidden") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def iso_dates(url: str, html: str) -> list[str]:  # noqa: ARG001 - a crawl check
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for match in ISO_DATE.finditer(part):
            context = part[max(match.start() - 30, 0):match.end() + 30].strip()
            found.append(f"ISO date {match.group()} in “{' '.join(context.split())}”")
    return found


def test_the_date_check_reads_what_a_reader_sees():
    html = ('<p>截止 2026-01-23</p><a href="/x/?on=2026-01-24">2026年1月24日</a><input type="date" value="2026-01-25">'
            '<script>const d = "2026-01-26";</script><span title="提交于 2026-01-27">·</span>')
    assert iso_dates("/", html) == ["ISO date 2026-01-23 in “截止 2026-01-23”",
                                    "ISO date 2026-01-27 in “提交于 2026-01-27”"]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("role", ["office", "reporter", "county"])
def test_no_page_shows_an_iso_date(role, crawled):
    client, program = signed_in(role)
    problems, opened = crawl(client, role, ["/", f"/programs/{program.id}/"], check=iso_dates,
                             pages=crawled[role])
    assert opened > 10
    assert not problems, "\n".join(problems)


def export_routes() -> set[str]:
    """The names of the site's page routes that answer a file: their path ends in .xlsx or names an export."""
    names = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "admin/")):
                    walk(pattern.url_patterns, route)
            elif pattern.name and (route.endswith(".xlsx") or "export" in pattern.name):
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_xlsx_export_is_an_office_table(crawled):
    client, program = signed_in("office")
    downloads: set[str] = set()
    crawl(client, "office", ["/", f"/programs/{program.id}/", "/audit/"], downloads=downloads,
          pages=crawled["office"])
    province, _program = signed_in("province")  # the province sheet is offered to the province office only
    province_downloads: set[str] = set()
    crawl(province, "province", [f"/programs/{program.id}/province/"], downloads=province_downloads,
          pages=crawled["province"])
    readers = {"office": client, "province": province}
    routes = {route_of(url)[0] for url in downloads | province_downloads if route_of(url)}  # type: ignore[index]
    assert export_routes() <= routes, f"exports no page offers: {export_routes() - routes}"
    problems = []
    for url, role in sorted([(url, "office") for url in downloads]
                            + [(url, "province") for url in province_downloads - downloads], key=lambda p: p[0]):
        kept = crawled[role].get(url)  # an export the crawl opened (an attachment not named .xlsx) is kept
        page = kept if kept is not None and kept.redirected_to is None else Page.of(readers[role], url)
        assert page.status == 200, url
        if urlsplit(url).path.endswith(".xlsx") or "spreadsheetml" in page.content_type:
            problems += [f"{url}: {p}" for p in workbook_problems(page.body)]
    assert not problems, "\n".join(problems[:40])


def test_the_workbook_check_finds_iso_dates_formulas_and_sheets_that_do_not_print():
    problems = workbook_problems(xlsx([["完成时限", "2026-01-23"], ["=1+1", 12345]]))
    assert any("ISO date" in p for p in problems) and any("formula" in p for p in problems)
    assert any("not landscape" in p for p in problems) and any("12345" in p for p in problems)
    assert re.search("no print titles", "\n".join(problems))
