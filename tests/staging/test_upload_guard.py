"""The one guard before any import parses a file (issue #11.10): permission first, then the file's size and
type, then the workbook's zip directory (unpacked size and ratio) before openpyxl opens it, then rows as a
stream, the header first, with a row cap. Every import edge, page and API, goes through it.

Facts asserted are time-independent: the refusal and its message, and which readers were (not) asked.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, override_settings
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from apps.accounts.models import User
from apps.staging.models import StagedImport
from apps.tasks.models import Task
from docimport.monitoring import FileUnreadable, read_table
from docimport.values import HEADERS, parse_value_sheet
from docimport.xlsx import SheetLimits
from tests.conftest import ClientFor
from tests.docimport.test_xlsx import _xlsx as plain_sheet  # a workbook whose first row is the header
from tests.reporting.conftest import rep  # noqa: F401 - the values import's round, as a fixture here too
from tests.reporting.test_bulk_import import CITY, NUMERIC, sheet
from tests.sheets import xlsx

TASK_HEADER = ["序号", "任务名称", "工作内容/具体措施", "牵头单位", "配合单位", "完成时限"]


def _bomb(data: bytes, megabytes: int = 20) -> bytes:
    """``data`` (a real workbook) with its sheet padded by ``megabytes`` of one repeated byte: a few kB packed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetData>", b"<!--" + b"A" * (megabytes << 20) + b"--><sheetData>", 1)
            target.writestr(info.filename, content)
    return buffer.getvalue()


def _task_rows(count: int) -> list[list[object]]:
    return [TASK_HEADER, *[[f"{i}.", f"任务{i}", "", "市生态环境局", "", "长期坚持"] for i in range(1, count + 1)]]


def _value_sheet(count: int) -> bytes:
    return sheet(*[(CITY, NUMERIC if i == 0 else f"{NUMERIC}-{i}", 20 + i, None) for i in range(count)])


Post = Callable[[Client, Any, bytes], HttpResponse]


def _post(url: Callable[[Any], str], field: str = "file", **extra: str) -> Post:
    def post(client: Client, where: Any, data: bytes) -> HttpResponse:
        return client.post(url(where), {field: SimpleUploadedFile("表.xlsx", data), **extra})

    return post


#: Every sheet import edge: (name, post, who may import, who may not, a sheet of n good rows, expects rows).
EDGES = {
    "values page": _post(lambda r: f"/programs/{r.world.program.id}/rounds/{r.round.id}/import/"),
    "values api": _post(lambda r: f"/api/programs/{r.world.program.id}/rounds/{r.round.id}/import"),
    "tasks page": _post(lambda r: f"/programs/{r.world.program.id}/tasks/import/"),
    "tasks api": _post(lambda r: f"/api/programs/{r.world.program.id}/tasks/import"),
    "responsibilities api": _post(lambda r: f"/api/programs/{r.world.program.id}/responsibilities/import"),
    "monitoring api": _post(lambda r: f"/api/programs/{r.world.program.id}/monitoring/batches", kind="stations"),
}
SHEETS: dict[str, Callable[[int], bytes]] = {
    "values page": _value_sheet, "values api": _value_sheet,
    "tasks page": lambda n: xlsx(_task_rows(n)), "tasks api": lambda n: xlsx(_task_rows(n)),
    "responsibilities api": lambda n: xlsx([["序号", "指标名称", "目标值", "牵头单位", "配合单位"],
                                           *[[i, "森林覆盖率", "", "市生态环境局", ""] for i in range(n)]]),
    "monitoring api": lambda n: plain_sheet([["站点编码", "站点名称", "所属区域代码"],
                                             *[[f"S{i}", f"站{i}", CITY] for i in range(n)]]),
}


def _importer(world: SimpleNamespace, edge: str) -> User:
    return world.world.users.reporter if edge.startswith("values") else world.world.users.office


