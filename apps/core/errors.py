"""Domain errors raised by services; one handler per edge (views, API) maps them to responses."""

from typing import TypeVar

from docimport.errors import RowError

__all__ = ["ConflictError", "DomainError", "GoneError", "ImportRejected", "NotFoundError", "PermissionDeniedError",
           "RowError", "found"]


class DomainError(Exception):
    """A request that the rules of the domain refuse; the message is shown to the user.

    ``status_code`` and ``code`` are what the API answers (``{"detail": message, "code": code}``).
    """

    status_code, code = 400, "invalid"


class PermissionDeniedError(DomainError):
    status_code, code = 403, "permission_denied"


class NotFoundError(DomainError):
    status_code, code = 404, "not_found"


class GoneError(DomainError):
    """The object exists but what it stands for is no longer there (an evidence record whose file is missing)."""

    status_code, code = 410, "gone"


class ConflictError(DomainError):
    """Someone else changed the object meanwhile (optimistic locking)."""

    status_code, code = 409, "conflict"


class ImportRejected(DomainError):
    """An import with at least one bad row; nothing was written. The row errors are kept in row order (the
    one place every import's errors pass), a sheet-wide error (row 0) first."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(f"导入未执行：{len(errors)}处错误，未写入任何数据。")


T = TypeVar("T")


def found(value: T | None, message: str) -> T:
    """``value``, or a 404 with ``message`` when it is ``None``: the fetch of every ``access_*`` function
    (``Model.objects.filter(scope, pk=…).first()``), so that an object outside the scope is "not found"."""
    if value is None:
        raise NotFoundError(message)
    return value
