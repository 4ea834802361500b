"""Notices get a version and move their history into the one workflow log (review.ReviewEvent).

Each NoticeEvent becomes a ReviewEvent of the notice workflow: its kind becomes the action (an "issued" event
after the first one was a reopen and is recorded as one now), the statuses are replayed, the text becomes the
comment, the level and the business date go into ``data``; ``at`` and the actor are kept. A notice's version is
the number of its moves.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Model

ACTIONS = {"issued": "issue", "escalated": "escalate", "responded": "respond", "closed": "close",
           "resolved": "resolve"}
TARGET = {"issue": "open", "reopen": "open", "escalate": "open", "respond": "responded", "close": "closed",
          "resolve": "closed"}
KINDS = {"issue": "issued", "reopen": "issued", "escalate": "escalated", "respond": "responded", "close": "closed",
         "resolve": "resolved"}


def _notice_type(apps: StateApps) -> Model:
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.get_or_create(app_label="tasks", model="supervisionnotice")[0]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:  # noqa: ARG001
    notice_event = apps.get_model("tasks", "NoticeEvent")
    review_event = apps.get_model("review", "ReviewEvent")
    notice_model = apps.get_model("tasks", "SupervisionNotice")
    if not notice_event.objects.exists():
        return
    notice_type = _notice_type(apps)
    rows, moves = [], {}
    state: dict[int, str] = {}
    for event in notice_event.objects.order_by("notice_id", "at", "id").iterator():
        old = state.get(event.notice_id, "")
        action = "reopen" if event.kind == "issued" and old else ACTIONS[event.kind]
        state[event.notice_id] = TARGET[action]
        moves[event.notice_id] = moves.get(event.notice_id, 0) + 1
        rows.append(review_event(content_type_id=notice_type.id, object_id=event.notice_id, action=action,
                                 old_status=old, new_status=TARGET[action], comment=event.text,
                                 actor_id=event.actor_id, at=event.at,
                                 data={"level": event.level, "on": event.on.isoformat()}))
    times = [row.at for row in rows]
    created = review_event.objects.bulk_create(rows, batch_size=500)
    for row, at in zip(created, times, strict=True):
        row.at = at  # auto_now_add overwrote it on insert
    review_event.objects.bulk_update(created, ["at"], batch_size=500)
    for notice in notice_model.objects.filter(pk__in=list(moves)):
        notice.version = moves[notice.pk]
        notice.save(update_fields=["version"])


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:  # noqa: ARG001
    notice_event = apps.get_model("tasks", "NoticeEvent")
    review_event = apps.get_model("review", "ReviewEvent")
    events = review_event.objects.filter(content_type=_notice_type(apps)).order_by("at", "id")
    rows = [notice_event(notice_id=e.object_id, kind=KINDS[e.action], level=e.data["level"], text=e.comment,
                         on=e.data["on"], actor_id=e.actor_id) for e in events]
    times = [e.at for e in events]
    created = notice_event.objects.bulk_create(rows, batch_size=500)
    for row, at in zip(created, times, strict=True):
        row.at = at
    notice_event.objects.bulk_update(created, ["at"], batch_size=500)
    events.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0002_reviewevent_any_workflow"),
        ("tasks", "0002_default_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="supervisionnotice",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.RunPython(forward, backward),
    ]
