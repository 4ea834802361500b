"""``manage.py score --program P --period 2025 [--scheme NAME] [--json] [--save]``: score and print the ranking.

Scores the program's scheme (its only scheme by default; ``--scheme`` by code or name, latest version) for the
period from the current data, as the pages do. ``--json`` prints one object
``{"subjects": [{"name", "total", "grade", "rank", "items": [{"item", "points", "max", "trace"}]}]}``;
``--save`` stores the result as a draft run (a snapshot), otherwise nothing is written.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from apps.core.errors import DomainError
from apps.programs.models import Program
from apps.scoring.facts import load_inputs
from apps.scoring.models import group_label
from apps.scoring.services import check_period, compute, current_scheme, run_create, trace_json
from calc.scoring.text import explain


class Command(BaseCommand):
    help = "Score a program's scheme for a period and print the ranking (--json: every item with its trace)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program id or name")
        parser.add_argument("--period", required=True, help="2025, 2025-H1 or 2025-03")
        parser.add_argument("--scheme", help="scheme code or name (default: the program's only scheme)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--save", action="store_true", help="store the result as a draft run")

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["program"]
        program = Program.objects.select_related("region").filter(
            Q(name=given) | Q(pk=int(given) if str(given).isdigit() else None)).first()
        if program is None:
            raise CommandError(f"没有创建工作「{given}」。")
        name = options["scheme"]
        try:
            scheme = current_scheme(program, code=name) if name else current_scheme(program)
        except DomainError:
            if not name:
                raise CommandError("该创建工作有多个评分细则或没有评分细则，请用 --scheme 指定。") from None
            try:
                scheme = current_scheme(program, name=name)
            except DomainError as error:
                raise CommandError(str(error)) from error
        period = options["period"]
        try:
            if options["save"]:
                run_create(program=program, scheme=scheme, period=period, actor=None, note="manage.py score")
            data = scheme.data
            check_period(data, period)
            result = compute(data, load_inputs(program, data, scheme.sources, period), period)
        except DomainError as error:
            raise CommandError(str(error)) from error
        order = {code: n for n, code in enumerate([i.code for i in data.items] + [a.code for a in data.adjustments])}
        items: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(result.trace.iter_rows(named=True), key=lambda r: order[r["item"]]):
            items.setdefault(row["subject"], []).append({
                "item": row["item"], "points": _num(row["points"]), "max": _num(row["max"]),
                "trace": {**trace_json(row), "sentence": explain(row, data)}})
        subjects = [{"name": row["name"], "total": _num(row["total"]), "grade": row["grade"], "rank": row["rank"],
                     "group": row["group"], "items": items.get(row["subject"], [])}
                    for row in result.totals.iter_rows(named=True)]
        if options["json"]:
            self.stdout.write(json.dumps({"subjects": subjects}, ensure_ascii=False))
            return
        self.stdout.write(f"{data.name}（第{data.version}版） {period}")
        group = None
        for subject in subjects:
            if subject["group"] != group:
                group = subject["group"]
                self.stdout.write(f"\n{group_label(group)}")
            self.stdout.write(f"  {subject['rank']:>3}  {subject['name']:<16} {subject['total']:>8}  {subject['grade']}")


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"
