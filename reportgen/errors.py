"""The exceptions reportgen raises. Each also subclasses the matching builtin.

Library code raises these; only the CLI turns them into messages and exit codes.
An error names where the problem is (``where``: file, sheet, row, column) and what to do
about it (``hint``).
"""

from __future__ import annotations

STEERING = frozenset({*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                       *range(0x2066, 0x206A)}) - {0x0A}
"""What a terminal would act on rather than show: C0 and C1 controls (ESC starts a sequence that can retitle the
window or hide text; U+009B does alone) and the marks and overrides that reorder text right to left."""


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\x1b``, ``\\u202e``), for
    messages that quote names, headers or file names read from the client's files."""
    if not any(ord(c) in STEERING for c in text):
        return text
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if ord(c) in STEERING else c
                   for c in text)


class ReportgenError(Exception):
    """Base class of every error reportgen raises on purpose."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return printable(text)


class InputError(ReportgenError, ValueError):
    """An export cannot be read or lacks what the audit needs (CLI exit code 3)."""


class SchemaError(ReportgenError, ValueError):
    """A table does not conform to the canonical estate schema."""


class ConfigError(ReportgenError, ValueError):
    """The audit configuration is invalid (CLI exit code 2)."""


class UsageError(ReportgenError, ValueError):
    """The command asks for something that cannot be done safely, e.g. an output over an input (exit 2)."""


class CoreError(ReportgenError, ValueError):
    """Inputs handed to the compiled core are inconsistent (a bug upstream of the core)."""


class RenderError(ReportgenError, RuntimeError):
    """A report or data file could not be written (CLI exit code 4)."""


def locate(
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> str:
    """Format a location as ``file, sheet vDisk, row 12, column 'Shared Bus'``."""
    parts = []
    if file:
        parts.append(str(file))
    if sheet:
        parts.append(f"sheet {sheet}")
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column '{column}'")
    return ", ".join(parts)
