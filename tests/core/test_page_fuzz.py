"""A bounded fuzz walk over the HTML pages: no GET page answers a server error to hostile path or query values.

Every URL pattern outside the API and the admin is requested as each persona, first with real ids from a small
world (a round with a value), then with each path integer replaced by one beyond 64 bits, each text
parameter by 1,000 characters with control characters, and every query parameter the views read (found in their
source, so a new one is walked too) set to hostile values. Every answer must be below 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from apps.reporting.models import IndicatorValue
from tests.conftest import ClientFor
from tests.reporting.conftest import rep, save  # noqa: F401 - the round fixture, reused

HUGE = str(2**70)
HOSTILE_INT = [HUGE]
HOSTILE_TEXT = ["长" * 1000 + "\x00\x1f\x7f", HUGE]
HOSTILE_QUERY = [HUGE, "-1.5", "长" * 300 + "\x00\x1f"]
SKIPPED = ("api/", "admin/", "i18n/", "logout/")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def page_routes() -> Iterator[str]:
    """Every page's route (``programs/<int:program_id>/rounds/``), the API, the admin and logout left out."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            assert isinstance(pattern.pattern, RoutePattern), f"{pattern}: walk regex routes too"
            route = prefix + str(pattern.pattern._route)
            if route.startswith(SKIPPED):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    yield from walk(get_resolver().url_patterns, "")


def query_names() -> set[str]:
    """The query parameters the views read (``request.GET.get("year")``, ``query_int(request, "year")``)."""
    names = set()
    for source in Path(__file__).resolve().parents[2].glob("apps/*/views.py"):
        names |= set(re.findall(r"(?:GET(?:\.get|\.getlist)?[(\[]|query_int\(request,)\s*[\"'](\w+)[\"']", source.read_text()))
    return names


def _url(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: quote(values[m.group(2)], safe=""), route)


def cases(ids: dict[str, str], queries: set[str]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(what, url, query) for every page: the valid request, then one hostile path value or query value at a time."""
    for route in page_routes():
        params = {name: kind or "str" for kind, name in PARAM.findall(route)}
        valid = {name: ids.get(name, "1" if kind != "str" else "xlsx") for name, kind in params.items()}
        yield "valid", _url(route, valid), {}
        for name, kind in params.items():
            for new in HOSTILE_TEXT if kind == "str" else HOSTILE_INT:
                yield "path", _url(route, {**valid, name: new}), {}
        for new in HOSTILE_QUERY:
            yield "query", _url(route, valid), dict.fromkeys(queries, new)


#: Who walks the pages: one test each, so pytest-xdist spreads the walk over its workers.
PERSONAS = ("office", "reporter", "county", "leader", "inspector", "outsider")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_answers_a_server_error(client_for: ClientFor, rep: SimpleNamespace,  # noqa: F811
                                        persona: str) -> None:
    world = rep.world
    value: IndicatorValue = save(rep, world.users.reporter)
    ids = {"program_id": world.program.id, "round_id": rep.round.id, "value_id": value.id,
           "indicator_id": rep.numeric.id, "region_id": world.city.id,
           "department_id": world.units["市生态环境局"].id}
    walk = list(cases({k: str(v) for k, v in ids.items()}, query_names()))
    assert len(walk) > 200, "the walk found the pages"
    failures = []
    client = client_for(getattr(world.users, persona))
    client.raise_request_exception = False
    # every case as the office administrator (who sees the most); the others each walk the valid requests
    # and every hostile query, where their scope decides what the page reads
    for what, url, query in walk:
        if persona != "office" and what == "path":
            continue
        status = client.get(url, QUERY_STRING=urlencode(query)).status_code
        if status >= 500:
            failures.append(f"{persona} GET {url[:80]}?{urlencode(query)[:60]}: {status}")
    assert failures == [], "\n".join(failures)


def test_the_walk_covers_query_parameters() -> None:
    assert {"year", "region", "page"} <= query_names()


def test_every_page_id_is_read_by_the_id_converter() -> None:
    """``<int:…>`` would accept a number beyond 64 bits and hand it to the view; ``<id:…>`` answers 404 first."""
    assert [route for route in page_routes() if "<int:" in route] == []


@pytest.mark.django_db
def test_an_id_beyond_64_bits_is_not_found(client_for: ClientFor, world: SimpleNamespace) -> None:
    client = client_for(world.users.office)
    assert client.get(f"/programs/{2**63}/rounds/").status_code == 404
    assert client.get(f"/programs/{world.program.id}/rounds/").status_code == 200


@pytest.mark.django_db
def test_a_control_character_in_a_query_or_form_is_a_400(client_for: ClientFor, world: SimpleNamespace) -> None:
    """PostgreSQL cannot compare a text holding NUL (a server error); the page refuses it the same on both."""
    client = client_for(world.users.office)
    rounds = f"/programs/{world.program.id}/rounds/"
    assert client.get(rounds, {"status": "a\x00b"}).status_code == 400
    assert client.post(rounds, {"name": "调度\x1b"}).status_code == 400
    assert client.get(rounds, {"status": "第一行\n第二行\t"}).status_code == 200


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: value as rendered}), text fields marked."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str], set[str]]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and found.get("method", "").lower() == "post":
            self.forms.append((found.get("action", ""), {}, set()))
            self.inside = True
        elif self.inside and tag in ("input", "textarea", "select") and found.get("name"):
            kind = found.get("type", "text" if tag != "select" else "select")
            if kind in ("file", "submit", "button", "checkbox", "radio"):
                return
            self.forms[-1][1][found["name"]] = found.get("value", "")
            if kind in ("text", "textarea", "search") or tag == "textarea":
                self.forms[-1][2].add(found["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


@pytest.mark.django_db
def test_no_page_form_answers_a_server_error_to_overlong_or_hostile_text(
        client_for: ClientFor, rep: SimpleNamespace) -> None:  # noqa: F811
    """Every POST form the office sees on a page is sent back with each text field too long for any column
    (and with a number beyond 64 bits): a message or a refusal, never a server error (PostgreSQL)."""
    world = rep.world
    value: IndicatorValue = save(rep, world.users.reporter)
    ids = {"program_id": world.program.id, "round_id": rep.round.id, "value_id": value.id,
           "indicator_id": rep.numeric.id, "region_id": world.city.id,
           "department_id": world.units["市生态环境局"].id}
    client = client_for(world.users.office)
    client.raise_request_exception = False
    sent, failures, seen = 0, [], set()
    for what, url, _query in cases({k: str(v) for k, v in ids.items()}, set()):
        response = client.get(url) if what == "valid" else None
        if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for action, fields, texts in parser.forms:
            target = action or url
            if target.startswith(("/logout", "/i18n", "/login")):
                continue
            for name in texts - {n for t, n in seen if t == target}:
                seen.add((target, name))
                for hostile in ("长" * 5001, HUGE):
                    sent += 1
                    status = client.post(target, {**fields, name: hostile}).status_code
                    if status >= 500:
                        failures.append(f"POST {target} {name}={hostile[:10]}: {status}")
    assert sent > 20, f"the walk found the forms ({sent} posts)"
    assert failures == [], "\n".join(failures)
