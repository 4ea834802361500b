"""The audit log is append-only: the model, its querysets, the admin and (on PostgreSQL) the database refuse to
change or delete an event (#11.9)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditAction, AuditEvent, AuditLogImmutable
from apps.audit.services import record
from tests.conftest import ClientFor


@pytest.fixture
def event(world: SimpleNamespace) -> AuditEvent:
    return record(world.users.office, AuditAction.EXPORT_DOWNLOAD, target_label="tasks.xlsx")


def test_an_event_cannot_be_saved_again(event: AuditEvent):
    event.target_label = "别的文件.xlsx"
    with pytest.raises(AuditLogImmutable):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).target_label == "tasks.xlsx"


def test_an_event_cannot_be_deleted(event: AuditEvent):
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_event_cannot_be_updated_in_bulk(event: AuditEvent):
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGIN)
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.bulk_update([event], ["action"])


def test_deleting_the_actor_keeps_the_event(event: AuditEvent, world: SimpleNamespace):
    office_id = world.users.office.pk
    world.users.office.assignments.all().delete()
    world.users.office.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.actor_name, kept.actor_id) == ("office", office_id)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
                                 "DELETE FROM audit_auditevent WHERE id = %s"])
def test_postgresql_refuses_raw_updates_and_deletes(event: AuditEvent, sql: str):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.EXPORT_DOWNLOAD


def test_the_admin_shows_no_change_or_delete(event: AuditEvent, world: SimpleNamespace, client_for: ClientFor):
    world.users.office.is_superuser = True
    world.users.office.save()
    client = client_for(world.users.office)
    base = f"/admin/audit/auditevent/{event.pk}"
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"{base}/delete/").status_code == 403
    response = client.post(f"{base}/change/", {"action": "auth.login", "target_label": "x"})
    assert response.status_code == 403
    assert client.post("/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
                       ).status_code in (200, 302)
    assert AuditEvent.objects.get(pk=event.pk).target_label == "tasks.xlsx"


def test_an_office_administrator_does_not_see_it_in_the_admin(event: AuditEvent, world: SimpleNamespace,  # noqa: ARG001
                                                              client_for: ClientFor):
    assert client_for(world.users.office).get("/admin/audit/auditevent/").status_code == 403
