"""Bounded load test: 20 clients for 60 s against a gunicorn server this script starts on 127.0.0.1.

The database is created for the run and the demo loaded into it (``manage.py load_demo``, not timed):
PostgreSQL by default (``ECOCIV_BENCH_DATABASE_URL``, else ``postgres://postgres@127.0.0.1:5432/bench_load``,
dropped and created afresh), or the embedded default with ``--sqlite`` (a scratch SQLite file in WAL mode with its
busy timeout, config/settings/base.py). Then gunicorn (``config/gunicorn.conf.py``, ``--workers`` 2, the settings
``config.settings.dev`` with debug off: the production settings insist on HTTPS) serves it while ``--clients``
threads, each logged in through the login form, loop for ``--seconds``:

* readers (most clients): as the city office, the cockpit, the matrix, the task list, the round page and the values
  queue; one reader in four is the province office instead, which reads the same pages and the province cockpit
  (``/province/<id>/``, a page a city office is refused);
* value writers (one client in five): as a county office, save a value of the open round and submit it in the same
  request; as the city office, return it with a comment; again (a save, a submit and a return per round: the
  reporting workflow's writes, each a transaction with its audit and review rows);
* task writers (one client in ten): as a unit's reporter, add a progress update to one of its tasks, as a draft.

Every client also times a trivial page (the login page) in the same run. An error is a failed request (connection
error, time-out) or any 4xx/5xx answer. The last line printed is JSON with ``requests``, ``errors``, ``p95_ms`` (of
the mix, the trivial page left out) and ``p95_ratio`` (that p95 ÷ the trivial page's p95). Goals: 0 errors, ratio
≤ 3.

Usage: ``.venv/bin/python benchmarks/bench_load.py [--sqlite] [--clients 20] [--seconds 60] [--workers 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from setup_django import ROOT, wait_until_up

PASSWORD = "bench-load-2026"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_load"
TRIVIAL = "/login/"
GOAL_RATIO = 3.0


class Session:
    """One logged-in browser: cookies, the CSRF token, and every request's time and outcome in ``events``."""

    def __init__(self, base: str, events: list[tuple[str, float, str | None]], lock: threading.Lock) -> None:
        self.base, self.events, self.lock = base, events, lock
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.jar = next(h for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar

    def call(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
             method: str | None = None, kind: str = "") -> str:
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers or {}, method=method)
        started = time.perf_counter()
        error: str | None = None
        body = ""
        try:
            with self.opener.open(request, timeout=60) as response:
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            error = f"http {exc.code} {method or 'GET'} {path} {exc.read()[:200].decode('utf-8', 'replace')}"
        except (urllib.error.URLError, OSError) as exc:
            error = f"{exc.__class__.__name__} {path}"
        with self.lock:
            self.events.append((kind or urllib.parse.urlsplit(path).path, (time.perf_counter() - started) * 1000,
                                error))
        return body

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self, username: str) -> None:
        page = self.call("/login/", kind=TRIVIAL)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
        self.call("/login/", form, {"Referer": f"{self.base}/login/"}, kind="login")

    def api(self, method: str, path: str, payload: dict[str, object], kind: str) -> dict[str, object]:
        body = self.call(path, json.dumps(payload).encode(), {"Content-Type": "application/json",
                                                                "X-CSRFToken": self.csrf(),
                                                                "Referer": f"{self.base}/"}, method, kind)
        return json.loads(body) if body else {}

    def multipart(self, path: str, fields: dict[str, str], kind: str) -> None:
        boundary = "----benchload"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
        data = ("".join(parts) + f"--{boundary}--\r\n").encode()
        self.call(path, data, {"Content-Type": f"multipart/form-data; boundary={boundary}",
                               "X-CSRFToken": self.csrf(), "Referer": f"{self.base}/"}, "POST", kind)


