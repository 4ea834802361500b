"""Domain errors raised by services; one handler per edge (views, API) maps them to responses."""

from docimport.errors import RowError

__all__ = ["ConflictError", "DomainError", "ImportRejected", "NotFoundError", "PermissionDeniedError", "RowError"]


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


class ImportRejected(DomainError):
    """An import with at least one bad row; nothing was written. The row errors are kept in row order (the
    one place every import's errors pass), a sheet-wide error (row 0) first."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(f"导入未执行：{len(errors)}处错误，未写入任何数据。")
