"""Users and role assignments set up in the app (#12): initial passwords, scope, grant and revoke, audited."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.test import Client

from apps.accounts.models import Role, RoleAssignment, User
from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import ClientFor, make_user

NEW = "秦川生态-办公室-2026"


def _url(world: SimpleNamespace, tail: str = "users/") -> str:
    return f"/programs/{world.program.id}/setup/{tail}"


def _create(client: Client, world: SimpleNamespace, **data: object) -> tuple[int, str]:
    response = client.post(_url(world), {"username": "zhang", "display_name": "张三",
                                         "role": Role.DEPARTMENT_REPORTER, **data})
    html = response.content.decode()
    match = re.search(r'<code class="password">([^<]+)</code>', html)
    return response.status_code, match.group(1) if match else html


def test_an_office_creates_a_user_with_a_one_time_password(world: SimpleNamespace, client_for: ClientFor):
    status, password = _create(client_for(world.users.office), world, department=world.units["市水务局"].id)
    assert status == 200, password
    user = User.objects.get(username="zhang")
    assert user.must_change_password and user.check_password(password)
    assert [(d.role, d.department.id) for d in user.duties] == [(Role.DEPARTMENT_REPORTER, world.units["市水务局"].id)]
    assert AuditEvent.objects.filter(action=AuditAction.USER_CREATE, actor=world.users.office).exists()
    listing = client_for(world.users.office).get(_url(world)).content.decode()
    assert "zhang" in listing and password not in listing  # shown once only


def test_the_first_login_goes_to_the_password_change_page_until_changed(world: SimpleNamespace):
    user = make_user("newbie", Role.DEPARTMENT_REPORTER, department=world.units["市水务局"])
    user.must_change_password = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get(f"/programs/{world.program.id}/")
    assert response.status_code == 302 and response["Location"] == "/password/"
    api = client.get(f"/api/programs/{world.program.id}")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert client.get("/api/me").json()["must_change_password"] is True
    page = client.get("/password/")
    assert page.status_code == 200 and "初始密码" in page.content.decode()
    client.post("/password/", {"old_password": "pw", "new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(f"/programs/{world.program.id}/").status_code == 200


def test_the_api_password_change_clears_the_flag(world: SimpleNamespace):
    user = make_user("newbie", Role.COUNTY_OFFICE, region=world.counties["hill"])
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = Client()
    client.force_login(user)
    response = client.post("/api/me/password", {"old_password": "pw", "new_password": NEW},
                           content_type="application/json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_only_an_office_opens_the_setup_pages(world: SimpleNamespace, client_for: ClientFor):
    for persona in ("reporter", "county", "leader", "inspector"):
        client = client_for(getattr(world.users, persona))
        for tail in ("users/", "departments/", "program/", "programs/new/"):
            assert client.get(_url(world, tail)).status_code == 403, (persona, tail)
        assert client.post(_url(world), {"username": "x", "role": Role.LEADER,
                                         "region": world.city.id}).status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_the_menu_shows_the_setup_group_to_an_office_only(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get(f"/programs/{world.program.id}/").content.decode()
    assert "设置" in html and _url(world) in html
    html = client_for(world.users.reporter).get(f"/programs/{world.program.id}/").content.decode()
    assert _url(world) not in html


def test_office_a_cannot_touch_office_b_users(world: SimpleNamespace, client_for: ClientFor):
    other = client_for(world.users.outsider)
    other_url = f"/programs/{world.other_program.id}/setup/"
    reporter = world.users.reporter
    assert other.get(f"{other_url}users/{reporter.id}/").status_code == 403
    for action in ("reset/", "active/"):
        assert other.post(f"{other_url}users/{reporter.id}/{action}", {"active": "0"}).status_code == 403
    assignment = reporter.assignments.get()
    assert other.post(f"{other_url}users/{reporter.id}/roles/{assignment.id}/revoke/").status_code == 403
    assert other.post(f"{other_url}users/{reporter.id}/grant/",
                      {"role": Role.LEADER, "region": world.other_city.id}).status_code == 403
    reporter.refresh_from_db()
    assert reporter.is_active and reporter.check_password("pw") and reporter.assignments.count() == 1
    listing = other.get(f"{other_url}users/").content.decode()
    assert ">reporter</a>" not in listing and ">outsider</a>" in listing
    # nor create a user in office A's city: the city is not among its choices, and the service refuses too
    response = other.post(f"{other_url}users/", {"username": "spy", "role": Role.LEADER, "region": world.city.id})
    assert response.status_code == 200 and not User.objects.filter(username="spy").exists()


def test_a_person_with_a_duty_elsewhere_is_not_managed(world: SimpleNamespace, client_for: ClientFor):
    both = make_user("both", Role.LEADER, region=world.city)
    RoleAssignment.objects.create(user=both, role=Role.LEADER, region=world.other_city)
    assert client_for(world.users.office).get(_url(world, f"users/{both.id}/")).status_code == 403


def test_grant_and_revoke_within_the_office(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    leader = world.users.leader
    response = client.post(_url(world, f"users/{leader.id}/grant/"),
                           {"role": Role.INSPECTOR, "region": world.counties["hill"].id})
    assert response.status_code == 302
    added = leader.assignments.get(role=Role.INSPECTOR)
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_ASSIGN, actor=world.users.office).exists()
    # a scope the role cannot have is refused on the form, nothing written
    response = client.post(_url(world, f"users/{leader.id}/grant/"),
                           {"role": Role.COUNTY_OFFICE, "region": world.city.id})
    assert response.status_code == 200 and "县区生态办必须绑定县区" in response.content.decode()
    assert client.post(_url(world, f"users/{leader.id}/roles/{added.id}/revoke/")).status_code == 302
    assert not leader.assignments.filter(pk=added.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, target_id=str(added.id)).exists()
    # the last duty stays (deactivate instead), and nobody revokes their own
    last = leader.assignments.get()
    client.post(_url(world, f"users/{leader.id}/roles/{last.id}/revoke/"))
    assert leader.assignments.filter(pk=last.pk).exists()
    own = world.users.office.assignments.get()
    client.post(_url(world, f"users/{world.users.office.id}/roles/{own.id}/revoke/"))
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_nobody_grants_above_their_own_scope(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    leader = world.users.leader
    for data in ({"role": Role.OFFICE_ADMIN, "region": world.province.id},
                 {"role": Role.LEADER, "region": world.other_city.id}):
        response = client.post(_url(world, f"users/{leader.id}/grant/"), data)
        assert response.status_code == 200  # refused on the form: not a choice of the office
    assert leader.assignments.count() == 1
    # an office limited to one program grants only duties limited to it
    limited = make_user("limited", Role.OFFICE_ADMIN, region=world.city, program=world.program)
    client = client_for(limited)
    response = client.post(_url(world, f"users/{leader.id}/grant/"),
                           {"role": Role.INSPECTOR, "region": world.city.id})
    assert response.status_code == 403
    response = client.post(_url(world, f"users/{leader.id}/grant/"),
                           {"role": Role.INSPECTOR, "region": world.city.id, "program": world.program.id})
    assert response.status_code == 302 and leader.assignments.count() == 2


def test_deactivate_and_reset_to_an_initial_password(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    reporter = world.users.reporter
    response = client.post(_url(world, f"users/{reporter.id}/reset/"))
    password = re.search(r'<code class="password">([^<]+)</code>', response.content.decode()).group(1)
    reporter.refresh_from_db()
    assert reporter.check_password(password) and reporter.must_change_password
    assert client.post(_url(world, f"users/{reporter.id}/active/"), {"active": "0"}).status_code == 302
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert client.get(_url(world, f"users/{reporter.id}/")).status_code == 200  # still listed, to enable again
    actions = set(AuditEvent.objects.filter(actor=world.users.office).values_list("action", flat=True))
    assert {AuditAction.USER_PASSWORD_RESET, AuditAction.USER_DEACTIVATE} <= actions
    # an office does not deactivate itself
    client.post(_url(world, f"users/{world.users.office.id}/active/"), {"active": "0"})
    world.users.office.refresh_from_db()
    assert world.users.office.is_active


def test_an_office_changes_a_users_name_and_email(world: SimpleNamespace, client_for: ClientFor):
    reporter = world.users.reporter
    original = reporter.display_name
    client = client_for(world.users.office)
    url = _url(world, f"users/{reporter.id}/change/")
    assert client.post(url, {"display_name": "联络员甲", "email": "not-an-address"}).status_code == 200
    assert client.post(url, {"display_name": "联络员甲", "email": "jia@example.cn"}).status_code == 302
    reporter.refresh_from_db()
    assert (reporter.display_name, reporter.email) == ("联络员甲", "jia@example.cn")
    api = client.put(f"/api/setup/users/{reporter.id}", {"display_name": "联络员乙", "email": ""},
                     content_type="application/json")
    assert api.status_code == 200 and api.json()["display_name"] == "联络员乙"
    events = AuditEvent.objects.filter(action=AuditAction.SETUP_CHANGE, target_type="accounts.user")
    assert [e.details["changes"]["display_name"] for e in events.order_by("id")] == [
        [original, "联络员甲"], ["联络员甲", "联络员乙"]]
    for persona in ("outsider", "county", "reporter"):
        other = client_for(getattr(world.users, persona))
        assert other.post(url, {"display_name": "改", "email": ""}).status_code in (403, 404), persona
        assert other.put(f"/api/setup/users/{reporter.id}", {"display_name": "改", "email": ""},
                         content_type="application/json").status_code == 403, persona
    reporter.refresh_from_db()
    assert reporter.display_name == "联络员乙"
