"""A confirmed import of more than ``ECOCIV_INLINE_COMMIT_ROWS`` rows commits as a job (issue #11.13): the
confirm answers the import ``committing``, polled at ``GET /api/imports/{id}`` or on the page ``/imports/<id>/``
(HTMX); only the uploader sees it. A small one still commits in the request."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.jobs.runner import job_run
from apps.tasks.models import Task
from tests.conftest import ClientFor
from tests.reporting.test_values_staging import QUEUED

from .test_upload_guard import SHEETS

HOLD = "tests.reporting.test_values_staging.HoldBackend"  # queues the job; the test runs it as a worker would


def _upload(client: object, url: str, data: bytes) -> object:
    return client.post(url, {"file": SimpleUploadedFile("清单.xlsx", data)})  # type: ignore[attr-defined]


@pytest.fixture
def held() -> list[int]:
    QUEUED.clear()
    with override_settings(ECOCIV_JOB_BACKEND=HOLD, ECOCIV_INLINE_COMMIT_ROWS=3):
        yield QUEUED


def test_a_large_task_sheet_commits_as_a_job_polled_by_its_uploader(world: SimpleNamespace,
                                                                    client_for: ClientFor, held: list[int]) -> None:
    client = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/tasks/import"
    preview = _upload(client, base, SHEETS["tasks api"](4)).json()
    response = client.post(f"{base}/{preview['import_id']}/commit")
    body = response.json()
    assert body["status"] == "committing" and body["rows"] == 4 and not body["finished"]
    assert not Task.objects.filter(title__startswith="任务").exists() and len(held) == 1
    status_url = f"/api/imports/{body['import_id']}"
    assert client.get(status_url).json()["status"] == "committing"
    page = client.get(f"/imports/{body['import_id']}/").content.decode()
    assert f'hx-get="/imports/{body["import_id"]}/progress/?polling=1"' in page
    job_run(job_id=held[0])  # the worker runs
    done = client.get(status_url).json()
    assert done["status"] == "committed" and done["finished"] and done["result"]["created"] == 4
    assert Task.objects.filter(title__startswith="任务").count() == 4
    polled = client.get(f"/imports/{body['import_id']}/progress/?polling=1", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "hx-get" not in polled.content.decode()
    assert client_for(world.users.leader).get(status_url).status_code == 404  # only the uploader
    assert client_for(world.users.reporter).get(f"/imports/{body['import_id']}/").status_code == 404


def test_a_small_task_sheet_still_commits_in_the_request(world: SimpleNamespace, client_for: ClientFor,
                                                         held: list[int]) -> None:
    client = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/tasks/import"
    preview = _upload(client, base, SHEETS["tasks api"](3)).json()
    body = client.post(f"{base}/{preview['import_id']}/commit").json()
    assert body["status"] == "committed" and body["result"]["created"] == 3 and not held
