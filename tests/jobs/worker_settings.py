"""Settings of the Celery worker that the worker tests start (tests/jobs/test_celery_worker.py): the test
settings, pointed at the test session's own database and media folder (known only inside that session, passed in
the environment), with jobs on Celery."""

import json
import os
from pathlib import Path

from config.settings.test import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["ECOCIV_WORKER_DATABASE"])}
MEDIA_ROOT = Path(os.environ["ECOCIV_WORKER_MEDIA_ROOT"])
ECOCIV_JOB_BACKEND = "celery"
CELERY_IMPORTS = ["tests.jobs.celery_jobs"]
