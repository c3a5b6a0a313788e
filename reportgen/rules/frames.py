"""Small helpers rules share: tables as polars frames, guest context, timing, and turning
frames of findings and edges into the records of :class:`~reportgen.rules.base.RuleOutput`.

Rules compute with polars over whole tables; only the rows that become findings are turned
into Python objects (:func:`emit`, :func:`add_pins`), so the cost is proportional to the
problems found, not to the estate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

from ..causes import RuleCause
from ..estate import Estate
from .base import Effect, Finding, GuestEdge, HostEdge, Location, RuleInfo, RuleOutput, Severity, Timing
from .versions import esxi_number, hw_number

HEARTBEAT = r"(?i)(heart.?beat|(^|[^a-z])hb([^a-z]|$)|interconnect|cluster|(^|[^a-z])priv(ate)?([^a-z]|$)|quorum|wsfc|mscs|(^|[^a-z])rac([^a-z]|$)|crossover)"
"""Network names that look like a guest-cluster heartbeat / interconnect (GEN-01 heuristics)."""


class _Memo:
    """Frames of the estate being evaluated, converted once: every detector reads the same tables."""

    def __init__(self) -> None:
        self.tables: object = None
        self.frames: dict[str, pl.DataFrame] = {}

    def get(self, estate: Estate, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        if self.tables is not estate.tables:
            self.tables, self.frames = estate.tables, {}
        if name not in self.frames:
            self.frames[name] = build()
        return self.frames[name]


_MEMO: ContextVar[_Memo | None] = ContextVar("rule_frames", default=None)
"""The memo of the evaluation running in this thread (or task); None outside one."""


@contextmanager
def memo_frames() -> Iterator[None]:
    """Convert each table once inside this block (one evaluation); the frames go when it ends.

    The memo belongs to the calling thread's context, so concurrent evaluations do not share
    it and no estate outlives its evaluation.
    """
    token = _MEMO.set(_Memo())
    try:
        yield
    finally:
        _MEMO.reset(token)


def frame(estate: Estate, table: str) -> pl.DataFrame:
    """A canonical table as a polars frame (zero-copy where Arrow allows; converted once per evaluation)."""

    def build() -> pl.DataFrame:
        result = pl.from_arrow(estate.table(table))
        assert isinstance(result, pl.DataFrame)
        return result

    return _memoised(estate, table, build)


def _memoised(estate: Estate, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    memo = _MEMO.get()
    return build() if memo is None else memo.get(estate, name, build)


def guest_scope() -> pl.Expr:
    """Where a disk path or LUN id is unique: the vCenter (key prefix) or the Hyper-V cluster."""
    return (
        pl.when(pl.col("platform") == "hyperv")
        .then(pl.coalesce(pl.col("cluster_key"), pl.col("host_key"), pl.lit("hyperv")))
        .otherwise(pl.col("guest_key").str.split("/").list.first())
    )


def timing(power_state: str | None, template: bool | None) -> Timing:
    """'hygiene' for templates, 'next-power-on' when off or suspended, else 'now' (also when unknown)."""
    if template:
        return "hygiene"
    if power_state in ("poweredOff", "suspended"):
        return "next-power-on"
    return "now"


def timing_expr() -> pl.Expr:
    """:func:`timing` over the columns ``template`` and ``power_state``."""
    return (
        pl.when(pl.col("template").fill_null(False)).then(pl.lit("hygiene"))
        .when(pl.col("power_state").is_in(["poweredOff", "suspended"])).then(pl.lit("next-power-on"))
        .otherwise(pl.lit("now"))
    )


def device_timing(connected: str = "connected", starts: str = "starts_connected") -> pl.Expr:
    """Timing of a tie that holds only while a device / NIC is connected.

    A running guest is tied now when the device is connected (or its state is unknown) and
    only worth a hygiene note when it is not; a guest that is off is tied at next power-on
    when the device starts connected (or that is unknown); templates are hygiene. A guest whose
    power state is unknown (``power_known`` false) may be off: a device not connected that starts
    connected ties it at next power-on.
    """
    base = pl.col("timing")
    return (
        pl.when(base == "hygiene").then(pl.lit("hygiene"))
        .when(base == "now").then(
            pl.when(pl.col(connected).fill_null(True)).then(pl.lit("now"))
            .when(pl.col("power_known").not_() & pl.col(starts).fill_null(True)).then(pl.lit("next-power-on"))
            .otherwise(pl.lit("hygiene")))
        .otherwise(
            pl.when(pl.col(starts).fill_null(True)).then(pl.lit("next-power-on")).otherwise(pl.lit("hygiene")))
    )


def guests(estate: Estate) -> pl.DataFrame:
    """Guests with the context rules need: timing, scope, host name / cluster / ESXi version, HW version."""
    return _memoised(estate, "guests+context", lambda: _guests(estate))


def _guests(estate: Estate) -> pl.DataFrame:
    hosts = frame(estate, "hosts").select(
        "host_key", host="name", host_cluster_key="cluster_key", host_cluster="cluster", host_product="product",
        host_version="version", host_build="build",
    ).with_columns(esxi=esxi_number("host_version"))
    return (
        frame(estate, "guests")
        .join(hosts, on="host_key", how="left")
        .with_columns(
            timing=timing_expr(), power_known=pl.col("power_state").is_not_null(), scope=guest_scope(),
            hw=hw_number("hw_version"),
            cluster_key=pl.coalesce(pl.col("cluster_key"), pl.col("host_cluster_key")),
        )
    )


def vsphere_guests(estate: Estate) -> pl.DataFrame:
    """:func:`guests` of vSphere sources only (the VMW rules; Hyper-V has its own)."""
    return _memoised(estate, "guests+context/vsphere",
                     lambda: guests(estate).filter(pl.col("platform") == "vsphere"))


def rows_text(column: str = "row", limit: int = 5) -> pl.Expr:
    """Aggregation: 'row 12' / 'rows 12, 13, 14 and 3 more' of the spreadsheet rows in a group."""
    rows = pl.col(column).drop_nulls().unique().sort()
    listed = rows.head(limit).cast(pl.String).str.join(", ")
    more = rows.len().cast(pl.Int64) - limit
    return (
        pl.when(rows.len() == 1).then(pl.concat_str(pl.lit("row "), listed))
        .otherwise(pl.concat_str(
            pl.lit("rows "), listed,
            pl.when(more > 0).then(pl.concat_str(pl.lit(" and "), more.cast(pl.String), pl.lit(" more")))
            .otherwise(pl.lit("")),
        ))
    )


def names_text(column: str = "name", limit: int = 4) -> pl.Expr:
    """Aggregation: 'a, b, c and 2 more' of distinct values in a group."""
    values = pl.col(column).drop_nulls().unique().sort()
    listed = values.head(limit).str.join(", ")
    more = values.len().cast(pl.Int64) - limit
    return pl.concat_str(
        listed,
        pl.when(more > 0).then(pl.concat_str(pl.lit(" and "), more.cast(pl.String), pl.lit(" more")))
        .otherwise(pl.lit("")),
    )


def at_rows(tab: str | pl.Expr, rows: pl.Expr) -> dict[str, pl.Expr]:
    """Columns ``source_tab`` and ``source_rows``: where a finding's evidence was read."""
    return {"source_tab": pl.lit(tab) if isinstance(tab, str) else tab, "source_rows": rows}


