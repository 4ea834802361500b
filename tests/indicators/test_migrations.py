"""The target columns become IndicatorTarget rows (indicators 0003–0005), and back, on a scratch database."""

from __future__ import annotations

import textwrap

from tests.bench import clean_env, run_last_json

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
    env = clean_env(ECOCIV_DATABASE_URL=f"sqlite:///{scratch_dir / 'migrate.sqlite3'}",
                    DJANGO_SETTINGS_MODULE="config.settings.dev", ECOCIV_DEBUG="false")
    found = run_last_json(["-c", SCRIPT], env=env)
    assert found["rows"] == [["a", "city", ">=95"], ["a", "county", ">=90"], ["b", "city", "qual:建立"],
                             ["c", "county", "<=25"]]
    assert found["back"] == [["a", ">=95", ">=90"], ["b", "qual:建立", ""], ["c", "", "<=25"], ["p", "", ""]]
