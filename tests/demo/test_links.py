"""No link into a 403 (issue #12): every page shows a link only where the user may follow it.

For each demo role the test starts at the home page and the demo program's pages, and follows every same-site
``<a href>`` and ``hx-get`` breadth-first with the test client. URLs are deduplicated by their route and ids,
and each route is opened at most ``PER_ROUTE`` times (the demo has hundreds of values; a few of each kind show
the template's rule). Downloads and the pages that change something on GET (logout, the language switch) are
not followed. It fails listing (role, page, link, status) for every link that answers 403 or 5xx.

The pages each role opens are kept (``crawled``, in ``tests/demo/conftest.py``): the other crawls of the demo
(``test_office_tables``) walk the same pages again from the kept answers instead of asking for each page again.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from apps.accounts.models import User
from apps.assessment.access import access_assessment, access_unit, can_open_unit, can_see_attainment
from apps.geo.models import Department
from apps.programs.models import Program
from tests.demo.test_list_scope import _allowed

#: A page check: (url, html) → the problems found on it.
Check = Callable[[str, str], list[str]]

ROLES = ["office", "reporter", "reporter2", "county", "leader", "inspector", "province", "dual"]

#: How many distinct URLs of one route (name) are opened per role; ``ECOCIV_CRAWL_PER_ROUTE=100000`` crawls
#: every page (minutes, not seconds: for a check by hand).
PER_ROUTE = int(os.environ.get("ECOCIV_CRAWL_PER_ROUTE", "3"))

#: Routes never followed: they change state on GET or answer a file, not a page.
SKIPPED_ROUTES = {"logout", "set_language"}
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/")
SKIPPED_SUFFIXES = (".xlsx", ".docx", ".csv", ".pdf", ".zip")


class Links(HTMLParser):
    """The targets of a page's ``<a href>`` and ``hx-get`` attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or name == "hx-get"):
                self.targets.append(value)


@dataclass(frozen=True)
class Page:
    """What the crawl keeps of one answer (a ``GET`` with redirects followed)."""

    status: int
    content_type: str
    disposition: str
    #: The URL the answer came from: the last redirect's target, or ``None`` when there was no redirect.
    redirected_to: str | None
    body: bytes

    @classmethod
    def of(cls, client: Client, url: str) -> Page:
        response = client.get(url, follow=True)  # a redirect (本单位指标 → the unit's page) is followed
        body = b"".join(response.streaming_content) if response.streaming else response.content  # a file
        return cls(status=response.status_code, content_type=response.get("Content-Type", ""),
                   disposition=response.get("Content-Disposition", ""),
                   redirected_to=response.redirect_chain[-1][0] if response.redirect_chain else None,
                   body=body)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.targets