def at_row(tab: str, column: str = "row") -> dict[str, pl.Expr]:
    """:func:`at_rows` of one spreadsheet row: 'vInfo', 'row 12'."""
    return at_rows(tab, pl.concat_str(pl.lit("row "), pl.col(column).cast(pl.String)))


def located() -> pl.Expr:
    """Evidence text of the columns :func:`at_rows` made: 'vDisk rows 12, 13'."""
    return pl.concat_str(pl.col("source_tab"), pl.lit(" "), pl.col("source_rows"))


def cause(kind: str, *identity: str | pl.Expr) -> pl.Expr:
    """A ``cause`` column: the thing that ties the guest (a struct of kind and identity; null when a part is).

    The identity is the parts joined; a text is a literal, e.g. ``cause("portgroup", pl.col("host_key"), "/",
    pl.col("network"))``.
    """
    parts = [pl.lit(p) if isinstance(p, str) else p for p in identity]
    ident = pl.concat_str(parts)
    return pl.when(ident.is_not_null()).then(pl.struct(kind=pl.lit(kind), identity=ident))


def _cause(value: dict[str, str] | None) -> RuleCause | None:
    return RuleCause(value["kind"], value["identity"]) if value else None


def value(label: str, column: str) -> pl.Expr:
    """Evidence fragment "Label = value" ('(empty)' for a null)."""
    return pl.concat_str(pl.lit(f"{label} = "), pl.col(column).cast(pl.String).fill_null("(empty)"))


