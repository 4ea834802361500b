"""``xlsx_response`` / ``docx_response``: one content type, a Chinese name per RFC 5987, no sniffing, no caching."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from apps.core.downloads import DOCX, XLSX, docx_response, xlsx_response


def assert_private_download(response, name: str, fallback: str) -> None:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert f'filename="{fallback}"' in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_docx_response_headers() -> None:
    response = docx_response(b"PK-docx", "2026年度考核报告.docx")
    assert response["Content-Type"] == DOCX
    assert response.content == b"PK-docx"
    assert_private_download(response, "2026年度考核报告.docx", "download.docx")


def test_ascii_name_is_its_own_fallback() -> None:
    response = xlsx_response(b"x", "tasks-1.xlsx")
    assert_private_download(response, "tasks-1.xlsx", "tasks-1.xlsx")


@pytest.mark.usefixtures("plan")
def test_task_sheet_page_has_chinese_name(world, client_for):
    response = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert_private_download(response, f"{world.program.name}任务清单.xlsx", "download.xlsx")
