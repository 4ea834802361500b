"""API schemas shared by the apps: read by attribute, as described in apps/assessment/schemas.py."""

from __future__ import annotations

import dataclasses
import functools
import operator
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any

from django.db import models
from ninja import Schema
from pydantic import create_model
from pydantic.fields import FieldInfo

__all__ = ["ErrorOut", "RowErrorOut", "schema_of"]


class RowErrorOut(Schema):
    """One problem in one row of an import (a :class:`docimport.errors.RowError` or its stored form)."""

    row: int
    column: str
    message: str
    subject: str = ""  # what the row is about as the sheet names it (indicator code and name, task, project)


class ErrorOut(Schema):
    """Every refusal of the API: a message for the user and a stable code for programs (``invalid``, ``not_found``,
    ``permission_denied``, ``conflict``, ``gone``, ``invalid_input``, ``server_error``, …); an import's refusal adds
    its row errors, a request that fails validation its field errors."""

    detail: str
    code: str
    errors: list[dict] | None = None


def _api_type(hint: Any, owner: str, field: str) -> Any:
    """The dataclass's annotation as the API declares it: a ``tuple[X, ...]`` is a list, a mapping a dict.

    A nested dataclass or model has no API shape of its own: the schema must say which schema serves it.
    """
    if dataclasses.is_dataclass(hint) or (isinstance(hint, type) and issubclass(hint, models.Model)):
        raise TypeError(f"{owner}.{field} holds a {hint.__name__}: declare the schema that serves it")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if not args:
        return hint
    converted = tuple(_api_type(arg, owner, field) for arg in args if arg is not Ellipsis)
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, converted)
    if origin is tuple and args[-1] is Ellipsis:
        return list[converted]  # type: ignore[valid-type]
    return {Mapping: dict}.get(origin, origin)[converted]


def schema_of(name: str, source: type, fields: str, /, *, base: type[Schema] = Schema, defaults: bool = False,
              doc: str | None = None, **declared: Any) -> type[Schema]:
    """A response schema ``name`` that reads ``fields`` (space-separated, in API order) of the dataclass ``source``.

    A field may also be one of the dataclass's properties, typed by its getter's return annotation.

    A field is typed as ``source`` annotates it, required, with no description, unless ``declared`` names it: a
    type (a nested schema, say), a ``Field(...)`` (a description; the type stays the dataclass's), or both as
    ``(type, Field(...))`` or ``(type, default)``. ``base`` carries fields that come first and ``resolve_<field>``
    methods for fields shaped by the API. With ``defaults`` (an input schema), a field keeps the dataclass's default.
    ``doc`` is the schema's description in the OpenAPI document.
    """
    source_defaults = {f.name: f.default for f in dataclasses.fields(source)
                       if defaults and f.default is not dataclasses.MISSING}
    hints = typing.get_type_hints(source)
    for klass in source.__mro__:  # a property (its own or inherited) is typed by what its getter returns
        for attr, value in vars(klass).items():
            if isinstance(value, property) and value.fget is not None:
                hints.setdefault(attr, typing.get_type_hints(value.fget).get("return"))
    definitions: dict[str, Any] = {}
    for field in fields.split():
        spec = declared.pop(field, None)
        info: Any = source_defaults.get(field, ...)
        if isinstance(spec, FieldInfo):
            spec, info = None, spec
        elif isinstance(spec, tuple):
            spec, info = spec
        if spec is None and hints.get(field) is None:
            raise TypeError(f"{name}.{field} is not a typed field or property of {source.__name__}: declare its type")
        definitions[field] = (spec if spec is not None else _api_type(hints[field], source.__name__, field), info)
    if declared:
        raise TypeError(f"{name}: {sorted(declared)} are not among its fields")
    module = sys._getframe(1).f_globals["__name__"]  # the schemas module that asks, as for a class statement
    return create_model(name, __base__=base, __doc__=doc, __module__=module, **definitions)  # type: ignore[call-overload,no-any-return]
