"""No visible Chinese in the covered templates outside {% translate %} / {% blocktranslate %}.

Everything else a template holds — text between tags, attributes such as placeholder/title/aria-label, string
literals in tags and filters — must come from the catalogue or from data, so that a new string cannot slip into
the interface untranslated. Extend ``COVERED`` when an app's templates are marked up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
COVERED = ["base.html", "core", "programs", "reporting", "tasks", "assessment", "monitoring", "audit", "accounts",
           "scoring", "staging", "setup", "reports", "province", "surveys/list.html", "surveys/survey.html",
           "surveys/entry.html", "surveys/import.html"]

#: (template, exact text) that must stay Chinese, with the reason.
ALLOWED = {
    # the default value of a data field: new local indicators go into the domain named 地方特色 unless changed
    ("programs/target_edits.html", 'value="地方特色"'),
}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
STRIP = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%\s*trans(?:late)?\s+(?:\"[^\"]*\"|'[^']*')[^%]*%\}"),
]


def template_files() -> list[Path]:
    files = []
    for entry in COVERED:
        path = TEMPLATES / entry
        files += [path] if path.is_file() else sorted(path.rglob("*.html"))
    return files


def untranslated(path: Path) -> list[str]:
    return untranslated_text(path.read_text(encoding="utf-8"), path.relative_to(TEMPLATES).as_posix())


def untranslated_text(source: str, relative: str) -> list[str]:
    for allowed_path, text in ALLOWED:
        if allowed_path == relative:
            source = source.replace(text, "")
    for pattern in STRIP:
        source = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), source)  # keep line numbers
    return [f"{relative}:{number}: {line.strip()}" for number, line in enumerate(source.splitlines(), start=1)
            if CJK.search(line)]


def test_covered_templates_exist():
    files = template_files()
    assert len(files) >= 30
    assert TEMPLATES / "base.html" in files


@pytest.mark.parametrize("path", template_files(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_untranslated_chinese(path: Path):
    assert untranslated(path) == []


def test_lint_catches_untranslated_text():
    """The lint itself: text, attributes and filter literals are caught; marked strings and comments are not."""
    cases = {
        "<h1>责任清单</h1>": 1,
        '<input placeholder="数值">': 1,
        '{{ x|default:"无" }}': 1,
        '{% translate "责任清单" %}': 0,
        '{% blocktranslate with n=x %}共 {{ n }} 项{% endblocktranslate %}': 0,
        "{# 说明 #}{% comment %}说明{% endcomment %}": 0,
        '<p>{% translate "牵头单位" %}：</p>': 1,
    }
    for text, expected in cases.items():
        assert len(untranslated_text(text, "programs/sample.html")) == expected, text
    assert untranslated_text('<input name="domain" value="地方特色">', "programs/target_edits.html") == []
    assert len(untranslated_text('<input name="domain" value="地方特色">', "programs/other.html")) == 1
