"""A small hand-built estate whose ties, owners and costs are known, shared by the report tests.

- ``sqlprod-n1`` / ``sqlprod-n2``: a guest cluster across boxes (esx01, esx02), physicalSharing on
  VM hardware 10, so both nodes are pinned; owner ``dba-team``.
- ``web-cib-1`` / ``web-cib-2``: a guest cluster in a box on esx03 (virtualSharing); owner ``web-team``.
- ``licsrv``: a lone guest on esx04 with a virtualSharing controller and no partner; no owner.
- ``olddb-1`` / ``olddb-2``: powered off, in a box on esx04 (tied only once started); owner ``dba-team``.
- ``app-01`` … ``app-06``: ordinary guests on every host; esx05 and esx06 carry nothing else.
"""

from __future__ import annotations

from dataclasses import replace

from reportgen.analysis import Remedy, analyze
from reportgen.audit import Audit
from reportgen.config import Config, CostSettings, ReportSettings, Role
from reportgen.cost import cost_analysis
from reportgen.estate import DataIssue, Estate
from tests.synthetic import estate_from_rows

CLIENT = "Contoso Healthcare"
TITLE = "Guests welded to their hosts"

CONFIG = Config(
    report=ReportSettings(client=CLIENT, title=TITLE, author="A. Consultant", firm="Example Advisory"),
    cost=CostSettings(
        change_cost=500.0, change_cost_low=300.0, change_cost_high=700.0, out_of_hours_multiplier=1.5,
        outage_cost_per_minute=2.0, outage_minutes=30.0,
        roles={"virtualisation_admin": Role(2.0, 50.0), "application_owner": Role(1.0, 80.0)},
        events_per_year={"vsphere": 4.0, "hyperv": 12.0},
    ),
)


def small_estate(extra_guests: list[dict[str, object]] | None = None) -> Estate:
    hosts = [{"name": f"esx0{i}.example.net", "cluster": "Prod" if i <= 4 else "Dev", "memory_mib": 262144}
             for i in range(1, 7)]
    guests: list[dict[str, object]] = [
        {"name": "sqlprod-n1", "host": "esx01.example.net", "owner": "dba-team", "hw_version": "vmx-10"},
        {"name": "sqlprod-n2", "host": "esx02.example.net", "owner": "dba-team", "hw_version": "vmx-10"},
        {"name": "web-cib-1", "host": "esx03.example.net", "owner": "web-team"},
        {"name": "web-cib-2", "host": "esx03.example.net", "owner": "web-team"},
        {"name": "licsrv", "host": "esx04.example.net", "owner": None},
        {"name": "olddb-1", "host": "esx04.example.net", "owner": "dba-team", "power_state": "poweredOff"},
        {"name": "olddb-2", "host": "esx04.example.net", "owner": "dba-team", "power_state": "poweredOff"},
        *({"name": f"app-0{i}", "host": f"esx0{i}.example.net", "owner": "app-team"} for i in range(1, 7)),
        *(extra_guests or []),
    ]
    shared = [
        ("sqlprod-n1", "physical", "[san01] sqlprod/quorum.vmdk"), ("sqlprod-n2", "physical", "[san01] sqlprod/quorum.vmdk"),
        ("web-cib-1", "virtual", "[san01] webcib/shared.vmdk"), ("web-cib-2", "virtual", "[san01] webcib/shared.vmdk"),
        ("licsrv", "virtual", "[san01] licsrv/licsrv_1.vmdk"),
        ("olddb-1", "virtual", "[san01] olddb/shared.vmdk"), ("olddb-2", "virtual", "[san01] olddb/shared.vmdk"),
    ]
    disks = [{"guest": g, "controller": "SCSI controller 1", "bus_sharing": bus, "path": path, "label": "Hard disk 2"}
             for g, bus, path in shared]
    disks += [{"guest": str(g["name"]), "controller": "SCSI controller 0", "bus_sharing": "none",
               "path": f"[san01] {g['name']}/{g['name']}.vmdk", "label": "Hard disk 1"} for g in guests]
    issues = (
        DataIssue("warning", "hand-built.xlsx", "Memory is not a number; left unknown", sheet="vInfo", row=7,
                  column="Memory"),
        DataIssue("error", "hand-built.xlsx", "row without a VM ID; skipped", sheet="vInfo", row=30, skipped=True),
    )
    return estate_from_rows(hosts, guests, disks, issues)


def small_audit(config: Config = CONFIG, estate: Estate | None = None) -> Audit:
    estate = estate or small_estate()
    analysis = analyze(estate, config)
    return Audit(estate, analysis, cost_analysis(analysis))


def with_analysis(audit: Audit, **changes: object) -> Audit:
    """The same audit with some analysis fields replaced (as the compiled core would fill them)."""
    analysis = replace(audit.analysis, **changes)
    return Audit(audit.estate, analysis, cost_analysis(analysis))


def freeing(audit: Audit, cause: str, label: str, kind: str, *hosts: str) -> Remedy:
    """A fix that frees ``hosts`` (names, unique in these estates), with their keys as the core gives them."""
    keys = {h.name: h.key for h in audit.analysis.hosts}
    return Remedy(cause, label, kind, hosts, tuple(keys[h] for h in hosts))
