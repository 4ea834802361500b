"""Pages and endpoints that list evidence run as many queries for one file as for many."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS
from apps.evidence.services import evidence_attach
from tests.conftest import ClientFor

from .conftest import PDF, PNG


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _grow(both: SimpleNamespace, n: int) -> None:
    reporter = both.users.reporter
    for i in range(n):
        evidence_attach(subject=both.value, actor=reporter,
                        upload=check_upload(SimpleUploadedFile(f"附件{i}.pdf", PDF), allowed=EVIDENCE_KINDS))
        evidence_attach(subject=both.progress, actor=reporter,
                        upload=check_upload(SimpleUploadedFile(f"照片{i}.png", PNG), allowed=EVIDENCE_KINDS))


def test_constant_queries(both: SimpleNamespace, client_for: ClientFor):
    p, task, value, reporting_round = both.world.program.id, both.plan.own.id, both.value.id, both.rep.round.id
    urls = [f"/programs/{p}/values/{value}/", f"/api/programs/{p}/values/{value}",
            f"/programs/{p}/tasks/{task}/", f"/api/programs/{p}/tasks/{task}",
            f"/programs/{p}/rounds/{reporting_round}/inbox/", f"/programs/{p}/reporting/review/?status=draft"]
    client = client_for(both.users.office)
    small = {url: _count(client, url) for url in urls}
    _grow(both, 5)
    large = {url: _count(client, url) for url in urls}
    assert small == large