def _text(response: HttpResponse) -> str:
    """The page, or the API's JSON with its Chinese as written."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any reader of workbooks (openpyxl, polars' calamine) or the type sniffer is asked."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was read")

    monkeypatch.setattr("docimport.xlsx.load_workbook", refuse)
    monkeypatch.setattr("polars.read_excel", refuse)


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_a_zip_bomb_is_refused_from_its_directory(rep: SimpleNamespace, client_for: ClientFor, edge: str,  # noqa: F811
                                                  no_reader: None) -> None:  # noqa: ARG001
    bomb = _bomb(SHEETS[edge](2))
    assert len(bomb) < 200_000
    response = EDGES[edge](client_for(_importer(rep, edge)), rep, bomb)
    assert response.status_code in (200, 400) and "压缩比异常" in _text(response)
    assert not StagedImport.objects.exists() and not Task.objects.filter(title__startswith="任务").exists()


@pytest.mark.parametrize("edge", ["tasks api", "values api"])
def test_a_workbook_that_unpacks_too_large_is_refused(rep: SimpleNamespace, client_for: ClientFor,  # noqa: F811
                                                      edge: str, no_reader: None) -> None:  # noqa: ARG001
    with override_settings(ECOCIV_MAX_SHEET_UNPACKED_BYTES=1000):
        response = EDGES[edge](client_for(_importer(rep, edge)), rep, SHEETS[edge](2))
    assert response.status_code == 400 and "解压后过大" in _text(response) and "上限为 0 MB" in _text(response)


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_who_may_not_import_is_refused_before_the_file_is_read(rep: SimpleNamespace, client_for: ClientFor,  # noqa: F811
                                                               edge: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was read before the permission check")

    monkeypatch.setattr("apps.core.uploads.detect_kind", refuse)
    monkeypatch.setattr("apps.monitoring.uploads.check_upload", refuse)
    monkeypatch.setattr("apps.monitoring.uploads.detect_format", refuse)
    monkeypatch.setattr("docimport.xlsx.load_workbook", refuse)
    response = EDGES[edge](client_for(rep.world.users.leader), rep, SHEETS[edge](2))
    assert response.status_code == 403
    assert not StagedImport.objects.exists()


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows openpyxl parses (its read-only sheet's row generator), whoever asks for them."""
    read: list[int] = []
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self: ReadOnlyWorksheet, *args: object, **kwargs: object) -> Iterator[object]:
        for row in original(self, *args, **kwargs):
            read.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return read


@pytest.mark.parametrize("edge", ["values page", "values api", "tasks page", "tasks api"])
def test_a_wrong_header_stops_before_the_data_rows(rep: SimpleNamespace, client_for: ClientFor, edge: str,  # noqa: F811
                                                   rows_read: list[int]) -> None:
    wrong = xlsx([["甲", "乙", "丙"], *[[i, i, i] for i in range(300)]])
    response = EDGES[edge](client_for(_importer(rep, edge)), rep, wrong)
    assert "未找到表头" in _text(response)
    assert 0 < len(rows_read) <= 10  # the header window (5 rows for values, 10 for lists), not the 300 below
    assert not Task.objects.filter(title__startswith="任务").exists()


@pytest.mark.parametrize("edge", ["values page", "values api", "tasks page", "tasks api"])
def test_more_rows_than_the_cap_are_refused(rep: SimpleNamespace, client_for: ClientFor, edge: str,  # noqa: F811
                                            rows_read: list[int]) -> None:
    with override_settings(ECOCIV_MAX_IMPORT_ROWS=3):
        response = EDGES[edge](client_for(_importer(rep, edge)), rep, SHEETS[edge](40))
    assert "数据超过 3 行的上限" in _text(response)
    assert len(rows_read) <= 3 + 3  # title, header, three rows and the first row past the cap
    assert not Task.objects.filter(title__startswith="任务").exists()


def test_the_value_sheet_reader_streams_the_header_first() -> None:
    """docimport on its own: the header is checked before the rows are read, and the cap counts data rows."""
    parsed = parse_value_sheet(_value_sheet(4), limits=SheetLimits(max_rows=4))
    assert len(parsed.rows) == 4 and not parsed.errors
    refused = parse_value_sheet(_value_sheet(5), limits=SheetLimits(max_rows=4))
    assert [e.message for e in refused.errors] == ["数据超过 4 行的上限；请拆分后分别导入。"]
    missing = parse_value_sheet(xlsx([[h for h in HEADERS if h != "本期数值"]]))
    assert [e.message for e in missing.errors] == ["缺少列：本期数值。"]


def test_a_monitoring_sheet_past_the_row_cap_is_refused(rep: SimpleNamespace, client_for: ClientFor) -> None:  # noqa: F811
    with override_settings(ECOCIV_MAX_IMPORT_ROWS=3):
        response = EDGES["monitoring api"](client_for(rep.world.users.office), rep, SHEETS["monitoring api"](40))
        fits = EDGES["monitoring api"](client_for(rep.world.users.office), rep, SHEETS["monitoring api"](3))
    assert "数据超过 3 行的上限" in _text(response)
    assert "数据超过" not in _text(fits)
    assert list(StagedImport.objects.order_by("id").values_list("status", "rows")) == [("rejected", 0), ("previewed", 3)]


def test_the_monitoring_reader_reads_one_row_past_the_cap() -> None:
    data = SHEETS["monitoring api"](40)
    assert read_table(data, "xlsx", max_rows=40).height == 40
    assert read_table(data, "xlsx").height == 40
    with pytest.raises(FileUnreadable) as refused:
        read_table(data, "xlsx", max_rows=39)
    assert [e.message for e in refused.value.errors] == ["数据超过 39 行的上限；请拆分后分别导入。"]
