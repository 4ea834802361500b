"""Draft a report as a Word file: ``manage.py report annual|progress|self-assessment --program P --year Y
[--region R | --unit U] -o FILE.docx`` (a progress bar on stderr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.geo.models import Department
from apps.programs.models import Program
from apps.reports.management.tools import county_of, program_of, progress_bar
from apps.reports.models import ReportKind
from apps.reports.selectors import ReportTarget
from apps.reports.services import report_render


class Command(BaseCommand):
    help = ("生成报告（Word）：annual 年度工作报告；progress 县区（--region）或牵头单位（--unit）的进展报告；"
            "self-assessment 技术自查评估报告。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[ReportKind.ANNUAL, ReportKind.PROGRESS, "self-assessment"])
        parser.add_argument("--program", type=int, required=True, help="创建工作（Program）ID")
        parser.add_argument("--year", type=int, required=True, help="报告年度")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", help="县区（区划代码或名称），进展报告")
        scope.add_argument("--unit", help="牵头单位（ID 或名称），进展报告")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 .docx 文件")

    def _unit(self, program: Program, text: str) -> Department:
        units = Department.objects.select_related("region").filter(region__path__startswith=program.region.path)
        unit = (units.filter(pk=int(text)).first() if text.isdigit() else None) or units.filter(name=text).first()
        if unit is None:
            raise CommandError(f"本创建工作没有单位“{text}”。")
        return unit

    def handle(self, *args: object, **options: Any) -> None:
        program = program_of(options["program"])
        kind = options["kind"].replace("-", "_")
        region = county_of(program, options["region"]) if options["region"] else None
        unit = self._unit(program, options["unit"]) if options["unit"] else None
        if kind == ReportKind.PROGRESS and region is None and unit is None:
            raise CommandError("进展报告请用 --region 或 --unit 指定县区或牵头单位。")
        if kind != ReportKind.PROGRESS and (region or unit):
            raise CommandError("年度工作报告和技术自查评估报告是全市的报告，不接受 --region 或 --unit。")
        target = ReportTarget(kind=kind, program=program, year=options["year"], region=region, department=unit)
        output: Path = options["output"]
        with progress_bar(self.stderr, options) as bar:
            output.write_bytes(report_render(target, bar.update))
        self.stdout.write(f"{output}（{output.stat().st_size:,} 字节）")
