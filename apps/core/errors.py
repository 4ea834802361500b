"""Domain errors raised by services; one handler per edge (views, API) maps them to responses."""


class DomainError(Exception):
    """A request that the rules of the domain refuse; the message is shown to the user."""

    status_code = 400


class PermissionDeniedError(DomainError):
    status_code = 403


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    """Someone else changed the object meanwhile (optimistic locking)."""

    status_code = 409


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


class ImportRejected(DomainError):
    """An import with at least one bad row; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"导入未执行：{len(errors)}处错误，未写入任何数据。")
