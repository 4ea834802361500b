"""Benchmark: other users' requests while a large values import commits, on the embedded default (SQLite).

A scratch SQLite file is migrated and filled as ``bench_import.py`` does (one program, ``--rows`` value rows
over ``--indicators`` indicators, last year's values approved; not timed), the city office's template is
filled and previewed (upload → staged import → check → stored plan). Then:

* a server is started on that file: ``manage.py runserver --noreload`` (threaded, ``config.settings.dev``,
  debug off) on a free port;
* ``--clients`` threads each log in (the login form, with its CSRF token: a session write) and loop over
  ordinary requests (the home page, the program page, the round's inbox, ``/api/me``, the program's API) for
  the whole run, logging out and in again every ``--relogin-every`` rounds (more session writes);
* once every client is logged in, this process commits the preview
  (:func:`apps.reporting.imports.values_import_confirm`, the ``staging.commit`` job run inline here, in
  transactions of ``ECOCIV_COMMIT_CHUNK_ROWS`` rows), writing to the same file as the server.

An error is a request that failed (connection error, time-out) or answered 4xx or 5xx; ``import_seconds`` is the
commit's wall time; ``before_import`` and ``during_import`` (requests, p95 and longest seconds) say whether the
others were served as well while it ran. The last line printed is JSON with ``requests``, ``errors`` and
``import_seconds`` (and those figures, each path's (``by_path``: requests, p95 and longest seconds over the whole
run), the errors by kind and the load average). Goal: 0 errors.

Usage: ``.venv/bin/python benchmarks/bench_import_under_load.py [--rows 20000] [--clients 20]``
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from setup_django import ROOT, configure, wait_until_up

PASSWORD = "bench-load-2026"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "ECOCIV_DEBUG": "false",
           "ECOCIV_JOB_BACKEND": "thread"}
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Tally:
    """Every request's start, end and outcome (``None`` or the error), to split them around the commit."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[float, float, str | None]] = []
        self.paths: list[str] = []  # each event's path (the query left out), in the same order
        self.logged_in = 0

    def add(self, error: str | None, started: float, path: str = "") -> None:
        with self.lock:
            self.events.append((started, time.perf_counter(), error))
            self.paths.append(path)

    @property
    def requests(self) -> int:
        return len(self.events)

    def summary(self, start: float, end: float) -> dict[str, object]:
        """Requests that ended before ``start`` and those that overlapped ``start``–``end``: their p95 and
        longest seconds, and the errors by kind (``timeout``, ``http 5xx``, ``http 4xx``, …)."""
        def figures(events: list[tuple[float, float, str | None]]) -> dict[str, object]:
            seconds = sorted(ended - started for started, ended, _ in events)
            return {"requests": len(seconds), "p95_seconds": round(seconds[int(0.95 * (len(seconds) - 1))], 3)
                    if seconds else 0.0, "longest_seconds": round(seconds[-1], 3) if seconds else 0.0}

        kinds: dict[str, int] = {}
        for _started, _ended, error in self.events:
            if error is not None:
                kind = error.split(" ")[0]
                kinds[kind] = kinds.get(kind, 0) + 1
        by_path: dict[str, list[tuple[float, float, str | None]]] = {}
        for event, path in zip(self.events, self.paths, strict=True):
            by_path.setdefault(path, []).append(event)
        return {"before_import": figures([e for e in self.events if e[1] < start]),
                "during_import": figures([e for e in self.events if e[1] >= start and e[0] <= end]),
                "by_path": {path: figures(events) for path, events in sorted(by_path.items())},
                "errors_by_kind": kinds,
                "error_samples": [e[2] for e in self.events if e[2] is not None][:5]}


def _client(base: str, username: str, paths: list[str], tally: Tally, stop: threading.Event,
            relogin_every: int, think: float) -> None:
    """Log in through the form, then loop over ``paths`` until ``stop``, pausing ``think`` seconds after each
    page as a person reads it, and logging out and in again every ``relogin_every`` rounds (a session write
    each time: what "no one could log in" measured)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        started = time.perf_counter()
        path = urllib.parse.urlsplit(url).path
        try:
            with opener.open(request, timeout=60) as response:
                body = response.read().decode("utf-8", "replace")
            tally.add(None, started, path)
            return body
        except urllib.error.HTTPError as exc:
            tally.add(f"http{exc.code // 100}xx {exc.code} {url}", started, path)  # an office user is refused nothing
        except (urllib.error.URLError, OSError) as exc:
            tally.add(f"{exc.__class__.__name__} {url}", started, path)
        return ""

    def login() -> None:
        page = call(f"{base}/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
        call(f"{base}/login/", form, {"Referer": f"{base}/login/"})

    def logout() -> None:
        token = next((c.value for c in jar if c.name == "csrftoken"), "")
        call(f"{base}/logout/", urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
             {"Referer": f"{base}/"})

    login()
    with tally.lock:
        tally.logged_in += 1
    rounds = 0
    while not stop.is_set():
        for path in paths:
            call(f"{base}{path}")
            stop.wait(think)
        rounds += 1
        if relogin_every and rounds % relogin_every == 0:
            logout()
            login()


def _users(count: int, reporting_round: object) -> list[str]:
    """Office users of the benchmark's city, one per client, with a known password."""
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Role, RoleAssignment, User

    program = reporting_round.program  # type: ignore[attr-defined]
    password = make_password(PASSWORD)
    users = User.objects.bulk_create([User(username=f"load{i}-{program.pk}", password=password) for i in range(count)])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=Role.OFFICE_ADMIN, region=program.region)
                                        for user in users])
    return [user.username for user in users]


