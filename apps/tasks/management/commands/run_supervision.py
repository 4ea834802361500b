import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.programs.models import Program
from apps.tasks.supervision import supervision_run


class Command(BaseCommand):
    help = "每日督办：按规则生成督办通知并对逾期未答复的通知升级（可重复运行，不会重复生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--program", type=int, help="只处理该创建工作（默认全部）")
        parser.add_argument("--date", help="按该日期运行（YYYY-MM-DD，默认今天，Asia/Shanghai）")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        programs = Program.objects.all()
        if options["program"]:
            programs = programs.filter(pk=options["program"])
        for program in programs:
            result = supervision_run(program=program, today=today)
            self.stdout.write(f"{program}：新下发 {result.issued}，升级 {result.escalated}，自动办结 {result.resolved}")
