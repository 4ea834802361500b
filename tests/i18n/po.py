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


def read_po(path: Path) -> list[Entry]:
    """Entries in file order, the header (msgid "") included; raises ValueError on anything unexpected."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: continuation line outside an entry")
            name, index = target
            if name == "msgstr":
                current.msgstr[index or 0] += _string(line, where)
            else:
                setattr(current, name, (getattr(current, name) or "") + _string(line, where))
            continue
        if keyword == "msgctxt":
            if started and target is not None and target[0] == "msgstr":
                finish()
            current.msgctxt, target, started = _string(rest, where), ("msgctxt", None), True
        elif keyword == "msgid":
            if started and target is not None and target[0] == "msgstr":
                finish()
            current.msgid, target, started = _string(rest, where), ("msgid", None), True
        elif keyword == "msgid_plural":
            current.msgid_plural, target = _string(rest, where), ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr[0], target = _string(rest, where), ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            current.msgstr[index], target = _string(rest, where), ("msgstr", index)
        else:
            raise ValueError(f"{where}: unexpected line {raw!r}")
    finish()
    return entries
