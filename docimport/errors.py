"""Row errors of an import: what is wrong where, numbered as the user sees the sheet."""

from __future__ import annotations


class RowError:
    """One problem in one row of an import, numbered as the user sees the sheet.

    ``subject`` names what the row is about as the sheet has it (an indicator's code and name, a task's or a
    project's name), so an error can be found without counting rows; "" for a sheet-wide error.
    """

    __slots__ = ("row", "column", "message", "subject")

    def __init__(self, row: int, column: str, message: str, subject: str = "") -> None:
        self.row = row
        self.column = column
        self.message = message
        self.subject = subject

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"（{self.subject}）" if self.subject else "") + (
            f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message, "subject": self.subject}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RowError:
        """A stored error (``as_dict``) again; one stored before subjects were kept has none."""
        return cls(int(str(data["row"])), str(data["column"]), str(data["message"]), str(data.get("subject", "")))


def name_subject(code: str, name: str) -> str:
    """An indicator (or any coded thing) as a row error names it: "code name", either part may be missing."""
    return " ".join(part for part in (code.strip(), name.strip()) if part)


def name_rows(errors: list[RowError], subjects: dict[int, str]) -> list[RowError]:
    """Give each error without a subject the subject of its row (``subjects``: row → subject); returns ``errors``."""
    for error in errors:
        if not error.subject:
            error.subject = subjects.get(error.row, "")
    return errors