def prepare(clients: int) -> dict[str, object]:
    """Load the demo, then make the clients' users (a known password) and pick what each writer writes."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.urls import NoReverseMatch, reverse

    from apps.accounts.models import Role, RoleAssignment, User
    from apps.programs.models import Program
    from apps.reporting.models import ReportingRound, RoundStatus
    from apps.reporting.selectors import round_obligations
    from apps.tasks.models import Task

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    program = Program.objects.order_by("id").first()
    assert program is not None
    password = make_password(PASSWORD)

    def user(name: str, role: str, **scope: object) -> str:
        made = User.objects.create(username=name, password=password, display_name=name)
        RoleAssignment.objects.create(user=made, role=role, **scope)
        return name

    open_round = next(r for r in ReportingRound.objects.filter(program=program, period_type="year").order_by("-year")
                      if r.status == RoundStatus.OPEN)
    rows = [o for o in round_obligations(open_round) if o.reporter.county_id is not None
            and o.status in ("missing", "draft", "returned") and not o.indicator.is_qualitative_for(o.region.level)]
    n_values, n_tasks = max(1, clients // 5), max(1, clients // 10)
    values = [{"county": user(f"load-county{k}", Role.COUNTY_OFFICE, region_id=o.region.id),
               "office": user(f"load-reviewer{k}", Role.OFFICE_ADMIN, region_id=program.region_id),
               "region": o.region.id, "indicator": o.indicator.id,
               "version": o.value.version if o.value is not None else None}
              for k, o in enumerate(rows[:n_values])]
    tasks = []
    for k, task in enumerate(Task.objects.filter(program=program, children__isnull=True, units__isnull=False)
                             .distinct().order_by("id")[:n_tasks]):
        unit = task.units.order_by("order", "id").first()
        tasks.append({"reporter": user(f"load-unit{k}", Role.DEPARTMENT_REPORTER, department_id=unit.department_id),
                      "task": task.id})
    p = program.id
    pages = [f"/programs/{p}/assessment/", f"/programs/{p}/assessment/matrix/", f"/programs/{p}/tasks/",
             f"/programs/{p}/rounds/{open_round.id}/", f"/programs/{p}/assessment/matrix/?sort=attained&page=1"]
    count = clients - len(values) - len(tasks)
    readers = [{"user": user(f"load-office{k}", Role.OFFICE_ADMIN, region_id=program.region_id), "pages": pages}
               for k in range(count)]
    try:
        # The province cockpit is the province office's page (a city office is refused it, rightly): one reader
        # in four is a province office, which also reads the city's pages.
        province = program.region.parent_id or program.region_id
        province_pages = [*pages, reverse("province_cockpit", args=[province])]
        for k in range(0, count, 4):
            readers[k] = {"user": user(f"load-province{k}", Role.OFFICE_ADMIN, region_id=province),
                          "pages": province_pages}
    except NoReverseMatch:
        print("no province cockpit in this tree (/province/<id>/): left out of the mix")
    return {"program": p, "round": open_round.id, "values": values, "tasks": tasks, "readers": readers,
            "pages": sorted({path for r in readers for path in r["pages"]})}


def reader(s: Session, pages: list[str], stop: threading.Event) -> None:
    while not stop.is_set():
        for path in pages:
            s.call(path)
            s.call(TRIVIAL, kind=TRIVIAL)
            if stop.is_set():
                return


def value_writer(county: Session, office: Session, plan: dict[str, object], job: dict[str, object],
                 stop: threading.Event) -> None:
    p, r = plan["program"], plan["round"]
    version = job["version"]  # the version each step saw: a stale one would be a 409, counted as an error
    n = 0
    while not stop.is_set():
        n += 1
        saved = county.api("POST", f"/api/programs/{p}/rounds/{r}/values", {
            "region_id": job["region"], "indicator_id": job["indicator"], "number": f"{50 + n % 7}.5",
            "explanation": "负载测试", "confirm_warnings": True, "submit": True, "expected_version": version,
            "comment": "负载测试：佐证材料另行报送"},  # the reason a submission without its required evidence needs
            "value save+submit")
        if "id" not in saved:
            return  # counted as an error; a writer that lost track of its value stops
        returned = office.api("POST", f"/api/programs/{p}/values/{saved['id']}/transition",
                              {"action": "return", "comment": "负载测试退回", "expected_version": saved["version"]},
                              "value return")
        if "version" not in returned:
            return
        version = returned["version"]
        county.call(TRIVIAL, kind=TRIVIAL)


def task_writer(s: Session, plan: dict[str, object], job: dict[str, object], stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        s.multipart(f"/api/programs/{plan['program']}/tasks/{job['task']}/progress",
                    {"narrative": f"负载测试进展{n}", "percent": str(n % 100), "submit": "false"}, "task progress")
        s.call(f"/programs/{plan['program']}/tasks/")
        s.call(TRIVIAL, kind=TRIVIAL)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def database(args: argparse.Namespace, scratch: Path) -> dict[str, str]:
    """The environment of the run: a fresh database (PostgreSQL dropped and created, or a scratch SQLite file)."""
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "ECOCIV_MEDIA_ROOT": str(scratch / "media"), "ECOCIV_VAR_DIR": str(scratch / "var"),
           "ECOCIV_DEBUG": "false", "ECOCIV_JOB_BACKEND": "thread"}
    if args.sqlite:
        env["ECOCIV_DATABASE_URL"] = f"sqlite:///{scratch / 'load.sqlite3'}"
    else:
        url = os.environ.get("ECOCIV_BENCH_DATABASE_URL", DEFAULT_PG)
        base, name = url.rsplit("/", 1)
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}", "-c",
                        f"CREATE DATABASE {name}"], check=True)
        env["ECOCIV_DATABASE_URL"] = url
    for key in ("ECOCIV_CACHE_URL", "ECOCIV_REDIS_URL", "ECOCIV_BROKER_URL"):
        env.pop(key, None)
    if args.redis:
        env["ECOCIV_CACHE_URL"] = args.redis
    return env


def clients(base: str, plan: dict[str, object], events: list[tuple[str, float, str | None]],
            lock: threading.Lock, stop: threading.Event) -> list[threading.Thread]:
    """Every client's thread, its sessions logged in already."""
    def session(username: str) -> Session:
        s = Session(base, events, lock)
        s.login(username)
        return s

    threads = [threading.Thread(target=reader, args=(session(r["user"]), r["pages"], stop))
               for r in plan["readers"]]  # type: ignore[attr-defined]
    threads += [threading.Thread(target=value_writer, args=(session(job["county"]), session(job["office"]), plan,
                                                            job, stop))
                for job in plan["values"]]  # type: ignore[attr-defined]
    threads += [threading.Thread(target=task_writer, args=(session(job["reporter"]), plan, job, stop))
                for job in plan["tasks"]]  # type: ignore[attr-defined]
    return threads


