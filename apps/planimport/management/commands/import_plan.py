"""``manage.py import_plan FILE [--program P] [--json]``: read a plan document and print what it says, without
writing anything; with ``--program``, also how its units and target phrases match that program."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.planimport.matching import PlanMatches, plan_matches
from apps.planimport.reading import plan_json, read_plan
from apps.programs.models import Program
from docimport.plan import UnreadableDocument
from docimport.planmatch import Match


def _match_json(match: Match) -> dict[str, Any]:
    return {"name": match.name, "kind": str(match.kind), "id": match.id, "matched": match.matched,
            "confidence": match.confidence, "reason": match.reason}


class Command(BaseCommand):
    help = "读取规划文件并输出任务、目标、阶段与项目汇总（不写入）；--program 时附单位与指标匹配。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--program", type=int, help="创建工作的编号：附上单位与指标的匹配结果")
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出")

    def handle(self, *args: object, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        program = None
        if options["program"] is not None:
            program = Program.objects.select_related("region").filter(pk=options["program"]).first()
            if program is None:
                raise CommandError(f"没有编号为 {options['program']} 的创建工作。")
        try:
            extraction = read_plan(path.read_bytes(), path.name)
        except UnreadableDocument as exc:
            raise CommandError(f"无法读取该文件：{exc}") from exc
        matches = plan_matches(program=program, extraction=extraction) if program else None
        if options["json"]:
            data = plan_json(extraction)
            if matches is not None:
                data["matches"] = {"units": [_match_json(m) for m in matches.units],
                                   "indicators": [_match_json(m) for m in matches.indicators]}
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self._summary(extraction, matches)

    def _summary(self, extraction: Any, matches: PlanMatches | None) -> None:
        out = self.stdout.write
        out(f"《{extraction.title or '（无标题）'}》")
        out(f"任务 {len(extraction.tasks)} 项：")
        for task in extraction.tasks:
            out(f"  {task.ref} {task.title}｜牵头：{'、'.join(task.lead) or '—'}｜配合：{'、'.join(task.cooperating) or '—'}")
        out(f"目标 {len(extraction.targets)} 项：")
        for target in extraction.targets:
            year = f"（{target.deadline}年）" if target.deadline else ""
            out(f"  {target.indicator} {target.comparator} {target.value}{target.unit}{year}")
        out(f"阶段 {len(extraction.phases)} 个：")
        for phase in extraction.phases:
            out(f"  {phase.name} {phase.start} — {phase.end or ''}")
        total = extraction.projects_total
        if total is not None:
            out(f"项目汇总：{total.count or '—'} 个项目，总投资 {total.investment_yi_yuan or '—'} 亿元")
        if extraction.blanket_units:
            out(f"适用于全部任务的单位：{'、'.join(extraction.blanket_units)}")
        if matches is not None:
            out("单位匹配：")
            for match in matches.units:
                out(f"  {match.name} → {match.matched or '—'}（{match.confidence:.2f}，{match.reason}）")
            out("指标匹配：")
            for match in matches.indicators:
                out(f"  {match.name} → {match.matched or '—'}（{match.confidence:.2f}，{match.reason}）")
