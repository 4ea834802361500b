"""A command's progress bar on stderr, fed by the same ``(percent, stage)`` callback as a job's progress."""

from __future__ import annotations

from typing import TextIO

from django.core.management.base import OutputWrapper


class ProgressBar:
    """``[#######-------]  45% 逐行检查`` on one terminal line, redrawn in place."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper | TextIO, *, enabled: bool = True) -> None:
        self.stream, self.enabled, self.percent = stream, enabled, 0

    def update(self, percent: int, stage: str) -> None:
        self.percent = max(self.percent, min(100, percent))
        if self.enabled:
            done = self.WIDTH * self.percent // 100
            self.stream.write(f"\r[{'#' * done}{'-' * (self.WIDTH - done)}] {self.percent:3d}% {stage}", ending="")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("")
