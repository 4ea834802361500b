"""Backup and restore of a deployment: the database and the media store, with a manifest to check a restore by.

A backup is a directory:

- ``database.sqlite3`` (the embedded default, copied with SQLite's online backup API while the site runs) or
  ``database.dump`` (PostgreSQL, ``pg_dump -Fc``);
- ``media/``: every file of Django's default storage (the local disk or S3, read through the storage API);
- ``manifest.json``: the engine, the row count of every table and the SHA-256 of every file.

:func:`restore` puts both back (``pg_restore --clean`` or the backup API again; files saved under their own names)
and :func:`verify` compares the database and the storage with the manifest. Knows no domain: tables are found by
introspection and files by listing the storage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection

MANIFEST = "manifest.json"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: the engine, rows per table and the hash of every stored file."""

    created: str
    vendor: str
    tables: dict[str, int]
    files: dict[str, str]  # storage name → SHA-256


@dataclass(frozen=True)
class Differences:
    """Where the database or the storage differs from a manifest (empty: identical)."""

    tables: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # table → (expected, found)
    files: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name → (expected, found)

    @property
    def ok(self) -> bool:
        return not self.tables and not self.files


def table_counts() -> dict[str, int]:
    """Rows of every table of the database (introspected, so every app's tables and Django's own)."""
    names = sorted(connection.introspection.table_names(include_views=False))
    counts = {}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def stored_files(storage: Storage = default_storage, path: str = "") -> list[str]:
    """Every file name of the storage, recursively (the local disk and S3 alike)."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in files]
    for folder in folders:
        names += stored_files(storage, f"{path}/{folder}" if path else folder)
    return sorted(names)


def _sha256(handle: object) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):  # type: ignore[attr-defined]
        digest.update(chunk)
    return digest.hexdigest()


def file_hashes(storage: Storage = default_storage) -> dict[str, str]:
    hashes = {}
    for name in stored_files(storage):
        with storage.open(name, "rb") as handle:
            hashes[name] = _sha256(handle)
    return hashes


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments of pg_dump / pg_restore for the default database (the password in the environment)."""
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def backup(directory: Path) -> Manifest:
    """Write a backup of the database and the media store into ``directory`` (created; must be empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ValueError(f"备份目录 {directory} 不是空目录。")
    counts = table_counts()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "database.sqlite3")
        with target:
            connection.connection.backup(target)
        target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(directory / "database.dump"),
                        *args], check=True, env=env)
    else:
        raise ValueError(f"不支持备份 {connection.vendor} 数据库。")
    files = {}
    media = directory / "media"
    for name in stored_files():
        destination = media / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        with destination.open("rb") as copied:
            files[name] = _sha256(copied)
    manifest = Manifest(created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), vendor=connection.vendor,
                        tables=counts, files=files)
    (directory / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> Manifest:
    data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return Manifest(**data)


def restore(directory: Path) -> Manifest:
    """Put a backup back: the database replaced by the backup's, and every backed-up file saved under its name.

    Files in the storage that the backup does not hold are left alone (an operator restoring into a fresh
    store sees none).
    """
    manifest = read_manifest(directory)
    if manifest.vendor != connection.vendor:
        raise ValueError(f"备份来自 {manifest.vendor} 数据库，当前为 {connection.vendor}。")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(directory / "database.sqlite3")
        with source:
            source.backup(connection.connection)
        source.close()
    else:
        args, env = _pg_env()
        connection.close()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        str(directory / "database.dump"), *args], check=True, env=env)
    media = directory / "media"
    for name in manifest.files:
        if default_storage.exists(name):
            default_storage.delete(name)
        with (media / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise ValueError(f"文件 {name} 被存为 {saved}。")
    return manifest


def verify(manifest: Manifest) -> Differences:
    """The tables whose row count and the files whose hash differ from the manifest (missing ones included)."""
    counts = table_counts()
    hashes = file_hashes()
    tables = {t: (manifest.tables.get(t), counts.get(t)) for t in set(manifest.tables) | set(counts)
              if manifest.tables.get(t) != counts.get(t)}
    files = {n: (manifest.files.get(n), hashes.get(n)) for n in set(manifest.files) | set(hashes)
             if manifest.files.get(n) != hashes.get(n)}
    return Differences(tables=tables, files=files)
