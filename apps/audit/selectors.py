"""Reads of the audit log: the events in a user's scope that match a search, newest first (one query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access import AuditScope
from .models import AuditEvent


@dataclass(frozen=True)
class AuditSearch:
    """A search of the log: each given part narrows it (dates are local days, both ends included)."""

    actor: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(scope: AuditScope, search: AuditSearch) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(scope.q()).select_related("region")
    if search.actor:
        events = events.filter(actor_name__icontains=search.actor)
    if search.action:
        events = events.filter(action=search.action)
    if search.since:
        events = events.filter(at__gte=_day_start(search.since))
    if search.until:
        events = events.filter(at__lt=_day_start(search.until + dt.timedelta(days=1)))
    if search.text:
        events = events.filter(Q(target_label__icontains=search.text) | Q(target_type__icontains=search.text)
                               | Q(target_id=search.text) | Q(actor_name__icontains=search.text))
    return events.order_by("-at", "-id")
