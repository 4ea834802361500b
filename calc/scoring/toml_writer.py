"""A small TOML writer for plain data: tables, arrays of tables, strings, integers, decimals, booleans and lists.

The standard library reads TOML (:mod:`tomllib`) but does not write it. Read back with
``tomllib.loads(text, parse_float=Decimal)``, the output gives the same data: a ``Decimal`` is written as a TOML
float in plain notation (``0.25``), or as an integer when it is one (``3``), and read back as an equal
``Decimal`` (the reader turns integers into ``Decimal`` where it expects a number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

__all__ = ["dumps", "inline"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

Value = str | int | Decimal | bool | Sequence["Value"] | Mapping[str, "Value"]


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _string(text: str) -> str:
    # JSON's escapes are TOML's basic-string escapes; TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"TOML cannot hold {value}")
    text = format(value.normalize(), "f")
    return text  # an integral decimal is written as an integer and read back as an equal Decimal


def _scalar(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_scalar(v) for v in value) + "]"


def _is_table_array(value: Value) -> bool:
    return (isinstance(value, Sequence) and not isinstance(value, str) and bool(value)
            and all(isinstance(v, Mapping) for v in value))


def _table(lines: list[str], path: tuple[str, ...], data: Mapping[str, Value], header: str | None) -> None:
    if header is not None:
        if lines:
            lines.append("")
        lines.append(header)
    for name, value in data.items():
        if not isinstance(value, Mapping) and not _is_table_array(value):
            lines.append(f"{_key(name)} = {_scalar(value)}")
    for name, value in data.items():
        sub = (*path, name)
        dotted = ".".join(_key(part) for part in sub)
        if isinstance(value, Mapping):
            _table(lines, sub, value, f"[{dotted}]")
        elif _is_table_array(value):
            assert isinstance(value, Sequence)
            for entry in value:
                assert isinstance(entry, Mapping)
                _table(lines, sub, entry, f"[[{dotted}]]")


def dumps(data: Mapping[str, Value], *, preamble: str = "") -> str:
    """``data`` as a TOML document; ``preamble`` (comment lines without ``#``) goes first."""
    printable = "".join(c if c.isprintable() or c in "\n\t" else " " for c in preamble)
    lines = [f"# {line}".rstrip() for line in printable.splitlines()]
    _table(lines, (), data, None)
    return "\n".join(lines) + "\n"


def inline(data: Mapping[str, Value]) -> str:
    """``data`` as the body of a TOML inline table (``key = "air.pm25", per = 1``): one cell of a scheme sheet;
    ``tomllib.loads("t = {" + text + "}")["t"]`` reads it back."""
    return ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in data.items())
