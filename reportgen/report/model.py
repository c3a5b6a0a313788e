"""The report model: what the PDF and HTML say, as plain data (no Jinja, no WeasyPrint).

Templates only lay out what is here; they compute nothing. The model is bounded in size:
every list the PDF prints is cut to a configured length, and the ``*_not_shown`` counts say
how many more rows the data files hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accepted import AcceptanceView
    from .other_findings import OtherFinding
    from .settings import SettingsView

from .disks import DiskPlan


@dataclass(frozen=True)
class Summary:
    """The key figures, shown on the executive summary and repeated where they are explained."""

    hosts: int
    guests: int
    """Guests: every VM the exports list that is not a template (a template cannot run) nor a vCLS agent VM."""
    running_guests: int
    guest_clusters: int
    suspected_clusters: int
    clusters_in_a_box: int
    clusters_across_boxes: int
    clusters_sharing_a_host: int
    """Guest clusters that tie a host on which two or more of their running nodes run: that host's wave takes
    those nodes down together (a guest cluster in a box, and some mixed ones)."""
    pinned_hosts: int
    pinned_hosts_at_power_on: int
    pinned_guests: int
    pinned_guests_at_power_on: int
    stranded_guests: int
    stranded_hosts: int
    annual_cost: float
    annual_low: float
    annual_high: float
    annual_at_power_on: float
    units: int
    """Guest clusters and lone pinned guests that cost money today."""
    waves: int
    wave_lower_bound: int
    checks_not_assessed: int
    """Catalogue rules that could not be assessed on at least one export."""
    checks_assessed: int
    """Catalogue rules assessed on at least one export (0: the report cannot say anything is clean)."""
    checks_total: int
    data_issues: int
    rows_skipped: int
    unit_clusters: int = 0
    """Cost units that are guest clusters."""
    unit_guests: int = 0
    """Cost units that are single tied guests outside any guest cluster."""
    outage_priced: bool = False
    """True when the configuration prices the planned outage (cost.outage_cost_per_minute or services)."""
    no_ha_guests: int = 0
    """Running guests that would not restart after their host failed because the host has no HA (VMW-24)."""
    no_ha_hosts: int = 0
    """Hosts without HA (HA off on their cluster, or standalone) that run such guests."""
    ha_only_guests: int = 0
    """Of :attr:`no_ha_guests`, those nothing else ties: they can be started on another host by hand."""
    ha_only_hosts: int = 0
    """Hosts that run such guests."""
    ha_only_alone_guests: int = 0
    """Of :attr:`ha_only_guests`, those on a host alone (no cluster, or the only host of its): HA needs a second host."""
    ha_only_standalone_guests: int = 0
    """Of :attr:`ha_only_guests`, those on a standalone host: there is no cluster to restart them in (not 'HA off')."""
    ha_only_unknown_guests: int = 0
    """Of :attr:`ha_only_guests`, those whose export could not show the other ties (no vDatastore: VMW-13 did not
    run): nothing else was found, but whether HA alone, or a hand, could start them elsewhere is not known."""
    ha_only_unknown_hosts: int = 0
    """Hosts that run such guests."""
    ha_only_unknown_what: str = ""
    """What their exports lacked, in a reader's words: 'storage', 'storage and network adapters'."""
    media_guests: int = 0
    """Guests tied today only by a connected CD/DVD or ISO: disconnected live, then migrated (no power-off)."""
    stranded_worst: int = 0
    """The most guests one host failure strands (the stranded guests of the worst host)."""
    templates: int = 0
    """VMs marked as templates (vInfo 'Template'): listed by the exports, counted apart from the guests."""
    media_hosts: tuple[str, ...] = ()
    """Hosts that cannot be emptied today only because of connected media (among ``pinned_hosts``): disconnect it,
    then they empty by live migration, no power-off."""
    agents: int = 0
    """vSphere Cluster Services agent VMs (vCLS): vSphere runs them itself, counted apart from the guests."""
    off_tied: tuple[str, ...] = ()
    """Names of the guests off today that would tie a host once started, when there are at most two (the cover
    names them, so that a reader sees at once whether they are ever meant to run again)."""
    guest_clusters_unknown: bool = False
    """The checks that find guest clusters (shared disks: GEN-01, HYV-01, HYV-02) could not run on some export:
    the wave plan cannot promise that no guest cluster loses two nodes in one wave."""
    settings_unknown: tuple[str, ...] = ()
    """The vSphere clusters whose DRS or HA the exports do not show, most hosts first (every one): never read as on,
    so whether their hosts are emptied unattended and their guests restart after a host failure is not known."""
    settings_unknown_hosts: int = 0
    """Their hosts."""
    settings_unknown_what: str = ""
    """What is not shown of them: 'DRS and HA', 'HA' or 'DRS'."""
    unplaced: tuple[tuple[str, int], ...] = ()
    """(cluster, how many) of the running guests whose host the exports do not give, most first ('' for no known
    cluster, last): whatever ties them is not known."""
    mostly_unknown: bool = False
    """More than half of the checks that apply could not run and those that ran found nothing (no host tied today
    or once started, no guest cluster): figures of 0 would read as a clean estate, so the cover says "Not assessed",
    the summary opens with what is missing, and its tiles are left out."""

    @property
    def checks_run(self) -> int:
        """Checks that ran on every export: what a host with no tie found was checked by."""
        return self.checks_total - self.checks_not_assessed

    @property
    def unplaced_running(self) -> int:
        """Running guests whose host the exports do not give."""
        return sum(n for _, n in self.unplaced)

    @property
    def partial(self) -> bool:
        """Some checks ran and some could not: no host may be called free, only not found tied by those that ran."""
        return bool(self.checks_assessed and self.checks_not_assessed)


