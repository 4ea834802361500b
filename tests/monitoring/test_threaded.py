"""The background path for real: the check runs in a thread, the page and the API are polled until done."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import reverse

from apps.monitoring import services
from apps.monitoring.models import BatchStatus, ImportBatch
from apps.monitoring.samples import to_bytes

from .conftest import upload
from .test_import import _hourly

TIMEOUT = 60  # seconds; the check of this file takes well under a second


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sites", "round_2025")
def test_threaded_check_is_polled_until_done(world, client_for, settings, monkeypatch) -> None:
    settings.ECOCIV_JOB_BACKEND = "thread"
    threads = []
    real_check = services.import_batch_check

    def check(**kwargs: object) -> object:
        threads.append(threading.current_thread())
        return real_check(**kwargs)

    monkeypatch.setattr(services, "import_batch_check", check)
    client = client_for(world.users.office)
    response = client.post(reverse("monitoring_upload", args=[world.program.id]),
                           {"kind": "air", "file": upload("a.csv", to_bytes(_hourly(), "csv"))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    progress_url = reverse("monitoring_batch_progress", args=[world.program.id, batch.id])
    api_url = f"/api/programs/{world.program.id}/monitoring/batches/{batch.id}"
    seen, deadline = [], time.monotonic() + TIMEOUT
    while True:
        status = client.get(api_url).json()
        seen.append((status["status"], status["progress"]))
        fragment = client.get(progress_url, {"polling": "1"}, HTTP_HX_REQUEST="true")
        if status["finished"]:
            break
        assert time.monotonic() < deadline, f"the background check did not finish: {seen[-5:]}"
        assert status["status"] in ("queued", "checking")
        time.sleep(0.05)
    assert status["status"] == BatchStatus.PREVIEWED and status["progress"] == 100
    assert {w["indicator_code"] for w in status["writes"]} == {"2019-07a"}
    # the progress fragment stops polling once the batch is done and asks htmx to reload the page
    fragment = client.get(progress_url, {"polling": "1"}, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and "hx-get" not in fragment.content.decode()
    page = client.get(reverse("monitoring_batch", args=[world.program.id, batch.id])).content.decode()
    assert "检查完成，待确认" in page and 'aria-valuenow="100"' in page and "commit-button" in page
    assert len(threads) == 1 and threads[0] is not threading.main_thread()  # it ran in the background
    assert [p for _, p in seen] == sorted(p for _, p in seen)  # progress never goes back
