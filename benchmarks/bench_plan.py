"""Benchmark of the plan reader (``docimport.plan.extract_plan``) on a 100-page plan.

The plan is synthesised from the sample plan (``tests/docimport/plan/corpus/tianshui-2022.txt``, about 10,000 characters):
copies of it follow one another with their tasks renumbered (1., 2. … go on from copy to copy) and their target
values shifted, until the text reaches ``--pages`` × 1,000 characters (a page of a published plan holds 600 to
1,000 characters, so this is at least ``--pages`` pages). It is read as UTF-8 ``.txt`` bytes.

Timed (best of ``--repeat``):

* baseline — reading the bytes and normalising the text (``read_text`` + ``normalise``) alone;
* extraction — ``extract_plan``: reading, normalising and every rule (headings, tasks, targets, phases, totals).

The last line printed is JSON: ``seconds`` (extraction), ``pages``, ``ratio_to_read`` (seconds ÷ baseline), the
baseline's seconds, the text's size, what was found, and ``worst_shape_seconds``: the slowest of three shapes of
the same size no plan has but a converted file may (one line of 12,000 targets, a text without punctuation, one
task every 16 characters), which guards against a rule that is quadratic in a line's or a sentence's length.
Goal: ``seconds`` ≤ 3 for 100 pages, and the worst shape within a few seconds.

Usage: ``.venv/bin/python benchmarks/bench_plan.py [--pages 100] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docimport.plan.extract import extract_plan, extract_text  # noqa: E402
from docimport.plan.normalise import normalise  # noqa: E402
from docimport.plan.read import read_text  # noqa: E402

SAMPLE = ROOT / "tests" / "docimport" / "plan" / "corpus" / "tianshui-2022.txt"
CHARS_PER_PAGE = 1000
TASK = re.compile(r"^(\d+)\.", re.MULTILINE)
PERCENT = re.compile(r"(不低于|达到|保持)(\d+)%")


def synthesise(pages: int) -> str:
    sample = SAMPLE.read_text(encoding="utf-8")
    copies: list[str] = []
    size = 0
    k = 0
    while size < pages * CHARS_PER_PAGE:
        offset = 36 * k
        text = TASK.sub(lambda m, o=offset: f"{int(m.group(1)) + o}.", sample)
        text = PERCENT.sub(lambda m, s=k: f"{m.group(1)}{max(1, int(m.group(2)) - s % 5)}%", text)
        copies.append(text)
        size += len(text)
        k += 1
    return "\n".join(copies)[: pages * CHARS_PER_PAGE]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    data = synthesise(args.pages).encode("utf-8")
    baseline = best_of(args.repeat, lambda: normalise(read_text(data, "plan.txt")))
    seconds = best_of(args.repeat, lambda: extract_plan(data, "plan.txt"))
    found = extract_plan(data, "plan.txt")
    # Shapes no plan has but a converted file may: the whole text as one line of targets, or with no punctuation.
    size = args.pages * CHARS_PER_PAGE
    worst = max(
        best_of(1, lambda text=text: extract_text(text))
        for text in (
            ("覆盖率达到41%，" * size)[:size],
            ("林草覆盖率达到41%以上" * size)[:size],
            ("1.任务。\n牵头单位：市林草局\n" * size)[:size],
        )
    )
    result = {
        "seconds": round(seconds, 3),
        "pages": args.pages,
        "ratio_to_read": round(seconds / baseline, 2),
        "baseline_seconds": round(baseline, 4),
        "chars": len(found.text),
        "tasks": len(found.tasks),
        "targets": len(found.targets),
        "worst_shape_seconds": round(worst, 3),
    }
    print(
        f"{args.pages} pages ({len(found.text):,} characters): read+normalise {baseline:.3f} s, "
        f"extract_plan {seconds:.3f} s; {len(found.tasks)} tasks, {len(found.targets)} targets"
    )
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