@dataclass(frozen=True)
class Action:
    """One of the actions that save most (executive summary and the remediation list)."""

    label: str
    kind: str
    """'guest-cluster', 'rule', a cause kind ('datastore', 'network' ...) or 'guest'."""
    hosts_freed: int | None
    """Hosts that become freely maintainable; None when the core did not say."""
    annual_saving: float
    later: bool = False
    """True when the saving starts once guests that are off today run again."""
    action: str = ""
    """The verb and its scope ('Disconnect 6 ISO images from DS01')."""
    effort: str = ""
    """'minutes', 'change' or 'project' (docs/rules.md, from the rule behind the tie)."""
    reason: str = ""
    """Why the action frees no host on its own (empty when it frees one)."""
    units: int = 0
    """Guest clusters and tied guests it addresses."""
    annual_cost: float = 0.0
    """The yearly cost of those units (what the action works on, not what it saves alone)."""
    rules: tuple[str, ...] = ()
    freed: tuple[str, ...] = ()
    """The hosts it frees on its own."""
    unit_ids: tuple[str, ...] = ()
    """The cost units it addresses (guest-cluster ids, guest keys)."""
    cause: str = ""
    """The cause id the core ranks ('faux:0', 'datastore:…', 'guest:<key>:<rule>')."""
    standalone_hosts: tuple[str, ...] = ()
    """Set when the action is the local storage of these hosts alone (accept, or add shared storage)."""
    hosts: tuple[str, ...] = ()
    """The hosts of the tied guests it works on."""
    shares_cost: tuple[int, ...] = ()
    """Other actions of the remedy table (1-based) working on a guest or guest cluster it works on too: the same
    cost is in both rows' 'Cost it addresses'."""
    prerequisites: str = ""
    """What vMotion of its WSFC nodes needs, met, not met and not visible in the export (the list the guest-cluster
    page gives); empty for other actions."""
    media_first: tuple[tuple[str, tuple[str, ...], float], ...] = ()
    """Hosts it frees that still hold guests tied only by connected media: (host label, those guests, the yearly
    cost left on the host for their media). Such a host needs the media disconnected first, then empties by live
    migration with no power-off."""
    page: str = ""
    """The guest cluster (its id) whose page the action's text points at for the steps; empty when none."""
    wsfc: tuple[str, ...] = ()
    """The WSFC guest clusters with a node on a host it frees: DRS keeps them partially automated (VMware's advice),
    so someone applies the recommendations to empty the host."""


