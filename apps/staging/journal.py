"""The write journal of a bounded commit: what each chunk writes is kept with it, so the import can be undone.

A kind that commits in chunks (:func:`apps.staging.services.staged_import_write_chunks`) writes through a
:class:`Journal`: ``create`` (``bulk_create``), ``update`` (``bulk_update``) and ``delete`` record, in the chunk's
own transaction, the keys of the rows created, the fields of the rows updated before and after, and the rows
deleted (:class:`apps.staging.models.StagedWrite`, one row per chunk, table and action). Before it updates or
deletes, a chunk checks under lock that the rows are still what the import's plan saw (optimistic locking: a
row changed by someone else since the preview's re-check is a :class:`ChunkConflict`, and nothing of the chunk
is written).

:func:`journal_undo` (a kind's ``compensate``) undoes every chunk in one transaction: the updated fields go back
(a field someone changed since the chunk keeps their change), the created rows are deleted, the deleted rows
are inserted again. The values import keeps its own, equivalent record (its revisions carry the import's id).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction

from apps.core.errors import DomainError

from .models import StagedImport, StagedWrite, WriteAction
from .services import staged_import_write_chunks

M = TypeVar("M", bound=models.Model)

#: Keys per ``pk__in`` query: well below every backend's limit on query parameters.
BATCH = 2000

Image = dict[str, Any]


class ChunkConflict(DomainError):
    """A row the import is about to change was changed by someone else since the commit checked its plan."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(f"写入过程中，{model._meta.verbose_name}已被他人修改，已撤销本次导入写入的部分，未写入任何数据。"
                         "请重新确认（将按当前数据重新预览）。")


def _json(value: object) -> object:
    if isinstance(value, dt.date | dt.time):  # datetimes too, with their microseconds and zone
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def row_image(obj: models.Model, fields: Iterable[str] | None = None) -> Image:
    """``attname → value`` (JSON) of ``fields`` (names or attnames; every concrete field when None)."""
    meta = obj._meta
    chosen = meta.concrete_fields if fields is None else [meta.get_field(name) for name in fields]
    return {field.attname: _json(field.value_from_object(obj)) for field in chosen}


def _same(model: type[models.Model], attname: str, a: object, b: object) -> bool:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return bool(field.to_python(a) == field.to_python(b))


