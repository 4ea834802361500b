"""Plain text and web pages pass the one upload check (by content: UTF-16 with its BOM, or UTF-8 or GB18030 text without NUL bytes,
named .txt, .html or .htm) only where an import allows them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError
from apps.core.uploads import check_upload

PLAN_KINDS = {"docx", "pdf", "txt", "html"}


@pytest.mark.parametrize("name,data,kind", [
    ("方案.txt", "一、总体要求\n".encode(), "txt"),
    ("方案.txt", "\ufeff一、总体要求".encode(), "txt"),  # with a BOM
    ("方案.html", "<html><body><p>一、总体要求</p></body></html>".encode(), "html"),
    ("方案.htm", "<p>一、总体要求</p>".encode(), "html"),
    ("方案.txt", "一、总体要求".encode("gb18030"), "txt"),
    ("方案.txt", "1. 总体要求".encode("utf-16"), "txt"),  # with its BOM, and NUL bytes
])
def test_text_and_html_are_recognised(name: str, data: bytes, kind: str) -> None:
    assert check_upload(SimpleUploadedFile(name, data), allowed=PLAN_KINDS).kind == kind


@pytest.mark.parametrize("name,data,allowed", [
    ("方案.txt", b"\x00\x01\x02", PLAN_KINDS),  # binary
    ("方案.txt", "一、总体要求".encode("gb18030") + b"\xff\xfe\xfa", PLAN_KINDS),  # neither UTF-8 nor GB18030
    ("方案.md", "一、总体要求".encode(), PLAN_KINDS),  # another name
    ("方案.txt", "一、总体要求".encode(), {"xlsx"}),  # an import that takes no text
])
def test_other_bytes_names_or_imports_are_refused(name: str, data: bytes, allowed: set[str]) -> None:
    with pytest.raises(DomainError):
        check_upload(SimpleUploadedFile(name, data), allowed=allowed)
