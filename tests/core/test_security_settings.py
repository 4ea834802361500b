"""Production security (#11.8): ``check --deploy`` is clean, every page carries the CSP, and no template holds an
inline script or event handler the CSP would block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from tests.conftest import ClientFor

ROOT = Path(__file__).resolve().parents[2]


def test_the_deploy_check_is_clean(tmp_path: Path):
    # Only what production sets: no test or browser-test variable (DJANGO_ALLOW_ASYNC_UNSAFE) leaks in.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECOCIV_"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "config.settings.prod",
           "ECOCIV_SECRET_KEY": "k7-Qm2vX9pL4rT8wZ1yB6nC3hF5jD0sG-aE7uK2xV9qM4tR8pW1zL6cY3bN5",
           "ECOCIV_VAR_DIR": str(tmp_path), "ECOCIV_ALLOWED_HOSTS": "ecociv.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_response_carries_the_policy(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    for url in ("/login/", f"/programs/{world.program.id}/", "/api/docs", "/audit/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert policy == settings.ECOCIV_CSP
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_the_api_docs_use_our_static_files(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Every script and stylesheet comes from our own static files: no host, no protocol-relative
    # address (a random CSRF token may well contain the letters "cdn", so look at the addresses only).
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources), sources


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


def test_no_template_has_inline_script():
    offenders = []
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")]):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert offenders == []
