"""The password change page and its API: the old password, the validators, the session kept, audited (#11.8)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import ClientFor

NEW = "秦川生态-办公室-2026"


def test_the_page_needs_a_login(db: None):  # noqa: ARG001
    response = Client().get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_user_menu_links_it(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.reporter).get("/", follow=True).content.decode()
    assert 'href="/password/"' in html


def test_changing_the_password(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.reporter)
    page = client.get("/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post("/password/", {"old_password": "pw", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    world.users.reporter.refresh_from_db()
    assert world.users.reporter.check_password(NEW)
    assert client.get("/password/").status_code == 200  # this session stays logged in
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=world.users.reporter).count() == 1


@pytest.mark.parametrize(("old", "new", "message"), [
    ("wrong", NEW, "旧密码不正确"),
    ("pw", "12345678901", "只包含数字"),
    ("pw", "short1!", "太短"),
    ("pw", "password123", "太常见"),
    ("pw", "reporter-01", "相似"),
])
def test_a_refused_change_keeps_the_old_password(world: SimpleNamespace, client_for: ClientFor, old: str, new: str,
                                                 message: str):
    client = client_for(world.users.reporter)
    response = client.post("/password/", {"old_password": old, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert message in response.content.decode()
    world.users.reporter.refresh_from_db()
    assert world.users.reporter.check_password("pw")
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_the_api_changes_the_password(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.county)
    body = json.dumps({"old_password": "pw", "new_password": NEW})
    response = client.post("/api/me/password", body, content_type="application/json")
    assert response.status_code == 200, response.content
    world.users.county.refresh_from_db()
    assert world.users.county.check_password(NEW)
    assert client.get("/api/me").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=world.users.county).exists()


def test_the_api_refuses_a_wrong_old_or_weak_new_password(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.county)
    for old, new in (("wrong", NEW), ("pw", "123")):
        response = client.post("/api/me/password", json.dumps({"old_password": old, "new_password": new}),
                               content_type="application/json")
        assert response.status_code == 400 and response.json()["detail"]
        # The form's errors as the pages word them (apps.core.web.cleaned), under the API's one new password.
        assert ("旧密码" if old == "wrong" else "新密码：") in response.json()["detail"]
        assert "确认" not in response.json()["detail"]
    world.users.county.refresh_from_db()
    assert world.users.county.check_password("pw")


def test_the_api_needs_a_login(db: None):  # noqa: ARG001
    response = Client().post("/api/me/password", "{}", content_type="application/json")
    assert response.status_code == 401


def test_sessions_suit_office_work():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
