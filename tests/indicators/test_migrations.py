"""The target columns become IndicatorTarget rows (indicators 0003–0005), and back, on a scratch database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent('''
    import json, os, sys
    sys.path.insert(0, os.getcwd())
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def state(target):
        return MigrationExecutor(connection).loader.project_state(target).apps

    before = [("indicators", "0003_indicatortarget")]
    call_command("migrate", "indicators", "0003_indicatortarget", verbosity=0)
    old = state(before)
    framework = old.get_model("indicators", "Framework").objects.create(code="f", title="f")
    Indicator = old.get_model("indicators", "Indicator")
    for code, city, county in (("a", ">=95", ">=90"), ("b", "qual:建立", ""), ("c", "", "<=25"), ("p", "", "")):
        Indicator.objects.create(framework=framework, code=code, number=1, name=code, domain="d", task="t",
                                 target_city=city, target_county=county)
    call_command("migrate", "indicators", verbosity=0)
    new = state([("indicators", "0005_remove_indicator_target_columns")])
    rows = sorted(new.get_model("indicators", "IndicatorTarget").objects.values_list(
        "indicator__code", "level", "expression"))
    call_command("migrate", "indicators", "0003_indicatortarget", verbosity=0)
    back = sorted(state(before).get_model("indicators", "Indicator").objects.values_list(
        "code", "target_city", "target_county"))
    print(json.dumps({"rows": rows, "back": back}, ensure_ascii=False))
''')


def test_target_columns_become_rows_and_back(scratch_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    env.update(ECOCIV_DATABASE_URL=f"sqlite:///{scratch_dir / 'migrate.sqlite3'}",
               DJANGO_SETTINGS_MODULE="config.settings.dev", ECOCIV_DEBUG="false")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["rows"] == [["a", "city", ">=95"], ["a", "county", ">=90"], ["b", "city", "qual:建立"],
                             ["c", "county", "<=25"]]
    assert found["back"] == [["a", ">=95", ">=90"], ["b", "qual:建立", ""], ["c", "", "<=25"], ["p", "", ""]]
