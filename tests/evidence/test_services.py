"""evidence_attach: a checked upload becomes a stored file under our own name; it goes with its subject."""

from __future__ import annotations

import dataclasses
import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError
from apps.core.uploads import check_upload
from apps.evidence.models import Evidence
from apps.evidence.services import evidence_attach

from .conftest import PDF


def test_attach_records_the_checked_file(both: SimpleNamespace):
    checked = check_upload(SimpleUploadedFile("../年报.pdf", PDF), allowed={"pdf"})
    evidence = evidence_attach(subject=both.value, upload=checked, actor=both.users.office, note="补充")
    evidence.refresh_from_db()
    assert (evidence.subject, evidence.original_name, evidence.kind, evidence.size, evidence.sha256,
            evidence.note, evidence.uploaded_by) == (both.value, "年报.pdf", "pdf", len(PDF),
                                                     hashlib.sha256(PDF).hexdigest(), "补充", both.users.office)
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert "年报" not in evidence.file.name  # stored under our own name
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF


def test_attach_refuses_other_kinds(both: SimpleNamespace):
    checked = dataclasses.replace(check_upload(SimpleUploadedFile("a.pdf", PDF), allowed={"pdf"}), kind="exe")
    with pytest.raises(DomainError):
        evidence_attach(subject=both.progress, upload=checked, actor=both.users.reporter)


def test_evidence_goes_with_its_subject(both: SimpleNamespace):
    assert Evidence.objects.count() == 2
    both.progress.delete()
    assert list(Evidence.objects.all()) == [both.value_evidence]


@pytest.mark.parametrize("name", ["长" * 1000 + ".pdf", "a" * 1000 + ".x.pdf", "b" * 119 + ".pdf"])
def test_a_long_file_name_keeps_its_extension_and_fits(both: SimpleNamespace, name: str):
    """A 1,000-character name was a server error; the record keeps what fits, the extension included."""
    checked = check_upload(SimpleUploadedFile(name, PDF), allowed={"pdf"})
    evidence = evidence_attach(subject=both.value, upload=checked, actor=both.users.office)
    evidence.refresh_from_db()
    assert len(evidence.original_name) <= Evidence._meta.get_field("original_name").max_length
    stem = name.removesuffix(".pdf")
    assert evidence.original_name.startswith(stem[:50])
    assert evidence.original_name.endswith(".pdf")
