"""The Celery app: workers run the jobs of ``apps/jobs`` when ``ECOCIV_BROKER_URL`` is set; beat starts the
scheduled work.

    DJANGO_SETTINGS_MODULE=config.settings.prod celery -A config worker -l info   # one or more
    DJANGO_SETTINGS_MODULE=config.settings.prod celery -A config beat -l info     # exactly one

Settings are the Django settings named ``CELERY_*`` (``config/settings/base.py``); tasks are found in every
installed app's ``tasks.py``.
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab

app = Celery("ecociv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule(sender: Celery, **_kwargs: object) -> None:
    from django.conf import settings  # noqa: PLC0415 - read once the settings are configured

    # The daily supervision run (notices for overdue milestones, tasks and projects; reminders escalated when
    # unanswered), as a job: it shows in the job list with its result, and runs on one worker.
    sender.add_periodic_task(
        crontab(hour=settings.ECOCIV_SUPERVISION_HOUR, minute=settings.ECOCIV_SUPERVISION_MINUTE),
        sender.signature("ecociv.jobs.submit", args=("tasks.supervision",)), name="daily supervision run")
    sender.add_periodic_task(60.0, sender.signature("ecociv.jobs.reap"), name="reap jobs whose worker is gone")
