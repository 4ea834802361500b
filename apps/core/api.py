"""Pieces of the one API that know no domain: its declared error answers and its input bounds."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest
from ninja.errors import ValidationError
from pydantic import BaseModel

from .validation import CONTROL_MULTILINE, INT_RANGE

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

INT_MIN, INT_MAX = INT_RANGE


def _leaves(value: object, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], object]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _leaves(getattr(value, name, None), (*loc, name))
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            yield from _leaves(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*loc, str(key)))
    else:
        yield loc, value


def _leaf_error(value: object) -> dict[str, str] | None:
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        return {"msg": f"整数须在 {INT_MIN} 与 {INT_MAX} 之间。", "type": "int_range"}
    if isinstance(value, str) and CONTROL_MULTILINE.search(value):
        return {"msg": "含有不可见的控制字符。", "type": "control_character"}
    return None


def checked_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (422) a request whose path, query or body carries an integer no database column can hold, or text
    with a control character (other than tab and line breaks, which a multi-line text may hold).

    Applied by the API to every operation after its input is parsed: SQLite cannot even bind such a number, and
    PostgreSQL refuses it in a write, so without this the same request fails differently on the two databases;
    a control character stored in a name breaks every xlsx download that shows it. Each service still checks
    its values against its model (``apps.core.validation``), which pages and imports share.
    """

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = [
            {"loc": list(loc), **error}
            for name, value in kwargs.items() for loc, leaf in _leaves(value, (name,))
            if (error := _leaf_error(leaf)) is not None
        ]
        if errors:
            raise ValidationError(errors)
        return view(request, *args, **kwargs)

    return checked


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One sentence for a refused request's field errors (the first few, with where each is)."""
    parts = []
    for error in errors[:3]:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload", "query", "path"))
        parts.append(f"{loc}：{error.get('msg', '')}" if loc else str(error.get("msg", "")))
    more = f"等{len(errors)}处" if len(errors) > 3 else ""
    return "请求参数无效：" + "；".join(parts) + more + "。"
