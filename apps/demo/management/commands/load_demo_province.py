import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.demo.province import build_province


class Command(BaseCommand):
    help = "Build the demo province (14 cities, 100 counties, a program per city) on an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--cities", type=int, default=14)
        parser.add_argument("--counties", type=int, default=100)

    def handle(self, *args, **options):
        started = time.perf_counter()
        call_command("load_frameworks", verbosity=0)
        try:
            with transaction.atomic():
                demo = build_province(cities=options["cities"], counties=options["counties"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"演示省已就绪：{demo.province.name}，{len(demo.cities)}个市、{len(demo.counties)}个县区、"
            f"{len(demo.programs)}项创建工作、{demo.values}个指标数值；用时 {seconds:.1f} 秒"))
        self.stdout.write(f"全省驾驶舱：/province/{demo.province.id}/")
        self.stdout.write("演示账户（用户名 / 密码 / 角色）：")
        for username, password, role in demo.logins:
            self.stdout.write(f"  {username:<16} {password}  {role}")
