"""Which rules could be assessed on which export, and why not where they could not.

Zero findings must never read as clean when a check could not run: each rule declares the
tabs and columns it needs (:class:`~reportgen.rules.records.Need`), and this module turns
those needs and the tabs each source actually had into :class:`Coverage` records. A column
present but empty (no value where the exporter writes one) counts as missing: "present but
empty". A rule that no export can show (``RuleInfo.cannot_assess``) is not assessed on any source.
"""

from __future__ import annotations

from ..estate import Estate
from .records import Coverage, Need, RuleInfo

_UNKNOWN = ("written by an exporter reportgen does not recognise, for a platform it cannot tell: its values may "
            "not mean what RVTools' do")
_PLATFORM_NAMES = {"vsphere": "vSphere (RVTools)", "hyperv": "Hyper-V"}


def assess(info: RuleInfo, estate: Estate) -> list[Coverage]:
    """Coverage of one rule: one record per source of a platform the rule applies to."""
    sources = [
        (int(sid), str(platform), version, known is not False)
        for sid, platform, version, superseded, known in zip(
            estate.sources.column("source_id").to_pylist(),
            estate.sources.column("platform").to_pylist(),
            estate.sources.column("tool_version").to_pylist(),
            estate.sources.column("superseded_by").to_pylist(),
            estate.sources.column("producer_recognised").to_pylist(),
        )
        if superseded is None
    ]
    records: list[Coverage] = []
    for platform in info.platforms:
        for source_id, _, version, known in (s for s in sources if s[1] == platform):
            if info.cannot_assess or not known:
                records.append(Coverage(info.id, source_id, "not-assessed", info.cannot_assess if known else _UNKNOWN))
                continue
            required, optional = _missing(info, estate, source_id, platform, version)
            if required:
                records.append(Coverage(info.id, source_id, "not-assessed", "; ".join(required)))
                continue
            reason = "; ".join(
                [f"partly: {'; '.join(optional)}"] * bool(optional) + [info.limits] * bool(info.limits)
            )
            records.append(Coverage(info.id, source_id, "assessed", reason, tuple(optional)))
    # A rule for a platform the estate does not have is not applicable: no record at all
    # (a vSphere-only estate has no Hyper-V gaps). The report lists it as not applicable.
    return records


def _missing(
    info: RuleInfo, estate: Estate, source_id: int, platform: str, version: str | None
) -> tuple[list[str], list[str]]:
    """Reasons per missing need: (required ones, optional ones); a missing tab is named once."""
    required: list[str] = []
    optional: list[str] = []
    gone: dict[str, tuple[list[Need], bool]] = {}
    for need in info.needs:
        if need.platform != platform or (need.if_present and not _has_columns(estate, source_id, need.tab)
                                         and not estate.tab_gaps(source_id, need.tab)):
            continue  # (a tab the exporter says it could not read is needed all the same)
        if _known_absent(estate, source_id, need.tab):
            continue  # the exporter says this source has no such object (a host in no cluster): nothing to read
        unread = estate.tab_gaps(source_id, need.tab)
        if unread:
            listed = "; ".join(unread[:3]) + (f"; and {len(unread) - 3} more" if len(unread) > 3 else "")
            text = f"{need.tab} was not fully read: {listed}"
            if text not in required and text not in optional:
                (optional if need.optional else required).append(text)
            continue
        if not estate.has_tab(source_id, need.tab):
            needs, was_optional = gone.get(need.tab, ([], True))
            gone[need.tab] = ([*needs, need], was_optional and need.optional)
            continue
        before = len(required) + len(optional)
        absent = [c for c in need.columns if not estate.tab_has_column(source_id, need.tab, c)]
        if absent:
            names = ", ".join(f"'{c}'" for c in absent)
            text = f"{need.tab} lacks column {names}{_why([need], platform, version)}"
            (optional if need.optional else required).append(text)
        damaged = [c for c in need.columns if estate.tab_column_errors(source_id, need.tab, c)]
        if damaged:
            names = ", ".join(f"'{c}'" for c in damaged)
            text = f"{need.tab} column {names} has cells holding a spreadsheet error value, read as unknown"
            (optional if need.optional else required).append(text)
        garbled = [c for c in need.columns if estate.tab_column_unreadable(source_id, need.tab, c)]
        if garbled:
            names = ", ".join(f"'{c}'" for c in garbled)
            text = f"{need.tab} column {names} has values reportgen cannot read (see data quality), read as unknown"
            (optional if need.optional else required).append(text)
        empty = [c for c in need.columns if estate.tab_column_empty(source_id, need.tab, c)]
        if empty:
            names = ", ".join(f"'{c}'" for c in empty)
            text = f"{need.tab} column {names} present but empty{f' ({need.why})' if need.why else ''}"
            (optional if need.optional else required).append(text)
        read, used = _rows(estate, source_id, need.tab)
        if read and not used and len(required) + len(optional) == before:  # a lost column explains it better
            # nothing of the tab reached the estate: its columns were never read, whatever the header says.
            # Some rows skipped is not said here: blank rows and notes typed under the table count as skipped.
            text = f"all {read} {need.tab} rows were skipped (see data quality)"
            if text not in required and text not in optional:
                (optional if need.optional else required).append(text)
    for tab, (needs, was_optional) in gone.items():
        shown = [n for n in needs if not n.optional] or needs
        # 'since' of a column says nothing about a missing tab; only tab-level needs carry the tab's version.
        shown = [n if not n.columns else Need(n.platform, n.tab, n.columns, n.why) for n in shown]
        text = f"tab {tab} is missing{_why(shown, platform, version)}"
        (optional if was_optional else required).append(text)
    return required, optional


def _rows(estate: Estate, source_id: int, tab: str) -> tuple[int, int]:
    """Rows of the tab in the export and rows that reached the estate (the rest were skipped)."""
    found = [t for t in estate.tabs if t.source_id == source_id and t.tab == tab and t.present]
    return sum(t.rows_read for t in found), sum(t.rows_used for t in found)


def _known_absent(estate: Estate, source_id: int, tab: str) -> bool:
    """Whether the source says it has none of these objects: present without header, rows or gaps (the cluster
    objects of a host the collector knows is in no cluster)."""
    found = [t for t in estate.tabs if t.source_id == source_id and t.tab == tab]
    return bool(found) and all(t.present and not t.columns and not t.rows_read and not t.gaps for t in found)


def _has_columns(estate: Estate, source_id: int, tab: str) -> bool:
    """Whether the source has the tab with a header (a known non-cluster has Get-ClusterNode without one)."""
    return any(t.source_id == source_id and t.tab == tab and t.present and t.columns for t in estate.tabs)


def _why(needs: list[Need], platform: str, version: str | None) -> str:
    parts = list(dict.fromkeys(n.why for n in needs if n.why))
    since = [n.since for n in needs if n.since]
    if since:
        tool = "RVTools" if platform == "vsphere" else "the exporter"
        oldest = min(since, key=lambda v: tuple(int(p) for p in v.split(".") if p.isdigit()))
        seen = f"; this export is from {tool} {version}" if version else ""
        parts.append(f"written by {tool} {oldest} and later{seen}")
    return f" ({', '.join(parts)})" if parts else ""