def emit(
    out: RuleOutput,
    findings: pl.DataFrame,
    info: RuleInfo,
    effects: frozenset[Effect] | None = None,
    remediation: str | None = None,
) -> None:
    """Append one :class:`Finding` per row of ``findings``.

    Expected columns: ``evidence`` and ``timing``; optional ``guest_key``, ``host_key``,
    ``severity`` (int, default the rule's), ``cause``, ``suspected``, ``steps`` (what to do, chosen
    from the facts: the remediation becomes these steps; null keeps the catalogue text),
    ``source_tab`` and ``source_rows`` (:func:`at_rows`).
    """
    if findings.is_empty():
        return
    cols = set(findings.columns)
    default = int(info.severity)
    for row in findings.iter_rows(named=True):
        steps = tuple(row.get("steps") or ())
        severity = row["severity"] if "severity" in cols and row["severity"] is not None else default
        out.findings.append(Finding(
            rule=info.id, severity=Severity(int(severity)), evidence=str(row["evidence"]),
            guest_key=row.get("guest_key"), host_key=row.get("host_key"),
            timing=row.get("timing") or "now",
            effects=info.effects if effects is None else effects,
            remediation=" ".join(steps) if steps else info.remediation if remediation is None else remediation,
            steps=steps,
            cause=_cause(row.get("cause")), suspected=bool(row.get("suspected") or False),
            source=Location(row["source_tab"], row["source_rows"]) if row.get("source_tab") else None,
        ))


def add_pins(out: RuleOutput, ties: pl.DataFrame, rule: str, *, strand: bool = False) -> None:
    """Pin (and, with ``strand``, strand) each guest of ``ties`` to its host.

    Rows timed 'hygiene' and rows without a host are left out; 'next-power-on' rows are
    kept, since the core counts them only for guests that are started.
    """
    if ties.is_empty():
        return
    has_cause = "cause" in ties.columns
    rows = ties.filter((pl.col("timing") != "hygiene") & pl.col("host_key").is_not_null()).select(
        "guest_key", "host_key", pl.col("cause") if has_cause else pl.lit(None, pl.String).alias("cause")
    ).unique(maintain_order=True)
    for guest, host, named in rows.iter_rows():
        tie = _cause(named)
        out.pins.append(HostEdge(guest, host, rule, tie))
        if strand:
            out.strands.append(HostEdge(guest, host, rule, tie))


def add_colocations(out: RuleOutput, groups: pl.DataFrame, rule: str) -> None:
    """Colocate the guests of each group: columns ``members`` (list of guest keys), optional ``cause``."""
    has_cause = "cause" in groups.columns
    for row in groups.iter_rows(named=True):
        members = list(dict.fromkeys(row["members"]))
        for other in members[1:]:
            out.colocations.append(GuestEdge(members[0], other, rule, _cause(row["cause"]) if has_cause else None))
