"""Responsibilities, tasks and projects go through the staged import: pages keep their flow, commits are jobs
and write in bulk."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.jobs.models import Job, JobStatus
from apps.programs.models import Responsibility
from apps.staging.models import StagedImport, StagedStatus
from apps.tasks import services
from apps.tasks.models import Task, TaskUnit
from tests.conftest import ClientFor
from tests.programs.test_services import GOOD, sheet
from tests.sheets import xlsx
from tests.tasks.test_import import GOOD_TASKS


def test_responsibilities_page_previews_then_commits_the_stored_sheet(world: SimpleNamespace, client_for: ClientFor) -> None:
    url = f"/programs/{world.program.id}/responsibilities/import/"
    office = client_for(world.users.office)
    response = office.post(url, {"file": SimpleUploadedFile("分工.xlsx", sheet(GOOD))})
    assert response.status_code == 200 and not Responsibility.objects.exists()
    staged = StagedImport.objects.get()
    assert response.context["token"] == staged.pk and staged.status == StagedStatus.PREVIEWED
    # stored under its content hash; the storage adds a suffix when another upload of the same bytes is still kept
    assert staged.original_name == "分工.xlsx"
    assert re.fullmatch(rf"staging/{staged.sha256[:2]}/{staged.sha256}(_\w+)?\.xlsx", staged.file.name)
    assert len(staged.plan["changes"]) == 4 and staged.plan["unchanged"] == 0
    # another office admin cannot confirm this preview
    other = client_for(world.users.outsider).post(url, {"token": staged.pk})
    assert not Responsibility.objects.exists() and other.status_code in (200, 403)
    office = client_for(world.users.office)
    response = office.post(url, {"token": staged.pk})
    assert response.status_code == 302 and Responsibility.objects.filter(program=world.program).count() == 7
    staged.refresh_from_db()
    assert staged.status == StagedStatus.COMMITTED and staged.result == {"indicators": 4, "unchanged": 0}
    assert Job.objects.get(pk=staged.job_id).status == JobStatus.SUCCEEDED
    again = office.post(url, {"token": staged.pk})  # a confirmed preview cannot be confirmed twice
    assert again.status_code == 200 and "预览已失效" in again.content.decode()


def test_a_sheet_with_errors_is_refused_and_writes_nothing(world: SimpleNamespace, client_for: ClientFor) -> None:
    url = f"/programs/{world.program.id}/responsibilities/import/"
    bad = sheet([*GOOD, ("38", "不存在的指标", "", "市财政局", "")])
    response = client_for(world.users.office).post(url, {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert "未知指标" in response.content.decode() and "token" not in response.context
    staged = StagedImport.objects.get()  # kept as refused, as every kind keeps it; nothing written
    assert staged.status == StagedStatus.REJECTED and not Responsibility.objects.exists()


def test_task_import_is_a_committed_staged_import(world: SimpleNamespace, client_for: ClientFor) -> None:
    url = f"/programs/{world.program.id}/tasks/import/"
    office = client_for(world.users.office)
    preview = office.post(url, {"file": SimpleUploadedFile("t.xlsx", xlsx(GOOD_TASKS))})
    assert preview.status_code == 200 and not Task.objects.exists()  # previewed, not written
    response = office.post(url, {"token": preview.context["token"]})
    assert response.status_code == 302
    staged = StagedImport.objects.get()
    assert (staged.kind, staged.status, staged.result) == ("tasks.tasks", StagedStatus.COMMITTED,
                                                           {"created": 6, "updated": 0, "unchanged": 0})


def test_task_commit_query_count_does_not_grow_with_rows(world: SimpleNamespace) -> None:
    def queries(rows: list[list[object]]) -> int:
        Task.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            services.task_list_import(program=world.program, data=xlsx(rows))
        return len(captured)

    header, group, *tasks = GOOD_TASKS
    few = queries([header, group, *tasks[:1]])
    many = queries([header, group, *[[f"{i}.", f"任务{i}", "内容", "市生态环境局", "市住建局", "2025年底"]
                                    for i in range(1, 40)]])
    assert Task.objects.count() == 40 and TaskUnit.objects.count() == 78
    assert many == few
