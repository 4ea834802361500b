"""Import a monitoring file for a program: check, compute, write (thin wrapper over the services)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import Role, User
from apps.core.errors import DomainError, ImportRejected
from apps.core.progress import ProgressBar
from apps.monitoring import services
from apps.monitoring.models import ImportBatch, ImportKind
from apps.monitoring.plans import BatchPlan
from apps.monitoring.uploads import check_monitoring_upload
from apps.programs.models import Program


class Command(BaseCommand):
    help = "导入监测数据（站点、断面、空气小时数据、地表水月度数据、土地利用/EI基础数据）并核算写入指标值。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--program", type=int, required=True, help="创建工作（Program）ID")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("--year", type=int, default=None, help="只写入该年度的指标值")
        parser.add_argument("--rule", choices=["hj633-2012", "hj633-2026"], default=None,
                            help="AQI 规则（默认按日期：2026年3月1日起 HJ 633-2026）")
        parser.add_argument("--time-label", choices=["start", "end"], default="start",
                            help="小时时间标记：start = 小时开始（默认），end = 小时结束（01:00–24:00）")
        parser.add_argument("--user", default=None, help="导入人（生态办管理员用户名；默认：该市第一个管理员）")
        parser.add_argument("--dry-run", action="store_true", help="只检查和核算，不写入")
        parser.add_argument("--json", action="store_true",
                            help="在标准输出打印一个 JSON 对象（计划写入、跳过、数据不足等未计算的结果），不显示进度条")

    def handle(self, *args: object, **options: Any) -> None:
        program = Program.objects.select_related("region", "framework").filter(pk=options["program"]).first()
        if program is None:
            raise CommandError(f"创建工作 {options['program']} 不存在。")
        actor = self._actor(program, options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        as_json = bool(options.get("json"))
        bar = ProgressBar(self.stderr, enabled=options.get("verbosity", 1) > 0 and not as_json)
        progress = bar.update

        try:
            checked = check_monitoring_upload(SimpleUploadedFile(path.name, path.read_bytes()))
            batch = services.monitoring_import(
                program=program, actor=actor, kind=options["kind"], checked=checked,
                options=services.clean_options(year=options["year"], rule=options["rule"],
                                               time_label=options["time_label"]),
                dry_run=options["dry_run"], progress=progress)
        except ImportRejected as exc:
            bar.close()
            if as_json:
                self.stdout.write(json.dumps({"status": "rejected", "dry_run": options["dry_run"],
                                              "errors": [{"row": e.row, "column": e.column, "message": e.message}
                                                         for e in exc.errors]}, ensure_ascii=False))
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            bar.close()
            raise CommandError(str(exc)) from exc
        bar.close()
        if as_json:
            self.stdout.write(json.dumps(self._report(batch, dry_run=options["dry_run"]), ensure_ascii=False))
            return
        self.stdout.write(f"批次 #{batch.id}：{batch.summary}")
        for write in batch.plan.get("writes", []):
            status = "写入" if write["action"] == "write" else f"跳过（{write['reason']}）"
            self.stdout.write(f"  {write['region']} {write['indicator_code']} {write['year']} = {write['value']}"
                              f" {write['unit']}  {status}")
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("--dry-run：未写入任何数据。"))

    @staticmethod
    def _report(batch: ImportBatch, *, dry_run: bool) -> dict[str, Any]:
        """The batch as one JSON object: planned writes, skipped writes, results without a value (数据不足…)."""
        plan = BatchPlan.from_json(batch.plan)
        return {
            "batch": batch.id, "status": batch.status, "dry_run": dry_run, "rows": batch.rows,
            "summary": batch.summary,
            "writes": [w.to_json() for w in plan.writes if w.action == "write"],
            "skipped": [w.to_json() for w in plan.skipped],
            "not_computed": [{"region": r.region, "region_name": r.region_name, "year": r.year, "measure": r.measure,
                              "label": r.label, "text": r.text, "reason": r.inputs.get("insufficient_reason", ""),
                              "provenance": r.provenance}
                             for r in plan.results if r.value is None],
        }

    def _actor(self, program: Program, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username, assignments__role=Role.OFFICE_ADMIN).first()
        else:
            user = users.filter(assignments__role=Role.OFFICE_ADMIN, assignments__region=program.region).order_by(
                "id").first()
        if user is None:
            raise CommandError("没有可用的生态办管理员账户（用 --user 指定）。")
        return user
