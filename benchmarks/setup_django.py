"""What every Django benchmark does first: put the project on ``sys.path`` (on import); then, in
:func:`configure`, choose the database (a scratch SQLite file unless one is given) and, if asked, a scratch media
root; set Django up and migrate."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the project
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def configure(database: str | None, *, media: bool = False) -> tuple[str, Path | None, Path | None]:
    """The database URL used, and the scratch database file and media root to delete afterwards (None for
    what was given, or for no media root when ``media`` is false)."""
    url = database or os.environ.get("ECOCIV_DATABASE_URL")
    scratch = media_root = None
    if not url:
        scratch = Path(tempfile.mkdtemp(prefix="ecociv-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{scratch}"
    os.environ["ECOCIV_DATABASE_URL"] = url
    if media and not os.environ.get("ECOCIV_MEDIA_ROOT"):
        media_root = Path(tempfile.mkdtemp(prefix="ecociv-bench-media-"))
        os.environ["ECOCIV_MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("ECOCIV_DEBUG", "false")  # no query log in memory
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url, scratch, media_root


def clean_up(scratch: Path | None, media_root: Path | None = None, *, keep: bool = False) -> None:
    """Delete what :func:`configure` made: the scratch database (unless ``keep``) and the scratch media root."""
    if scratch is not None and not keep:
        from django.db import connection

        connection.close()
        scratch.unlink(missing_ok=True)
        scratch.parent.rmdir()
    if media_root is not None:
        shutil.rmtree(media_root, ignore_errors=True)


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Return once ``url`` answers (the load benchmarks' server, started in its own process); raise if the server
    stops or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped (exit code {server.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.3)
