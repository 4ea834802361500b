"""Test settings: a throw-away SQLite file by default, PostgreSQL when ECOCIV_TEST_DATABASE_URL is set."""

import os
import tempfile

import dj_database_url

from .base import *  # noqa: F403

SECRET_KEY = "test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ecociv-test-media-"))  # noqa: F405
ECOCIV_JOB_BACKEND = "inline"  # jobs run synchronously in the caller; a test that wants a thread says so

_url = os.environ.get("ECOCIV_TEST_DATABASE_URL")
if _url:
    DATABASES = {"default": dj_database_url.parse(_url)}
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"] + "_ecociv_test"}
else:
    # A file in WAL mode, not ":memory:". Django opens an in-memory test database in shared-cache mode, where
    # SQLite locks per table and a second connection (a job's thread, the live server of the browser tests)
    # gets "database table is locked" at once while another connection reads or writes that table: the busy
    # timeout does not apply to shared-cache locks. A background check died that way on its first progress
    # write and its test waited 60 s for it. A file behaves as the embedded default does (writers wait for
    # each other up to the timeout, IMMEDIATE transactions take the write lock up front) and, in WAL mode,
    # readers never block the writer. ``synchronous=OFF``: nothing here needs to survive a power cut.
    _db_dir = tempfile.mkdtemp(prefix="ecociv-test-db-")
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(_db_dir, "ecociv.sqlite3"),
        "OPTIONS": sqlite_options(synchronous="OFF"),  # noqa: F405
        "TEST": {"NAME": os.path.join(_db_dir, "test.sqlite3")},
    }}
