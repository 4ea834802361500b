"""Running a benchmark (or a script) in a test: the smoke tests that keep `benchmarks/` from rotting.

A benchmark prints its results as its last line of JSON; these helpers run it and give that line back, so a
test only states the tiny size it runs at and what the results must hold.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the test run's database and settings (a script picks its own)."""
    own = ("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(own)}, **extra}


def run_last_json(args: Sequence[str], *, env: dict[str, str] | None = None) -> Any:
    """Run ``python <args>`` from the repository root; it must succeed; its last line of output, as JSON."""
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=clean_env() if env is None else env,
        timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_bench(name: str, *args: str) -> Any:
    """Run ``benchmarks/<name>.py`` in its own process with ``args``; its last JSON line."""
    return run_last_json([str(BENCHMARKS / f"{name}.py"), *args])


def load_bench(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` as a module (the pure benchmarks run in the test's process)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_main(name: str, args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Any:
    """Call ``main(args)`` of ``benchmarks/<name>.py``; its last printed line must be its result as JSON."""
    result = load_bench(name).main(list(args))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    return result
