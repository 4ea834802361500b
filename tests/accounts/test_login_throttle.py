"""Failed logins are throttled per username + address, per username and per address, with a cool-off (#11.8).

The page login is the one login (the API uses its session); the admin's login goes through the same backend.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from apps.audit.models import AuditAction, AuditEvent

LIMITS = settings.ECOCIV_LOGIN_LIMITS


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1", path: str = "/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def cool_off() -> None:
    """As if the cool-off had passed since the last failure."""
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME
                                 - dt.timedelta(minutes=1))


def test_limits_are_per_counter():
    assert LIMITS == {"username+ip_address": 5, "username": 10, "ip_address": 20}
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)


def test_wrong_passwords_then_the_right_one_is_refused(world: SimpleNamespace):
    client = Client()
    for _ in range(LIMITS["username+ip_address"] - 1):
        assert attempt(client, "office", "wrong").status_code == 200  # the form again, with its error
    assert attempt(client, "office", "wrong").status_code == 429  # the failure that reaches the limit locks
    response = attempt(client, "office", "pw")
    assert response.status_code == 429
    assert "登录已暂停 15 分钟" in response.content.decode()
    assert not logged_in(client)
    # Locked means locked: more tries are refused as well, and the right password still is.
    assert attempt(client, "office", "wrong").status_code == 429
    assert attempt(client, "office", "pw").status_code == 429
    assert not logged_in(client)
    actions = list(AuditEvent.objects.filter(actor_name="office").values_list("action", flat=True))
    assert actions.count(AuditAction.LOGIN_FAILED) == LIMITS["username+ip_address"] + 3  # every refusal
    assert actions.count(AuditAction.LOCKOUT) == 4  # the one that locked, and each knock while locked
    assert AuditAction.LOGIN not in actions
    lockout = AuditEvent.objects.filter(action=AuditAction.LOCKOUT).first()
    assert lockout.ip_address == "10.0.0.1" and lockout.region_id == world.city.id  # the named user's office sees it


def test_one_failure_short_of_the_limit_still_logs_in(world: SimpleNamespace):  # noqa: ARG001
    client = Client()
    for _ in range(LIMITS["username+ip_address"] - 1):
        attempt(client, "office", "wrong")
    assert attempt(client, "office", "pw").status_code == 302
    assert logged_in(client)
    # A success resets the counters of that name and address.
    assert not AccessAttempt.objects.filter(username="office").exists()


def test_after_the_cool_off_the_right_password_logs_in(world: SimpleNamespace):  # noqa: ARG001
    client = Client()
    for _ in range(LIMITS["username+ip_address"]):
        attempt(client, "office", "wrong")
    assert attempt(client, "office", "pw").status_code == 429
    cool_off()
    assert attempt(client, "office", "pw").status_code == 302
    assert logged_in(client)


def test_an_address_that_tried_many_names_is_locked_for_every_user(world: SimpleNamespace):  # noqa: ARG001
    client = Client()
    for n in range(LIMITS["ip_address"]):
        attempt(client, f"guess{n}", "wrong")  # one failure per name: only the address counter grows
    response = attempt(client, "leader", "pw")
    assert response.status_code == 429
    assert not logged_in(client)
    # The same user from another address is not affected.
    other = Client()
    assert attempt(other, "leader", "pw", ip="10.0.0.2").status_code == 302


def test_an_account_tried_from_many_addresses_is_locked(world: SimpleNamespace):  # noqa: ARG001
    client = Client()
    for n in range(LIMITS["username"]):
        attempt(client, "inspector", "wrong", ip=f"10.1.0.{n + 1}")  # a botnet: one failure per address
    assert attempt(client, "inspector", "pw", ip="10.2.0.1").status_code == 429
    assert not logged_in(client)


def test_the_admin_login_is_throttled_too(world: SimpleNamespace):  # noqa: ARG001
    client = Client()
    for _ in range(LIMITS["username+ip_address"]):
        attempt(client, "office", "wrong", path="/admin/login/")
    assert attempt(client, "office", "pw", path="/admin/login/").status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "x" * 300])
def test_an_odd_name_is_recorded_as_typed(db: None, name: str):  # noqa: ARG001
    assert attempt(Client(), name, "wrong").status_code == 200  # the form again (a 300-character name was a 500)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_name == name[:150] and event.actor_id is None and event.region_id is None
