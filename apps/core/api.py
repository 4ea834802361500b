"""Pieces of the one API that know no domain: its declared error answers and its integer bound."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest
from ninja.errors import ValidationError
from pydantic import BaseModel

#: The error answers every operation declares (each an ``ErrorOut``), with their OpenAPI descriptions.
ERROR_STATUSES = {
    400: "请求被业务规则拒绝",
    401: "未登录",
    403: "无权访问",
    404: "对象不存在或不可见",
    409: "数据已被他人修改（冲突）",
    422: "请求参数无效",
    500: "服务器内部错误",
}

#: The range of a 64-bit signed integer, the widest integer column of either database.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def _integers(value: object, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], int]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _integers(getattr(value, name, None), (*loc, name))
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            yield from _integers(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integers(item, (*loc, str(key)))


def bounded_integers(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (422) a request whose path, query or body carries an integer no database column can hold.

    Applied by the API to every operation after its input is parsed: SQLite cannot even bind such a number, and
    PostgreSQL refuses it in a write, so without this the same request fails differently on the two databases.
    """

    @functools.wraps(view)
    def bounded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = [
            {"loc": list(loc), "msg": f"整数须在 {INT_MIN} 与 {INT_MAX} 之间。", "type": "int_range"}
            for name, value in kwargs.items() for loc, number in _integers(value, (name,))
            if not INT_MIN <= number <= INT_MAX
        ]
        if errors:
            raise ValidationError(errors)
        return view(request, *args, **kwargs)

    return bounded


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One sentence for a refused request's field errors (the first few, with where each is)."""
    parts = []
    for error in errors[:3]:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload", "query", "path"))
        parts.append(f"{loc}：{error.get('msg', '')}" if loc else str(error.get("msg", "")))
    more = f"等{len(errors)}处" if len(errors) > 3 else ""
    return "请求参数无效：" + "；".join(parts) + more + "。"
