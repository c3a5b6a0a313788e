"""Where owner packs are written: the folder checked before the audit, each pack and owners.csv staged after it.

Every file goes through :class:`~reportgen.staging.Staging` like the other outputs: a temporary
next to its target, renamed into place only when everything asked for is written. No pack may
replace an input (an export, the owners file, the configuration) or another output: the caller's
``check`` refuses those, as it does for the other outputs before the audit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    check({"--owner-packs": str(place / OWNERS_CSV),
           **{f"--owner-packs {p.file_name}": str(place / p.file_name) for p in packs}})
    staging.make_folder(place)
    staging.write(place / OWNERS_CSV, lambda to: write_owners_csv(packs, to))
    shared = brand(audit.analysis)
    return [(PackModel(shared, p), staging.reserve(place / p.file_name)) for p in packs]
