"""Precision and recall of the plan reader against hand-written truth files (``benchmarks/eval_plan.py``).

A truth file ``<name>.truth.json`` sits beside its document and has the shape of :func:`as_json` (a target's
``text`` may be left out). Items are compared as multisets of keys:

- tasks by ``ref`` + the set of lead units + the set of cooperating units;
- targets by value + unit + comparator + deadline;
- phases by start + end month;
- the project total by count + investment (亿元), when the document has one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .extract import as_json, extract_plan

FIELDS = ("tasks", "targets", "phases", "totals")
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()


def _task_key(item: dict[str, Any]) -> Hashable:
    return (item["ref"], frozenset(item["lead"]), frozenset(item["cooperating"]))


def _target_key(item: dict[str, Any]) -> Hashable:
    return (_decimal(item["value"]), item["unit"], item["comparator"], item["deadline"])


def _phase_key(item: dict[str, Any]) -> Hashable:
    return (item["start"], item["end"])


def keys(field: str, result: dict[str, Any]) -> Counter[Hashable]:
    """The multiset of comparison keys of one field of a result in :func:`as_json`'s shape."""
    key: Callable[[dict[str, Any]], Hashable]
    if field == "totals":
        total = result["projects_total"]
        return (
            Counter() if total is None else Counter([(total["count"], _decimal(total["investment_yi_yuan"]))])
        )
    key = {"tasks": _task_key, "targets": _target_key, "phases": _phase_key}[field]
    return Counter(key(item) for item in result[field])


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return 1.0 if found == 0 else self.true_positives / found

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return 1.0 if expected == 0 else self.true_positives / expected

    def __add__(self, other: Score) -> Score:
        return Score(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )


def score(truth: dict[str, Any], found: dict[str, Any]) -> dict[str, Score]:
    out: dict[str, Score] = {}
    for field in FIELDS:
        expected, got = keys(field, truth), keys(field, found)
        hits = sum((expected & got).values())
        out[field] = Score(hits, sum(got.values()) - hits, sum(expected.values()) - hits)
    return out


@dataclass(frozen=True)
class DocumentResult:
    name: str
    scores: dict[str, Score]
    missed: dict[str, list[Hashable]]
    extra: dict[str, list[Hashable]]


def documents(corpus: Path) -> list[tuple[Path, Path]]:
    """(document, truth file) pairs of a corpus directory, by name."""
    pairs: list[tuple[Path, Path]] = []
    for truth in sorted(corpus.glob("*.truth.json")):
        stem = truth.name.removesuffix(".truth.json")
        matches = [p for p in corpus.iterdir() if p.stem == stem and p.suffix.lower() in DOCUMENT_SUFFIXES]
        if len(matches) != 1:
            raise FileNotFoundError(
                f"{truth.name}: expected one document named {stem}.*, found {len(matches)}"
            )
        pairs.append((matches[0], truth))
    return pairs


def evaluate_document(document: Path, truth_file: Path) -> DocumentResult:
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    found = as_json(extract_plan(document.read_bytes(), document.name))
    missed: dict[str, list[Hashable]] = {}
    extra: dict[str, list[Hashable]] = {}
    for field in FIELDS:
        expected, got = keys(field, truth), keys(field, found)
        missed[field] = list((expected - got).elements())
        extra[field] = list((got - expected).elements())
    return DocumentResult(document.name, score(truth, found), missed, extra)


def overall(results: Iterable[DocumentResult]) -> dict[str, Score]:
    total = {field: Score(0, 0, 0) for field in FIELDS}
    for result in results:
        for field in FIELDS:
            total[field] = total[field] + result.scores[field]
    return total