@dataclass(frozen=True)
class Bundle:
    """Actions that free hosts only together: none of them frees these hosts alone."""

    hosts: tuple[str, ...]
    """The hosts freed once every one of the actions is done."""
    actions: tuple[int, ...]
    """The actions' numbers in the remedy table (1-based)."""
    numbers: str
    """The same numbers for a reader ('6–10', '3, 5 and 7')."""
    effort: str
    """The largest effort among them: 'minutes', 'change' or 'project'."""
    annual_saving: float
    later: bool = False
    """True when the hosts are tied only once guests that are off today run again (saving from then on)."""


@dataclass(frozen=True)
class PlanTotal:
    """Every action of the remedy table done together: the hosts freed, the yearly saving, what remains."""

    actions: int
    hosts_freed: int
    annual_saving: float
    annual_total: float
    """The yearly cost the actions work on (today's, or once the guests that are off run when ``later``)."""
    remaining: float
    """What the actions are not counted to save: the cost of the tied hosts alone in their cluster, or tied by a
    guest cluster whose host cluster is too small to keep its nodes apart."""
    hosts_kept: int
    """The tied hosts that stay tied: alone in their cluster, or carrying such a guest cluster."""
    efforts: tuple[tuple[str, int], ...]
    """Actions per effort class, projects first ('project', 'change', 'minutes'); classes without one left out."""
    later: bool = False
    """True when nothing is tied today and the figures count from when the guests that are off run again."""
    hosts_alone: int = 0
    """Of ``hosts_kept``, those alone in their cluster (the others carry a guest cluster too big for theirs)."""
    freeing: str = ""
    """The numbers of the projects that would free the hosts kept ('4 and 5'), whose saving is not counted."""


@dataclass(frozen=True)
class Member:
    name: str
    host: str | None
    power_state: str | None
    owner: str | None
    order: str | None = None
    """Its place in the shared-disk order ('shut down last, move first (disk holder)', 'off; move last'); None
    without shared disks."""


@dataclass(frozen=True)
class Reason:
    rule: str
    title: str
    severity: str
    evidence: str
    """One example of the evidence seen (the first member's finding)."""


@dataclass(frozen=True)
class ClusterPage:
    id: str
    name: str
    topology: str
    topology_text: str
    unsupported: bool
    """Nodes share a host on physical-mode RDMs: a configuration VMware does not support."""
    members: tuple[Member, ...]
    members_not_shown: int
    hosts: tuple[str, ...]
    hosts_tied: tuple[str, ...]
    clusters: tuple[str, ...]
    owners: tuple[str, ...]
    reasons: tuple[Reason, ...]
    annual_cost: float
    annual_at_power_on: float
    events_per_year: float
    per_event: float
    """Yearly cost divided by the maintenance events of the hosts it ties."""
    remediation: str
    references: tuple[str, ...]
    links: tuple[tuple[str, str], ...] = ()
    """The vendor references as (short title, address), for clickable links."""
    steps: tuple[str, ...] = ()
    """What to do, most important first: topology, then the gates this guest cluster misses."""
    disks: DiskPlan | None = None
    """Who owns its shared disk files, which boot a node, and the order its nodes go in."""
    ties_today: bool = True
    """Whether it ties ``hosts_tied`` today; False when its nodes are off and tie them only once started."""


