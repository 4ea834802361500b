"""The English catalogue is complete, has no fuzzy entries, and the committed .mo is compiled from the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from .po import Entry, read_po

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [e for e in read_po(PO) if not e.obsolete]


def test_every_entry_translated_and_not_fuzzy(entries: list[Entry]) -> None:
    header, *messages = entries
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert len(messages) > 300
    untranslated = [e.msgid for e in messages if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals and all(sorted(e.msgstr) == [0, 1] for e in plurals)


def test_no_obsolete_entries():
    assert not any(e.obsolete for e in read_po(PO))


def test_translations_are_english(entries: list[Entry]) -> None:
    """Every msgid is Chinese (the source language) and its msgstr is not, apart from literal target syntax."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    chinese_text_or_punctuation = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    for entry in entries[1:]:
        assert chinese_text_or_punctuation.search(entry.msgid), entry.msgid
        for text in entry.msgstr.values():
            # Chinese may remain only where it is literal syntax the user types (qual:建立) or a quoted source
            # spelling (numbering （一）/一、, the unit separator 「、」)
            stripped = text.replace("qual:建立", "").replace("(一)/一、", "").replace("“、”", "")
            assert not cjk.search(stripped), (entry.msgid, text)


def test_mo_holds_exactly_the_po_entries(entries: list[Entry]) -> None:
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled = dict(catalogue._catalog)
    # msgfmt rewrites the header (it drops POT-Creation-Date); what matters from it is read back here
    del compiled[""]
    assert catalogue.info()["language"] == "en" and catalogue.charset().lower() == "utf-8"
    assert catalogue.ngettext("%(n)s", "%(n)s", 1) == "%(n)s"  # the plural formula was read
    expected: dict[object, str] = {}
    for entry in entries[1:]:
        if entry.msgid_plural is not None:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
        else:
            expected[entry.key] = entry.msgstr[0]
    assert compiled == expected


def test_placeholders_match(entries: list[Entry]) -> None:
    placeholder = re.compile(r"%\((\w+)\)s|%%")
    for entry in entries[1:]:
        wanted = sorted(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            assert sorted(placeholder.findall(text)) == wanted, (entry.msgid, text)
