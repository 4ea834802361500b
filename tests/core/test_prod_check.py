"""`make prod-check` (``manage.py check --deploy`` on the production settings with example values) is clean, and
the production variables switch the engines: Redis cache, S3 storage, Celery jobs; unset, the embedded default."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_", "DJANGO_"))}
    return {**env, "ECOCIV_VAR_DIR": tempfile.mkdtemp(prefix="ecociv-prod-"), **extra}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_prod_check_is_clean() -> None:
    done = subprocess.run(["make", "-s", "prod-check", "NO_VENV=1", f"PY={sys.executable}"], cwd=ROOT,
                          env=_clean_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"], "session": settings.SESSION_ENGINE,
                  "storage": settings.STORAGES["default"]["BACKEND"], "jobs": settings.ECOCIV_JOB_BACKEND,
                  "broker": settings.CELERY_BROKER_URL, "db": settings.DATABASES["default"]["ENGINE"]}))
"""


def _settings(**env: str) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=_clean_env(DJANGO_SETTINGS_MODULE="config.settings.prod",
                                         ECOCIV_SECRET_KEY="x" * 50, **env))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_variables_choose_the_shared_engines() -> None:
    assert _settings(ECOCIV_DATABASE_URL="postgres://u:p@db:5432/ecociv", ECOCIV_BROKER_URL="redis://r:6379/0",
                     ECOCIV_CACHE_URL="redis://r:6379/1", ECOCIV_S3_BUCKET="media") == {
        "cache": "django_redis.cache.RedisCache", "session": "django.contrib.sessions.backends.cached_db",
        "storage": "storages.backends.s3.S3Storage", "jobs": "celery", "broker": "redis://r:6379/0",
        "db": "django.db.backends.postgresql"}


def test_without_them_the_embedded_default_stays() -> None:
    assert _settings() == {
        "cache": "django.core.cache.backends.locmem.LocMemCache", "session": "django.contrib.sessions.backends.db",
        "storage": "django.core.files.storage.FileSystemStorage", "jobs": "thread", "broker": "memory://",
        "db": "django.db.backends.sqlite3"}
