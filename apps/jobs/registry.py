"""Job functions by name: ``@job("monitoring.check")`` registers a function the runner can call.

A job function takes a :class:`JobContext` and the job's JSON arguments as keywords, and returns a
JSON-serialisable result (or ``None``). It is looked up by name at run time, in whichever process runs it,
so it must be importable there: register it in a module that the app's ``AppConfig.ready`` imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class ReportProgress(Protocol):
    def __call__(self, progress: int, stage: str = "") -> None: ...


@dataclass(frozen=True)
class JobContext:
    """What a running job function gets besides its arguments: its id and the progress callback."""

    job_id: int
    report_progress: ReportProgress


JobFunction = Callable[..., Any]

_REGISTRY: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn`` as the job called ``name`` (one function per name)."""

    def register(fn: JobFunction) -> JobFunction:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not fn and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"Job {name!r} is already registered by {existing.__module__}.{existing.__qualname__}")
        _REGISTRY[name] = fn
        return fn

    return register


def job_function(name: str) -> JobFunction:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"No job is registered as {name!r}.") from None


def registered() -> list[str]:
    return sorted(_REGISTRY)