def run(args: argparse.Namespace) -> dict[str, object]:
    scratch = Path(tempfile.mkdtemp(prefix="ecociv-load-"))
    os.environ.update(database(args, scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    t0 = time.perf_counter()
    plan = prepare(args.clients)
    print(f"demo loaded in {time.perf_counter() - t0:.0f} s; mix: {plan['pages']}")
    from django.db import connection

    connection.close()
    port = args.port
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi",
         "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        stdout=subprocess.DEVNULL, stderr=(scratch / "gunicorn.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    events: list[tuple[str, float, str | None]] = []
    lock, stop = threading.Lock(), threading.Event()
    try:
        wait_until_up(f"{base}{TRIVIAL}", server)
        threads = clients(base, plan, events, lock, stop)
        with lock:
            events.clear()  # the logins are not part of the run
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(120)
    finally:
        stop.set()
        server.terminate()
        server.wait(30)
    log = (scratch / "gunicorn.log").read_text(errors="replace")
    shutil.rmtree(scratch, ignore_errors=True)
    mix = [ms for kind, ms, _ in events if kind != TRIVIAL]
    trivial = [ms for kind, ms, _ in events if kind == TRIVIAL]
    errors = [e for _, _, e in events if e is not None]
    by_kind: dict[str, list[float]] = {}
    for kind, ms, _ in events:
        by_kind.setdefault(kind, []).append(ms)
    for kind, times in sorted(by_kind.items()):
        print(f"{kind:60s} {len(times):6d} requests  p95 {p95(times):8.1f} ms")
    print(f"errors {len(errors)}: {errors[:5]}")
    if "database is locked" in log:
        print("gunicorn's log says 'database is locked'")
    mix_p95, trivial_p95 = p95(mix), p95(trivial)
    return {"requests": len(events), "errors": len(errors), "p95_ms": round(mix_p95, 1),
            "p95_ratio": round(mix_p95 / trivial_p95, 2) if trivial_p95 else None,
            "benchmark": "bench_load", "database": "sqlite" if args.sqlite else "postgresql",
            "cache": "redis" if args.redis else "memory (per process)",
            "clients": args.clients, "seconds": args.seconds, "workers": args.workers,
            "trivial_p95_ms": round(trivial_p95, 1), "by_kind": {k: {"requests": len(v), "p95_ms": round(p95(v), 1)}
                                                                for k, v in sorted(by_kind.items())},
            "database_locked": "database is locked" in log, "load_average": round(os.getloadavg()[0], 1),
            "goals": {"errors": 0, "p95_ratio": GOAL_RATIO}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="the embedded default instead of PostgreSQL")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", help="a Redis URL for the shared cache (default: each worker's memory cache)")
    args = parser.parse_args(argv)
    if args.clients < 3 or args.seconds <= 0 or args.workers < 1:
        parser.error("need at least 3 clients, some seconds and 1 worker")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