def followable(page: str, target: str) -> str | None:
    """The same-site path (with query) a link leads to, or ``None`` when the crawl does not follow it."""
    if target.startswith(("#", "mailto:", "javascript:", "tel:")):
        return None
    parts = urlsplit(urljoin(page, target))
    if parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def route_of(url: str) -> tuple[str, tuple[object, ...]] | None:
    """The route name and the ids in the path: two URLs with the same key are the same page."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.url_name or match.route, tuple(sorted(match.kwargs.items()))


def _to_follow(here: str, html: str, downloads: set[str] | None) -> list[str]:
    """The links of a page the crawl follows; its download links (``.xlsx`` …) go to ``downloads``."""
    found = []
    for target in links(html):
        next_url = followable(here, target)
        if next_url is not None:
            found.append(next_url)
        elif downloads is not None and urlsplit(target).path.endswith(SKIPPED_SUFFIXES):
            downloads.add(urljoin(here, target))
    return found


def crawl(client: Client, role: str, starts: list[str], *, check: Check | None = None,
          downloads: set[str] | None = None, pages: dict[str, Page] | None = None) -> tuple[list[str], int]:
    """Breadth-first over the pages ``role`` reaches; the problems found and the number of pages opened.

    ``check(url, html)`` adds its problems for each page opened; ``downloads`` collects the download links
    (``.xlsx`` …) the pages offer, which the crawl does not follow. ``pages`` (URL → answer, of this role's
    client) keeps every answer: a page already in it is read from it, not asked for again, so two crawls of one
    role from the same starts open the same pages and see the same answers as if each had asked for them."""
    queue: deque[tuple[str, str]] = deque(("(start)", url) for url in starts)
    seen_keys: set[tuple[object, ...]] = set()
    per_route: Counter[str] = Counter()
    problems: list[str] = []
    opened = 0
    while queue:
        source, url = queue.popleft()
        route = route_of(url)
        if route is None or route[0] in SKIPPED_ROUTES:
            continue
        key = (route, urlsplit(url).query)
        if key in seen_keys:
            continue
        seen_keys.add(key)
        if per_route[route[0]] >= PER_ROUTE:
            continue
        per_route[route[0]] += 1
        page = pages.get(url) if pages is not None else None
        if page is None:
            page = Page.of(client, url)
            if pages is not None:
                pages[url] = page
        opened += 1
        if page.status == 403 or page.status >= 500:
            problems.append(f"{role}: {source} → {url} answers {page.status}")
            continue
        if page.disposition.startswith("attachment"):
            if downloads is not None:
                downloads.add(url)
            continue
        if page.status != 200 or "html" not in page.content_type:
            continue
        here = page.redirected_to or url
        html = page.body.decode()
        if check is not None:
            problems.extend(f"{role}: {url}: {problem}" for problem in check(url, html))
        queue.extend((here, next_url) for next_url in _to_follow(here, html, downloads))
    return problems, opened


def signed_in(role: str) -> tuple[Client, Program]:
    """A test client signed in as the demo user ``role``, and the demo's city program."""
    client = Client()
    client.force_login(User.objects.get(username=role))
    return client, Program.objects.get(name="秦川市创建国家生态文明建设示范市")


def test_the_link_parser_reads_hrefs_and_hx_gets_and_skips_downloads_and_other_sites():
    html = ('<a href="/programs/1/">p</a><div hx-get="/programs/1/rounds/2/inbox/"></div>'
            '<a href="https://example.org/">x</a><a href="#top">t</a><a href="/programs/1/tasks.xlsx">d</a>')
    found = [followable("/programs/1/", target) for target in links(html)]
    assert found == ["/programs/1/", "/programs/1/rounds/2/inbox/", None, None, None]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_crawl_reports_a_link_into_a_403():
    """The denied path of the crawl itself: a page the role may not open, linked from the start, is reported."""
    client, program = signed_in("reporter")
    cockpit = f"/programs/{program.id}/assessment/"
    problems, _opened = crawl(client, "reporter", [cockpit])
    assert problems == [f"reporter: (start) → {cockpit} answers 403"]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_into_a_403_for_any_role(role, crawled):
    client, program = signed_in(role)
    starts = ["/", f"/programs/{program.id}/"]
    problems, opened = crawl(client, role, starts, pages=crawled[role])
    assert opened > 10, f"{role} reached only {opened} pages"
    assert not problems, f"{len(problems)} links into a 403/5xx:\n" + "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_link_predicates_answer_as_the_pages_access_functions_do():
    """``can_open_unit`` and ``can_see_attainment`` (no query: they decide the links) say yes exactly where
    ``access_unit`` and ``access_assessment`` (the pages) let the user in, for every role and unit."""
    program = Program.objects.select_related("region").get(name="秦川市创建国家生态文明建设示范市")
    departments = list(Department.objects.select_related("region").order_by("id"))
    answers: Counter[tuple[str, bool]] = Counter()
    for role in ROLES:
        user = User.objects.get(username=role)
        sees = can_see_attainment(user, program)
        assert sees is _allowed(lambda user=user: access_assessment(user, program.id)), role
        answers["attainment", sees] += 1
        for department in departments:
            opens = can_open_unit(user, program, department)
            assert opens is _allowed(lambda user=user, d=department: access_unit(user, program.id, d.id)), (
                role, department.name)
            answers["unit", opens] += 1
    assert all(answers[kind, answer] for kind in ("attainment", "unit") for answer in (True, False)), answers
