"""Load test of the cached public portal: its home page against a static file, served by the same server.

A scratch SQLite file is migrated and filled with the demo city (``load_demo``: 2024's values, attainment with the
county map, projects, news, two 公示; not timed) and the static files are collected into a scratch folder. Then
gunicorn (``config.wsgi``, ``--workers`` processes × ``--threads`` threads, ``config.settings.prod``-like: debug
off, WhiteNoise serving the static files) is started on a free port of 127.0.0.1, and ``--clients`` client threads
each loop for ``--seconds`` seconds, alternating the portal home (``/public/<program>/``, cached after the first
request of each worker) and a static file (``/static/publication/portal.css``), so both see the same server under
the same load at the same time.

An error is a request that failed (connection error, time-out) or did not answer 200. The last line printed is
JSON: ``requests``, ``errors``, ``p95_ms`` (the portal home), ``static_p95_ms`` (the static file) and
``p95_ratio`` (home ÷ static), plus the medians, the requests of each and the load average. Goal: 0 errors, ratio
≤ 3.

Usage: ``.venv/bin/python benchmarks/bench_portal.py [--clients 50] [--seconds 30] [--workers 3] [--threads 8]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from setup_django import ROOT, configure

STATIC = "/static/publication/portal.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _serve(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "ECOCIV_DEBUG": "false"}
    return subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--worker-class", "gthread", "--backlog", "512", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            _get(url)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def _client(urls: list[str], stop: threading.Event, times: dict[str, list[float]], errors: list[str],
            lock: threading.Lock) -> None:
    n = 0
    while not stop.is_set():
        url = urls[n % len(urls)]
        n += 1
        started = time.perf_counter()
        error = None
        try:
            status, _body = _get(url)
            if status != 200:
                error = f"HTTP {status}"
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            error = type(exc).__name__
        elapsed = time.perf_counter() - started
        with lock:
            if error:
                errors.append(f"{url}: {error}")
            else:
                times[url].append(elapsed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database", help="a database URL (default: a scratch SQLite file)")
    args = parser.parse_args(argv)

    static_root = Path(tempfile.mkdtemp(prefix="ecociv-bench-static-"))
    os.environ["ECOCIV_STATIC_ROOT"] = str(static_root)
    _url, scratch, media = configure(args.database, media=True)
    from django.core.management import call_command

    from apps.programs.models import Program

    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    program = Program.objects.get(region__code="629800")
    print(f"demo loaded and static files collected in {time.perf_counter() - started:.1f} s", flush=True)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    home = f"{base}/public/{program.id}/"
    server = _serve(port, args.workers, args.threads)
    try:
        _wait_until_up(home, server)
        status, body = _get(home)
        assert status == 200 and "portal-map" in body.decode(), "the portal home with its map"
        for _n in range(args.workers * 4):  # every worker builds its cache before the run
            _get(home)
        times: dict[str, list[float]] = {home: [], f"{base}{STATIC}": []}
        errors: list[str] = []
        lock, stop = threading.Lock(), threading.Event()
        urls = list(times)
        clients = [threading.Thread(target=_client, args=(urls[i % 2:] + urls[:i % 2], stop, times, errors, lock))
                   for i in range(args.clients)]
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join()
        load = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
        for folder in (static_root, media, scratch.parent if scratch else None):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    page, static = times[home], times[f"{base}{STATIC}"]
    p95, static_p95 = _percentile(page, 0.95) * 1000, _percentile(static, 0.95) * 1000
    for line in errors[:5]:
        print("error:", line)
    print(f"portal home: {len(page)} requests, median {_percentile(page, 0.5) * 1000:.1f} ms, p95 {p95:.1f} ms")
    print(f"static file: {len(static)} requests, median {_percentile(static, 0.5) * 1000:.1f} ms, "
          f"p95 {static_p95:.1f} ms")
    print(json.dumps({
        "requests": len(page) + len(static) + len(errors), "errors": len(errors),
        "p95_ms": round(p95, 1), "static_p95_ms": round(static_p95, 1), "p95_ratio": round(p95 / static_p95, 2),
        "median_ms": round(_percentile(page, 0.5) * 1000, 1),
        "static_median_ms": round(_percentile(static, 0.5) * 1000, 1),
        "home_requests": len(page), "static_requests": len(static), "clients": args.clients,
        "seconds": args.seconds, "workers": args.workers, "threads": args.threads,
        "load_average": [round(x, 2) for x in load],
    }))


if __name__ == "__main__":
    main()
