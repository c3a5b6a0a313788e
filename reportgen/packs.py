"""Owner action packs (``--owner-packs DIR``): one short PDF per owner whose guests tie a host.

Each pack is about one owner and names only their guests: the guests that tie a host (today or
once started), the guest clusters they are nodes of, the hosts they block and the patch waves that
need their approval, what their ties cost a year, the fixes that address their guests and what
each would free, and the exceptions they own once accepted. ``owners.csv`` beside the packs
lists every pack for a mail merge. Guests that tie a host without an owner get no pack: the data
quality lists them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from .analysis import Analysis, PinnedGuest
from .cost import Costing
from .host_labels import host_labels
from .report.actions import plan_actions, text_outside_report
from .report.model import Action
from .report.pack_model import Pack, PackAcceptance, PackBrand, PackCluster, PackFix, PackGuest, PackHost

# --- file names ----------------------------------------------------------------------------------

_RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$", *(f"com{i}" for i in "0123456789¹²³"),
                       *(f"lpt{i}" for i in "0123456789¹²³")})
"""Device names Windows will not create a file under, whatever the extension."""
_UNSAFE = re.compile(r"[^\w\-. ]+")
MAX_NAME_BYTES = 96
"""UTF-8 bytes of a pack's name before '.pdf': far below every file system's limit of 255."""


def safe_file_name(owner: str, taken: set[str]) -> str:
    """A file name for the owner's pack, safe on Windows and Linux and unique (case ignored) in ``taken``."""
    text = unicodedata.normalize("NFC", owner)
    text = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else " " for c in text)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"[\s_]+", "_", text).strip("._- ")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    text = text.rstrip("._- ") or "owner"
    if text.split(".")[0].lower() in _RESERVED:
        text = f"owner_{text}"
    name, number = text, 1
    while f"{name}.pdf".lower() in taken or f"{name}.pdf".lower() == "owners.csv":
        number += 1
        name = f"{text}-{number}"
    taken.add(f"{name}.pdf".lower())
    return f"{name}.pdf"


# --- building the packs ----------------------------------------------------------------------------

def _owned(analysis: Analysis) -> dict[str, dict[str, tuple[PinnedGuest, str, str]]]:
    """Owner -> guest key -> (guest, key of the first host it ties, 'today' / 'once started')."""
    owned: dict[str, dict[str, tuple[PinnedGuest, str, str]]] = defaultdict(dict)
    for h in analysis.hosts:
        for guests, when in ((h.blockers, "today"), (h.blockers_at_power_on, "once started")):
            for g in guests:
                if g.owner:
                    owned[g.owner].setdefault(g.key, (g, h.key, when))
    return owned


def _contacts(analysis: Analysis) -> dict[str, tuple[str | None, str | None, str | None]]:
    t = analysis.estate.guests
    contacts: dict[str, tuple[str | None, str | None, str | None]] = {}
    for owner, *contact in zip(t.column("owner").to_pylist(), t.column("owner_email").to_pylist(),
                               t.column("owner_team").to_pylist(), t.column("owner_cost_centre").to_pylist()):
        if owner and (owner not in contacts or not any(contacts[owner])):
            contacts[owner] = (contact[0], contact[1], contact[2])
    return contacts


def build_packs(analysis: Analysis, costing: Costing,
                accepted: Sequence[tuple[str, PackAcceptance]] = (),
                marks: Mapping[str, str] | None = None) -> tuple[Pack, ...]:
    """One pack per owner with a guest that ties a host, by owner name.

    ``accepted``: (owner, acceptance) of the accepted exceptions, each shown in its owner's pack
    (an owner whose only ties are accepted still gets a pack, since accepted ties are still among
    the host's blockers). ``marks``: guest key or guest-cluster id -> its 'accepted until …' mark
    (see :mod:`reportgen.pack_accept`).
    """
    owned = _owned(analysis)
    contacts = _contacts(analysis)
    actions = plan_actions(analysis, costing)
    units = (*costing.units_at_power_on, *costing.units)
    unit_cost = {u.unit: u.annual for u in units}
    unit_hosts = {u.unit: u.hosts for u in units}
    acceptances: dict[str, list[PackAcceptance]] = defaultdict(list)
    for owner, acceptance in accepted:
        acceptances[owner.strip().lower()].append(acceptance)
    taken: set[str] = set()
    packs = []
    for owner in sorted(owned, key=str.lower):
        email, team, centre = contacts.get(owner, (None, None, None))
        pack = _pack(analysis, costing, owner, owned[owner], (email, team, centre), safe_file_name(owner, taken),
                     actions, unit_cost, unit_hosts, marks or {})
        packs.append(replace(pack, acceptances=tuple(acceptances.get(owner.lower(), ()))))
    return tuple(packs)


