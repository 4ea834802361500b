"""Build the dossier (申报材料档案) or, with ``--update``, the yearly update package as a zip:
``manage.py dossier --program P --year Y [--region R] [--indicators binding|domain:领域] [--update] -o FILE.zip``
(a progress bar on stderr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.reports.dossier import BINDING, DOMAIN
from apps.reports.management.tools import county_of, program_of, progress_bar
from apps.reports.models import ReportKind
from apps.reports.selectors import ReportTarget
from apps.reports.services import package_write


class Command(BaseCommand):
    help = "生成申报材料档案（zip）：经审核的指标值、修订和审核记录、佐证材料、目录和 SHA-256 清单；--update 为年度更新包。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", type=int, required=True, help="创建工作（Program）ID")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--region", help="只收录该县区（区划代码或名称）")
        parser.add_argument("--indicators", default="", help="指标范围：binding（约束性）或 domain:<领域>；默认全部")
        parser.add_argument("--update", action="store_true", help="年度更新包：另附与上年相比的变更说明")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 .zip 文件")

    def handle(self, *args: object, **options: Any) -> None:
        program = program_of(options["program"])
        region = county_of(program, options["region"]) if options["region"] else None
        indicators = options["indicators"]
        if indicators and indicators != BINDING and not indicators.startswith(DOMAIN):
            raise CommandError("--indicators 只能是 binding 或 domain:<领域>。")
        kind = ReportKind.UPDATE if options["update"] else ReportKind.DOSSIER
        target = ReportTarget(kind=kind, program=program, year=options["year"], region=region,
                              indicator_set=indicators)
        output: Path = options["output"]
        with progress_bar(self.stderr, options) as bar, output.open("wb") as out:
            files = package_write(target, out, bar.update)
        self.stdout.write(f"{output}（{output.stat().st_size:,} 字节，佐证材料 {files} 个）")
