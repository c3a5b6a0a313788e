"""Exit codes of the ``reportgen`` command (a contract: scripts test them)."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    """Findings at or above ``--fail-on``."""
    USAGE = 2
    """Bad command line or configuration."""
    INPUT = 3
    """An export is unreadable or lacks what the audit needs."""
    OUTPUT = 4
    """A report or data file could not be written."""
    UNPROVEN = 5
    """check: no tie found on the hosts named, but some checks could not run on their exports."""
    INTERNAL = 70
    """A bug in reportgen; rerun with --debug and report the traceback."""
    INTERRUPTED = 130
