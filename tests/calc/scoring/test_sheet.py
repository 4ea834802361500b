"""The scheme sheet (calc.scoring.sheet + docimport.scoring): rows out and back in give the same scheme; edits
become a new version; problems name their rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calc.scoring.schemefile import SchemeError, load
from calc.scoring.sheet import apply_rows, item_rows, row_of
from docimport.scoring import parse_scheme_sheet, render_scheme_xlsx

SCHEMES = sorted((Path(__file__).resolve().parents[3] / "calc" / "scoring" / "schemes").glob("*.toml"))


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_download_then_upload_gives_the_same_scheme(path):
    scheme = load(path)
    rows, errors = parse_scheme_sheet(render_scheme_xlsx(scheme.name, "说明", item_rows(scheme)))
    assert errors == [] and rows[0].row == 4  # title, note, header
    assert apply_rows(scheme, rows, version=scheme.version + 1) == replace(scheme, version=scheme.version + 1)


def test_edits_move_points_rules_sections_and_items():
    scheme = load(SCHEMES[0])
    rows = item_rows(scheme)
    first, second = rows[0], rows[1]
    points = int(first.points) + int(second.points)
    edited = [replace(first, section="新的考核内容", points=str(points), params=first.params + ", per = 2"),
              replace(second, points="0.5")]
    with pytest.raises(SchemeError):  # 0.5 + … no longer adds up to the total
        apply_rows(scheme, edited + rows[2:], version=9)
    edited[0] = replace(edited[0], points=str(points - 1) if second.points == "1" else str(points - 0.5))
    new = apply_rows(scheme, edited + rows[2:], version=9)
    assert new.version == 9 and new.sections[0].name == "新的考核内容" and new.sections[0].code == "S1"
    assert str(new.item(first.code).rule.per) == "2"
    removed = [r for r in rows if r.code != second.code]
    with pytest.raises(SchemeError) as error:
        apply_rows(scheme, removed, version=2)
    assert any("基本分合计" in p.message for p in error.value.problems)


def test_problems_are_found_on_their_rows():
    scheme = load(SCHEMES[0])
    rows = [replace(r, row=n) for n, r in enumerate(item_rows(scheme), start=4)]
    rows[0] = replace(rows[0], points="六")
    rows[1] = replace(rows[1], params="key = ")
    rows[2] = replace(rows[2], other="code = \"X\"")
    with pytest.raises(SchemeError) as error:
        apply_rows(scheme, rows, version=2)
    found = {(row_of(p, rows).row if row_of(p, rows) else 0, p.field) for p in error.value.problems}
    assert found == {(4, "分值"), (5, "规则参数"), (6, "其他设置")}
    # The rows read, the scheme's own checks name the item, found on its row too.
    rows = [replace(r, row=n) for n, r in enumerate(item_rows(scheme), start=4)]
    rows[3] = replace(rows[3], params=rows[3].params + ", unknown = 1")
    with pytest.raises(SchemeError) as error:
        apply_rows(scheme, rows, version=2)
    assert [row_of(p, rows).row for p in error.value.problems] == [7]


def test_a_code_twice_is_an_error_on_the_later_row():
    scheme = load(SCHEMES[0])
    rows = item_rows(scheme)
    rows.append(rows[0])
    _, errors = parse_scheme_sheet(render_scheme_xlsx(scheme.name, "说明", rows))
    assert [(e.row, e.column) for e in errors] == [(4 + len(rows) - 1, "序号")]
