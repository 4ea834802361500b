"""Evaluation of the plan reader (``docimport.plan``) on the labelled corpus ``tests/docimport/plan/corpus/``.

Each document there has a hand-written truth file (``<name>.truth.json``, the shape of ``manage.py import_plan
--json``). Printed: precision and recall per field (tasks by ref + lead set + cooperating set; targets by value +
unit + comparator + deadline; phases by start + end; the project total by count + investment) for each document,
with what was missed and what was extra when ``--verbose``, then the overall figures (micro-averaged over the
documents). The last line is JSON: ``{"documents", "<field>_precision", "<field>_recall", ...}``. Goal: ≥ 0.95
for each.

``--set heldout`` scores the held-out documents (``tests/docimport/plan/heldout/``: written and labelled before any
rule was changed for them, so their first score is the honest figure for documents the reader has never seen);
``--corpus DIR`` scores any folder of documents with truth files.

Usage: ``.venv/bin/python benchmarks/eval_plan.py [--set corpus|heldout | --corpus DIR] [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docimport.plan.evaluate import FIELDS, documents, evaluate_document, overall  # noqa: E402

SETS = {
    "corpus": ROOT / "tests" / "docimport" / "plan" / "corpus",
    "heldout": ROOT / "tests" / "docimport" / "plan" / "heldout",
    "heldout2": ROOT / "tests" / "docimport" / "plan" / "heldout2",
    "heldout3": ROOT / "tests" / "docimport" / "plan" / "heldout3",
    "heldout4": ROOT / "tests" / "docimport" / "plan" / "heldout4",
    "heldout5": ROOT / "tests" / "docimport" / "plan" / "heldout5",
    "heldout6": ROOT / "tests" / "docimport" / "plan" / "heldout6",
}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", choices=sorted(SETS), default="corpus", help="a labelled set of this project"
    )
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of documents with truth files")
    parser.add_argument("--verbose", action="store_true", help="list the missed and the extra items")
    args = parser.parse_args(argv)
    folder = args.corpus if args.corpus is not None else SETS[args.set]
    results = [evaluate_document(doc, truth) for doc, truth in documents(folder)]
    header = f"{'document':36}" + "".join(f"{field + ' P/R':>16}" for field in FIELDS)
    print(header)
    for result in results:
        cells = "".join(f"{result.scores[f].precision:>8.2f}{result.scores[f].recall:>8.2f}" for f in FIELDS)
        print(f"{result.name:36}{cells}")
        if args.verbose:
            for field in FIELDS:
                for item in result.missed[field]:
                    print(f"    missed {field}: {item}")
                for item in result.extra[field]:
                    print(f"    extra  {field}: {item}")
    total = overall(results)
    print(f"{'overall':36}" + "".join(f"{total[f].precision:>8.2f}{total[f].recall:>8.2f}" for f in FIELDS))
    summary: dict[str, object] = {"documents": len(results)}
    for field in FIELDS:
        summary[f"{field}_precision"] = round(total[field].precision, 4)
        summary[f"{field}_recall"] = round(total[field].recall, 4)
    print(json.dumps(summary, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