@dataclass(frozen=True)
class RegisterRow:
    host: str
    cluster: str | None
    power_off: tuple[str, ...]
    power_off_not_shown: int
    at_power_on: tuple[str, ...]
    """Guests off today that would have to be powered off once started (not those tied only by media)."""
    at_power_on_not_shown: int
    owners: tuple[str, ...]
    unknown_owner: bool
    wave: int | None
    annual_cost: float
    rules: tuple[str, ...] = ()
    """Why the host is tied: the rules of the guests to power off (today and once started)."""
    media: tuple[str, ...] = ()
    """Guests tied today only by connected media: disconnect it live, then migrate (not in ``power_off``)."""
    media_at_power_on: tuple[str, ...] = ()
    """Guests off today that would be tied once started only by connected media: no power-off (not in
    ``at_power_on``)."""
    media_at_power_on_not_shown: int = 0
    accepted: tuple[str, ...] = ()
    """Guests listed whose every tie is accepted (an accepted exception in force)."""
    key: str = ""
    """The host's key: which findings the row shows (its guests' ties) is told by it."""


@dataclass(frozen=True)
class WaveRow:
    """One maintenance wave: its hosts, the guests it stops, the owners to ask, the failovers it needs."""

    number: int | None
    """1-based; None for hosts the plan could not place."""
    hosts: tuple[str, ...]
    hosts_not_shown: int
    host_count: int
    tied: int
    """Hosts of the wave that cannot be emptied by live migration today."""
    media_hosts: int
    """Of ``tied``, those held only by connected media: disconnected, they empty with no power-off."""
    power_off: tuple[str, ...]
    power_off_not_shown: int
    power_off_count: int
    owners: tuple[str, ...]
    failovers: int
    media: tuple[str, ...] = ()
    """Guests tied only by connected media: disconnected live, then migrated (not in ``power_off``)."""
    at_power_on: tuple[str, ...] = ()
    """Guests that are off today and would have to be powered off once started (not in ``power_off``)."""
    at_power_on_not_shown: int = 0
    media_at_power_on: tuple[str, ...] = ()
    """Guests that are off today and would be tied once started only by connected media: no power-off."""
    media_at_power_on_not_shown: int = 0
    cluster_unknown: int = 0
    """Hosts of the wave whose cluster membership is unknown: planned apart, such a wave holds no other host."""


@dataclass(frozen=True)
class WaveBound:
    """What forces the number of waves, and whether raising a per-cluster limit would lower it."""

    kind: str
    """'guest-cluster' (its nodes' hosts never share a wave) or 'cluster' (the per-cluster limit)."""
    name: str
    hosts: int
    waves: int
    """Waves this constraint alone needs."""
    allowed: int = 1
    """For 'cluster': hosts of the cluster that may be down at once."""
    raise_to: int = 0
    """A per-cluster limit that lowers the bound and keeps a host of the cluster up; 0 when none does."""
    waves_if_raised: int = 0
    also: str = ""
    """A guest cluster that needs as many waves (named when a cluster binds equally)."""
    alike: int = 1
    """For 'cluster': clusters that need as many waves by their own limit, this one included."""
    same_size: bool = True
    """For 'cluster': whether those clusters all have as many hosts and allow as many down at once."""


@dataclass(frozen=True)
class ExportDates:
    """When the exports were taken, for the cover: the oldest and newest, and how old or far apart they are."""

    first: str
    last: str
    age_days: int
    """Days from the oldest export to the report date."""
    spread_days: int
    """Days between the oldest and the newest export."""
    undated: int = 0
    """Exports that do not say when they were taken."""


@dataclass(frozen=True)
class FailureRow:
    host: str
    cluster: str | None
    guests: tuple[str, ...]
    guests_not_shown: int
    count: int
    owners: tuple[str, ...]


@dataclass(frozen=True)
class RestartUnknownRow:
    """A running guest whose restart on another host, after a failure of its host, the export cannot tell."""

    host: str
    guest: str
    why: str
    """What is not known and what to check ('pass-through disk; check whether it is a cluster disk')."""


@dataclass(frozen=True)
class RestartUnknownView:
    """The failure page's guests whose restart elsewhere is not known: counted neither as restarting nor as stranded."""

    rows: tuple[RestartUnknownRow, ...]
    not_shown: int
    guests: int
    hosts: int


