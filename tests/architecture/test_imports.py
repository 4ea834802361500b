"""The floors as a test: the source tree keeps the import rules of docs/architecture.md.

The checker (``checker.py``) reads every ``.py`` file under calc/, docimport/, apps/ and config/ with ``ast``; the
synthetic trees below show that it catches each kind of forbidden import.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from .checker import APP_ORDER, cycles, read_tree, violations

ROOT = Path(__file__).resolve().parents[2]


def test_the_source_tree_keeps_the_rules() -> None:
    found = violations(read_tree(ROOT))
    assert found == [], "\n".join(found)


def test_every_app_has_a_floor() -> None:
    apps = {p.parent.name for p in (ROOT / "apps").glob("*/apps.py")}
    assert apps == set(APP_ORDER)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for package in ("calc", "docimport", "docgen", "apps", "config"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


def _report(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return violations(read_tree(_tree(tmp_path, files)))


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    assert _report(tmp_path, {
        "calc/air.py": "import math\n",
        "docimport/sheets.py": "from calc import air\nfrom .errors import RowError\n",
        "docimport/errors.py": "class RowError: ...\n",
        "apps/core/errors.py": "from docimport.errors import RowError\n",
        "apps/geo/access.py": "from apps.core.errors import RowError\n\ndef access_region(): ...\n",
        "apps/demo/build.py": "from apps.geo import access\n",
    }) == []


@pytest.mark.parametrize(("files", "expected"), [
    ({"calc/air.py": "from django.db import models\n"}, "calc/air.py:1: calc.air imports django.db (calc/ may not import django)"),
    ({"docgen/render.py": "from django.conf import settings\n"},
     "docgen/render.py:1: docgen.render imports django.conf (docgen/ may not import django)"),
    ({"docimport/sheets.py": "def parse():\n    from apps.core.errors import RowError\n"},
     "docimport/sheets.py:2: docimport.sheets imports apps.core.errors (docimport/ may not import apps)"),
    ({"apps/core/nav.py": "def menu():\n    from apps.programs.models import Program\n"},
     "apps/core/nav.py:2: apps.core.nav imports apps.programs.models (apps.core imports no other app)"),
    ({"apps/core/nav.py": "import importlib\nimportlib.import_module('apps.tasks.nav')\n"},
     "apps/core/nav.py:2: apps.core.nav imports apps.tasks.nav (apps.core imports no other app)"),
    ({"apps/geo/models.py": "from apps.programs.models import Program\n"},
     "apps/geo/models.py:1: apps.geo.models imports apps.programs.models (apps.geo is below apps.programs in APP_ORDER)"),
    ({"apps/tasks/views.py": "from apps.demo import tasks\n"},
     "apps/tasks/views.py:1: apps.tasks.views imports apps.demo (apps.demo is imported by nobody)"),
    ({"apps/tasks/selectors.py": "def access_task(): ...\n"}, "apps/tasks/selectors.py:1: def access_task outside apps/*/access.py"),
])
def test_each_rule_reports_its_offender(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    assert expected in _report(tmp_path, files)


def test_a_cycle_is_reported_even_through_a_function_level_import(tmp_path: Path) -> None:
    found = _report(tmp_path, {
        "apps/monitoring/selectors.py": "def read():\n    from .services import write\n",
        "apps/monitoring/services.py": "from .selectors import read\n",
    })
    assert found == ["import cycle: apps.monitoring.selectors -> apps.monitoring.services -> apps.monitoring.selectors"]


def test_type_checking_imports_make_no_cycle(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "apps/reporting/models.py": "from .access import can_report\n",
        "apps/reporting/access.py": textwrap.dedent("""\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .models import IndicatorValue
        """),
    })
    assert cycles(read_tree(root)) == []
