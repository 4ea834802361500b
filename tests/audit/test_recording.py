"""What is recorded (#11.9): logins and logouts, downloads of evidence and exports (page and API), every import
commit, user and role administration (services and the admin)."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.models import Role, RoleAssignment
from apps.accounts.services import assignment_add, user_create
from apps.audit.middleware import attachment_name
from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import ClientFor
from tests.evidence.conftest import both  # noqa: F401 - the evidence fixture
from tests.evidence.test_download import api_url, page_url
from tests.reporting.conftest import rep, save  # noqa: F401 - fixtures the evidence fixture needs
from tests.sheets import xlsx
from tests.tasks.conftest import plan  # noqa: F401 - the task plan fixture
from tests.tasks.test_import import GOOD_TASKS


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_login_and_logout(world: SimpleNamespace):
    client = Client()
    assert client.post("/login/", {"username": "county", "password": "pw"}, REMOTE_ADDR="10.9.8.7").status_code == 302
    [login] = events(AuditAction.LOGIN)
    assert (login.actor, login.ip_address, login.region_id) == (world.users.county, "10.9.8.7",
                                                                world.counties["hill"].id)
    client.post("/logout/")
    [logout] = events(AuditAction.LOGOUT)
    assert logout.actor == world.users.county


def test_a_failed_login_names_the_user_it_tried(world: SimpleNamespace):
    Client().post("/login/", {"username": "reporter", "password": "nope"})
    [failed] = events(AuditAction.LOGIN_FAILED)
    assert failed.actor is None and failed.actor_name == "reporter"
    assert failed.target_id == str(world.users.reporter.pk) and failed.region_id == world.city.id
    assert "nope" not in str(failed.details)  # never the password


def test_evidence_downloads_page_and_api(both: SimpleNamespace, client_for: ClientFor):  # noqa: F811
    client = client_for(both.users.office)
    for url in (page_url(both.value_evidence), api_url(both.value_evidence)):
        assert client.get(url).status_code == 200
    downloads = events(AuditAction.EVIDENCE_DOWNLOAD)
    assert [(e.actor, e.target_id, e.target_label) for e in downloads] == [
        (both.users.office, str(both.value_evidence.id), "2025年统计公报.pdf")] * 2
    assert downloads[1].details["path"] == api_url(both.value_evidence)


def test_a_refused_download_is_not_a_download(both: SimpleNamespace, client_for: ClientFor):  # noqa: F811
    assert client_for(both.users.stranger).get(page_url(both.value_evidence)).status_code == 403
    assert not events(AuditAction.EVIDENCE_DOWNLOAD)


def test_exports_page_and_api(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    p = world.program.id
    for url in (f"/programs/{p}/tasks.xlsx", f"/programs/{p}/projects.xlsx", f"/api/programs/{p}/tasks.xlsx",
                f"/programs/{p}/responsibilities.xlsx"):
        assert client.get(url).status_code == 200, url
    exports = events(AuditAction.EXPORT_DOWNLOAD)
    assert len(exports) == 4 and {e.actor for e in exports} == {world.users.office}
    assert exports[0].target_label == f"{world.program.name}任务清单.xlsx"
    assert exports[2].details["path"] == f"/api/programs/{p}/tasks.xlsx"


def test_an_import_commit(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    upload = SimpleUploadedFile("任务清单.xlsx", xlsx(GOOD_TASKS))
    url = f"/api/programs/{world.program.id}/tasks/import"
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200 and not events(AuditAction.IMPORT_COMMIT)  # a preview writes nothing
    assert client.post(f"{url}/{preview.json()['import_id']}/commit").status_code == 200
    [commit] = events(AuditAction.IMPORT_COMMIT)
    assert (commit.actor, commit.target_type, commit.target_label) == (world.users.office, "staging.stagedimport",
                                                                       "任务清单.xlsx")
    assert commit.region_id == world.city.id and commit.details["kind"]


def test_a_refused_import_is_no_commit(world: SimpleNamespace, client_for: ClientFor):
    rows = [*GOOD_TASKS, ["3", "", "", "不存在的单位", "", "明年"]]
    upload = SimpleUploadedFile("任务清单.xlsx", xlsx(rows))
    response = client_for(world.users.office).post(f"/api/programs/{world.program.id}/tasks/import", {"file": upload})
    assert response.status_code == 400
    assert not events(AuditAction.IMPORT_COMMIT)


def test_user_and_role_services(world: SimpleNamespace):
    user = user_create(username="newbie", password="pw", role=Role.LEADER, region=world.city,
                       actor=world.users.office)
    assignment_add(user=user, role=Role.DEPARTMENT_REPORTER, department=world.units["市水务局"],
                   actor=world.users.office)
    assert [(e.action, e.actor, e.region_id) for e in AuditEvent.objects.filter(
        action__in=[AuditAction.USER_CREATE, AuditAction.ROLE_ASSIGN], details__user="newbie").order_by("id")] == [
        (AuditAction.ROLE_ASSIGN, world.users.office, world.city.id),
        (AuditAction.ROLE_ASSIGN, world.users.office, world.city.id)]
    [created] = AuditEvent.objects.filter(action=AuditAction.USER_CREATE, target_label="newbie")
    assert created.actor == world.users.office


def test_user_administration_in_the_admin(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    response = client.post("/admin/accounts/user/add/", {
        "username": "admin-made", "password1": "秦川生态-办公室-2026", "password2": "秦川生态-办公室-2026",
        "display_name": "新人", "usable_password": "true",
        "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "0",
        "assignments-0-role": Role.LEADER, "assignments-0-region": world.city.id,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    [added] = events(AuditAction.ADMIN_ADD)
    assert (added.actor, added.target_type, added.target_label) == (world.users.office, "accounts.user", "新人")
    assignment = RoleAssignment.objects.get(user__username="admin-made")
    user_id = assignment.user_id
    assignment.delete()
    world.users.office.is_superuser = True  # deleting a user is for superusers
    world.users.office.save()
    response = client.post(f"/admin/accounts/user/{user_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [deleted] = events(AuditAction.ADMIN_DELETE)
    assert deleted.target_id == str(user_id) and deleted.actor == world.users.office


def test_attachment_names():
    assert attachment_name("attachment; filename=\"a.xlsx\"; filename*=UTF-8''%E4%BB%BB%E5%8A%A1.xlsx") == "任务.xlsx"
    assert attachment_name('attachment; filename="a.xlsx"') == "a.xlsx"
    assert attachment_name("inline; filename=x.pdf") is None
    assert attachment_name("") is None
