"""The values import on the one staged import: the page and the API upload → check (plan or row errors kept
with the stored sheet) → preview (old → new per field) → confirm → commit as a ``staging.commit`` job."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import job_run
from apps.reporting.imports import VALUES
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.staging.models import StagedImport, StagedStatus
from tests.conftest import ClientFor

from .conftest import save
from .test_bulk_import import CITY, HILL, NUMERIC, sheet

QUEUED: list[int] = []


class HoldBackend:
    """A job backend that only queues (a worker that has not started yet), so the page's polling shows."""

    def enqueue(self, job_id: int) -> None:
        QUEUED.append(job_id)


def _url(rep: SimpleNamespace) -> str:
    return f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/import/"


def _approved_last_year(rep: SimpleNamespace, number: str = "30") -> None:
    earlier = IndicatorValue.objects.create(program=rep.world.program, region=rep.world.city, indicator=rep.numeric,
                                            year=2024, status="approved")
    revision = ValueRevision.objects.create(value=earlier, number=Decimal(number), version=1,
                                            author=rep.world.users.office)
    IndicatorValue.objects.filter(pk=earlier.pk).update(approved_revision=revision)


def test_page_keeps_the_checked_plan_then_commits_it_as_a_job(rep: SimpleNamespace, client_for: ClientFor) -> None:
    save(rep, rep.world.users.reporter, number="20", source="旧来源")
    client = client_for(rep.world.users.reporter)
    response = client.post(_url(rep), {"file": SimpleUploadedFile("填报.xlsx", sheet((CITY, NUMERIC, 22, None)))})
    staged = StagedImport.objects.get()
    assert (staged.kind, staged.status, staged.rows) == (VALUES, StagedStatus.PREVIEWED, 1)
    assert staged.options == {"round": rep.round.id} and staged.original_name == "填报.xlsx"
    assert staged.plan["lines"][0]["changes"][0][:4] == ["number", "本期数值", "20", "22"]
    body = response.content.decode()
    assert response.context["token"] == staged.pk
    assert "<s>20</s> → 22" in body and "<s>旧来源</s> → 统计公报" in body  # old → new of every changed field
    other = client_for(rep.world.users.office).post(_url(rep), {"token": staged.pk})  # only the uploader confirms
    assert "预览已失效" in other.content.decode() and ValueRevision.objects.count() == 1
    client = client_for(rep.world.users.reporter)
    response = client.post(_url(rep), {"token": staged.pk})
    assert response.status_code == 302
    staged.refresh_from_db()
    assert staged.status == StagedStatus.COMMITTED and staged.result == {"values": 1}
    assert Job.objects.get(pk=staged.job_id).status == JobStatus.SUCCEEDED
    assert IndicatorValue.objects.get(year=2025).current_revision.number == 22
    again = client.post(_url(rep), {"token": staged.pk})
    assert again.status_code == 200 and "预览已失效" in again.content.decode()


def test_row_errors_are_kept_with_the_rejected_import(rep: SimpleNamespace, client_for: ClientFor) -> None:
    response = client_for(rep.world.users.office).post(
        _url(rep), {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 130, None)))})
    staged = StagedImport.objects.get()
    assert staged.status == StagedStatus.REJECTED and [e["row"] for e in staged.errors] == [3]
    assert "发现 1 处错误" in response.content.decode() and "token" not in response.context


def test_an_upload_refused_by_the_form_keeps_nothing(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.office)
    missing = client.post(_url(rep), {})
    wrong = client.post(_url(rep), {"file": SimpleUploadedFile("t.xlsx", b"not a sheet")})
    assert "请选择要上传的文件" in missing.context["message"] and "不是允许的类型" in wrong.context["message"]
    assert missing.status_code == wrong.status_code == 200 and not StagedImport.objects.exists()


def test_a_user_who_reports_nothing_is_refused_before_anything_is_kept(rep: SimpleNamespace, client_for: ClientFor) -> None:
    response = client_for(rep.world.users.leader).post(
        _url(rep), {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None)))})
    assert response.status_code == 403 and not StagedImport.objects.exists()


def test_unconfirmed_warnings_keep_the_preview_to_confirm_again(rep: SimpleNamespace, client_for: ClientFor) -> None:
    _approved_last_year(rep)
    client = client_for(rep.world.users.office)
    client.post(_url(rep), {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 90, None)))})
    staged = StagedImport.objects.get()
    response = client.post(_url(rep), {"token": staged.pk})
    assert response.status_code == 200 and "（未确认）" in response.content.decode()
    assert response.context["token"] == staged.pk and not IndicatorValue.objects.filter(year=2025).exists()
    staged.refresh_from_db()
    assert staged.status == StagedStatus.PREVIEWED and staged.job_id is None
    response = client.post(_url(rep), {"token": staged.pk, "confirm": "1", "note": "新建污水厂投运"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(year=2025).current_revision.note == "新建污水厂投运"


def test_a_background_commit_is_polled_until_written(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.reporter)
    client.post(_url(rep), {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None)))})
    staged = StagedImport.objects.get()
    QUEUED.clear()
    with override_settings(ECOCIV_JOB_BACKEND=f"{__name__}.HoldBackend"):
        response = client.post(_url(rep), {"token": staged.pk})
    status_url = f"{_url(rep)}{staged.pk}/"
    assert response.status_code == 302 and response["Location"] == status_url and len(QUEUED) == 1
    page = client.get(status_url)
    assert 'data-status="committing"' in page.content.decode() and "progress/?polling=1" in page.content.decode()
    poll = client.get(f"{status_url}progress/?polling=1", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "HX-Refresh" not in poll
    job_run(job_id=QUEUED[0])  # the worker runs
    poll = client.get(f"{status_url}progress/?polling=1", HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    assert "已导入 1 项数值" in client.get(status_url).content.decode()
    assert IndicatorValue.objects.get(year=2025).current_revision.number == 22
    assert client_for(rep.world.users.office).get(status_url).status_code == 404  # not the uploader


def test_api_previews_then_confirms_a_staged_import(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.office)
    base = f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}"
    preview = client.post(f"{base}/import", {"file": SimpleUploadedFile(
        "t.xlsx", sheet((CITY, NUMERIC, 22, None), (HILL, NUMERIC, 30, None)))}).json()
    assert (preview["committed"], preview["rows"], preview["status"], preview["errors"]) == (False, 2, "previewed", [])
    assert not IndicatorValue.objects.exists()
    done = client.post(f"{base}/imports/{preview['import_id']}/commit", {}, content_type="application/json").json()
    assert (done["committed"], done["status"], done["finished"]) == (True, "committed", True)
    assert IndicatorValue.objects.count() == 2
    assert client.get(f"{base}/imports/{preview['import_id']}").json()["committed"] is True
    again = client.post(f"{base}/imports/{preview['import_id']}/commit", {}, content_type="application/json")
    assert again.status_code == 400


def test_api_commit_in_one_step_is_all_or_nothing(rep: SimpleNamespace, client_for: ClientFor) -> None:
    client = client_for(rep.world.users.office)
    url = f"/api/programs/{rep.world.program.id}/rounds/{rep.round.id}/import"
    bad = client.post(url, {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None),
                                                                       (HILL, NUMERIC, 130, None))), "commit": "true"})
    assert bad.status_code in (400, 422) and [e["row"] for e in bad.json()["errors"]] == [4]
    assert not IndicatorValue.objects.exists()
    good = client.post(url, {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None))), "commit": "true"})
    assert good.status_code == 200 and good.json()["committed"] is True and IndicatorValue.objects.count() == 1