def _same_image(model: type[models.Model], a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a.keys() == b.keys() and all(_same(model, name, a[name], b[name]) for name in a)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _batches(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(keys), BATCH):
        yield keys[start:start + BATCH]


def _images(model: type[models.Model], keys: Sequence[Any], attnames: Sequence[str]) -> dict[Any, Image]:
    """The stored rows ``keys`` as images of ``attnames`` (and the pk), read under lock."""
    pk = model._meta.pk.attname
    found: dict[Any, Image] = {}
    for batch in _batches(keys):
        rows = model._default_manager.select_for_update().filter(pk__in=batch).values(pk, *attnames)
        found.update((row[pk], {name: _json(row[name]) for name in attnames}) for row in rows)
    return found


class Journal:
    """Writes one chunk's rows in bulk and records them for :func:`journal_undo`; ``staged=None`` writes
    without a record (a whole import in one transaction, where a raise undoes everything)."""

    def __init__(self, staged: StagedImport | None) -> None:
        self.staged = staged

    def _record(self, model: type[models.Model], action: str, rows: list[Any]) -> None:
        if self.staged is not None and rows:
            StagedWrite.objects.create(staged_import=self.staged, model=_label(model), action=action, rows=rows)

    def create(self, objs: Sequence[M]) -> Sequence[M]:
        """``bulk_create`` (the keys come back on both backends) and record the new keys; a unique key taken
        by someone else meanwhile is a :class:`ChunkConflict`."""
        if not objs:
            return objs
        model = type(objs[0])
        try:
            with transaction.atomic():  # a savepoint, so PostgreSQL's transaction stays usable to raise from
                model._default_manager.bulk_create(objs)
        except IntegrityError as exc:  # someone created one of these rows (a unique key) since the plan
            raise ChunkConflict(model) from exc
        self._record(model, WriteAction.CREATED, [obj.pk for obj in objs])
        return objs

    def update(self, objs: Sequence[M], fields: Sequence[str], expected: Mapping[Any, Image]) -> None:
        """``bulk_update`` ``fields`` of ``objs``, each of which must still hold ``expected[pk]`` (its image,
        :func:`row_image`, when the plan was made: the fields it then had); records before and after."""
        if not objs:
            return
        model = type(objs[0])
        names = [model._meta.get_field(name).attname for name in fields]
        checked = sorted({name for obj in objs for name in expected[obj.pk]} | set(names))
        stored = _images(model, [obj.pk for obj in objs], checked)
        for obj in objs:
            now = stored.get(obj.pk)
            if now is None or not _same_image(model, {n: now[n] for n in expected[obj.pk]}, expected[obj.pk]):
                raise ChunkConflict(model)
        model._default_manager.bulk_update(objs, list(fields))
        self._record(model, WriteAction.UPDATED, [
            [obj.pk, {n: stored[obj.pk][n] for n in names}, row_image(obj, names)] for obj in objs])

    def delete(self, rows: models.QuerySet[M], expected: Iterable[Image]) -> None:
        """Delete ``rows``, which must be exactly the rows of ``expected`` (whole-row images when the plan was
        made: none added, removed or changed since); records them whole."""
        model = rows.model
        attnames = [field.attname for field in model._meta.concrete_fields]
        pk = model._meta.pk.attname
        now = [{name: _json(value) for name, value in row.items()}
               for row in rows.select_for_update().order_by(pk).values(*attnames)]
        wanted = sorted(expected, key=lambda image: image[pk])
        if len(now) != len(wanted) or not all(_same_image(model, a, b) for a, b in zip(now, wanted, strict=True)):
            raise ChunkConflict(model)
        if now:
            model._default_manager.filter(pk__in=[row[pk] for row in now]).delete()
        self._record(model, WriteAction.DELETED, now)


def journal_undo(staged: StagedImport) -> None:
    """Undo every chunk the import wrote (a kind's ``compensate``; the caller holds one transaction).

    In this order, so no constraint is broken on the way: the updated fields get back their values (a field
    whose value is no longer the one the import wrote was saved since by someone else, and keeps that save), the
    created rows are deleted (the latest first), and the deleted rows are inserted again with their keys (a
    row someone has added back since, by key or unique constraint, stays as it is).
    """
    writes = list(StagedWrite.objects.filter(staged_import=staged).order_by("id"))
    for write in reversed(writes):
        if write.action == WriteAction.UPDATED:
            _undo_update(apps.get_model(write.model), write.rows)
    for write in reversed(writes):
        if write.action == WriteAction.CREATED:
            model = apps.get_model(write.model)
            for batch in _batches(write.rows):
                model._default_manager.filter(pk__in=batch).delete()
    for write in writes:
        if write.action == WriteAction.DELETED:
            model = apps.get_model(write.model)
            restored = [model(**{name: _python(model, name, value) for name, value in row.items()})
                        for row in write.rows]
            model._default_manager.bulk_create(restored, ignore_conflicts=True)


def _python(model: type[models.Model], attname: str, value: object) -> object:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return field.to_python(value)


def _undo_update(model: type[models.Model], rows: list[list[Any]]) -> None:
    names = sorted({name for _, before, _ in rows for name in before})
    current = _images(model, [pk for pk, _, _ in rows], names)
    restored: dict[Any, models.Model] = {}
    for pk, before, after in rows:
        now = current.get(pk)
        if now is None:  # deleted since: nothing to give back
            continue
        obj = restored.setdefault(pk, model(pk=pk, **{n: _python(model, n, now[n]) for n in names}))
        for name, value in before.items():
            if _same(model, name, now[name], after[name]):
                setattr(obj, name, _python(model, name, value))
    if restored:
        model._default_manager.bulk_update(list(restored.values()), names)


T = TypeVar("T")


def journaled_write(staged: StagedImport | None, items: Sequence[T], write: Callable[[Any, Journal], None],
                    prepare: Callable[[Sequence[T]], Any] | None = None) -> None:
    """Write ``items`` with ``write(chunk, journal)``: for a staged import, in the bounded transactions of
    :func:`apps.staging.services.staged_import_write_chunks` (``prepare(chunk)``, if given, before each chunk's
    transaction, and ``write`` gets what it returns), each chunk journaled (undone by :func:`journal_undo`);
    without one (a service called directly), all in one transaction."""
    journal = Journal(staged)
    if staged is None:
        with transaction.atomic():
            write(items if prepare is None else prepare(items), journal)
        return
    staged_import_write_chunks(staged, items, lambda chunk: write(chunk, journal), prepare)
