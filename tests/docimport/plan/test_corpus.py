"""The labelled corpus: the reader keeps the precision and recall it reached (benchmarks/eval_plan.py prints them).

On the twelve documents it reached 1.00 on every field; the floor leaves a small margin so that one more document
or a reworded truth does not fail the suite, while a regression of a rule does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docimport.plan.evaluate import FIELDS, DocumentResult, documents, evaluate_document, overall, score

CORPUS = Path(__file__).parent / "corpus"
FLOOR = 0.97


@pytest.fixture(scope="module")
def results() -> list[DocumentResult]:
    return [evaluate_document(doc, truth) for doc, truth in documents(CORPUS)]


def test_corpus_has_every_layout_and_format(results: list[DocumentResult]) -> None:
    names = {r.name for r in results}
    assert len(names) >= 6
    assert {Path(n).suffix for n in names} >= {".txt", ".html", ".docx", ".pdf"}
    assert "tianshui-2022.txt" in names


@pytest.mark.parametrize("field", FIELDS)
def test_overall_precision_and_recall_stay_above_the_floor(results: list[DocumentResult], field: str) -> None:
    total = overall(results)[field]
    assert total.precision >= FLOOR and total.recall >= FLOOR, (field, total)


def test_no_document_falls_far_behind(results: list[DocumentResult]) -> None:
    for result in results:
        for field in FIELDS:
            assert result.scores[field].recall >= 0.85, (result.name, field, result.missed[field])
            assert result.scores[field].precision >= 0.85, (result.name, field, result.extra[field])


def test_the_scores_count_what_they_should() -> None:
    truth = json.loads((CORPUS / "qinghe-county-unnumbered.truth.json").read_text(encoding="utf-8"))
    found = json.loads(json.dumps(truth))
    found["targets"] = found["targets"][1:] + [dict(found["targets"][0], deadline=1999)]
    found["tasks"][0]["cooperating"] = []
    found["projects_total"] = None
    scores = score(truth, found)
    assert (scores["targets"].true_positives, scores["targets"].false_positives) == (
        len(truth["targets"]) - 1,
        1,
    )
    assert scores["tasks"].recall == pytest.approx(6 / 7)
    assert scores["totals"].recall == 0 and scores["totals"].precision == 1
    assert scores["phases"].precision == scores["phases"].recall == 1
