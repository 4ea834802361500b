"""The plan benchmark and the evaluation run end to end (the benchmark at a tiny size) and end with their JSON."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_plan_tiny(capsys: pytest.CaptureFixture[str]) -> None:
    result = _load("bench_plan").main(["--pages", "3", "--repeat", "1"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == result
    assert result["pages"] == 3 and result["chars"] == 3000
    assert result["seconds"] > 0 and result["ratio_to_read"] > 0 and result["tasks"] > 0


def test_eval_plan_prints_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    result = _load("eval_plan").main([])
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1]) == result
    assert result["documents"] >= 6
    assert {
        f"{field}_{kind}"
        for field in ("tasks", "targets", "phases", "totals")
        for kind in ("precision", "recall")
    } <= set(result)
    assert any(line.startswith("tianshui-2022.txt") for line in out)
