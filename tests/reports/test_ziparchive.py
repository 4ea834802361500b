"""The dossier's own zip writer: what zipfile, Info-ZIP's unzip and Java's ZipInputStream read back; ZIP64 records
where sizes, offsets or the entry count need them; no data descriptors."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
import zlib
from typing import IO

import pytest

from apps.reports import ziparchive
from apps.reports.ziparchive import ZipWriter

PAGE = "<p>指标值</p>".encode() * 50
BIG = bytes(range(256)) * 5000


def _build(target: IO[bytes]) -> dict[str, bytes]:
    """A zip of every kind of entry; answers what each name should hold."""
    writer = ZipWriter(target)
    writer.add("index.html", PAGE, compress=1)
    writer.add("指标值/1.html", PAGE)
    writer.add("证据材料/一、生态制度/01 报告.pdf", BIG, crc=zlib.crc32(BIG), fixed_time=True)
    size, crc = writer.add_chunks("证据材料/大文件.pdf", iter([BIG[:1000], BIG[1000:], b""]), fixed_time=True)
    assert (size, crc) == (len(BIG), zlib.crc32(BIG))
    writer.add("manifest.csv", "\ufeff路径".encode(), compress=zlib.Z_DEFAULT_COMPRESSION)
    writer.add("empty", b"")
    writer.close()
    return {"index.html": PAGE, "指标值/1.html": PAGE, "证据材料/一、生态制度/01 报告.pdf": BIG,
            "证据材料/大文件.pdf": BIG, "manifest.csv": "\ufeff路径".encode(), "empty": b""}


def test_zipfile_reads_every_entry_with_its_crc_and_sizes_in_its_header():
    out = io.BytesIO()
    expected = _build(out)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert archive.testzip() is None
    assert archive.namelist() == list(expected)
    assert {name: archive.read(name) for name in expected} == expected
    infos = {info.filename: info for info in archive.infolist()}
    assert not any(info.flag_bits & 0x08 for info in infos.values())  # no data descriptor
    assert infos["index.html"].compress_type == zipfile.ZIP_DEFLATED
    assert infos["证据材料/一、生态制度/01 报告.pdf"].compress_type == zipfile.ZIP_STORED
    assert infos["证据材料/一、生态制度/01 报告.pdf"].date_time == (2000, 1, 1, 0, 0, 0)
    assert infos["指标值/1.html"].flag_bits & 0x800 and not infos["index.html"].flag_bits & 0x800  # UTF-8 names


def test_zip64_records_where_sizes_offsets_and_the_entry_count_need_them(monkeypatch):
    monkeypatch.setattr(ziparchive, "ZIP64_LIMIT", 100)
    monkeypatch.setattr(ziparchive, "COUNT_LIMIT", 3)
    out = io.BytesIO()
    expected = _build(out)
    data = out.getvalue()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # the ZIP64 end record and its locator
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert {name: archive.read(name) for name in expected} == expected


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
def test_unzip_tests_the_archive(tmp_path):
    path = tmp_path / "t.zip"
    with path.open("wb") as out:
        _build(out)
    result = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout


JAVA = """
import java.io.*;
import java.util.zip.*;
public class ReadZip {
    public static void main(String[] args) throws Exception {
        int entries = 0; long bytes = 0;
        try (ZipInputStream in = new ZipInputStream(new FileInputStream(args[0]))) {
            byte[] buffer = new byte[65536];
            for (ZipEntry e; (e = in.getNextEntry()) != null; entries++) {
                for (int n; (n = in.read(buffer)) > 0; ) bytes += n;  // checks each entry's CRC at its end
            }
        }
        System.out.println(entries + " " + bytes);
    }
}
"""


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime")
def test_javas_zip_input_stream_reads_it_as_a_stream(tmp_path):
    path = tmp_path / "t.zip"
    with path.open("wb") as out:
        expected = _build(out)
    source = tmp_path / "ReadZip.java"
    source.write_text(JAVA)
    result = subprocess.run(["java", str(source), str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(len(expected)), str(sum(map(len, expected.values())))]


def test_entries_reserved_and_written_by_position_are_those_written_in_turn(tmp_path, monkeypatch):
    # the pages' and the evidence's entries laid out first, then written by position, headers last (as the
    # dossier's readers and writer do): the same bytes as each written in turn, the streamed one's header included
    monkeypatch.setattr(ziparchive.time, "time", lambda: 1_790_000_000.0)  # the same "now" in both
    in_turn = io.BytesIO()
    _build(in_turn)
    with open(tmp_path / "placed.zip", "w+b") as target:
        writer = ZipWriter(target)
        writer.add("index.html", PAGE, compress=1)
        target.flush()
        placed = [("指标值/1.html", PAGE, False), ("证据材料/一、生态制度/01 报告.pdf", BIG, False),
                  ("证据材料/大文件.pdf", BIG, True)]
        spots = [writer.reserve(name, len(data), fixed_time=name.startswith("证据"), streamed=streamed)
                 for name, data, streamed in placed]
        for (_name, data, _streamed), (entry, data_at) in reversed(list(zip(placed, spots, strict=True))):
            header, at = writer.header(entry, zlib.crc32(data))
            os.pwrite(target.fileno(), data, data_at)
            os.pwrite(target.fileno(), header, at)
            assert at + len(header) == data_at
        target.seek(writer.offset)
        writer.add("manifest.csv", "\ufeff路径".encode(), compress=zlib.Z_DEFAULT_COMPRESSION)
        writer.add("empty", b"")
        writer.close()
        target.seek(0)
        assert target.read() == in_turn.getvalue()