@dataclass(frozen=True)
class CostRow:
    label: str
    detail: str
    annual: float


@dataclass(frozen=True)
class CoverageGap:
    rule: str
    title: str
    reason: str
    exports: int
    files: tuple[str, ...]


@dataclass(frozen=True)
class IssueGroup:
    level: str
    where: str
    message: str
    count: int
    rows: int
    skipped: bool


@dataclass(frozen=True)
class SourceRow:
    file: str
    server: str | None
    tool: str
    exported_at: str | None
    rows_read: int
    rows_skipped: int
    missing_tabs: tuple[str, ...] = ()
    """Tabs (or Hyper-V object files) the export does not have."""
    missing_columns: tuple[str, ...] = ()
    """'vDisk: Sharing mode' for each column the importer reads that the export lacks."""
    superseded: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    caption: str
    empty: bool = False
    """Nothing to draw: the template says so in words instead."""


@dataclass(frozen=True)
class Assumption:
    label: str
    value: str


@dataclass(frozen=True)
class EventRate:
    """Maintenance events a year of one platform's host, and why that many."""

    platform: str
    events: float
    reason: str


@dataclass(frozen=True)
class CheckRow:
    rule: str
    title: str
    severity: str
    status: str
    """'assessed', 'not assessed' or 'partly assessed' over the exports given."""
    severity_text: str = ""
    """The severities its findings have here ('high to critical'); empty when it found nothing. ``severity`` is then
    the highest of them, the same figure the guest-cluster pages and the findings show, else the usual one."""
    without: tuple[str, ...] = ()
    """What it ran without on some export (an optional tab or column): what it may have missed."""
    found: str = ""
    """How many findings it made here and the section that shows them ('3 · register'), or 'none'."""


@dataclass(frozen=True)
class TrendRow:
    period: str
    pinned_hosts: int
    guest_clusters: int
    pinned_guests: int
    annual_cost: float


@dataclass(frozen=True)
class HistoryView:
    """The quarter-on-quarter change, every name in full (the template shows the first few and counts the rest)."""

    trend: tuple[TrendRow, ...]
    """Oldest first; the last row is this audit."""
    previous: str | None
    hosts_freed: tuple[str, ...]
    hosts_newly_tied: tuple[str, ...]
    clusters_fixed: tuple[str, ...]
    clusters_new: tuple[str, ...]
    cost_change: float
    """This quarter's yearly cost minus the previous quarter's (negative is a saving)."""
    clusters_changed: tuple[str, ...] = ()
    """'name: added x; removed y' per guest cluster whose members changed."""
    renamed: tuple[str, ...] = ()
    """'old → new' per guest renamed (same VM UUID, else vCenter + VM ID)."""
    clusters_not_assessed: tuple[str, ...] = ()
    """Guest clusters of the previous quarter not seen now because their checks are not assessed now."""
    hosts_not_assessed: tuple[str, ...] = ()
    clusters_first_assessed: tuple[str, ...] = ()
    """Guest clusters seen now whose checks were not assessed in the previous quarter."""
    hosts_first_assessed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteRow:
    """What one site's failure stops."""

    site: str
    hosts: int
    running: int
    guests: tuple[str, ...]
    guests_not_shown: int
    stranded: int
    """Running guests that could not restart on another site."""
    by_host: int
    """... of them because they are tied to a host of the site."""
    by_storage: int
    by_network: int
    owners: tuple[str, ...]
    whole_clusters: tuple[str, ...]
    """Guest clusters whose every node runs in the site (id and name)."""


@dataclass(frozen=True)
class Crossing:
    """A guest cluster with a node out of scope, kept because hiding half a cluster would mislead."""

    cluster: str
    guest: str
    host: str


