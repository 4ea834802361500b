"""The embedded default's SQLite connections (issue #11.13): WAL, a busy timeout, IMMEDIATE transactions.

A long import must not lock everyone out: readers never wait for the writer (WAL), and a second writer waits
for the lock (busy timeout) instead of failing with "database is locked" at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings.base import sqlite_options


@pytest.fixture(autouse=True)
def scratch_files(django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield


def _connection(path: Path) -> DatabaseWrapper:
    settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": sqlite_options(),
                "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}}
    return DatabaseWrapper(settings, alias=f"sqlite-{path.name}")


def _pragma(connection: DatabaseWrapper, name: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_every_connection_is_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    connection = _connection(tmp_path / "db.sqlite3")
    try:
        assert _pragma(connection, "journal_mode") == "wal"
        assert _pragma(connection, "busy_timeout") == 20000
        assert _pragma(connection, "synchronous") == 1  # NORMAL
    finally:
        connection.close()


def test_a_reader_does_not_wait_and_a_writer_queues_behind_a_long_write(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    setup = _connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.execute("INSERT INTO t VALUES (1)")
    setup.close()
    holding, released = threading.Event(), threading.Event()

    def long_write() -> None:
        writer = _connection(path)
        with writer.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO t VALUES (2)")
            holding.set()
            released.wait(10)
            time.sleep(0.2)
            cursor.execute("COMMIT")
        writer.close()

    thread = threading.Thread(target=long_write)
    thread.start()
    holding.wait(10)
    other = _connection(path)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")  # a read while the write lock is held: the last commit
            assert cursor.fetchone()[0] == 1
            released.set()
            cursor.execute("BEGIN IMMEDIATE")  # waits for the writer (busy timeout) instead of failing
            cursor.execute("INSERT INTO t VALUES (3)")
            cursor.execute("COMMIT")
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 3
    finally:
        other.close()
        thread.join()
