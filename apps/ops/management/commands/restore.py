"""``manage.py restore DIR``: put a backup back, then compare rows per table and file hashes with its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ops.backup import read_manifest, restore, verify


class Command(BaseCommand):
    help = "从备份目录恢复数据库与文件存储，并按清单核对各表行数与文件哈希。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="manage.py backup 写出的目录")
        parser.add_argument("--verify-only", action="store_true", help="只核对，不恢复")

    def handle(self, *args: object, **options: object) -> None:
        directory: Path = options["directory"]  # type: ignore[assignment]
        try:
            manifest = read_manifest(directory) if options["verify_only"] else restore(directory)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        found = verify(manifest)
        for table, (expected, got) in sorted(found.tables.items()):
            self.stderr.write(f"表 {table}：备份 {expected} 行，现有 {got} 行")
        for name, (expected, got) in sorted(found.files.items()):
            self.stderr.write(f"文件 {name}：备份 {expected}，现有 {got}")
        if not found.ok:
            raise CommandError("恢复结果与备份清单不一致。")
        self.stdout.write(f"已核对：{len(manifest.tables)} 张表的行数与 {len(manifest.files)} 个文件的哈希与备份一致。")
