"""``manage.py score``: the ranking as text, one JSON object with every item and its trace, ``--save``."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.scoring.models import ScoreRun, SubjectScore


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("score", *args, stdout=out)
    return out.getvalue()


def test_json_has_every_subject_with_items_and_traces(scored):
    program = scored.world.program
    data = json.loads(run("--program", str(program.id), "--period", "2025", "--scheme", "demo-county-2025", "--json"))
    stored = {s.name: s for s in SubjectScore.objects.filter(run=scored.run)}
    assert {s["name"] for s in data["subjects"]} == set(stored)
    for subject in data["subjects"]:
        assert set(subject) >= {"name", "total", "grade", "rank", "items"}
        assert Decimal(subject["total"]) == stored[subject["name"]].total
        assert subject["rank"] == stored[subject["name"]].rank
        assert sum(Decimal(i["points"]) for i in subject["items"]) == Decimal(subject["total"])
        first = subject["items"][0]
        assert set(first) == {"item", "points", "max", "trace"} and first["trace"]["sentence"]


def test_text_by_name_and_save(scored):
    program = scored.world.program
    text = run("--program", program.name, "--period", "2025", "--scheme",
               scored.schemes["demo-county-2025"].name, "--save")
    assert "县（市、区）政府" in text and "丘陵县人民政府" in text
    assert ScoreRun.objects.filter(program=program).count() == 2


def test_refusals(scored):
    with pytest.raises(CommandError, match="多个评分细则"):
        run("--program", str(scored.world.program.id), "--period", "2025")
    with pytest.raises(CommandError, match="没有创建工作"):
        run("--program", "无此创建", "--period", "2025")
    with pytest.raises(CommandError, match="考核期"):
        run("--program", str(scored.world.program.id), "--period", "2025-H1", "--scheme", "demo-county-2025")
