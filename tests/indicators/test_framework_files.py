"""Framework data files: the shipped 2019 table is complete; a file with an error names entry and field."""

from __future__ import annotations

import copy
import tomllib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.indicators.framework_files import (
    FrameworkFileError,
    framework_files,
    parse_framework,
    read_framework_file,
)
from apps.indicators.models import Framework, Indicator
from calc.targets import parse_target


def shipped(code: str) -> dict:
    path = next(p for p in framework_files() if p.stem == code)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_2019_revision_is_complete():
    record = read_framework_file(next(p for p in framework_files() if p.stem == "national-2019"))
    top = [i for i in record.indicators if i.parent_code is None]
    leaves = [i for i in record.indicators if i.is_leaf]
    assert len(top) == 40
    assert [i.number for i in top] == list(range(1, 41))
    assert {i.domain for i in top} == {"生态制度", "生态安全", "生态空间", "生态经济", "生态生活", "生态文化"}
    assert len({i.task for i in top}) == 10
    # 22 binding + 18 reference, counted on the 40 indicators (a parent's subs share its attribute)
    binding_of = {}
    for leaf in leaves:
        binding_of[leaf.parent_code or leaf.code] = leaf.binding
    assert sum(1 for b in binding_of.values() if b) == 22
    assert sum(1 for b in binding_of.values() if b is False) == 18
    # scope: city-only 23, 24, 31, 34, 36; county-only 25, 28, 32; coastal-only 9, 13, 18
    def numbers(predicate):
        return sorted({i.number for i in leaves if predicate(i)})
    assert numbers(lambda i: i.scope == ("city",)) == [23, 24, 31, 34, 36]
    assert numbers(lambda i: i.scope == ("county",)) == [25, 28, 32]
    assert numbers(lambda i: i.coastal_only) == [9, 13, 18]
    # an inland county is assessed on 32 indicators (the 长白县 numbering check)
    inland_county = {i.number for i in leaves if "county" in i.scope and not i.coastal_only}
    assert len(inland_county) == 32
    for leaf in leaves:
        for text in leaf.targets.values():
            if text:
                parse_target(text)
        assert leaf.meta.get("confirmation"), leaf.code


def test_every_target_form_occurs_in_shipped_data():
    kinds = set()
    for path in framework_files():
        for item in read_framework_file(path).indicators:
            for text in item.targets.values():
                if not text:
                    continue
                if text.startswith("region{"):
                    kinds.add("region")
                if "qual:" in text:
                    kinds.add("qualitative")
                if "trend:" in text:
                    kinds.add("baseline")
                if "assigned" in text:
                    kinds.add("assigned")
                if "&" in text or "|" in text:
                    kinds.add("compound")
                if text[0] in "<>=":
                    kinds.add("numeric")
    assert kinds == {"region", "qualitative", "baseline", "assigned", "compound", "numeric"}


def broken(change) -> dict:
    data = copy.deepcopy(shipped("national-2019"))
    change(data)
    return data


def sub(data: dict, code: str) -> dict:
    for entry in data["indicator"]:
        for item in [entry, *entry.get("sub", [])]:
            if item["code"] == code:
                return item
    raise KeyError(code)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("framework"), "缺少 \\[framework\\]"),
        (lambda d: d["framework"].update(levels=["town"]), "\\[framework\\] 字段 levels"),
        (lambda d: sub(d, "2019-29")["target"].update(county=">=8x5"), "指标 2019-29 字段 target.county：unexpected"),
        (lambda d: sub(d, "2019-29")["target"].pop("county"), "指标 2019-29 字段 target.county：适用范围包含"),
        (lambda d: sub(d, "2019-03").update(target="trend:faster"), "指标 2019-03 字段 target：unknown trend"),
        (lambda d: sub(d, "2019-03").update(direction="up"), "指标 2019-03 字段 direction"),
        (lambda d: sub(d, "2019-03").update(binding="maybe"), "指标 2019-03 字段 binding"),
        (lambda d: sub(d, "2019-03").update(scope=["township"]), "指标 2019-03 字段 scope"),
        (lambda d: sub(d, "2019-03").update(colour="green"), "指标 2019-03 字段 colour：未知字段"),
        (lambda d: sub(d, "2019-07b").update(code="2019-07a"), "指标 2019-07a 字段 code：编码重复"),
        (lambda d: sub(d, "2019-07").update(unit="%"), "指标 2019-07 字段 unit：含子指标"),
        (lambda d: sub(d, "2019-40").update(number=0), "指标 2019-40 字段 number"),
        (lambda d: sub(d, "2019-40").update(name=""), "指标 2019-40 字段 name：必填"),
        (lambda d: sub(d, "2019-31").update(target={"county": ">=1"}), "指标 2019-31 字段 target.city"),
    ],
)
def test_file_errors_name_entry_and_field(change, message):
    with pytest.raises(FrameworkFileError, match=message):
        parse_framework(broken(change), source="national-2019.toml")


@pytest.mark.django_db
def test_loading_is_idempotent_and_rejects_a_bad_file(tmp_path, capsys):
    before = Indicator.objects.count()
    call_command("load_frameworks")
    call_command("load_frameworks")
    assert Indicator.objects.count() == before
    assert "未变 60" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('[framework]\ncode = "x"\ntitle = "x"\n\n[[indicator]]\ncode = "x-1"\nnumber = 1\nname = "n"\n'
                   'domain = "d"\ntask = "t"\nscope = ["city"]\nbinding = true\ntarget = ">="\n', encoding="utf-8")

    with pytest.raises(CommandError, match="bad.toml: 指标 x-1 字段 target"):
        call_command("load_frameworks", str(bad))
    assert not Framework.objects.filter(code="x").exists()


@pytest.mark.django_db
def test_sources_and_confirmation_are_kept_as_metadata():
    indicator = Indicator.objects.get(framework__code="national-2019", code="2019-37")
    assert indicator.meta["confirmation"].startswith("S1")
    assert "changbai" in indicator.meta["source_url"]
    partial = Framework.objects.get(code="national-2024-city")
    assert partial.partial and Indicator.objects.filter(framework=partial, binding__isnull=True).exists()
