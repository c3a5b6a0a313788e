"""Hyper-V placement facts beyond the VM's own settings: the cluster affinity rules that name each VM's
group (Get-ClusterAffinityRule, Windows Server 2022 and later) and the virtual SANs of each host (Get-VMSan).

Unknown stays unknown: a VM gets no rule lists when the export has no affinity rules object, or wrote
the rules' groups as a type name; a host gets no SAN list when Get-VMSan was not read on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from . import hyperv_values as H
from . import values as V

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper

RULE_TYPES = {"samenode": "same-node", "differentnode": "different-node", "samefaultdomain": "same-fault-domain",
              "differentfaultdomain": "different-fault-domain", "1": "same-fault-domain", "2": "same-node",
              "3": "different-fault-domain", "4": "different-node"}
"""RuleType names, and the CLUS_AFFINITY_RULE_TYPE numbers a CIM export can write instead."""
RULES = "Get-ClusterAffinityRule"
SANS = "Get-VMSan"


def affinity_rules(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    """``guests`` with ``apart_rules`` / ``together_rules``: the enabled DifferentNode / SameNode rules
    naming the VM's cluster group (empty: none; null: the export does not say)."""
    unknown = pl.lit(None, pl.List(pl.String))
    f = m.obj(RULES)
    if f is None or not {"Name", "RuleType", "Groups"} <= set(f.columns) or "Groups" in m.raw.nested.get(RULES, ()):
        return guests.with_columns(apart_rules=unknown, together_rules=unknown)
    m.unparsed(RULES, f, {"RuleType": V.enum("RuleType", RULE_TYPES),
                          **({"Enabled": _enabled(f)} if "Enabled" in f.columns else {})})
    rules = f.select(rule=H.text(f, "Name"), kind=V.enum("RuleType", RULE_TYPES), enabled=_enabled(f),
                     group=H.text(f, "Groups").fill_null("").str.split(";")).explode("group").with_columns(
        group=pl.col("group").str.strip_chars().str.to_lowercase())
    rules = rules.filter(pl.col("rule").is_not_null() & (pl.col("group") != "") & pl.col("enabled").fill_null(False))
    m.used[RULES] = f.height
    named = m.group_links(guests).join(rules, on="group", how="inner")
    lists = named.group_by("guest_key").agg(
        apart_rules=pl.col("rule").filter(pl.col("kind") == "different-node").unique(maintain_order=True),
        together_rules=pl.col("rule").filter(pl.col("kind") == "same-node").unique(maintain_order=True))
    empty = pl.lit([], pl.List(pl.String))
    return guests.join(lists, on="guest_key", how="left").with_columns(
        apart_rules=pl.col("apart_rules").fill_null(empty), together_rules=pl.col("together_rules").fill_null(empty))


def _enabled(f: pl.DataFrame) -> pl.Expr:
    """Enabled as the CIM class writes it (1 / 0) or as True / False."""
    if "Enabled" not in f.columns:
        return pl.lit(None, pl.Boolean)
    value = V.text("Enabled").str.to_lowercase()
    return pl.when(value.is_in(["1", "true"])).then(True).when(value.is_in(["0", "false"])).then(False).otherwise(None)


def vm_sans(m: HyperVMapper) -> pl.DataFrame:
    """Per host key, the names of its virtual SANs: the hosts with Get-VMSan rows, and the hosts the
    collector's manifest says it read completely (no row there: no virtual SAN)."""
    f = m.obj(SANS)
    schema: dict[str, pl.DataType] = {"host_key": pl.String(), "vm_sans": pl.List(pl.String)}
    if f is None or not {"ComputerName", "SanName"} <= set(f.columns):
        return pl.DataFrame(schema=schema)
    rows = f.select(host_key=H.host_key(V.text("ComputerName")), san=H.text(f, "SanName")).filter(
        pl.col("host_key").is_not_null())
    m.used[SANS] = rows.height
    read = pl.DataFrame({"node": ok_nodes(m.raw.manifest, SANS)}, schema={"node": pl.String})
    known = pl.concat([rows.select("host_key"), read.select(host_key=H.host_key(pl.col("node")))])
    sans = rows.filter(pl.col("san").is_not_null()).group_by("host_key").agg(
        vm_sans=pl.col("san").unique(maintain_order=True))
    return known.unique(maintain_order=True).join(sans, on="host_key", how="left").with_columns(
        vm_sans=pl.col("vm_sans").fill_null(pl.lit([], pl.List(pl.String))))


def ok_nodes(manifest: dict[str, object] | None, obj: str) -> list[str]:
    """The nodes on which the collector's manifest says ``obj`` was read completely."""
    records = manifest.get("status") if manifest else None
    if not isinstance(records, list):
        return []
    return [str(r.get("node")) for r in records if isinstance(r, dict) and r.get("object") == obj
            and str(r.get("status") or "").lower() == "ok" and r.get("node")]
