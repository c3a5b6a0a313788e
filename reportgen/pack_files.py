"""Where owner packs are written: the folder checked before the audit, each pack and owners.csv staged after it.

Every file goes through :class:`~reportgen.staging.Staging` like the other outputs: a temporary
next to its target, renamed into place only when everything asked for is written. No pack may
replace an input (an export, the owners file, the configuration) or another output: the caller's
``check`` refuses those, as it does for the other outputs before the audit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .audit import Audit
from .errors import RenderError, UsageError
from .pack_accept import accepted_marks, pack_acceptances
from .packs import brand, build_packs, write_owners_csv
from .render.worker import Job
from .report.pack_model import PackModel
from .staging import Staging

OWNERS_CSV = "owners.csv"


def check_pack_folder(folder: str) -> None:
    """UsageError unless ``folder`` is a folder or can be made in one that exists (RenderError)."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise UsageError("--owner-packs must name a folder", where=folder, hint="give a folder for the packs")
    if not path.exists() and not path.resolve().parent.is_dir():
        raise RenderError("the folder above it does not exist", where=folder, hint="create it first")


def stage_packs(audit: Audit, folder: str, staging: Staging,
                check: Callable[[Mapping[str, str | None]], None]) -> list[Job]:
    """Plan every owner's pack, write owners.csv to a temporary, and return the packs as PDF jobs."""
    judged = audit.acceptance
    packs = build_packs(audit.analysis, audit.costing, accepted=pack_acceptances(judged) if judged else (),
                        marks=accepted_marks(judged) if judged else None)
    place = Path(folder)
    check({"--owner-packs": str(place / OWNERS_CSV), "--owner-packs record": str(place / RECORD),
           **{f"--owner-packs {p.file_name}": str(place / p.file_name) for p in packs}})
    staging.make_folder(place)
    staging.write(place / OWNERS_CSV, lambda to: write_owners_csv(packs, to))
    shared = brand(audit.analysis, statuses_as_of=judged.as_of if judged else None)
    return [(PackModel(shared, p), staging.reserve(place / p.file_name)) for p in packs]


RECORD = ".reportgen-packs.json"
"""In the packs folder: the SHA-256 of each pack reportgen wrote there, so that a later run removes the
packs of owners no longer present only when nobody has changed them since."""


@dataclass(frozen=True)
class PackCleanup:
    """Packs of owners no longer present: unchanged ones to remove once the run succeeded, changed ones kept."""

    remove: tuple[Path, ...] = ()
    changed: tuple[Path, ...] = ()


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _record(place: Path) -> dict[str, str]:
    """The previous run's record (nothing when there is none or it cannot be read: nothing is removed)."""
    try:
        data = json.loads((place / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    packs = data.get("packs") if isinstance(data, dict) else None
    if not isinstance(packs, dict):
        return {}
    return {k: v for k, v in packs.items() if isinstance(k, str) and isinstance(v, str)
            and k == Path(k).name and k.lower().endswith(".pdf")}


def record_packs(folder: str, jobs: list[Job], staging: Staging) -> PackCleanup:
    """Stage the record of the packs just written (their temporaries are complete) and plan the cleanup."""
    place = Path(folder)
    written = {}
    for model, temporary in jobs:
        assert isinstance(model, PackModel)
        written[model.pack.file_name] = _sha256(temporary) or ""
    staging.write(place / RECORD, lambda to: to.write_text(json.dumps({"packs": written}, indent=1) + "\n",
                                                          encoding="utf-8"))
    remove: list[Path] = []
    changed: list[Path] = []
    taken = {name.lower() for name in written}
    for name, digest in sorted(_record(place).items()):
        path = place / name
        if name.lower() in taken or not path.is_file() or path.is_symlink():
            continue
        (remove if _sha256(path) == digest else changed).append(path)
    return PackCleanup(tuple(remove), tuple(changed))


def remove_old_packs(cleanup: PackCleanup) -> list[str]:
    """Remove the unchanged packs of owners no longer present; what could not be removed, in words."""
    problems = []
    for path in cleanup.remove:
        try:
            path.unlink()
        except OSError as exc:
            problems.append(f"{path}: the pack of an owner no longer present could not be removed: {exc.strerror}")
    return problems