def _pack(analysis: Analysis, costing: Costing, owner: str, guests: dict[str, tuple[PinnedGuest, str, str]],
          contact: tuple[str | None, str | None, str | None], file_name: str, actions: list[Action],
          unit_cost: dict[str, float], unit_hosts: dict[str, tuple[str, ...]], marks: Mapping[str, str]) -> Pack:
    clusters_by_id = {c.id: c for c in analysis.guest_clusters}
    host_cluster = {h.key: h.cluster for h in analysis.hosts}
    labels = {h.key: h.name for h in analysis.hosts} | host_labels(analysis.estate)
    rows = tuple(PackGuest(g.name, labels.get(host, host), host_cluster.get(host), g.rules,
                           clusters_by_id[g.guest_cluster].name if g.guest_cluster in clusters_by_id else None, when,
                           marks.get(g.key))
                 for g, host, when in sorted(guests.values(), key=lambda v: v[0].name.lower()))
    keys = set(guests)
    clusters = []
    for c in analysis.guest_clusters:
        yours = tuple(g.name for g in c.guests if g.key in keys)
        if yours:
            clusters.append(PackCluster(c.id, c.name, c.topology, c.host_labels or c.hosts, yours, len(c.guests) - len(yours),
                                        unit_cost.get(c.id, 0.0), marks.get(c.id)))
    hosts = []
    for h in analysis.hosts:
        today = [g for g in h.blockers if g.key in keys]
        later = [g for g in h.blockers_at_power_on if g.key in keys]
        mine = today or later
        if mine:
            others = {g.owner or "" for g in (*h.blockers, *h.blockers_at_power_on)} - {owner}
            hosts.append(PackHost(labels.get(h.key, h.name), h.cluster, h.wave + 1 if h.wave >= 0 else None,
                                  tuple(dict.fromkeys(g.name for g in mine)), len(others),
                                  "today" if today else "once started"))
    waves: dict[int, list[str]] = defaultdict(list)
    for host in hosts:
        if host.wave is not None:
            waves[host.wave].append(host.name)
    units = keys | {c.id for c in clusters}
    fixes = tuple(_fix(a, unit_hosts) for a in actions if set(a.unit_ids) & units)
    return Pack(owner, *contact, file_name, rows, tuple(clusters), tuple(hosts),
                tuple((w, tuple(names)) for w, names in sorted(waves.items())),
                costing.per_owner.get(owner, 0.0), fixes)


def _fix(action: Action, unit_hosts: dict[str, tuple[str, ...]]) -> PackFix:
    """The fix, and the hosts it leaves tied by other causes (never the other guests' names)."""
    hosts = dict.fromkeys(h for u in action.unit_ids for h in unit_hosts.get(u, ()))
    return PackFix(text_outside_report(action), action.effort, action.freed, action.annual_saving,
                   tuple(h for h in hosts if h not in action.freed), action.later)


def brand(analysis: Analysis, today: date | None = None, statuses_as_of: date | None = None) -> PackBrand:
    """The configured branding of the report, for every pack, and when the exports it describes were taken."""
    from .logo import read_logo
    from .report.quality import export_dates

    settings = analysis.config.report
    today = today or date.today()
    return PackBrand(settings.title, settings.client, settings.firm, settings.author,
                     read_logo(settings.logo).data_uri() if settings.logo else None, settings.currency,
                     today.isoformat(), export_dates(analysis, today),
                     statuses_as_of.isoformat() if statuses_as_of else None)


# --- owners.csv ----------------------------------------------------------------------------------

CSV_COLUMNS = ("owner", "email", "team", "guests", "guest_clusters", "hosts_blocked", "yearly_cost", "pack")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell a spreadsheet will show as text: one starting like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def owners_csv(packs: tuple[Pack, ...]) -> str:
    """The mail-merge list of the packs: one row per owner (UTF-8 with BOM, which Excel reads as such)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in packs:
        writer.writerow([_cell(v) for v in (p.owner, p.email, p.team, len(p.guests), len(p.clusters),
                                            len(p.hosts), f"{p.annual_cost:.2f}", p.file_name)])
    return "\ufeff" + out.getvalue()


def write_owners_csv(packs: tuple[Pack, ...], target: Path) -> None:
    from .errors import RenderError

    try:
        target.write_text(owners_csv(packs), encoding="utf-8", newline="")
    except OSError as exc:
        raise RenderError(f"cannot write the owners list: {exc.strerror}", where=str(target)) from exc
