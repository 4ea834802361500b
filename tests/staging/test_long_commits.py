"""A confirmed import of more than ``ECOCIV_INLINE_COMMIT_ROWS`` rows commits as a job (issue #11.13): the page
redirects to the import's progress page (HTMX polling), the API answers 202 with the import to poll at
``GET /api/imports/{id}``; only the uploader sees it. A small one still commits in the request."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.jobs.runner import job_run
from apps.staging.models import StagedImport, StagedStatus
from apps.tasks.models import Task
from tests.conftest import ClientFor
from tests.programs.test_services import GOOD
from tests.programs.test_services import sheet as responsibilities_sheet
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


def test_a_large_task_sheet_on_the_api_is_a_job_polled_by_its_uploader(world: SimpleNamespace,
                                                                      client_for: ClientFor, held: list[int]) -> None:
    client = client_for(world.users.office)
    response = _upload(client, f"/api/programs/{world.program.id}/tasks/import", SHEETS["tasks api"](4))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "committing" and body["rows"] == 4 and not body["finished"]
    assert not Task.objects.filter(title__startswith="任务").exists() and len(held) == 1
    status_url = f"/api/imports/{body['import_id']}"
    assert client.get(status_url).json()["status"] == "committing"
    job_run(job_id=held[0])  # the worker runs
    done = client.get(status_url).json()
    assert done["status"] == "committed" and done["finished"] and done["result"]["created"] == 4
    assert Task.objects.filter(title__startswith="任务").count() == 4
    assert client_for(world.users.leader).get(status_url).status_code == 404  # only the uploader


def test_a_small_task_sheet_still_answers_with_its_counts(world: SimpleNamespace, client_for: ClientFor,
                                                          held: list[int]) -> None:
    response = _upload(client_for(world.users.office), f"/api/programs/{world.program.id}/tasks/import",
                       SHEETS["tasks api"](3))
    assert response.status_code == 200 and response.json()["created"] == 3 and not held


def test_a_large_task_sheet_on_the_page_redirects_to_its_progress(world: SimpleNamespace, client_for: ClientFor,
                                                                  held: list[int]) -> None:
    client = client_for(world.users.office)
    response = _upload(client, f"/programs/{world.program.id}/tasks/import/", SHEETS["tasks page"](4))
    staged = StagedImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{staged.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f'hx-get="/imports/{staged.pk}/progress/?polling=1"' in page and "写入中" in page
    job_run(job_id=held[0])
    polled = client.get(f"/imports/{staged.pk}/progress/?polling=1", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "hx-get" not in polled.content.decode()
    assert "已写入" in client.get(response["Location"]).content.decode()
    assert StagedImport.objects.get().status == StagedStatus.COMMITTED
    assert client_for(world.users.reporter).get(response["Location"]).status_code == 404


def test_a_large_responsibility_sheet_on_the_api_is_a_job(world: SimpleNamespace, client_for: ClientFor,
                                                          held: list[int]) -> None:
    response = _upload(client_for(world.users.office), f"/api/programs/{world.program.id}/responsibilities/import",
                       responsibilities_sheet(GOOD))
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "committing" and len(held) == 1
