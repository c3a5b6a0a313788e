"""What a rule is and what it yields: findings, edges for the core, and coverage.

A rule is a pure function over the :class:`~reportgen.estate.Estate`. It yields
:class:`Finding` records (what a consultant signs), edges for the core (pin, bond,
colocate, strand), and says per source whether it could assess anything at all.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..causes import RuleCause
from ..estate import Estate


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use one of {', '.join(s.label for s in cls)}") from None

    def escalate(self, steps: int = 1) -> Severity:
        return Severity(min(Severity.CRITICAL, self + steps))


class Effect(enum.StrEnum):
    """What a tie breaks (rules.md §0.1)."""

    LIVE_MIGRATION = "blocks-live-migration"
    EVACUATION = "blocks-evacuation"
    RESTART = "blocks-restart-after-host-failure"
    STORAGE_MIGRATION = "blocks-storage-migration"
    HOST_BACKUP = "blocks-host-level-backup"


Timing = Literal["now", "next-power-on", "hygiene"]
"""'now': the guest is running and tied today; 'next-power-on': it is off and will be tied
when started; 'hygiene': worth fixing but ties nothing (templates, disconnected NICs)."""


@dataclass(frozen=True)
class Need:
    """A tab (and optionally columns) a rule needs from a source of the given platform."""

    platform: str
    tab: str
    columns: tuple[str, ...] = ()
    why: str = ""
    since: str = ""
    """The exporting tool version that first wrote the tab / columns, e.g. '4.4.1' (RVTools)."""
    optional: bool = False
    """Without it the rule still runs, on less: coverage says 'assessed' and names what was not checked."""
    if_present: bool = False
    """Needed only where the source has the tab with columns (a standalone Hyper-V host has no Get-ClusterNode):
    without the tab the rule runs; with it, a lost or empty column or a partial read leaves it not assessed, and so
    does a gap the exporter records for the tab (its file missing where the collector says it wrote rows)."""


@dataclass(frozen=True)
class RuleInfo:
    """The catalogue entry of a rule: shown in the report appendix and docs/rules.md."""

    id: str
    title: str
    severity: Severity
    effects: frozenset[Effect]
    summary: str
    remediation: str
    references: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    platforms: tuple[str, ...] = ("vsphere",)
    limits: str = ""
    """What the exports cannot show about this tie (said in coverage)."""
    cannot_assess: str = ""
    """Set when no export can show the tie at all: coverage is 'not-assessed' with this reason everywhere."""
    detection: str = ""
    """How the rule reads the export (tabs, columns, values), for docs/rules.md and the report appendix."""


@dataclass(frozen=True)
class Location:
    """Where a finding's evidence was read: an export tab and its rows ('vDisk', 'rows 12, 13')."""

    tab: str
    rows: str

    def __str__(self) -> str:
        return f"{self.tab} {self.rows}"


StepKind = Literal["spread", "keep-apart", "find-hosts", "lone", "network", "gate", "upgrade", "movable", "later",
                   "catalogue", "intranet"]
"""What a remediation step does: spread nodes that share a host, keep nodes apart, find where (or whether) the
other nodes run, give the nodes' network uplinks, meet a gate (disks, versions), upgrade hosts across major ESXi
versions (a gate that is a project: 5.5 or 6.0 goes to 7.0 or 8.0 only through 6.5/6.7, often on new hardware),
verify what makes the nodes movable, the longer-term fix, the catalogue's text, or let vCenter migrate between
port groups that are uplink-less on every host on purpose (a virtual intranet kept isolated)."""


@dataclass(frozen=True)
class Step:
    """One step of a guest cluster's remediation: what it does and its wording.

    Steps are ordered and reworded by ``kind`` and ``last``, never by reading their text.
    """

    kind: StepKind
    text: str
    last: str = ""
    """The wording when the step is done last, after what makes the nodes movable (a spread step); empty
    when it reads the same wherever it stands."""

    def as_last(self) -> Step:
        """This step worded to be done last."""
        return Step(self.kind, self.last, self.last) if self.last else self


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    evidence: str
    """The columns and values seen, e.g. "vDisk row 12: Shared Bus = physicalSharing"."""
    guest_key: str | None = None
    host_key: str | None = None
    timing: Timing = "now"
    effects: frozenset[Effect] = frozenset()
    remediation: str = ""
    cause: RuleCause | None = None
    """The fixable thing behind the finding (one datastore, one port group, one guest cluster)."""
    suspected: bool = False
    plan: tuple[Step, ...] = ()
    """The remediation as steps chosen from the facts seen (topology, unmet gates); empty when the
    remediation is the catalogue's text."""
    source: Location | None = None
    """The tab and rows the evidence names first; None when it names none (a cluster, a host)."""
    targets: tuple[str, ...] | None = None
    """The host keys the guest can still be moved to, its own host apart, when the finding limits them to some
    hosts of its cluster (a switch or CPU some nodes lack); hosts whose facts the export does not give are kept
    among them. None: the finding does not limit where the guest can go (or pins it to its host)."""
    restart_unknown: str = ""
    """Why the export cannot tell whether the guest restarts on another host when its host fails, and what to check
    ('pass-through disk; check whether it is a cluster disk'); empty when the finding leaves no such doubt."""

    @property
    def steps(self) -> tuple[str, ...]:
        """The wording of :attr:`plan`, step by step."""
        return tuple(s.text for s in self.plan)


@dataclass(frozen=True)
class GuestEdge:
    """An undirected guest-guest edge: a bond (same guest cluster) or a colocation."""

    a: str
    b: str
    rule: str
    cause: RuleCause | None = None
    """None on a bond or a guest-cluster colocation: the cause is the guest cluster itself."""


@dataclass(frozen=True)
class HostEdge:
    """A guest-host edge: a pin (cannot leave while running) or a strand (no restart elsewhere)."""

    guest: str
    host: str
    rule: str
    cause: RuleCause | None = None


@dataclass(frozen=True)
class Coverage:
    rule: str
    source_id: int | None
    status: Literal["assessed", "not-assessed"]
    reason: str = ""
    missing: tuple[str, ...] = ()
    """What an assessed rule ran without (an optional tab or column): it found what it could, not everything."""


@dataclass
class RuleOutput:
    """Everything one or more rules produced."""

    findings: list[Finding] = field(default_factory=list)
    bonds: list[GuestEdge] = field(default_factory=list)
    colocations: list[GuestEdge] = field(default_factory=list)
    pins: list[HostEdge] = field(default_factory=list)
    strands: list[HostEdge] = field(default_factory=list)
    suspected: list[tuple[str, ...]] = field(default_factory=list)
    """Groups of guest keys found by heuristics only (names, networks): suspected clusters."""
    coverage: list[Coverage] = field(default_factory=list)

    def extend(self, other: RuleOutput) -> None:
        self.findings.extend(other.findings)
        self.bonds.extend(other.bonds)
        self.colocations.extend(other.colocations)
        self.pins.extend(other.pins)
        self.strands.extend(other.strands)
        self.suspected.extend(other.suspected)
        self.coverage.extend(other.coverage)


@dataclass(frozen=True)
class RuleContext:
    """Settings rules may read (from the audit config)."""

    suspect_heuristics: bool = True


RuleFn = Callable[[Estate, RuleContext], RuleOutput]


@dataclass(frozen=True)
class Detector:
    """One pass over the estate that yields the findings of one or more catalogue rules."""

    rules: tuple[RuleInfo, ...]
    run: RuleFn
