"""Targets in words: every target of the framework files prints with its unit and no expression syntax left,
and the target form's clauses round-trip every target they can express."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from calc.attainment.text import unit_label
from calc.targets import (
    Clause,
    NoMatchingBranch,
    RegionProfile,
    TargetSyntaxError,
    clauses_of,
    describe,
    parse_target,
    resolve,
    target_of,
    target_words,
    unparse,
)

FRAMEWORKS = Path(__file__).resolve().parents[2] / "apps" / "indicators" / "frameworks"
RAW_SYNTAX = (">=", "<=", "qual:", "trend:", "assigned", "region{", "&", "|", "else", "_")


def _leaves(node: object) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if "target" in node else []
        return found + [leaf for value in node.values() for leaf in _leaves(value)]
    if isinstance(node, list):
        return [leaf for item in node for leaf in _leaves(item)]
    return []


def _framework_targets() -> list[tuple[str, str, str, str]]:
    """(id, expression, unit, direction) for every target of every framework file, each level apart."""
    rows = []
    for path in sorted(FRAMEWORKS.glob("*.toml")):
        for leaf in _leaves(tomllib.loads(path.read_text(encoding="utf-8"))):
            targets = leaf["target"] if isinstance(leaf["target"], dict) else {"all": leaf["target"]}
            for level, expression in targets.items():
                rows.append((f"{path.stem}:{leaf['code']}:{level}", expression, leaf.get("unit", ""),
                             leaf.get("direction", "higher")))
    return rows


FRAMEWORK_TARGETS = _framework_targets()


def test_the_framework_files_hold_every_form():
    """The table below is worth something only if the files hold every kind of target."""
    expressions = " ".join(e for _, e, _, _ in FRAMEWORK_TARGETS)
    assert len(FRAMEWORK_TARGETS) > 60
    for form in (">=", "<=", "=", "qual:", "trend:", "assigned", "region{", "&", "|"):
        assert form in expressions, form


@pytest.mark.parametrize(("expression", "unit", "direction"), [row[1:] for row in FRAMEWORK_TARGETS],
                         ids=[row[0] for row in FRAMEWORK_TARGETS])
def test_every_framework_target_reads_as_words(expression, unit, direction):
    unit = unit_label(unit)  # as pages print it: μg/m3 → 微克/立方米
    words = target_words(expression, unit=unit, direction=direction)
    assert words
    for syntax in RAW_SYNTAX:
        assert syntax not in words, (expression, words)
    target = parse_target(expression)
    if unit and any(c.isdigit() for c in expression):  # every number carries the unit
        assert unit in words
    assert words == describe(target, direction=direction, unit=unit)


@pytest.mark.parametrize(
    ("expression", "unit", "words"),
    [
        (">=40", "%", "≥40%"),
        ("<=0.5", "吨/万元", "≤0.5吨/万元"),
        ("=100", "%", "100%"),
        ("qual:建立", "", "建立"),
        ("trend:stable_or_improving", "%", "保持稳定或持续改善"),
        ("assigned & (>=90 | trend:improving)", "%", "完成上级规定的考核任务，且≥90%或持续提高"),
        ("region{arid: >=35; else: >=60}", "%", "干旱半干旱地区≥35%；其他地区≥60%"),
        ("", "%", ""),
        ("not a target", "%", "not a target"),  # stored bad data is shown, never a crash
    ],
)
def test_target_words(expression, unit, words):
    assert target_words(expression, unit=unit) == words


@pytest.mark.parametrize(
    "expression",
    [">=95", "<25", "=100", ">-1", "qual:建立", "trend:not_worse", "assigned", "assigned:完成上级管控目标",
     "assigned & (>=90 | trend:improving)", ">=35 & trend:not_worse", ">=90 | trend:improving",
     "qual:建立 & >=3 & (trend:improving | <=5)"],
)
def test_the_form_round_trips_what_it_can_express(expression):
    target = parse_target(expression)
    clauses = clauses_of(target)
    assert clauses is not None
    assert target_of(clauses) == target
    assert unparse(target_of(clauses)) == unparse(target)


@pytest.mark.parametrize("expression", ["region{arid: >=35; else: >=60}", ">=90 | trend:improving & assigned",
                                        "(>=1 & >=2) | qual:建立"])
def test_what_the_form_cannot_express_goes_to_the_expression_field(expression):
    assert clauses_of(parse_target(expression)) is None


def test_or_binds_the_clauses_next_to_each_other():
    clauses = [Clause("assigned"), Clause("number", op=">=", value=Decimal("90"), join="and"),
               Clause("trend", rule="improving", join="or")]
    assert unparse(target_of(clauses)) == "assigned & (>=90 | trend:improving)"


@pytest.mark.parametrize(
    "clauses",
    [[], [Clause("number")], [Clause("number", op="!=", value=Decimal(1))], [Clause("qual", text=" ")],
     [Clause("qual", text="a & b")], [Clause("trend", rule="sideways")], [Clause("assigned", text="x|y")],
     [Clause("qual", text="建立"), Clause("qual", text="运行", join="xor")]],  # type: ignore[arg-type]
)
def test_a_clause_that_makes_no_target_is_refused(clauses):
    with pytest.raises(TargetSyntaxError):
        target_of(clauses)


def test_an_unmatched_region_names_the_attributes_it_lacks():
    forest = parse_target("region{plateau: >=70; arid: >=35; terrain=mountain: >=60; terrain=hill: >=40}")
    with pytest.raises(NoMatchingBranch) as unset:
        resolve(forest, RegionProfile(level="county"))
    assert unset.value.attributes == ("plateau", "arid", "terrain")
    assert unset.value.missing == ("terrain",)
    with pytest.raises(NoMatchingBranch) as set_elsewhere:
        resolve(forest, RegionProfile(level="county", terrain="plain"))
    assert set_elsewhere.value.missing == ()