@dataclass(frozen=True)
class ScopeView:
    """The part of the estate audited (``--include`` / ``--exclude``)."""

    text: str
    """``only cluster Prod*; excluding host esx-9*`` (under --redact: the fields only)."""
    hosts_in: int
    hosts_total: int
    guests_in: int
    guests_total: int
    crossings: tuple[Crossing, ...]
    withheld: bool
    counted: str = ""
    """``3 of 4 hosts, 4 of 5 guests and 1 of 2 templates`` in scope: guests as the cover counts them, templates
    and vCLS agent VMs apart (:func:`reportgen.scope.counted`)."""


@dataclass(frozen=True)
class CoverageAdvice:
    """The checks that could not run, by what would let them run."""

    tabs: tuple[str, ...]
    """Tabs (Hyper-V: object files) missing from an export that a check that could not run needs."""
    tab_checks: int
    """Checks that could not run for want of those tabs."""
    by_hand: tuple[tuple[str, str], ...]
    """(rule, title) of checks no export can feed: their facts are in no tab."""
    other: int
    """Checks that could not run for another reason: a column missing or empty, rows skipped, values unreadable."""
    rvtools: bool = True
    """Every tab named is an RVTools tab (else some are Hyper-V object files)."""

    @property
    def text(self) -> str:
        """The advice as the coverage page says it: what to export again, what to fix, what to check by hand."""
        said = [f"To run the checks that could not run: {self.remedy}."] if self.remedy else []
        return " ".join([*said, self.by_hand_text] if self.by_hand else said)

    @property
    def remedy(self) -> str:
        """What would let them run, as one clause ('export again …; fix …'); empty when only checks by hand remain."""
        parts = []
        if self.tabs:
            what = ("the RVTools tab" + "s" * (len(self.tabs) > 1) + " ") if self.rvtools else ""
            recent = "from a recent RVTools " if self.rvtools else ""
            parts.append(f"export again {recent}with {what}{_and(self.tabs)} ({_checks(self.tab_checks)})")
        if self.other:
            parts.append(f"fix what Data quality and coverage lists for {_checks(self.other)} (a column missing "
                         "or empty, rows skipped or unreadable)")
        return "; ".join(parts)

    @property
    def by_hand_text(self) -> str:
        """The checks no export can feed, and where they are checked instead; empty when there are none."""
        if not self.by_hand:
            return ""
        ids, titles = [r for r, _ in self.by_hand], [t for _, t in self.by_hand]
        return (f"No RVTools export shows {_and(titles, 'or')} ({_and(ids)}): "
                f"{'these are' if len(ids) > 1 else 'this is'} checked by hand in vCenter.")


