"""Row errors of an import: what is wrong where, numbered as the user sees the sheet."""

from __future__ import annotations


class RowError:
    """One problem in one row of an import, numbered as the user sees the sheet."""

    __slots__ = ("row", "column", "message")

    def __init__(self, row: int, column: str, message: str) -> None:
        self.row = row
        self.column = column
        self.message = message

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}
