from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.demo.programs import DemoContext

#: Each app that has demo data adds its builder here, in dependency order.
DEMO_STEPS = [
    "apps.demo.programs.build",
    "apps.demo.reporting.build",
    "apps.demo.tasks.build",
    "apps.demo.monitoring.build",  # after the rounds exist; approves the computed 2023 and 2024 values
    "apps.demo.surveys.build",  # while the 2025 round is open: the survey's rates are submitted as values 39, 40
    "apps.demo.programs.build_assigned",  # the province's numbers, from the approved base-year values
    "apps.demo.reporting.close_rounds",  # after every value is written: closed rounds take no more values
    "apps.demo.scoring.build",  # after every source of facts: the 2024 and 2025 assessment
    "apps.demo.publication.build",  # the published snapshots read everything above
    "apps.demo.surveys.publish",  # the 2024 survey's results, after the portal's first publications
    "apps.demo.reports.build",  # the drafts read everything above
]


class Command(BaseCommand):
    help = "Build the demo city (秦川市) with its program, units and users; safe to run again."

    def handle(self, *args, **options):
        call_command("load_frameworks", verbosity=0)
        context = DemoContext()
        with transaction.atomic():
            for step in DEMO_STEPS:
                module, name = step.rsplit(".", 1)
                getattr(import_module(module), name)(context)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{context.program}"))
        self.stdout.write("演示账户（用户名 / 密码 / 角色）：")
        for username, password, role in context.logins:
            self.stdout.write(f"  {username:<10} {password}  {role}")
        self.stdout.write(f"公开门户（无需登录）：/public/{context.program.id}/ （或 /public/qinchuan/）")
