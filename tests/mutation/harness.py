"""Audit a variant in-process (JSON only) and check what a correct audit must make of it.

Which rules a lost column concerns comes from the rules' own coverage declarations
(:attr:`RuleInfo.needs`), so a rule that starts reading a new column is checked on it at once.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from reportgen.cli import main
from reportgen.rules import CATALOGUE, RuleInfo

from .variants import Variant

INTERNAL = 70


def undeclared_rules(catalogue: dict[str, RuleInfo] = CATALOGUE) -> list[str]:
    """Rules that declare no needs and are not marked as never assessable: the harness cannot check them."""
    return sorted(rule for rule, info in catalogue.items() if not info.needs and not info.cannot_assess)


def rules_needing(lost: Iterable[tuple[str, str | None]], platform: str = "vsphere", optional: bool = False,
                  tab_kept: bool = True) -> set[str]:
    """Rules with a required (or, with ``optional``, an optional) need on a lost tab (column None) or a lost
    column of a tab. A need only where the tab is there (``if_present``) counts only when the tab was kept: a
    Hyper-V file that lost the column naming its object is no longer recognised, as if left out."""
    lost = set(lost)
    found = set()
    for rule, info in CATALOGUE.items():
        for need in info.needs:
            if need.platform != platform or need.optional != optional or (need.if_present and not tab_kept):
                continue
            if (need.tab, None) in lost or any((need.tab, c) in lost for c in need.columns):
                found.add(rule)
    return found


def _names(lost: Iterable[tuple[str, str | None]], reason: str) -> bool:
    """Whether a coverage reason names one of the lost tabs or columns."""
    return any((f"tab {tab} " in reason) if column is None else (f"'{column}'" in reason) for tab, column in lost)


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str
    document: dict[str, Any] | None

    def coverage(self) -> dict[str, tuple[str, str]]:
        assert self.document is not None
        return {c["rule"]: (c["status"], c["reason"] or "") for c in self.document["coverage"]}

    def findings(self) -> Counter[Finding]:
        """Each finding as what it says (rule, severity, guest, host, timing, evidence), counted."""
        assert self.document is not None
        return Counter(Finding(f["rule"], f["severity"], _plain((f.get("guest") or {}).get("key")),
                               _plain(f.get("host")), f.get("timing"), _plain(f.get("evidence")) or "")
                       for f in self.document["findings"])

    def guest_clusters(self) -> list[tuple[bool, tuple[str, ...]]]:
        """Each guest cluster as (suspected, its guests' keys), sorted."""
        assert self.document is not None
        return sorted((bool(c["suspected"]), tuple(sorted(str(_plain(g["key"])) for g in c["guests"])))
                      for c in self.document["faux_clusters"])


_WRITTEN = re.compile(r"\S*reportgen-mutation-[^/\\]+[/\\](?:export\.xlsx|export|bundle\.zip|loose)"
                      r"|\bexport-[0-9a-f]{12}\b")


def _plain(text: str | None) -> str | None:
    """``text`` without the temporary place the variant was written to (an export without a vCenter id is
    keyed by a digest of where it lies), so that the same guest compares equal across variants."""
    return None if text is None else _WRITTEN.sub("EXPORT", text)


class Finding(NamedTuple):
    rule: str
    severity: str
    guest: str | None
    host: str | None
    timing: str | None
    evidence: str


def audit(path: Path, where: Path) -> Outcome:
    """``reportgen audit PATH --json`` in this process."""
    out = where / "findings.json"
    err = io.StringIO()
    code = main(["audit", str(path), "--json", str(out), "-q"], stderr=err, stdout=io.StringIO())
    document = json.loads(out.read_text(encoding="utf-8")) if code in (0, 1) and out.exists() else None
    return Outcome(code, err.getvalue(), document)


def run_variant(variant: Variant, base: Outcome) -> list[str]:
    """Audit ``variant``; the problems found (empty when it behaves)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-mutation-") as tmp:
        where = Path(tmp)
        path = variant.write(where)
        outcome = audit(path, where)
    return check(variant, base, outcome)


def check(variant: Variant, base: Outcome, outcome: Outcome) -> list[str]:
    """What is wrong with ``outcome`` for ``variant``, compared with the original's ``base``."""
    if outcome.code == INTERNAL:
        return [f"{variant.name}: internal error: {outcome.stderr.strip()}"]
    if outcome.document is None:
        if outcome.code != 3 or variant.expect == "same":
            return [f"{variant.name}: exit {outcome.code}: {outcome.stderr.strip()}"]
        return []
    problems = [
        f"{variant.name}: {s['file']}: rows_read {s['rows_read']} != used {s['rows_used']} + skipped "
        f"{s['rows_skipped']}"
        for s in outcome.document["estate"]["sources"]
        if s["rows_read"] != s["rows_used"] + s["rows_skipped"]
    ]
    before, after = base.coverage(), outcome.coverage()
    if variant.expect == "lost":
        kept = variant.kind in ("blank-column", "error-cell")
        required = rules_needing(variant.lost, variant.platform, tab_kept=kept)
        for rule in sorted(required):
            if before.get(rule, ("",))[0] == "assessed" and after.get(rule, ("",))[0] == "assessed":
                problems.append(f"{variant.name}: {rule} still assessed ({after[rule][1] or 'no reason'})")
        # A rule that runs on less without the lost column says so ("partly: ...").
        for rule in sorted(rules_needing(variant.lost, variant.platform, True, kept) - required):
            status, reason = after.get(rule, ("", ""))
            if before.get(rule, ("",))[0] == "assessed" and status == "assessed" and not _names(variant.lost, reason):
                problems.append(f"{variant.name}: {rule} assessed without saying what it lacks ({reason or 'no reason'})")
        problems.extend(_fewer_findings(variant, base, outcome))
    elif variant.expect == "same":
        changed = sorted(r for r in before if after.get(r, ("",))[0] != before[r][0])
        if changed:
            problems.append(f"{variant.name}: coverage changed for {', '.join(changed)}: "
                            + "; ".join(f"{r}: {after.get(r)}" for r in changed[:3]))
        problems.extend(_changed_findings(variant, base, outcome))
    return problems


def _changed_findings(variant: Variant, base: Outcome, outcome: Outcome) -> list[str]:
    """A variant that changes nothing a rule reads must give the same findings and guest clusters."""
    problems = []
    gone, new = base.findings() - outcome.findings(), outcome.findings() - base.findings()
    if gone or new:
        example = next(iter(gone or new))
        problems.append(f"{variant.name}: findings changed: {sum(gone.values())} gone, {sum(new.values())} new "
                        f"(e.g. {'gone' if gone else 'new'}: {example.rule} {example.guest or example.host}: "
                        f"{example.evidence[:120]})")
    if base.guest_clusters() != outcome.guest_clusters():
        problems.append(f"{variant.name}: guest clusters changed: {len(base.guest_clusters())} -> "
                        f"{len(outcome.guest_clusters())}")
    return problems


def _fewer_findings(variant: Variant, base: Outcome, outcome: Outcome) -> list[str]:
    """A rule that lost findings with the data must not stay assessed as if it had looked (a false clean),
    unless it says what it lacks."""
    before = Counter(f.rule for f in base.findings().elements())
    after = Counter(f.rule for f in outcome.findings().elements())
    coverage = outcome.coverage()
    problems = []
    for rule in sorted(before):
        status, reason = coverage.get(rule, ("", ""))
        if after[rule] < before[rule] and status == "assessed" and not _names(variant.lost, reason):
            problems.append(f"{variant.name}: {rule} found {after[rule]} instead of {before[rule]} and is still "
                            f"assessed ({reason or 'no reason'})")
    return problems
