"""Editing a returned progress update and resubmitting it is one atomic step (page and API)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.core.errors import ConflictError
from apps.review.models import ReviewEvent
from apps.review.services import review_history
from apps.tasks import services
from apps.tasks.models import TaskProgress
from tests.conftest import ClientFor


@pytest.fixture
def returned(world: SimpleNamespace, plan: SimpleNamespace) -> TaskProgress:
    update = services.task_progress_create(task=plan.own, actor=world.users.reporter, narrative="初稿", percent=30,
                                           submit=True)
    services.task_progress_transition(progress=update, action="return", actor=world.users.office, comment="补材料")
    return TaskProgress.objects.get(pk=update.pk)


def test_page_edit_and_resubmit_succeeds(world: SimpleNamespace, plan: SimpleNamespace, returned: TaskProgress, client_for: ClientFor):
    url = f"/programs/{world.program.id}/tasks/{plan.own.id}/progress/{returned.id}/"
    page = client_for(world.users.reporter).get(f"/programs/{world.program.id}/tasks/{plan.own.id}/")
    assert 'name="narrative" rows="3"' in page.content.decode()  # the returned update is editable in place
    events = ReviewEvent.objects.count()
    response = client_for(world.users.reporter).post(url, {"action": "submit", "version": str(returned.version),
                                                           "narrative": "已补齐材料", "percent": "40"}, follow=True)
    assert "操作成功" in response.content.decode()
    update = TaskProgress.objects.get(pk=returned.pk)
    assert (update.status, update.narrative, update.percent) == ("resubmitted", "已补齐材料", 40)
    assert update.version == returned.version + 2  # the edit and the submit
    assert ReviewEvent.objects.count() == events + 1
    assert [e.action for e in review_history(update)] == ["submit", "return", "submit"]


def test_stale_version_writes_nothing(world: SimpleNamespace, returned: TaskProgress):
    with pytest.raises(ConflictError):
        services.task_progress_edit(progress=returned, actor=world.users.reporter, narrative="改", percent=50,
                                    expected_version=returned.version - 1, submit=True)
    update = TaskProgress.objects.get(pk=returned.pk)
    assert (update.status, update.narrative, update.version) == ("returned", "初稿", returned.version)
    assert len(review_history(update)) == 2


def test_edit_without_submit_keeps_it_returned(world: SimpleNamespace, returned: TaskProgress):
    seen = returned.version
    services.task_progress_edit(progress=returned, actor=world.users.reporter, narrative="改", percent=50,
                                expected_version=seen)
    update = TaskProgress.objects.get(pk=returned.pk)
    assert (update.status, update.narrative, update.version) == ("returned", "改", seen + 1)


def test_api_edit_and_resubmit(world: SimpleNamespace, plan: SimpleNamespace, returned: TaskProgress, client_for: ClientFor):
    url = f"/api/programs/{world.program.id}/tasks/{plan.own.id}/progress/{returned.id}"
    payload = {"narrative": "已补齐材料", "percent": 40, "expected_version": returned.version, "submit": True}
    events = ReviewEvent.objects.count()
    response = client_for(world.users.reporter).put(url, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["narrative"]) == ("resubmitted", "已补齐材料")
    assert ReviewEvent.objects.count() == events + 1
    again = client_for(world.users.reporter).put(url, payload, content_type="application/json")
    assert again.status_code == 409
    assert ReviewEvent.objects.count() == events + 1
    assert client_for(world.users.office).put(url, {**payload, "expected_version": response.json()["version"]},
                                              content_type="application/json").status_code == 403
    stale = client_for(world.users.office).post(f"{url}/transition", {"action": "approve", "expected_version": 1},
                                                content_type="application/json")
    assert stale.status_code == 409


def test_a_progress_of_another_task_is_not_found_on_the_page_and_in_the_api(
        world: SimpleNamespace, plan: SimpleNamespace, returned: TaskProgress, client_for: ClientFor):
    office = client_for(world.users.office)
    wrong = f"/programs/{world.program.id}/tasks/{plan.other.id}/progress/{returned.id}"
    page = office.post(f"{wrong}/", {"action": "reopen", "version": str(returned.version), "comment": "x"})
    assert page.status_code == 404 and "进展不存在。" in page.content.decode()
    response = office.post(f"/api{wrong}/transition", {"action": "reopen", "comment": "x"},
                           content_type="application/json")
    assert response.status_code == 404 and response.json()["detail"] == "进展不存在。"
    assert TaskProgress.objects.get(pk=returned.pk).version == returned.version
