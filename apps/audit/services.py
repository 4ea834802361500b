"""The one write of the audit log: :func:`record`. Every app that audits something calls it.

The event's region is the one the caller names, else the target's (its ``region_id``, or its program's), else the
actor's home region (the first duty's region, or its unit's region): the office administrators of that region
and of the regions above it see the event (apps/audit/access.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest

from .models import AuditEvent

LABEL_MAX = 200


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the login throttle sees it (django-axes), else the socket's peer."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def actor_home_region_id(actor: Any) -> int | None:
    """The home region of the actor's first duty (a reporter's unit's region), read without importing accounts."""
    for duty in getattr(actor, "duties", ()):
        home = duty.department.region if duty.department is not None else duty.region
        if home is not None:
            return int(home.id)
    return None


def target_region_id(target: Any) -> int | None:
    region_id = getattr(target, "region_id", None)
    if region_id is None and getattr(target, "program_id", None) is not None:
        region_id = target.program.region_id
    return region_id


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    """Details as JSON stores them (dates, decimals, lazy texts as strings), so both databases keep the same."""
    return dict(json.loads(json.dumps(details, cls=DjangoJSONEncoder)))


def record(actor: Any, action: str, target: Any = None, *, request: HttpRequest | None = None,
           region_id: int | None = None, target_type: str = "", target_id: object = "", target_label: str = "",
           actor_name: str = "", **details: Any) -> AuditEvent:
    """Append one event: ``actor`` (a user, or None for the system or an unknown name) did ``action`` to
    ``target`` (a model instance, or ``target_type``/``target_id``/``target_label``), with ``details``.
    ``actor_name`` names an actor that is no user (the name typed into a failed login)."""
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_label = target_label or str(target)
    if region_id is None:
        region_id = target_region_id(target) if target is not None else None
    if region_id is None and is_user:
        region_id = actor_home_region_id(actor)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else actor_name)[:150],
        action=action, target_type=target_type[:60], target_id=str(target_id)[:64],
        target_label=str(target_label)[:LABEL_MAX], region_id=region_id, ip_address=client_ip(request),
        details=_json_safe(details),
    )
