"""What the ``report`` and ``dossier`` commands share: the program and county named on the command line, and
the progress bar that turns a domain error into the command's error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError

from apps.core.errors import DomainError
from apps.core.progress import ProgressBar
from apps.geo.models import Region
from apps.programs.models import Program


def program_of(program_id: int) -> Program:
    program = Program.objects.select_related("region", "framework").filter(pk=program_id).first()
    if program is None:
        raise CommandError(f"创建工作 {program_id} 不存在。")
    return program


def county_of(program: Program, text: str) -> Region:
    """A county of the program by its code or its name."""
    counties = Region.objects.filter(path__startswith=program.region.path, level="county")
    region = counties.filter(code=text).first() or counties.filter(name=text).first()
    if region is None:
        raise CommandError(f"本创建工作没有县区“{text}”。")
    return region


@contextmanager
def progress_bar(stream: Any, options: dict[str, Any]) -> Iterator[ProgressBar]:
    bar = ProgressBar(stream, enabled=options.get("verbosity", 1) > 0)
    try:
        yield bar
    except DomainError as exc:
        raise CommandError(str(exc)) from exc
    else:
        bar.update(100, "完成")
    finally:
        bar.close()
