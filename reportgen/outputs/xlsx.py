"""The workbook for admins (``--xlsx``): every list the PDF summarises, in full.

Written from the findings JSON document, so that the workbook and the JSON always agree row
for row: one sheet per list, one kind of row per sheet (each cost sheet sums to the yearly total),
a frozen header row and an autofilter on each; money columns name the currency in their header. Waves are
numbered from 1 as in the PDF (the JSON's ``wave`` is the 0-based index into ``waves``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..accept_match import Judgement
from ..analysis import Analysis
from ..cost import Costing
from ..errors import RenderError
from ..media import media_only
from ..report.actions import plan_actions, shared_cost
from ..report.formats import money
from ..report.model import Action
from ..rules import CATALOGUE
from .findings_json import findings_document

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "CHF": "CHF ", "JPY": "¥"}
MAX_CELL = 32_000
"""Excel holds at most 32,767 characters in a cell."""


@dataclass(frozen=True)
class Money:
    """A money column: its header names the currency and its cells are formatted as amounts."""
    label: str
    width: float


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[tuple[str, float] | Money, ...]
    """(header, width in characters), or a money column."""
    rows: Callable[[dict[str, Any]], Iterable[Sequence[object]]]

    def headers(self, currency: str) -> list[str]:
        return [f"{c.label} ({currency})" if isinstance(c, Money) else c[0] for c in self.columns]


def _join(items: Iterable[object]) -> str:
    text = ", ".join(str(x) for x in items if x is not None)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 12] + " … (cut)"


def _names(guests: Iterable[dict[str, Any]]) -> str:
    return _join(g["name"] for g in guests)


SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
"""Sorts severities by weight, not alphabetically (4 = critical)."""


def _findings(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for f in doc["findings"]:
        guest = f["guest"] or {}
        source = f.get("source") or {}
        yield (f["rule"], f.get("title"), f["severity"], SEVERITY_RANK.get(f["severity"]), f.get("timing"),
               guest.get("name"), guest.get("key"), f.get("host_label") or f["host"], f.get("cluster"), f.get("faux_cluster"),
               f.get("owner"), _join(f.get("effects", [])), f["evidence"], source.get("file"), source.get("tab"),
               source.get("rows"), f["remediation"], _accepted(f.get("accepted")))


def _clusters(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    """The guest clusters as the report counts them: proven by shared disks (the suspected ones have a sheet)."""
    cost = doc["cost"]["per_faux_cluster"]
    later = doc["cost"].get("per_faux_cluster_at_power_on", {})
    for c in doc["faux_clusters"]:
        if not c["suspected"]:
            yield (c["id"], c["name"], c["topology"], len(c["guests"]), c.get("running_members"),
                   _names(c["guests"]), _join(c.get("host_labels") or c["hosts"]), _join(c.get("clusters", [])),
                   _join(c["rules"]), cost.get(c["id"], 0.0), later.get(c["id"], 0.0), _accepted(c.get("accepted")))


def _suspected(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    """Groups that look like a guest cluster by names or networks, with no shared disk to prove it."""
    why: dict[str, str] = {}
    for f in doc["findings"]:
        if f.get("suspected") and f["rule"] == "GEN-01" and f["guest"]:
            why.setdefault(f["guest"]["key"], f["evidence"])
    for c in doc["faux_clusters"]:
        if c["suspected"]:
            reason = next((why[g["key"]] for g in c["guests"] if g["key"] in why), None)
            yield (c["id"], c["name"], c["topology"], len(c["guests"]), c.get("running_members"),
                   _names(c["guests"]), _join(c.get("host_labels") or c["hosts"]), _join(c.get("clusters", [])),
                   _join(c["rules"]), reason)


def _clusters_note(doc: dict[str, Any]) -> str:
    """For the About sheet: what the two guest-cluster sheets count, as the report counts it."""
    estate = doc["estate"]
    proven, suspected = estate["guest_clusters"], estate["suspected_guest_clusters"]
    text = f"{proven} guest cluster{'' if proven == 1 else 's'} on shared disks (sheet 'Guest clusters'), as the report counts them"
    if suspected:
        text += (f"; {suspected} further group{'' if suspected == 1 else 's'} of guests only suspected by names or "
                 "networks, no shared disk proving it (sheet 'Suspected clusters'), not counted as guest clusters")
    return text + "."


def _accepted(accepted: dict[str, Any] | None) -> str | None:
    """'#2 DBA team, approved by CAB, until 2027-03-31' (the Exceptions sheet has the rest)."""
    if not accepted:
        return None
    return (f"#{accepted.get('entry')} {accepted['owner']}, approved by {accepted['approved_by']}, "
            f"until {accepted['expires']}")


def _exceptions(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for a in doc.get("acceptances", []):
        renamed = _join(f"{r['old']} → {r['new']}" for r in a["renamed"])
        both = a.get("ambiguous") or []
        status = a["status"] if not both else (  # it accepts none of what its names fit
            f"{a['status']}; ambiguous: fits {_join(both)} (different vCenters): "
            f"accepts {'neither' if len(both) == 2 else 'none of them'} until a vcenter key says which")
        status = "; ".join((status, *a.get("why", ())))
        yield (a["entry"], a["line"], a["what"], status, a["expires"], a["owner"], a["approved_by"],
               a["reason"], a["ticket"], a["matched_findings"], a["matched_guest_clusters"], renamed or None,
               a["annual_cost"])


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _shared_disks(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for c in doc["faux_clusters"]:
        for d in c.get("disk_owner", []):
            owner = d["owner"] or {}
            yield (c["id"], c["name"], d["disk"], d.get("datastore"), owner.get("name") or "unknown", owner.get("key"),
                   d["owner_basis"], _yes_no(d["boot"]), d.get("controller"), d.get("unit"), _names(d["guests"]))


def _node_order(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for c in doc["faux_clusters"]:
        for s in c.get("order", []):
            yield (c["id"], c["name"], s["move"], s["power_off"], s["name"], s["key"], s["owns"],
                   _yes_no(s["can_move"]), "yes" if c.get("order_complete", True) else "no")


def _wave(value: int | None) -> int | None:
    return value + 1 if value is not None and value >= 0 else None


def _emptied(doc: dict[str, Any]) -> Callable[[dict[str, Any]], str]:
    """'Can be emptied' of a host: 'yes' only when every check ran on its export, else what was not run.

    A host with no tie found on an export where checks could not run is not known to be free.
    """
    not_run: dict[str | None, set[str]] = {}
    for c in doc["coverage"]:
        if c["status"] == "not-assessed":
            not_run.setdefault(c.get("source"), set()).add(c["rule"])

    def says(h: dict[str, Any]) -> str:
        today = h.get("pinned_guests", [])
        if not h.get("evacuable", True) and not (today and all(_media(g) for g in today)):
            return "no"
        missed = not_run.get(None, set()) | not_run.get(h.get("source"), set())
        now = ("after media are disconnected (no power-off)" if today else
               f"no tie found; {len(missed)} check{'s' * (len(missed) != 1)} could not run" if missed else "yes")
        later = len({g["key"] for g in h.get("pinned_at_next_power_on", [])} - {g["key"] for g in today})
        if not later:
            return now
        return f"{now}; not once {later} guest{'s that are off start' if later != 1 else ' that is off starts'}"
    return says


def _media(guest: dict[str, Any]) -> bool:
    """A guest tied by nothing but connected media: disconnected while it runs, then moved (no power-off)."""
    return media_only(guest.get("rules") or (), guest.get("faux_cluster"))


def _register(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    cost = doc["cost"].get("per_host", {})
    emptied = _emptied(doc)
    for h in doc["hosts"]:
        label = h.get("label", h["name"])  # same-named hosts of two vCenters told apart
        power_off = [g for g in h["pinned_guests"] if not _media(g)]
        media = [g for g in h["pinned_guests"] if _media(g)]
        cluster = h.get("cluster_label", h["cluster"]) if h.get("cluster_known", True) else "unknown"
        yield (label, cluster, h.get("platform"), emptied(h), h.get("guests"),
               len(power_off), _names(power_off), _names(media), _names(h.get("pinned_at_next_power_on", [])),
               _join(h.get("owners_to_ask", [])), "yes" if h.get("owner_unknown") else "no", _wave(h["wave"]),
               h.get("maintenance_domain"), len(h["stranded_on_failure"]), h.get("annual_cost", cost.get(label, 0.0)))


def _waves(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    hosts = {h.get("label", h["name"]): h for h in doc["hosts"]}
    emptied = _emptied(doc)
    for i, wave in enumerate(doc.get("wave_labels", doc["waves"])):
        for name in wave:
            h = hosts.get(name, {})
            cluster = h.get("cluster_label", h.get("cluster")) if h.get("cluster_known", True) else "unknown"
            yield (i + 1, name, cluster, emptied(h))


def _failure(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    """The guests that would stay down if their host failed, then those whose restart elsewhere is not known."""
    for h in doc["hosts"]:
        where = (h.get("label", h["name"]), h.get("cluster_label", h["cluster"]))
        for g in h["stranded_on_failure"]:  # ha_only_unknown: only VMW-24 found, the other tie checks did not run
            yield (*where, g["name"], g["key"], g.get("owner"), _join(g["rules"]),
                   f"no; started by hand: {g['ha_only_unknown']}" if g.get("ha_only_unknown") else "no")
        for g in h.get("restart_unknown_on_failure", ()):
            yield (*where, g["name"], g["key"], g.get("owner"), _join(g["rules"]), f"not known: {g['why']}")


def _sites(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    clusters = {c["id"]: c for c in doc["faux_clusters"]}
    for s in doc.get("sites", []):
        for g in s["stranded"]:
            yield (s["name"], "guest", g["name"], g["key"], g.get("host_label") or g.get("host"), g.get("owner"),
                   _join(r["text"] for r in g["reasons"]))
        for cid in s["faux_clusters_in_site"]:
            c = clusters.get(cid, {})
            yield (s["name"], "guest cluster", f"{cid} {c.get('name', '')}".strip(), cid, _join(c.get("hosts", [])),
                   _join(dict.fromkeys(g.get("owner") for g in c.get("guests", []) if g.get("owner"))),
                   "every node runs in this site")


def _coverage(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for c in doc["coverage"]:
        title = CATALOGUE[c["rule"]].title if c["rule"] in CATALOGUE else None
        yield (c["rule"], title, c["status"], c.get("source") or "all exports", c["reason"])


def _quality(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for i in doc.get("data_quality", []):
        yield (i["level"], i["file"], i.get("sheet"), i.get("row"), i.get("column"), i.get("rows"),
               "yes" if i.get("skipped") else "no", i["message"])


def _cost_units(costing: Costing) -> Callable[[dict[str, Any]], Iterable[Sequence[object]]]:
    def rows(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
        for u in costing.units:
            yield ("guest cluster" if u.kind == "guest-cluster" else "single guest", u.unit, u.label,
                   _join(u.hosts), u.events_per_year, u.annual)
    return rows


def _cost_hosts(costing: Costing) -> Callable[[dict[str, Any]], Iterable[Sequence[object]]]:
    def rows(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
        for h in costing.hosts:
            yield (h.label or h.host, h.cluster, h.units, h.events_per_year, round(h.per_event, 2), round(h.annual, 2))
    return rows


def _cost_owners(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    yield from doc["cost"]["per_owner"].items()


def _owners(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    """Each owner, their contact and where the owner came from (the owners file or the export)."""
    for o in doc["owners"]["owners"]:
        yield (o["owner"], o["email"], o["team"], o["cost_centre"], _join(o["sources"]), o["guests"])


def _actions(plan: list[Action]) -> Callable[[dict[str, Any]], Iterable[Sequence[object]]]:
    """The PDF's remedy table, numbered as the PDF numbers it, and marking as it does the actions whose cost is
    partly or wholly another's (the same guests): their 'Cost it addresses' is counted in both rows."""
    def rows(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
        for n, (a, shares) in enumerate(zip(plan, shared_cost(plan), strict=True), start=1):
            yield (n, a.action or a.label, a.effort, _join(a.rules), a.units, a.hosts_freed, a.annual_saving,
                   a.annual_cost, a.reason or None, _shares_text(shares))
    return rows


def _shares_text(shares: tuple[int, ...]) -> str | None:
    """``Its cost is also counted under actions 2 and 5: the same guests.`` (the PDF's words), or None."""
    if not shares:
        return None
    numbers = ", ".join(map(str, shares[:-1])) + f" and {shares[-1]}" if len(shares) > 1 else str(shares[0])
    return f"Its cost is also counted under action{'s' if len(shares) > 1 else ''} {numbers}: the same guests."


def _actions_note(plan: list[Action], costing: Costing) -> str | None:
    """For the About sheet: that 'Cost it addresses' does not add up, when actions share a cost."""
    if not any(shared_cost(plan)):
        return None
    column = money(sum(a.annual_cost for a in plan), costing.currency)
    return (f"Some actions address the same guests, whose cost each of their rows counts ('Cost shared with'), so "
            f"the column 'Cost it addresses' adds up to {column}, more than the "
            f"{money(costing.annual_total, costing.currency)} a year in total: do not add it up.")


def _by_rule(doc: dict[str, Any]) -> Iterable[Sequence[object]]:
    for r in doc.get("remediation", {}).get("by_rule", []):
        yield (r["rule"], r["title"], len(r["hosts_freed"]), r.get("annual_saving"),
               _join(r.get("host_labels_freed") or r["hosts_freed"]))


def sheets(analysis: Analysis, costing: Costing, plan: list[Action] | None = None) -> tuple[Sheet, ...]:
    """The workbook's sheets, in order; money columns name the currency in their header."""
    return (
        Sheet("Findings", (("Rule", 9), ("Title", 34), ("Severity", 9), ("Severity rank", 8), ("Timing", 13),
                           ("Guest", 24), ("Guest key", 30), ("Host", 22), ("Cluster", 18), ("Guest cluster", 10),
                           ("Owner", 18), ("Effects", 30), ("Evidence", 60), ("Source file", 28),
                           ("Source tab", 12), ("Source rows", 14), ("Remediation", 50),
                           ("Accepted (exception)", 36)), _findings),
        Sheet("Guest clusters", (("ID", 8), ("Name", 28), ("Topology", 13), ("Nodes", 7),
                                 ("Running", 8), ("Members", 40), ("Hosts", 30), ("Clusters", 18), ("Rules", 16),
                                 Money("Cost a year", 12), Money("Cost once all run", 14),
                                 ("Accepted (exception)", 36)), _clusters),
        Sheet("Suspected clusters", (("ID", 8), ("Name", 28), ("Topology", 13), ("Nodes", 7), ("Running", 8),
                                     ("Members", 40), ("Hosts", 30), ("Clusters", 18), ("Rules", 16),
                                     ("Why suspected", 80)), _suspected),
        Sheet("Shared disks", (("Guest cluster", 10), ("Name", 28), ("Disk", 50), ("Datastore", 20), ("Owner", 24),
                               ("Owner key", 30), ("Owner found by", 14), ("Boot disk", 9), ("Controller", 18),
                               ("Unit", 6), ("Attached to", 40)), _shared_disks),
        Sheet("Node order", (("Guest cluster", 10), ("Name", 28), ("Move", 6), ("Power off", 8), ("Node", 24),
                             ("Node key", 30), ("Shared disks it owns", 10), ("Can move", 9),
                             ("Every owner known", 10)), _node_order),
        Sheet("Host register", (("Host", 24), ("Cluster", 18), ("Platform", 9), ("Can be emptied", 22),
                                ("Guests", 8), ("Guests to power off", 10), ("Names", 40),
                                ("Media to disconnect (no power-off)", 30),
                                ("At next power-on", 30), ("Owners to ask", 24), ("Owner unknown", 9),
                                ("Wave", 6), ("Maintenance domain", 10), ("Stranded on failure", 10),
                                Money("Cost a year", 12)), _register),
        Sheet("Waves", (("Wave", 6), ("Host", 24), ("Cluster", 18), ("Can be emptied", 22)), _waves),
        Sheet("Failure impact", (("Host", 24), ("Cluster", 18), ("Guest", 24), ("Guest key", 30),
                                 ("Owner", 18), ("Rules", 16), ("Restarts elsewhere", 40)), _failure),
        Sheet("Site failure", (("Site", 14), ("Kind", 13), ("Name", 28), ("Key", 30), ("Host", 24),
                               ("Owner", 18), ("Why it could not restart on another site", 70)), _sites),
        Sheet("Coverage", (("Rule", 9), ("Title", 34), ("Status", 13), ("Export", 40), ("Reason", 60)), _coverage),
        Sheet("Data quality", (("Level", 8), ("File", 40), ("Sheet", 12), ("Row", 7), ("Column", 16),
                               ("Rows", 7), ("Skipped", 8), ("Message", 70)), _quality),
        Sheet("Cost by unit", (("Kind", 13), ("ID", 30), ("Name", 28), ("Hosts", 30), ("Events a year", 10),
                               Money("Cost a year", 12)), _cost_units(costing)),
        Sheet("Cost by host", (("Host", 24), ("Cluster", 18), ("Units", 7), ("Events a year", 10),
                               Money("Cost per event", 12), Money("Cost a year", 12)), _cost_hosts(costing)),
        Sheet("Cost by owner", (("Owner", 30), Money("Cost a year", 12)), _cost_owners),
        Sheet("Owners", (("Owner", 30), ("E-mail", 30), ("Team", 20), ("Cost centre", 12),
                         ("Owner from", 12), ("Guests", 8)), _owners),
        Sheet("Actions", (("No.", 5), ("Action", 50), ("Effort", 9), ("Rules", 14), ("Units", 7),
                          ("Hosts freed", 9), Money("Saved a year alone", 14), Money("Cost it addresses", 14),
                          ("Why no host is freed alone", 40), ("Cost shared with", 40)),
              _actions(plan_actions(analysis, costing) if plan is None else plan)),
        Sheet("Fixes by rule", (("Rule", 9), ("Title", 34), ("Hosts freed", 10), Money("Saved a year", 12),
                                ("Hosts", 50)), _by_rule),
        Sheet("Exceptions", (("Entry", 6), ("Line", 6), ("What is accepted", 36), ("Status", 9), ("Expires", 11),
                             ("Owner", 20), ("Approved by", 20), ("Reason", 50), ("Ticket", 14),
                             ("Findings matched", 9), ("Guest clusters matched", 9), ("Renamed since", 30),
                             Money("Cost a year", 12)), _exceptions),
    )


def write_xlsx(analysis: Analysis, costing: Costing, path: str | Path,
               acceptance: Judgement | None = None) -> dict[str, int]:
    """Write the workbook; returns the data rows written per sheet. Raises RenderError on failure."""
    import xlsxwriter

    document = findings_document(analysis, costing, acceptance=acceptance)
    counts: dict[str, int] = {}
    try:
        workbook = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        header = workbook.add_format({"bold": True, "bg_color": "#F4F6F9", "bottom": 1, "text_wrap": True,
                                      "valign": "top"})
        symbol = CURRENCY_SYMBOLS.get(costing.currency.upper(), "")
        money = workbook.add_format({"num_format": f'"{symbol}"#,##0' if symbol else "#,##0"})
        plan = plan_actions(analysis, costing)
        for sheet in sheets(analysis, costing, plan):
            ws = workbook.add_worksheet(sheet.name)
            for col, column in enumerate(sheet.columns):
                if isinstance(column, Money):
                    ws.set_column(col, col, column.width, money)
                else:
                    ws.set_column(col, col, column[1], None)
            ws.write_row(0, 0, sheet.headers(costing.currency), header)
            n = 0
            for n, row in enumerate(sheet.rows(document), start=1):
                ws.write_row(n, 0, row)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(n, 1), len(sheet.columns) - 1)
            counts[sheet.name] = n
        meta = workbook.add_worksheet("About")
        meta.set_column(0, 0, 28)
        meta.set_column(1, 1, 80)
        about = [("Report", analysis.config.report.title), ("Client", analysis.config.report.client),
                 ("Generated", document["generated_at"]), ("Currency", costing.currency),
                 ("Cost a year", costing.annual_total), ("Cost model", str(costing.assumptions["model"])),
                 ("Guest clusters", _clusters_note(document))]
        note = _actions_note(plan, costing)
        about += [("Actions", note)] if note else []
        for r, (key, value) in enumerate(about):
            meta.write(r, 0, key, header)
            meta.write(r, 1, value)
        workbook.close()
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        raise RenderError(f"cannot write the workbook: {exc}", where=str(path)) from exc
    return counts
