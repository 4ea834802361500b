"""``manage.py backup -o DIR``: the database and the media store into an empty directory (apps/ops/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ops.backup import backup


class Command(BaseCommand):
    help = "备份数据库与文件存储到一个空目录（含行数与文件哈希清单）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="备份目录（须为空或不存在）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            manifest = backup(options["output"])  # type: ignore[arg-type]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份 {manifest.vendor} 数据库（{len(manifest.tables)} 张表，"
                          f"{sum(manifest.tables.values())} 行）与 {len(manifest.files)} 个文件到 {options['output']}")
