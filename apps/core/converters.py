"""The path converter of every id in a page's URL: ``<id:program_id>``.

Like Django's ``int``, but only for numbers a database column can hold (at most 2⁶³ − 1): a longer number does
not match the route, so the page answers 404 before any view or query runs (SQLite cannot even bind it).
"""

from __future__ import annotations

from django.urls import register_converter

from .validation import INT_RANGE


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT_RANGE[1]:
            raise ValueError("beyond a 64-bit id")  # no match: a 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
