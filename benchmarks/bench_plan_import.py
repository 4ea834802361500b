"""Benchmark of the plan import's app half (``apps/planimport``) on a 100-page plan.

A scratch program (a city with 20 units, the national-2019 framework, the office) and the 100-page plan of
``bench_plan.py`` (the sample plan repeated with renumbered tasks, read as .txt) are made; not timed. Then, best
of ``--repeat`` where it can be repeated:

* baseline — ``extract_plan`` alone (the reader, no database);
* check — the staged import's upload and check, as the upload page runs it (inline): the file stored, read,
  every unit name and target phrase matched, and what a commit would write planned old → new;
* page — the preview page (``GET /programs/<id>/plan-import/<n>/``: the text beside every item and its forms);
* correction — one correction (a task renamed), which plans old → new again;
* commit — the confirm (once: it writes the lists).

The last line printed is JSON: each step's seconds, ``check_ratio`` / ``page_ratio`` / ``correction_ratio`` /
``commit_ratio`` (÷ the baseline) and what was found. Goals: the page and a correction within 2 s each, so that
correcting a long plan stays interactive.

Usage: ``.venv/bin/python benchmarks/bench_plan_import.py [--pages 100] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench_plan import best_of, synthesise
from setup_django import clean_up, configure

UNITS = ("市生态环境局", "市住建局", "市水务局", "市财政局", "市统计局", "市发展和改革委员会", "市自然资源局",
         "市林业和草原局", "市农业农村局", "市工业和信息化局", "市交通运输局", "市市场监督管理局", "市卫生健康委员会",
         "市应急管理局", "市公安局", "市教育局", "市商务局", "市委宣传部", "市委组织部", "市人力资源和社会保障局")


def fill() -> tuple[Any, Any]:
    from django.core.management import call_command

    from apps.accounts.models import Role, RoleAssignment, User
    from apps.geo.models import Department, Region
    from apps.indicators.models import Framework
    from apps.programs.models import Program

    call_command("load_frameworks", verbosity=0)
    province = Region.objects.create(code="B00000", name="基准省", level="province")
    city = Region.objects.create(code="B00100", name="天水市", level="city", parent=province, terrain="hill")
    Department.objects.bulk_create([Department(region=city, name=name, order=i) for i, name in enumerate(UNITS)])
    user = User.objects.create(username="bench-office")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE_ADMIN, region=city)
    program = Program.objects.create(region=city, framework=Framework.objects.get(code="national-2019"),
                                     name="基准创建", title_sought="national", base_year=2020, target_year=2025)
    return program, user


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a database URL (default: a scratch SQLite file)")
    args = parser.parse_args(argv)
    _url, scratch, media_root = configure(args.database, media=True)
    try:
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        from apps.core.uploads import check_upload
        from apps.planimport.draft import Correction, CorrectionKind
        from apps.planimport.services import plan_correct, plan_upload
        from apps.staging.models import StagedImport
        from apps.staging.services import staged_import_commit
        from docimport.plan.extract import extract_plan

        settings.ECOCIV_JOB_BACKEND = "inline"
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        program, user = fill()
        data = synthesise(args.pages).encode("utf-8")
        baseline = best_of(args.repeat, lambda: extract_plan(data, "plan.txt"))

        uploads: list[StagedImport] = []

        def check() -> None:
            checked = check_upload(SimpleUploadedFile("plan.txt", data), allowed={"txt"})
            uploads.append(plan_upload(program=program, actor=user, checked=checked))

        check_seconds = best_of(args.repeat, check)
        staged = uploads[-1]
        staged.refresh_from_db()
        assert staged.status == "previewed", staged.errors
        client = Client()
        client.force_login(user)
        url = f"/programs/{program.id}/plan-import/{staged.id}/"
        client.get(url)  # the URL conf and the templates loaded once, as in a running server

        def page() -> None:
            assert client.get(url).status_code == 200

        page_seconds = best_of(args.repeat, page)

        def correct() -> None:
            staged.refresh_from_db()
            plan_correct(staged=staged, actor=user, version=staged.plan["version"],
                         correction=Correction(kind=CorrectionKind.TITLE, key="t1", title=f"改名{time.time()}"))

        correction_seconds = best_of(args.repeat, correct)
        started = time.perf_counter()
        staged = staged_import_commit(staged=staged, actor=user, backend="inline")
        commit_seconds = time.perf_counter() - started
        draft = staged.plan["draft"]
        result = {
            "pages": args.pages,
            "baseline_seconds": round(baseline, 3),
            "check_seconds": round(check_seconds, 3),
            "page_seconds": round(page_seconds, 3),
            "correction_seconds": round(correction_seconds, 3),
            "commit_seconds": round(commit_seconds, 3),
            "check_ratio": round(check_seconds / baseline, 2),
            "page_ratio": round(page_seconds / baseline, 2),
            "correction_ratio": round(correction_seconds / baseline, 2),
            "commit_ratio": round(commit_seconds / baseline, 2),
            "tasks": len(draft["tasks"]),
            "targets": len(draft["targets"]),
            "units": len(draft["units"]),
            "written": staged.result,
        }
    finally:
        clean_up(scratch, media_root)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
