"""The one download (page and API) asks the evidence's subject: allowed for the right roles, 403/404 otherwise."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.http import FileResponse
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.views.static import serve

from apps.evidence.models import Evidence
from tests.conftest import ClientFor

from .conftest import PDF, PNG


def page_url(evidence: Evidence) -> str:
    return f"/evidence/{evidence.id}/"


def api_url(evidence: Evidence) -> str:
    return f"/api/evidence/{evidence.id}"


def content(response: FileResponse) -> bytes:
    return b"".join(response.streaming_content)


# who may download a value's evidence (a PDF) and a task's (a PNG), page and API alike, and who may not
ALLOWED = [("value_evidence", p, PDF) for p in ("office", "reporter", "leader", "inspector", "cooperator")] + [
    ("task_evidence", p, PNG) for p in ("office", "reporter", "finance", "leader", "inspector")]
DENIED = [("value_evidence", p) for p in ("outsider", "county", "stranger")] + [
    ("task_evidence", p) for p in ("outsider", "county", "builder", "stranger")]


@pytest.mark.parametrize(("subject", "persona", "payload"), ALLOWED, ids=[f"{s}-{p}" for s, p, _ in ALLOWED])
def test_evidence_allowed(both: SimpleNamespace, client_for: ClientFor, subject: str, persona: str, payload: bytes):
    client = client_for(getattr(both.users, persona))
    for url in (page_url(getattr(both, subject)), api_url(getattr(both, subject))):
        response = client.get(url)
        assert response.status_code == 200, (persona, url)
        assert content(response) == payload


@pytest.mark.parametrize(("subject", "persona"), DENIED)
def test_evidence_denied(both: SimpleNamespace, client_for: ClientFor, subject: str, persona: str):
    client = client_for(getattr(both.users, persona))
    for url in (page_url(getattr(both, subject)), api_url(getattr(both, subject))):
        assert client.get(url).status_code == 403, (persona, url)


def test_missing_and_anonymous(both: SimpleNamespace, client: Client, client_for: ClientFor):
    assert client.get(page_url(both.value_evidence)).status_code == 302  # to the login page
    assert client.get(api_url(both.value_evidence)).status_code == 401
    office = client_for(both.users.office)
    assert office.get("/evidence/999999/").status_code == 404
    assert office.get("/api/evidence/999999").status_code == 404


def test_value_address_must_name_the_evidence_value(both: SimpleNamespace, client_for: ClientFor):
    """The value's own address serves only that value's evidence."""
    office = client_for(both.users.office)
    program = both.world.program.id
    other = both.rep.value.id + 1000
    assert office.get(f"/programs/{program}/values/{both.value.id}/evidence/{both.value_evidence.id}/").status_code == 200
    assert office.get(f"/programs/{program}/values/{both.value.id}/evidence/{both.task_evidence.id}/").status_code == 404
    assert office.get(f"/programs/{program}/values/{other}/evidence/{both.value_evidence.id}/").status_code == 404
    api = f"/api/programs/{program}/values/{both.value.id}/evidence/{both.task_evidence.id}"
    assert office.get(api).status_code == 404


def test_headers_name_the_file_and_forbid_sniffing(both: SimpleNamespace, client_for: ClientFor):
    client = client_for(both.users.office)
    for url in (page_url(both.value_evidence), api_url(both.value_evidence)):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; ")
        assert f"filename*=UTF-8''{quote('2025年统计公报.pdf')}" in disposition
        assert f'filename="evidence-{both.value_evidence.id}.pdf"' in disposition  # ASCII fallback
    response = client.get(page_url(both.task_evidence))
    assert response["Content-Type"] == "image/png"
    assert f"filename*=UTF-8''{quote('颁布文件.png')}" in response["Content-Disposition"]


def test_media_is_never_served_by_url(both: SimpleNamespace, client_for: ClientFor):
    client = client_for(both.users.office)
    for evidence in (both.value_evidence, both.task_evidence):
        assert client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404
        assert client.get("/" + settings.MEDIA_URL.lstrip("/") + evidence.file.name).status_code == 404


def test_no_urlpattern_serves_media_root():
    def views(resolver: URLResolver) -> list[Callable[..., object]]:
        found = []
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                found += views(pattern)
            else:
                found.append(pattern.callback)
        return found

    assert serve not in views(get_resolver())


def test_pages_and_api_link_to_the_download(both: SimpleNamespace, client_for: ClientFor):
    program = both.world.program.id
    reporter = client_for(both.users.reporter)
    text = reporter.get(f"/programs/{program}/tasks/{both.plan.own.id}/").content.decode()
    assert f'href="/evidence/{both.task_evidence.id}/"' in text and "颁布文件.png" in text
    assert "/media/" not in text
    detail = reporter.get(f"/api/programs/{program}/tasks/{both.plan.own.id}").json()
    assert detail["progress"][0]["evidence_files"] == [
        {"id": both.task_evidence.id, "name": "颁布文件.png", "url": f"/evidence/{both.task_evidence.id}/"}]
    value = reporter.get(f"/api/programs/{program}/values/{both.value.id}").json()
    assert value["evidence"][0]["url"] == f"/evidence/{both.value_evidence.id}/"
    text = reporter.get(f"/programs/{program}/values/{both.value.id}/").content.decode()
    # the value page links through the value's own address of the same download
    assert f"/evidence/{both.value_evidence.id}/" in text and "/media/" not in text


def test_evidence_whose_file_is_missing_answers_410(both: SimpleNamespace, client_for: ClientFor):
    """A record whose file is gone from storage: a clear 410 on the page and the API, never a server error."""
    both.value_evidence.file.delete(save=False)
    client = client_for(both.users.office)
    response = client.get(api_url(both.value_evidence))
    assert response.status_code == 410 and response.json()["code"] == "gone"
    assert both.value_evidence.original_name in response.json()["detail"]
    response = client.get(page_url(both.value_evidence))
    assert response.status_code == 410 and "已丢失" in response.content.decode()
