"""Small page-wide things of issue #12: the favicon, the language option's name, /api/docs without internet."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.contrib.staticfiles import finders

from tests.conftest import ClientFor

ATTRIBUTE_URL = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _external(html: str) -> list[str]:
    return [url for url in ATTRIBUTE_URL.findall(html) if url.startswith(("//", "http:", "https:"))]


def test_the_api_docs_reference_no_external_host(world: SimpleNamespace, client_for: ClientFor):
    response = client_for(world.users.office).get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert ATTRIBUTE_URL.findall(html), "the docs page loads its assets"
    assert _external(html) == []
    assert _external('<script src="https://cdn.example/x.js"></script>') == ["https://cdn.example/x.js"]


def test_pages_name_a_favicon_that_exists(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get(f"/programs/{world.program.id}/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon and finders.find(icon.group(1))
    assert "/static/" in client_for(world.users.office).get("/login/").content.decode().split('rel="icon"')[1][:40]


def test_the_language_option_says_english_in_its_own_words(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get(f"/programs/{world.program.id}/").content.decode()
    assert '<option value="en">English</option>' in html and "英语" not in html
    assert '<option value="zh-hans" selected>简体中文</option>' in html
