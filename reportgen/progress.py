"""How long-running library calls report progress: a plain callback, no terminal code."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called as ``progress(step, done, total)``; ``total`` is 0 when unknown."""

    def __call__(self, step: str, done: int, total: int) -> None: ...


def silent(step: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""