def run(args: argparse.Namespace) -> dict[str, object]:
    os.environ.pop("ECOCIV_DATABASE_URL", None)  # the embedded default: always a scratch SQLite file
    _url, scratch, media = configure(None, media=True)
    from bench_import import fill, filled
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.core.uploads import check_upload
    from apps.reporting.exports import department_template
    from apps.reporting.imports import values_import_confirm, values_import_upload
    from apps.staging.models import StagedStatus

    reporting_round, user, sizes = fill(args.rows, args.indicators)
    names = _users(args.clients, reporting_round)
    data, rows = filled(department_template(reporting_round, user)[0])
    staged = values_import_upload(reporting_round=reporting_round, actor=user,
                                  checked=check_upload(SimpleUploadedFile("填报.xlsx", data), allowed={"xlsx"}))
    assert staged.status == StagedStatus.PREVIEWED, staged.errors[:5]
    connection.close()  # the server and the commit below open their own connections
    program_id, round_id = reporting_round.program_id, reporting_round.pk  # type: ignore[attr-defined]
    paths = ["/", f"/programs/{program_id}/", f"/programs/{program_id}/rounds/{round_id}/", "/api/me",
             f"/api/programs/{program_id}"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port)
    tally, stop = Tally(), threading.Event()
    try:
        wait_until_up(f"{base}/login/", server)
        clients = [threading.Thread(target=_client, args=(base, name, paths, tally, stop, args.relogin_every,
                                                             args.think),
                                    daemon=True) for name in names]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 300
        while tally.logged_in < len(clients) and time.monotonic() < deadline:  # everyone in before the import
            time.sleep(0.2)
        time.sleep(args.warmup)
        t0 = time.perf_counter()
        # inline in this process, outside any transaction: the commit's chunks are transactions of their own
        staged = values_import_confirm(staged=staged, actor=user, confirm_warnings=True, note="负载测试",
                                       backend="inline")
        t1 = time.perf_counter()
        import_seconds = t1 - t0
        time.sleep(args.warmup)
        stop.set()
        for thread in clients:
            thread.join(120)
    finally:
        stop.set()
        server.terminate()
        server.wait(30)
    assert staged.status == StagedStatus.COMMITTED, (staged.status, staged.errors[:5])
    around = tally.summary(t0, t1)
    errors = sum(around["errors_by_kind"].values())  # type: ignore[union-attr]
    print(f"committed {rows} rows in {import_seconds:.2f} s while {args.clients} clients made {tally.requests} "
          f"requests: before the commit {around['before_import']}, during it {around['during_import']}; "
          f"{errors} errors {around['errors_by_kind']} {around['error_samples']}; "
          f"load average {os.getloadavg()[0]:.1f}")
    connection.close()
    if scratch is not None:
        shutil.rmtree(scratch.parent, ignore_errors=True)
    if media is not None:
        shutil.rmtree(media, ignore_errors=True)
    return {"benchmark": "bench_import_under_load", **sizes, "rows": rows, "clients": args.clients,
            "before_import": around["before_import"], "during_import": around["during_import"],
            "by_path": around["by_path"],
            "errors_by_kind": around["errors_by_kind"], "load_average": round(os.getloadavg()[0], 1),
            "chunk_rows": settings.ECOCIV_COMMIT_CHUNK_ROWS, "think_seconds": args.think,
            "requests": tally.requests, "errors": errors, "import_seconds": round(import_seconds, 3),
            "goal_errors": 0}


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="value rows committed (counties × indicators)")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20, help="threads making ordinary requests meanwhile")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before and after the commit")
    parser.add_argument("--think", type=float, default=1.0, help="seconds each client pauses after a page")
    parser.add_argument("--relogin-every", type=int, default=3,
                        help="each client logs out and in again every this many rounds of pages (0: never)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    if min(args.rows, args.indicators, args.clients) < 1:
        raise SystemExit("need at least 1 row, 1 indicator and 1 client")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
