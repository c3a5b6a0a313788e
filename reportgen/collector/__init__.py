"""Collector scripts shipped with reportgen, for admins to run where the inventory lives.

``reportgen collector hyperv`` prints :func:`collector_script` so a user can save it and run it
on a Hyper-V host or cluster node (see docs/hyperv.md).
"""

from __future__ import annotations

from importlib import resources

from ..errors import RenderError

SCRIPTS = {"hyperv": "hyperv-collector.ps1"}


def collector_script(kind: str = "hyperv") -> str:
    """The text of a collector script (``hyperv``: the PowerShell inventory collector)."""
    if kind not in SCRIPTS:
        raise ValueError(f"unknown collector {kind!r}; use one of {', '.join(SCRIPTS)}")
    return resources.files(__name__).joinpath(SCRIPTS[kind]).read_text(encoding="utf-8")


def write_collector(path: str, kind: str = "hyperv") -> None:
    """Write a collector script to ``path`` with Windows line endings and a UTF-8 BOM.

    The BOM makes Windows PowerShell 5.1 read the file as UTF-8. Raises RenderError when the
    file cannot be written.
    """
    text = collector_script(kind).replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise RenderError(f"cannot write the collector script: {exc.strerror}", where=path,
                          hint="choose a folder you can write to") from exc
