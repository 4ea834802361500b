"""The plan benchmark and the evaluation run end to end (the benchmark at a tiny size) and end with their JSON."""

from __future__ import annotations

import json

import pytest

from tests.bench import bench_main, load_bench


def test_bench_plan_tiny(capsys: pytest.CaptureFixture[str]) -> None:
    result = bench_main("bench_plan", ["--pages", "3", "--repeat", "1"], capsys)
    assert result["pages"] == 3 and result["chars"] == 3000
    assert result["seconds"] > 0 and result["ratio_to_read"] > 0 and result["tasks"] > 0


def test_eval_plan_prints_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    result = load_bench("eval_plan").main([])
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1]) == result
    assert result["documents"] >= 6
    assert {
        f"{field}_{kind}"
        for field in ("tasks", "targets", "phases", "totals")
        for kind in ("precision", "recall")
    } <= set(result)
    assert any(line.startswith("tianshui-2022.txt") for line in out)
