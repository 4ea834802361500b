"""Things of one kind found by name: registered once the apps are ready, looked up when they run (the job
functions of :mod:`apps.jobs.registry`, the staged-import kinds of :mod:`apps.staging.registry`)."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # what a thing is called in the refusal of an unknown name, e.g. "job"
        self._by_name: dict[str, T] = {}

    def add(self, name: str, thing: T) -> T:
        self._by_name[name] = thing
        return thing

    def get(self, name: str) -> T | None:
        return self._by_name.get(name)

    def __getitem__(self, name: str) -> T:
        """The thing registered as ``name``; an unknown name is a ``LookupError`` that says so."""
        try:
            return self._by_name[name]
        except KeyError:
            raise LookupError(f"No {self.kind} is registered as {name!r}.") from None

    def names(self) -> list[str]:
        return sorted(self._by_name)