def _and(items: tuple[str, ...] | list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _checks(n: int) -> str:
    return f"{n:,} check{'s' * (n != 1)}"


@dataclass(frozen=True)
class ReportModel:
    title: str
    client: str
    author: str
    firm: str
    logo: str | None
    """A data: URI of the logo (self-contained in HTML and PDF)."""
    currency: str
    report_date: str
    sources: tuple[SourceRow, ...]
    sources_not_shown: int
    summary: Summary
    actions: tuple[Action, ...]
    """The (up to) three actions that save most."""
    actions_hosts_freed: int | None
    actions_saving: float
    actions_left: float
    """The yearly cost left once the listed actions are done."""
    remedies: tuple[Action, ...]
    remedies_not_shown: int
    rule_remedies: tuple[Action, ...]
    containment_hosts: int
    containment_hosts_freed: int
    containment_saving: float
    charts: dict[str, Chart]
    owner_costs: tuple[CostRow, ...]
    owner_costs_not_shown: int
    unit_costs: tuple[CostRow, ...]
    unit_costs_not_shown: int
    unit_costs_later: bool
    """True when nothing costs money today and the rows are the costs once the guests that are off run."""
    cluster_pages: tuple[ClusterPage, ...]
    clusters_not_shown: int
    register: tuple[RegisterRow, ...]
    register_not_shown: int
    failure: tuple[FailureRow, ...]
    failure_not_shown: int
    coverage_gaps: tuple[CoverageGap, ...]
    coverage_gaps_not_shown: int
    issues: tuple[IssueGroup, ...]
    issues_not_shown: int
    assumptions: tuple[Assumption, ...]
    roles: tuple[tuple[str, float, float], ...]
    """(role, hours, rate) per unit and host maintenance."""
    checks: tuple[CheckRow, ...]
    """Checks that apply to the platforms read, sorted by id."""
    quiet_clusters: tuple[ClusterPage, ...] = ()
    """Guest clusters that cost nothing, today or once their guests run: one compact table, not a page each."""
    pages_cut_by_name: bool = False
    """The last guest cluster with a page costs as much as the first without one: their names decided which."""
    checks_not_applicable: tuple[str, ...] = ()
    """Rule ids for platforms not in the exports (said in one line)."""
    wave_plan: tuple[WaveRow, ...] = ()
    wave_limit: int = 1
    """waves.hosts_down_per_cluster: hosts of one cluster that may be in maintenance at once."""
    wave_limit_cluster: str | None = None
    """The cluster that needs the most waves by itself, with its hosts and allowed hosts down."""
    wave_limit_hosts: int = 0
    wave_limit_allowed: int = 1
    wave_bound: WaveBound | None = None
    wave_unknown_limit: int = 1
    """Hosts of unknown cluster membership in one wave at most: the lowest hosts-down limit configured."""
    """The constraint that forces the number of waves (None when no constraint needs two waves)."""
    cluster_unknown_hosts: int = 0
    """Hosts whose cluster membership the export does not show (never called standalone): the register says so,
    and that the wave plan counts them in no cluster."""
    conflicts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    """Guests that must share a host but are pinned to different hosts: (guests, hosts)."""
    conflicts_not_shown: int = 0
    history: HistoryView | None = None
    """The quarter-on-quarter view, when the audit kept a history."""
    acceptances: AcceptanceView | None = None
    """The accepted exceptions, when the audit was given an accept file."""
    sites: tuple[SiteRow, ...] = ()
    """One per site, when the estate spans two or more."""
    export_dates: ExportDates | None = None
    """When the exports were taken (None when none says)."""
    main_causes: tuple[str, ...] = ()
    """The causes addressing the largest yearly cost (several when they tie); empty when nothing costs."""
    main_cause_cost: float = 0.0
    main_causes_overlap: str = ""
    """'same' when the costliest causes work on the same guests (one cost, not one each), 'partly', or ''."""
    remedies_addressed: float = 0.0
    """The 'Cost it addresses' column summed over every action: above the yearly total when causes share guests."""
    vmotion_unseen: str = ""
    """What vMotion of WSFC nodes needs and no export shows, when an action of the remedy table makes a WSFC guest
    cluster movable (said once under the table, its rows name the rest); empty otherwise."""
    bundles: tuple[Bundle, ...] = ()
    """Actions that free hosts only together, most yearly saving first."""
    event_rates: tuple[EventRate, ...] = ()
    """Maintenance events a year of the platforms whose hosts are tied, with the reason."""
    sites_origin: str = ""
    unsited_hosts: tuple[str, ...] = ()
    """Hosts in no site, when there are sites."""
    scope: ScopeView | None = None
    """The part of the estate audited (--include / --exclude); None when all of it was."""
    plan_total: PlanTotal | None = None
    """Every action of the remedy table done together; None when there is none."""
    settings: SettingsView | None = None
    """Cluster settings that make maintenance manual or strand guests (DRS, HA, EVC; standalone hosts)."""
    loose_findings: int = 0
    """Findings above info that tie no host and are not cluster settings (listed in the data files only)."""
    loose_rules: tuple[str, ...] = ()
    other_findings: tuple[OtherFinding, ...] = ()
    """Checks whose findings no other section shows (no tie, no guest cluster, no cluster setting)."""
    coverage_advice: CoverageAdvice | None = None
    """What would let the checks that could not run run; None when every check ran."""
    restart_unknown: RestartUnknownView | None = None
    """Running guests whose restart elsewhere after a failure of their host is not known; None when there is none."""
