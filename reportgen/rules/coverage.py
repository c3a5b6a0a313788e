"""Which rules could be assessed on which export, and why not where they could not.

Zero findings must never read as clean when a check could not run: each rule declares the
tabs and columns it needs (:class:`~reportgen.rules.base.Need`), and this module turns
those needs and the tabs each source actually had into :class:`Coverage` records.
"""

from __future__ import annotations

from ..estate import Estate
from .base import Coverage, RuleInfo

_PLATFORM_NAMES = {"vsphere": "vSphere (RVTools)", "hyperv": "Hyper-V"}


def assess(info: RuleInfo, estate: Estate) -> list[Coverage]:
    """Coverage of one rule: one record per source of a platform the rule applies to."""
    sources = [
        (int(sid), str(platform), str(file))
        for sid, platform, file, superseded in zip(
            estate.sources.column("source_id").to_pylist(),
            estate.sources.column("platform").to_pylist(),
            estate.sources.column("file").to_pylist(),
            estate.sources.column("superseded_by").to_pylist(),
        )
        if superseded is None
    ]
    records: list[Coverage] = []
    for platform in info.platforms:
        mine = [s for s in sources if s[1] == platform]
        if not mine:
            continue
        for source_id, _, file in mine:
            missing = _missing(info, estate, source_id, platform)
            if missing:
                records.append(Coverage(info.id, source_id, "not-assessed", missing))
            else:
                records.append(Coverage(info.id, source_id, "assessed", info.limits))
    if not records:
        wanted = " or ".join(_PLATFORM_NAMES.get(p, p) for p in info.platforms)
        records.append(Coverage(info.id, None, "not-assessed", f"no {wanted} export was given"))
    return records


def _missing(info: RuleInfo, estate: Estate, source_id: int, platform: str) -> str:
    reasons = []
    for need in info.needs:
        if need.platform != platform:
            continue
        if not estate.has_tab(source_id, need.tab):
            why = f" ({need.why})" if need.why else ""
            reasons.append(f"tab {need.tab} is missing{why}")
            continue
        absent = [c for c in need.columns if not estate.tab_has_column(source_id, need.tab, c)]
        if absent:
            why = f" ({need.why})" if need.why else ""
            names = ", ".join(f"'{c}'" for c in absent)
            reasons.append(f"{need.tab} lacks column {names}{why}")
    return "; ".join(reasons)
