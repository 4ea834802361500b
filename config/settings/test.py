"""Test settings: SQLite in memory by default, PostgreSQL when ECOCIV_TEST_DATABASE_URL is set."""

import os
import tempfile

import dj_database_url

from .base import *  # noqa: F403

SECRET_KEY = "test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ecociv-test-media-"))  # noqa: F405

_url = os.environ.get("ECOCIV_TEST_DATABASE_URL")
if _url:
    DATABASES = {"default": dj_database_url.parse(_url)}
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"] + "_ecociv_test"}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
