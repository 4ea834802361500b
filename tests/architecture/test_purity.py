"""calc/ is pure computation: no module under it may import Django."""

import ast
from pathlib import Path

CALC = Path(__file__).resolve().parents[2] / "calc"


def test_no_django_import_in_calc():
    offenders = []
    for path in CALC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(CALC)}: {n}" for n in names if n.split(".")[0] in {"django", "apps"}]
    assert offenders == []
