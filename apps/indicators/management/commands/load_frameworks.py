from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.indicators.framework_files import FrameworkFileError, framework_files, read_framework_file
from apps.indicators.services import framework_load


class Command(BaseCommand):
    help = "Load the indicator frameworks shipped in the package (or the files given); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="framework TOML files (default: all shipped ones)")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or framework_files()
        try:
            records = [read_framework_file(path) for path in paths]
        except (FrameworkFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for record in records:
            result = framework_load(record=record)
            self.stdout.write(
                f"{record.code}: {len(record.indicators)} 条指标（新增 {result.created}，"
                f"更新 {result.updated}，未变 {result.unchanged}）"
            )
