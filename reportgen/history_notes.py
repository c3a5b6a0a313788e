"""What ``--history`` says of itself on the terminal beyond the change: an undated export filed under today's
quarter, a snapshot replaced, earlier quarters of the same servers kept under another scope."""

from __future__ import annotations

from pathlib import Path

from .history import History, read_snapshot


def other_scopes(history: History) -> list[str]:
    """The scopes (in words) of snapshots in the folder of the same management servers but another estate
    identity: the same estate audited with other --include/--exclude rules, whose history is kept apart."""
    servers = set(history.current.servers)
    found: set[str] = set()
    folder = Path(history.folder)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        snap, estate, _ = read_snapshot(path)
        if snap is not None and estate and estate != history.estate and servers and set(snap.servers) == servers:
            found.add(snap.scope or "the whole estate")
    return sorted(found)


def history_warnings(history: History) -> list[str]:
    """Warnings for the terminal (without the 'reportgen: warning: ' prefix)."""
    said = []
    period = history.current.period
    if history.undated:
        said.append(f"no export read has an export date (an RVTools CSV folder, say): this audit is filed under "
                    f"{period}, the quarter of the day it ran, not of the export; a later undated run this quarter "
                    "replaces it")
    if history.replaces is not None:
        said.append(f"the {period} snapshot written {history.replaces[:16].replace('T', ' ')} is replaced by this "
                    "audit (one snapshot per estate and quarter)")
    scopes = other_scopes(history)
    if history.change is None and scopes:
        said.append(f"earlier snapshots of these vCenters or Hyper-V clusters exist with another scope "
                    f"({'; '.join(scopes)}): they are kept apart and not compared with this audit's scope "
                    f"({history.current.scope or 'the whole estate'})")
    return said
