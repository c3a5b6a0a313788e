"""Turning frames of findings and edges into the records of :class:`~reportgen.rules.records.RuleOutput`.

Rules compute with polars over whole tables; only the rows that become findings are turned
into Python objects (:func:`emit`, :func:`add_pins`), so the cost is proportional to the
problems found, not to the estate.
"""

from __future__ import annotations

import polars as pl

from ..causes import RuleCause
from .records import Effect, Finding, GuestEdge, HostEdge, Location, RuleInfo, RuleOutput, Severity, Step


def cause(kind: str, *identity: str | pl.Expr, name: pl.Expr | None = None, where: pl.Expr | None = None) -> pl.Expr:
    """A ``cause`` column: the thing that ties the guest (a struct; null when a part of the identity is).

    The identity is the parts joined; a text is a literal, e.g. ``cause("portgroup", pl.col("host_key"), "/",
    pl.col("network"), name=pl.col("network"), where=pl.col("host"))``. ``name`` and ``where`` label it for a
    reader (its own name, and the host, cluster or switch it lives on), so that no label is parsed from a key.
    """
    parts = [pl.lit(p) if isinstance(p, str) else p for p in identity]
    ident = pl.concat_str(parts)
    text = pl.lit(None, pl.String)
    return pl.when(ident.is_not_null()).then(pl.struct(
        kind=pl.lit(kind), identity=ident,
        name=text if name is None else name.cast(pl.String), where=text if where is None else where.cast(pl.String)))


def _cause(value: dict[str, str | None] | None) -> RuleCause | None:
    if not value:
        return None
    return RuleCause(str(value["kind"]), str(value["identity"]), value.get("name") or "", value.get("where") or "")


def emit(
    out: RuleOutput,
    findings: pl.DataFrame,
    info: RuleInfo,
    effects: frozenset[Effect] | None = None,
    remediation: str | None = None,
) -> None:
    """Append one :class:`Finding` per row of ``findings``.

    Expected columns: ``evidence`` and ``timing``; optional ``guest_key``, ``host_key``,
    ``severity`` (int, default the rule's), ``cause``, ``suspected``, ``remediation`` (this row's own text, where
    the catalogue's would say more than applies; null keeps it), ``steps`` (what to do, chosen
    from the facts, as structs of a :class:`Step`: the remediation becomes their text; null keeps the catalogue text),
    ``source_tab`` and ``source_rows`` (:func:`at_rows`), ``targets`` (a list of host keys: :attr:`Finding.targets`).
    """
    if findings.is_empty():
        return
    cols = set(findings.columns)
    default = int(info.severity)
    for row in findings.iter_rows(named=True):
        plan = tuple(Step(s["kind"], s["text"], s["last"] or "") for s in row.get("steps") or ())
        text = " ".join(s.text for s in plan)
        severity = row["severity"] if "severity" in cols and row["severity"] is not None else default
        out.findings.append(Finding(
            rule=info.id, severity=Severity(int(severity)), evidence=str(row["evidence"]),
            guest_key=row.get("guest_key"), host_key=row.get("host_key"),
            timing=row.get("timing") or "now",
            effects=info.effects if effects is None else effects,
            remediation=text if plan else row.get("remediation") or (
                info.remediation if remediation is None else remediation),
            plan=plan,
            cause=_cause(row.get("cause")), suspected=bool(row.get("suspected") or False),
            source=Location(row["source_tab"], row["source_rows"]) if row.get("source_tab") else None,
            targets=None if row.get("targets") is None else tuple(
                dict.fromkeys(t for t in row["targets"] if t != row.get("host_key"))),
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
