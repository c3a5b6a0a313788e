"""GEN-01 heuristics: groups of guests that look like a guest cluster without proof.

Signals (rules.md §3): node-numbered names (``SQLCL01-N1`` / ``-N2``, ``node1`` / ``node2``),
NICs on heartbeat-named networks, small (<= 5 GiB) disks on shared-bus controllers or
multi-writer, annotations naming FCI / MSCS / WSFC / RAC / Pacemaker. A group needs either
an explicit node suffix on every name, or the same name stem plus a signal on every member,
or a heartbeat-named network shared by a few guests with two NICs or more. Suspected groups
become ``RuleOutput.suspected`` and low-severity findings marked suspected: never bonds.
"""

from __future__ import annotations

import polars as pl

from .emit import emit
from .records import RuleInfo, RuleOutput, Severity

HEARTBEAT = r"(?i)(heart.?beat|(^|[^a-z])hb([^a-z]|$)|interconnect|cluster|(^|[^a-z])priv(ate)?([^a-z]|$)|quorum|wsfc|mscs|(^|[^a-z])rac([^a-z]|$)|crossover)"
"""Network names that look like a guest-cluster heartbeat / interconnect (GEN-01 heuristics)."""

NODE_SUFFIX = r"(?i)^(.+?)(?:[-_ .](?:node|nd|n)|node)[-_ ]?0*\d{1,2}$"
"""'SQLCL01-N1', 'ora-node2', 'fsclnd1' -> stem; plain numbers (web01) are not node suffixes."""
PLAIN_SUFFIX = r"(?i)^(.+?)[-_ .]?(?:0*\d{1,2}|[ab])$"
"""'sql01', 'sql-a' -> stem; used only together with a cluster signal."""
CLUSTER_WORDS = r"(?i)\b(fci|mscs|wsfc|failover cluster|rac|pacemaker|corosync|cluster node|veritas)\b"
SUSPECT_REMEDY = (
    "Ask the owner whether these guests form one guest cluster: no shared disk in this export proves it. If they "
    "do, find what they share that this export cannot show (a disk, a network of one host) and keep the nodes on "
    "different hosts, so that one host's maintenance or failure stops one node only."
)
"""What a suspected guest cluster's finding says to do: the rule's own remedy presumes shared disks."""
QUORUM_MIB = 5 * 1024
MAX_GROUP = 8


def suspected_clusters(
    g: pl.DataFrame, disks: pl.DataFrame, nics: pl.DataFrame, bonded: set[str], out: RuleOutput, info: RuleInfo
) -> None:
    """Add suspected groups (and one suspected finding per member) to ``out``."""
    candidates = g.filter(~pl.col("template").fill_null(False) & ~pl.col("guest_key").is_in(list(bonded)))
    if candidates.is_empty():
        return
    signals = _signals(candidates, disks, nics)
    named = candidates.select("guest_key", "scope", "name").join(signals, on="guest_key", how="left").with_columns(
        strong=pl.col("name").str.extract(NODE_SUFFIX, 1).str.to_lowercase(),
        weak=pl.col("name").str.extract(PLAIN_SUFFIX, 1).str.to_lowercase(),
        why=pl.col("why").fill_null(""),
    )
    groups: list[tuple[list[str], str]] = []
    by_strong = named.filter(pl.col("strong").is_not_null()).group_by("scope", "strong").agg(
        members=pl.col("guest_key"), names=pl.col("name").sort().str.join(", "))
    for members, names in by_strong.select("members", "names").iter_rows():
        groups.append((members, f"node-numbered names ({names})"))
    by_weak = named.filter(pl.col("weak").is_not_null() & (pl.col("why") != "")).group_by("scope", "weak").agg(
        members=pl.col("guest_key"), names=pl.col("name").sort().str.join(", "))
    for members, names in by_weak.select("members", "names").iter_rows():
        groups.append((members, f"names with one stem ({names}) and cluster signals on each"))
    for members, network in _heartbeat_groups(candidates, nics):
        groups.append((members, f"two or more NICs each, one on the heartbeat-like network '{network}'"))
    groups = [(m, why) for m, why in groups if 2 <= len(set(m)) <= MAX_GROUP]
    if not groups:
        return
    merged = _merge(groups)
    reason_of = {k: why for members, why in merged for k in members}
    out.suspected.extend(tuple(sorted(members)) for members, _ in merged)
    names = dict(zip(g["guest_key"].to_list(), g["name"].to_list()))
    rows = named.filter(pl.col("guest_key").is_in(list(reason_of))).join(
        g.select("guest_key", "host_key", "timing"), on="guest_key")
    group_names = {k: ", ".join(sorted(names[m] for m in members)) for members, _ in merged for k in members}
    rows = rows.with_columns(
        evidence=pl.concat_str(
            pl.lit("suspected guest cluster "), pl.col("guest_key").replace_strict(group_names, default=""),
            pl.lit(": "), pl.col("guest_key").replace_strict(reason_of, default=""),
            pl.when(pl.col("why") != "").then(pl.concat_str(pl.lit("; "), pl.col("why"))).otherwise(pl.lit("")),
            pl.lit("; no shared disk proves it in this export"),
        ),
        severity=pl.lit(int(Severity.LOW)), suspected=pl.lit(True), remediation=pl.lit(SUSPECT_REMEDY),
    )
    emit(out, rows, info, effects=frozenset())


