"""The standards' tables that ship as CSV package data (``<package>/data/<name>.csv``)."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_csv(package: str, name: str) -> list[dict[str, str]]:
    """Rows of ``<package>/data/<name>``, read as UTF-8 with the csv module's own newline handling."""
    resource = resources.files(package).joinpath("data", name)
    with io.TextIOWrapper(resource.open("rb"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
