"""A small, strict reader for the GNU gettext .po files we write (no dependency on polib or babel)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry; 0..n-1 for plurals
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The key under which the .mo stores this entry (context EOT msgid)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _string(text: str, where: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    return ast.literal_eval(text)  # PO strings use C escapes that Python's literal syntax reads the same way


class _Reader:
    """Reads .po lines one by one into entries; ``target`` is the string a continuation line extends."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.current = Entry()
        self.target: tuple[str, int | None] | None = None
        self.started = False

    def finish(self) -> None:
        if self.started:
            self.entries.append(self.current)
        self.current, self.started, self.target = Entry(), False, None

    def finish_after_msgstr(self) -> None:
        """A comment, msgctxt or msgid after a msgstr starts the next entry."""
        if self.started and self.target is not None and self.target[0] == "msgstr":
            self.finish()

    def line(self, raw: str, where: str) -> None:
        line = raw.strip()
        if not line:
            self.finish()
        elif line.startswith("#~"):
            self.current.obsolete = True
        elif line.startswith("#,"):
            if self.started:
                self.finish()
            self.current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            self.finish_after_msgstr()
        elif line.startswith('"'):
            self.continuation(line, where)
        else:
            self.keyword(line, raw, where)

    def continuation(self, line: str, where: str) -> None:
        if self.target is None:
            raise ValueError(f"{where}: continuation line outside an entry")
        name, index = self.target
        if name == "msgstr":
            self.current.msgstr[index or 0] += _string(line, where)
        else:
            setattr(self.current, name, (getattr(self.current, name) or "") + _string(line, where))

    def keyword(self, line: str, raw: str, where: str) -> None:
        keyword, _, rest = line.partition(" ")
        current = self.current
        if keyword == "msgctxt":
            self.finish_after_msgstr()
            current = self.current
            current.msgctxt, self.target, self.started = _string(rest, where), ("msgctxt", None), True
        elif keyword == "msgid":
            self.finish_after_msgstr()
            current = self.current
            current.msgid, self.target, self.started = _string(rest, where), ("msgid", None), True
        elif keyword == "msgid_plural":
            current.msgid_plural, self.target = _string(rest, where), ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr[0], self.target = _string(rest, where), ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            current.msgstr[index], self.target = _string(rest, where), ("msgstr", index)
        else:
            raise ValueError(f"{where}: unexpected line {raw!r}")


def read_po(path: Path) -> list[Entry]:
    """Entries in file order, the header (msgid "") included; raises ValueError on anything unexpected."""
    reader = _Reader()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        reader.line(raw, f"{path.name}:{number}")
    reader.finish()
    return reader.entries