def _signals(candidates: pl.DataFrame, disks: pl.DataFrame, nics: pl.DataFrame) -> pl.DataFrame:
    """Per guest, the cluster signals seen, as text ('' when none)."""
    keys = candidates.select("guest_key")
    parts = []
    if not disks.is_empty():
        quorum = disks.join(keys, on="guest_key", how="semi").filter(
            pl.col("bus_sharing").is_in(["physical", "virtual"]) | (pl.col("sharing_mode") == "multi-writer")
        ).group_by("guest_key").agg(
            bus=pl.len(), small=(pl.col("capacity_mib") <= QUORUM_MIB).sum(),
        ).select("guest_key", text=pl.concat_str(
            pl.lit("vDisk: "), pl.col("bus").cast(pl.String), pl.lit(" disk(s) on a shared-bus controller or "
                                                                   "multi-writer"),
            pl.when(pl.col("small") > 0).then(pl.concat_str(pl.lit(", "), pl.col("small").cast(pl.String),
                                                            pl.lit(" of 5 GiB or less (quorum?)"))).otherwise(pl.lit("")),
        ))
        parts.append(quorum)
    if not nics.is_empty():
        beat = nics.join(keys, on="guest_key", how="semi").filter(
            pl.col("network").str.contains(HEARTBEAT)).group_by("guest_key").agg(
            nets=pl.col("network").unique().sort().str.join(", ")).select(
            "guest_key", text=pl.concat_str(pl.lit("vNetwork: NIC on "), pl.col("nets")))
        parts.append(beat)
    notes = candidates.filter(pl.col("annotation").fill_null("").str.contains(CLUSTER_WORDS)).select(
        "guest_key", text=pl.concat_str(pl.lit("vInfo Annotation mentions "),
                                        pl.col("annotation").str.extract(CLUSTER_WORDS, 1)))
    parts.append(notes)
    frames = [p for p in parts if not p.is_empty()]
    if not frames:
        return pl.DataFrame(schema={"guest_key": pl.String, "why": pl.String})
    return pl.concat(frames).group_by("guest_key").agg(why=pl.col("text").str.join("; "))


def _heartbeat_groups(candidates: pl.DataFrame, nics: pl.DataFrame) -> list[tuple[list[str], str]]:
    if nics.is_empty():
        return []
    mine = nics.join(candidates.select("guest_key", "scope"), on="guest_key", how="inner")
    multi = mine.group_by("guest_key").agg(n=pl.len()).filter(pl.col("n") >= 2).select("guest_key")
    beats = mine.join(multi, on="guest_key", how="semi").filter(pl.col("network").str.contains(HEARTBEAT))
    groups = beats.group_by("scope", "network").agg(members=pl.col("guest_key").unique())
    return [(m, n) for m, n in groups.select("members", "network").iter_rows()]


def _merge(groups: list[tuple[list[str], str]]) -> list[tuple[list[str], str]]:
    """Merge overlapping groups; the reasons are joined."""
    merged: list[tuple[set[str], list[str]]] = []
    for members, why in groups:
        current = set(members)
        reasons = [why]
        keep = []
        for other, other_why in merged:
            if other & current:
                current |= other
                reasons = other_why + reasons
            else:
                keep.append((other, other_why))
        merged = keep + [(current, reasons)]
    return [(sorted(m), "; ".join(dict.fromkeys(r))) for m, r in merged if len(m) <= MAX_GROUP]
