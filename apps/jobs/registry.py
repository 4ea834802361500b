"""Job functions by name: ``@job("monitoring.check")`` registers a function the runner can call.

A job function takes a :class:`JobContext` and the job's JSON arguments as keywords, and returns a
JSON-serialisable result (or ``None``). It is looked up by name at run time, in whichever process runs it,
so it must be importable there: register it in a module that the app's ``AppConfig.ready`` imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from apps.core.registry import Registry


class ReportProgress(Protocol):
    def __call__(self, progress: int, stage: str = "") -> None: ...


@dataclass(frozen=True)
class JobContext:
    """What a running job function gets besides its arguments: its id and the progress callback."""

    job_id: int
    report_progress: ReportProgress


JobFunction = Callable[..., Any]

_REGISTRY = Registry[JobFunction]("job")


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn`` as the job called ``name`` (one function per name)."""

    def register(fn: JobFunction) -> JobFunction:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not fn and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"Job {name!r} is already registered by {existing.__module__}.{existing.__qualname__}")
        return _REGISTRY.add(name, fn)

    return register


def job_function(name: str) -> JobFunction:
    return _REGISTRY[name]


def registered() -> list[str]:
    return _REGISTRY.names()
