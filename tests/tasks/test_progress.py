"""Progress updates go through the shared review workflow; approval moves the task."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from apps.core.errors import DomainError, PermissionDeniedError
from apps.review.models import ReviewEvent
from apps.tasks import services
from apps.tasks.models import TaskStatus
from tests.conftest import ClientFor

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_submit_approve_sets_task_percent(world: SimpleNamespace, plan: SimpleNamespace):
    update = services.task_progress_create(task=plan.own, actor=world.users.reporter, narrative="完成初稿",
                                           percent=60, submit=True)
    assert update.status == "submitted"
    services.task_progress_transition(progress=update, action="approve", actor=world.users.office)
    plan.own.refresh_from_db()
    assert (plan.own.percent, plan.own.status) == (60, TaskStatus.IN_PROGRESS)
    final = services.task_progress_create(task=plan.own, actor=world.users.reporter, narrative="已颁布",
                                          percent=100, submit=True)
    services.task_progress_transition(progress=final, action="approve", actor=world.users.office)
    plan.own.refresh_from_db()
    assert plan.own.status == TaskStatus.COMPLETED and plan.own.completed_on is not None
    assert ReviewEvent.objects.filter(object_id=final.id, new_status="approved").count() == 1


def test_return_leaves_task_alone(world: SimpleNamespace, plan: SimpleNamespace):
    update = services.task_progress_create(task=plan.own, actor=world.users.reporter, narrative="x", percent=90,
                                           submit=True)
    with pytest.raises(DomainError):
        services.task_progress_transition(progress=update, action="return", actor=world.users.office)  # no comment
    services.task_progress_transition(progress=update, action="return", actor=world.users.office, comment="补材料")
    plan.own.refresh_from_db()
    assert plan.own.percent == 0 and update.status == "returned"


def test_denied_paths(world: SimpleNamespace, plan: SimpleNamespace):
    with pytest.raises(PermissionDeniedError):
        services.task_progress_create(task=plan.other, actor=world.users.reporter, narrative="x", percent=10)
    with pytest.raises(PermissionDeniedError):
        services.task_progress_create(task=plan.own, actor=world.users.leader, narrative="x", percent=10)
    update = services.task_progress_create(task=plan.own, actor=world.users.reporter, narrative="x", percent=10,
                                           submit=True)
    for user in (world.users.reporter, world.users.leader, world.users.inspector, world.users.outsider):
        with pytest.raises(PermissionDeniedError):
            services.task_progress_transition(progress=update, action="approve", actor=user)


def test_progress_with_evidence_via_api(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor, settings: Settings, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.users.reporter)
    url = f"/api/programs/{world.program.id}/tasks/{plan.own.id}/progress"
    response = client.post(url, {"narrative": "规划已颁布", "percent": "100", "submit": "true",
                                 "evidence": SimpleUploadedFile("颁布文件.png", PNG, content_type="image/png")})
    assert response.status_code == 201, response.content
    assert response.json()["evidence"] == ["颁布文件.png"] and response.json()["status"] == "submitted"
    bad = client.post(url, {"narrative": "x", "percent": "10",
                            "evidence": SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")})
    assert bad.status_code == 400
    office = client_for(world.users.office)
    progress_id = response.json()["id"]
    response = office.post(f"{url}/{progress_id}/transition", {"action": "approve"}, content_type="application/json")
    assert response.status_code == 200
    assert office.get(f"/api/programs/{world.program.id}/tasks/{plan.own.id}").json()["status"] == "completed"
