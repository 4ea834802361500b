"""Draft a report as a Word file: ``manage.py report annual|progress --program P --year Y [--region R | --unit U]
-o FILE.docx`` (a progress bar on stderr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import DomainError
from apps.core.progress import ProgressBar
from apps.geo.models import Department, Region
from apps.programs.models import Program
from apps.reports.models import ReportKind
from apps.reports.selectors import ReportTarget
from apps.reports.services import report_render


class Command(BaseCommand):
    help = "生成报告（Word）：annual 年度工作报告；progress 县区（--region）或牵头单位（--unit）的进展报告。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("--program", type=int, required=True, help="创建工作（Program）ID")
        parser.add_argument("--year", type=int, required=True, help="报告年度")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", help="县区（区划代码或名称），进展报告")
        scope.add_argument("--unit", help="牵头单位（ID 或名称），进展报告")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 .docx 文件")

    def _region(self, program: Program, text: str) -> Region:
        region = Region.objects.filter(path__startswith=program.region.path, level="county").filter(
            code=text).first() or Region.objects.filter(path__startswith=program.region.path, level="county",
                                                        name=text).first()
        if region is None:
            raise CommandError(f"本创建工作没有县区“{text}”。")
        return region

    def _unit(self, program: Program, text: str) -> Department:
        units = Department.objects.select_related("region").filter(region__path__startswith=program.region.path)
        unit = (units.filter(pk=int(text)).first() if text.isdigit() else None) or units.filter(name=text).first()
        if unit is None:
            raise CommandError(f"本创建工作没有单位“{text}”。")
        return unit

    def handle(self, *args: object, **options: Any) -> None:
        program = Program.objects.select_related("region").filter(pk=options["program"]).first()
        if program is None:
            raise CommandError(f"创建工作 {options['program']} 不存在。")
        kind = options["kind"]
        region = self._region(program, options["region"]) if options["region"] else None
        unit = self._unit(program, options["unit"]) if options["unit"] else None
        if kind == ReportKind.PROGRESS and region is None and unit is None:
            raise CommandError("进展报告请用 --region 或 --unit 指定县区或牵头单位。")
        if kind == ReportKind.ANNUAL and (region or unit):
            raise CommandError("年度工作报告是全市的报告，不接受 --region 或 --unit。")
        target = ReportTarget(kind=kind, program=program, year=options["year"], region=region, department=unit)
        bar = ProgressBar(self.stderr, enabled=options.get("verbosity", 1) > 0)
        try:
            data = report_render(target, bar.update)
        except DomainError as exc:
            bar.close()
            raise CommandError(str(exc)) from exc
        bar.update(100, "完成")
        bar.close()
        output: Path = options["output"]
        output.write_bytes(data)
        self.stdout.write(f"{output}（{len(data):,} 字节）")
