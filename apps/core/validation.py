"""Input checked against the model before any write: the one rule for forms, the API and imports alike.

Each check is derived from the model field that will hold the value, so a limit is stated once (in the model)
and holds the same on SQLite (which would store an over-long text or round a number silently) and PostgreSQL
(which would refuse it with a server error):

- text: at most ``max_length`` characters; no control character (C0, DEL, C1), except tab and line breaks in a
  multi-line field (a ``TextField``), since one such character breaks every xlsx download that shows it;
- decimals: at most ``decimal_places`` digits after the point and ``max_digits`` in all, never rounded away;
- integers: within the column's range (64 bits at most).

Every write passes it: ``check_before_save`` (connected to ``pre_save`` for every model of the project's apps)
checks each saved instance, ``check_instances`` the objects of a ``bulk_create``/``bulk_update``, and imports
name the cell of each refused value with ``row_errors`` before anything is planned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Context, Decimal

from django.db import models

from .errors import DomainError, RowError

#: C0 controls, DEL and C1 controls: never in a single-line text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, less tab, line feed and carriage return: never in a multi-line text.
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: The range of a 64-bit signed integer, the widest integer column of either database.
INT_RANGE = (-(2**63), 2**63 - 1)


def text_error(value: str, *, label: str, max_length: int | None, multiline: bool = False) -> str | None:
    """Why ``value`` may not be stored in a text field, or None."""
    if max_length is not None and len(value) > max_length:
        return f"{label}最多 {max_length} 个字符（现为 {len(value)} 个）。"
    if (CONTROL_MULTILINE if multiline else CONTROL).search(value):
        return f"{label}含有不可见的控制字符，请删除后重试。"
    return None


def decimal_error(value: Decimal, *, label: str, max_digits: int, decimal_places: int) -> str | None:
    """Why ``value`` does not fit a ``DecimalField(max_digits, decimal_places)``, or None (never rounded)."""
    if not value.is_finite():
        return f"{label}不是有效的数值。"
    # 1.50 → (15, -1): trailing zeros are no precision to keep; the context keeps every digit (never rounds)
    normal = value.normalize(Context(prec=max(28, len(value.as_tuple().digits)))).as_tuple()
    exponent = int(normal.exponent)
    if -exponent > decimal_places:
        return f"{label}最多保留 {decimal_places} 位小数。"
    if any(normal.digits) and len(normal.digits) + exponent > max_digits - decimal_places:
        return f"{label}超出允许范围（整数部分最多 {max_digits - decimal_places} 位）。"
    return None


def field_error(field: models.Field[object, object], value: object) -> str | None:
    """Why ``value`` may not be stored in ``field``, or None (types the field does not limit pass)."""
    label = str(field.verbose_name)
    if isinstance(value, str) and isinstance(field, models.CharField | models.TextField):
        return text_error(value, label=label, max_length=field.max_length,
                          multiline=isinstance(field, models.TextField))
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return decimal_error(value, label=label, max_digits=int(field.max_digits or 0),
                             decimal_places=int(field.decimal_places or 0))
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(field, models.IntegerField):
        low, high = INT_RANGE
        if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField) and value < 0:
            return f"{label}不能为负数。"
        if not low <= value <= high:
            return f"{label}超出允许范围。"
    return None


def model_errors(model: type[models.Model], values: Mapping[str, object]) -> dict[str, str]:
    """Field name → why its value may not be stored in ``model`` (only the fields named in ``values``)."""
    errors = {}
    for name, value in values.items():
        error = field_error(model._meta.get_field(name), value)  # type: ignore[arg-type]
        if error is not None:
            errors[name] = error
    return errors


def check_model_values(model: type[models.Model], **values: object) -> None:
    """Raise a ``DomainError`` naming every value that ``model``'s fields cannot hold as given."""
    errors = model_errors(model, values)
    if errors:
        raise DomainError("；".join(errors.values()))


def instance_errors(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, str]:
    """Field name → why the instance's value may not be stored (every concrete field, or only ``fields``)."""
    meta = instance._meta
    chosen = meta.concrete_fields if fields is None else [meta.get_field(name) for name in fields]
    return model_errors(type(instance), {
        field.name: getattr(instance, field.attname) for field in chosen  # type: ignore[union-attr]
        if not field.is_relation and isinstance(field, models.CharField | models.TextField | models.DecimalField
                                                  | models.IntegerField)
    })


def check_instances(instances: Iterable[models.Model], fields: Iterable[str] | None = None) -> None:
    """Raise a ``DomainError`` naming what the first unfit instance cannot hold (before a bulk write)."""
    chosen = None if fields is None else list(fields)
    for instance in instances:
        errors = instance_errors(instance, chosen)
        if errors:
            raise DomainError("；".join(errors.values()))


def check_before_save(sender: type[models.Model], instance: models.Model, raw: bool = False,  # noqa: ARG001
                      update_fields: Iterable[str] | None = None, **_kwargs: object) -> None:
    """The ``pre_save`` guard: no save stores a value its column cannot hold as given (fixtures load as is)."""
    if not raw:
        check_instances([instance], update_fields)


def row_errors(model: type[models.Model], row: int, cells: Mapping[str, tuple[str, object]]) -> list[RowError]:
    """An import row's refused cells: ``cells`` maps each column (as the sheet names it) to (field, value)."""
    return [RowError(row, column, error) for column, (name, value) in cells.items()
            if (error := field_error(model._meta.get_field(name), value)) is not None]  # type: ignore[arg-type]
