"""The dossier zip (申报材料档案) and the yearly update package: only approved values go in, every one with its
evidence under a readable name, every file hashed in the manifest, filters, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
import time
import zipfile
from types import SimpleNamespace

import polars as pl
import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.evidence.models import Evidence
from apps.reporting.services import indicator_value_transition, reporting_round_create
from apps.reports import dossier
from apps.reports.dossier import BINDING, DossierFilter, _e, _quoted, dossier_rows, safe_name, unique_path
from apps.reports.models import ReportKind
from apps.reports.selectors import ReportTarget
from apps.reports.services import data_version_of, package_write
from docgen.sheet import Sheet, _sheet_xml

from .conftest import attach_late, save

YEAR = 2025


def _zip(values: SimpleNamespace, kind: str = ReportKind.DOSSIER, *, into_file: bool = False,
         **filters: object) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(_zip_bytes(values, kind, into_file=into_file, **filters)))


def _zip_bytes(values: SimpleNamespace, kind: str = ReportKind.DOSSIER, *, into_file: bool = False,
               **filters: object) -> bytes:
    """The package's bytes, written into memory (the writer writes every entry in turn) or into a real file (the
    readers write the evidence at its place)."""
    target = ReportTarget(kind, values.rep.world.program, YEAR, **filters)  # type: ignore[arg-type]
    if not into_file:
        out = io.BytesIO()
        package_write(target, out)
        return out.getvalue()
    with tempfile.TemporaryFile() as file:
        package_write(target, file)
        file.seek(0)
        return file.read()


def _manifest(archive: zipfile.ZipFile) -> dict[str, tuple[int, str, str]]:
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return {row["路径"]: (int(row["大小（字节）"]), row["SHA-256"], row["与上传时一致"])
            for row in csv.DictReader(io.StringIO(text))}


def _evidence_names(archive: zipfile.ZipFile) -> list[str]:
    return [n for n in archive.namelist() if n.startswith("证据材料/")]


def test_the_manifest_hashes_every_file_of_the_zip_and_they_match(values):
    archive = _zip(values)
    manifest = _manifest(archive)
    assert set(manifest) == set(archive.namelist()) - {"manifest.csv"}
    for path, (size, sha, _same) in manifest.items():
        data = archive.read(path)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha), path
    assert {manifest[p][2] for p in _evidence_names(archive)} == {"是"}  # equal to the hash recorded at upload


def test_every_approved_value_and_its_evidence_is_in_and_no_unapproved_one(values):
    archive = _zip(values)
    pages = {n for n in archive.namelist() if n.startswith("指标值/")}
    assert pages == {f"指标值/{v.id}.html" for v in values.approved}
    approved_files = Evidence.objects.filter(indicator_value__in=values.approved)
    assert approved_files.count() == 3
    contents = sorted(archive.read(n) for n in _evidence_names(archive))
    assert contents == sorted(e.file.open("rb").read() for e in approved_files)
    everything = b"".join(archive.read(n) for n in archive.namelist())
    for name in ("未审核材料", "草稿材料", "退回材料"):  # the unapproved values' files (with evidence) stay out
        assert name.encode() not in everything
    index = archive.read("index.html").decode()
    for value in values.unapproved:
        assert f"指标值/{value.id}.html" not in index


def test_evidence_has_readable_chinese_names_numbered_and_safe(values):
    names = _evidence_names(_zip(values))
    city = [n for n in names if "/甲市/" in n]
    assert len(city) == 2 and city[0].endswith("/2025年度/01 统计公报.pdf") and city[1].endswith("/02 统计公报.pdf")
    parts = city[0].split("/")
    assert parts[0] == "证据材料" and parts[1].split("、")[0] in "一二三四五六七八九十" and parts[3] == "甲市"
    assert parts[2].split(" ")[0].isdigit()  # "3 指标名"
    hill = next(n for n in names if "/丘陵县/" in n)
    assert hill.endswith("/01 监测报告2025终稿.pdf")  # the upload check already dropped ":" and "*"
    assert not any(c in part for part in "/".join(names).split("/") for c in '\\:*?"<>|')


def test_the_index_links_each_value_page_its_history_events_and_files_and_shows_gaps(values):
    archive = _zip(values)
    index = archive.read("index.html").decode()
    city_numeric, _hill, hill_qualitative = values.approved
    assert f'href="%E6%8C%87%E6%A0%87%E5%80%BC/{city_numeric.id}.html"' in index
    page = archive.read(f"指标值/{city_numeric.id}.html").decode()
    assert "修订记录" in page and "审核记录" in page and "审核通过" in page and "市统计局" in page
    assert 'href="../%E8%AF%81' in page  # relative link to 证据材料/…
    gap_page = archive.read(f"指标值/{hill_qualitative.id}.html").decode()
    assert "缺少的佐证材料" in gap_page
    assert "<td>已建立</td>" in gap_page and "achieved" not in gap_page  # a qualitative value by its label
    sheet = load_workbook(io.BytesIO(archive.read("目录.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    data = [dict(zip(header, r, strict=True)) for r in rows[3:]]
    assert len(data) == 3
    assert any(str(r["佐证材料清单"]).startswith("缺") for r in data)  # the gap is shown


def test_filters_region_and_indicator_set(values):
    hill = values.rep.world.counties["hill"]
    archive = _zip(values, region=hill)
    assert {n for n in archive.namelist() if n.startswith("指标值/")} == {
        f"指标值/{v.id}.html" for v in values.approved[1:]}
    binding = {i.id for i in (values.rep.numeric, values.rep.qualitative) if i.binding}
    rows = dossier_rows(DossierFilter(values.rep.world.program, YEAR, indicator_set=BINDING))
    assert {r.indicator_id for r in rows} <= binding
    other_year = dossier_rows(DossierFilter(values.rep.world.program, YEAR - 1))
    assert other_year == []


def test_the_data_version_changes_with_new_evidence_and_not_otherwise(values):
    target = ReportTarget(ReportKind.DOSSIER, values.rep.world.program, YEAR)
    before = data_version_of(target)
    assert data_version_of(target) == before
    attach_late(values.unapproved[0], values.rep.world.users.office, "另一个.pdf")  # a submitted value: not in
    assert data_version_of(target) == before
    attach_late(values.approved[2], values.rep.world.users.office, "补充.pdf")
    assert data_version_of(target) != before


def test_the_update_package_states_new_changed_and_unchanged_values_and_new_evidence(values):
    rep = values.rep
    office = rep.world.users.office
    # last year: the city's numeric value as now (unchanged), 丘陵县 different (changed); 丘陵县 qualitative is new
    last_round = reporting_round_create(program=rep.world.program, actor=office, name="2024年度调度",
                                        period_type="year", year=2024, due=dt.date(2025, 1, 31),
                                        indicators=[rep.numeric], regions=[rep.world.city, rep.world.counties["hill"]])
    old = SimpleNamespace(**{**vars(rep), "round": last_round})
    for region, number in ((rep.world.city, "31.5"), (rep.world.counties["hill"], "27")):
        value = save(old, office, region=region, number=number, submit=True)
        value.refresh_from_db()
        indicator_value_transition(value=value, action="approve", actor=office, expected_version=value.version)
    archive = _zip(values, ReportKind.UPDATE)
    sheet = load_workbook(io.BytesIO(archive.read("变更说明.xlsx")))
    summary = {r[0]: r[1] for r in sheet["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["较上年新增"] == 1 and summary["较上年数值变化"] == 1 and summary["较上年未变"] == 1
    assert summary["新增佐证材料文件"] == 3
    assert "变更说明.xlsx" in _manifest(archive)


def test_the_dossier_reads_a_constant_number_of_queries(values):
    program = values.rep.world.program

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            dossier_rows(DossierFilter(program, YEAR))
        return len(queries)

    few = count()
    more = values.unapproved[0]  # submitted, with a file: approved now, and one more file
    attach_late(more, values.rep.world.users.office, "更多.pdf")
    more.refresh_from_db()
    indicator_value_transition(value=more, action="approve", actor=values.rep.world.users.office,
                               expected_version=more.version)
    assert len(dossier_rows(DossierFilter(program, YEAR))) == 4
    assert count() == few


def test_safe_names_and_collisions():
    assert safe_name('a/b\\c:d*e?"f<g>h|i\x01.pdf') == "a_b_c_d_e_f_g_h_i_.pdf"
    assert safe_name("  ..隐藏  ") == "隐藏"
    long = safe_name("长" * 100 + ".pdf")
    assert len(long) == 60 and long.endswith(".pdf")
    used: set[str] = set()
    assert [unique_path(p, used) for p in ("d/a.pdf", "d/A.pdf", "d/a.pdf")] == ["d/a.pdf", "d/A（2）.pdf",
                                                                                   "d/a（3）.pdf"]


def test_every_entry_checks_and_carries_its_sizes_in_its_header(values):
    archive = _zip(values)
    assert archive.testzip() is None  # every entry's CRC holds
    # no data descriptors: readers that stream the zip (Java's ZipInputStream, used by archive systems) refuse a
    # stored entry whose sizes follow its data
    assert not any(info.flag_bits & 0x08 for info in archive.infolist())


def test_what_users_typed_is_escaped_in_the_pages_and_the_remembered_escapes_are_forgotten(values):
    file = Evidence.objects.filter(indicator_value__in=values.approved).order_by("id").first()
    Evidence.objects.filter(id=file.id).update(original_name='<b>甲&"乙.pdf')
    archive = _zip(values)
    page = archive.read(f"指标值/{file.object_id}.html").decode()
    index = archive.read("index.html").decode()
    for html_text in (page, index):
        assert "&lt;b&gt;甲&amp;&quot;乙.pdf" in html_text and "<b>甲" not in html_text
    assert _e.cache_info().currsize == 0 and _quoted.cache_info().currsize == 0


def test_the_pages_built_at_once_are_those_built_one_by_one(values):
    file = Evidence.objects.filter(indicator_value__in=values.approved).order_by("id").first()
    Evidence.objects.filter(id=file.id).update(original_name="<b>甲&\"乙's.pdf", checklist_item="")
    rows = dossier_rows(DossierFilter(values.rep.world.program, YEAR))
    assert any(row.events for row in rows) and any(row.completeness.missing for row in rows)
    pages, lines = dossier.html_bulk(rows)
    assert pages == [dossier.value_html(row) for row in rows]
    assert dossier._index_page("标题", "<副标题>", len(rows), lines) == dossier.index_html("标题", "<副标题>", rows)
    assert dossier.html_bulk([]) == ([], "")


def test_the_index_workbook_written_by_polars_is_the_one_written_row_by_row():
    texts = ["<b>甲&乙</b>", " 前后空格 ", "两行\n文本", "控制\x01字符\x1f", "=SUM(A1)", "", None, "\u3000全角空格",
             "tab\t", "'引号\"", "北塬县"]
    rows = [tuple(texts[(i + k) % len(texts)] for k in range(4)) for i in range(40)]
    columns = [("甲", 10), ("乙", 10), ("丙", 10), ("丁", 10)]
    frame = pl.DataFrame([list(column) for column in zip(*rows, strict=True)],
                         schema=[(h, pl.String) for h, _w in columns], orient="col")
    assert _sheet_xml(Sheet("目录", "标题", columns, frame, note="说明")) == _sheet_xml(
        Sheet("目录", "标题", columns, rows, note="说明"))
    empty = pl.DataFrame(schema=[(h, pl.String) for h, _w in columns])
    assert _sheet_xml(Sheet("目录", "标题", columns, empty)) == _sheet_xml(Sheet("目录", "标题", columns, []))


def test_the_readers_check_each_folder_once_and_names_still_cannot_leave_the_storage(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "1.pdf").write_bytes(b"one")
    (tmp_path / "media" / "a" / "2.pdf").write_bytes(b"two")
    (tmp_path / "outside.pdf").write_bytes(b"secret")
    folders: dict[str, str] = {}
    assert [dossier.load_evidence(storage, name, 3, folders)[0] for name in ("a/1.pdf", "a/2.pdf")] == [b"one", b"two"]
    assert folders == {"a": str(tmp_path / "media" / "a")}
    for name in ("../outside.pdf", "a/../../outside.pdf"):
        with pytest.raises(SuspiciousFileOperation):
            dossier.load_evidence(storage, name, 6, folders)


@pytest.mark.parametrize(("readers", "whole"), [(0, 1 << 20), (2, 1 << 20), (1, 10)])
def test_files_read_ahead_inline_or_streamed_are_the_same_bytes_and_hashes(values, monkeypatch, readers, whole):
    # readers: worker threads reading and hashing ahead of the writer (0: the writer itself); whole: files above
    # it are streamed in chunks by the writer (its header rewritten with the CRC and sizes)
    monkeypatch.setattr(dossier, "READERS", readers)
    monkeypatch.setattr(dossier, "WHOLE", whole)
    monkeypatch.setattr(dossier, "AHEAD", 1)  # one file ahead at a time
    archive = _zip(values)
    assert archive.testzip() is None and not any(info.flag_bits & 0x08 for info in archive.infolist())
    manifest = _manifest(archive)
    names = _evidence_names(archive)
    assert len(names) == 3
    for path in names:
        data = archive.read(path)
        assert manifest[path] == (len(data), hashlib.sha256(data).hexdigest(), "是")


@pytest.mark.parametrize("whole", [1 << 20, 10])
@pytest.mark.parametrize("kind", [ReportKind.DOSSIER, ReportKind.UPDATE])
def test_the_evidence_written_at_its_place_by_the_readers_gives_the_same_bytes(values, monkeypatch, whole, kind):
    # the same package into memory (every entry written in turn) and into a file (laid out, then written by
    # position: the first file's batch read before the layout was known, the others written by the readers; or
    # every file streamed, whole=10); the build's time fixed, since it is in the pages' and the workbook's headers
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.0)
    monkeypatch.setattr(dossier, "WHOLE", whole)
    monkeypatch.setattr(dossier, "AHEAD", 1)  # one batch ahead at a time
    monkeypatch.setattr(dossier, "CHUNK", 7)  # a file a batch
    in_memory = _zip_bytes(values, kind)
    in_turn, load_batch = dossier._write_in_turn, dossier._load_batch
    monkeypatch.setattr(dossier, "_write_in_turn", lambda *args: pytest.fail("written in turn"))
    handed_on = []
    monkeypatch.setattr(dossier, "_load_batch", lambda *args: handed_on.extend(load_batch(*args)) or handed_on[-1:])
    html_bulk = dossier.html_bulk

    def pages_once_the_first_file_is_read(rows):
        deadline = time.monotonic() + 10
        while not handed_on and time.monotonic() < deadline:
            time.sleep(0.001)
        return html_bulk(rows)

    monkeypatch.setattr(dossier, "html_bulk", pages_once_the_first_file_is_read)
    assert _zip_bytes(values, kind, into_file=True) == in_memory
    written_by_readers = [read is not None and read[0] is None for read in handed_on]
    assert written_by_readers == ([False, True, True] if whole > 10 else [False] * 3)  # streamed: by the writer
    monkeypatch.setattr(dossier, "_write_in_turn", in_turn)
    monkeypatch.setattr(dossier, "READERS", 0)  # no readers: in turn, into the file too
    assert _zip_bytes(values, kind, into_file=True) == in_memory


@pytest.mark.parametrize("into_file", [False, True])
def test_a_file_changed_since_upload_is_zipped_as_it_is_now_and_said_to_differ(values, into_file):
    changed = Evidence.objects.filter(indicator_value__in=values.approved).order_by("id").first()
    with changed.file.open("rb") as source:
        original = source.read()
    try:
        with open(changed.file.path, "wb") as target:
            target.write(original + b"appended after upload" * 100)  # larger than recorded
        archive = _zip(values, into_file=into_file)  # into a file: laid out, the layout found wrong, written again
        assert archive.testzip() is None
        manifest = _manifest(archive)
        [path] = [p for p, (size, _sha, _same) in manifest.items() if size == len(original) + 2100]
        data = archive.read(path)
        assert data == original + b"appended after upload" * 100
        assert manifest[path] == (len(data), hashlib.sha256(data).hexdigest(), "否（与上传时不一致）")
    finally:
        with open(changed.file.path, "wb") as target:
            target.write(original)
