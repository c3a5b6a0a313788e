"""The mapping of an RVTools export as stages, each naming the tabs and stages it needs.

A stage sees only the tabs it declares, so its result never depends on what else happens to
be read already: run in order (:func:`map_export`) or by threads as soon as their inputs are
ready (:mod:`.rvtools_job`), the estate is the same, issue for issue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from .. import schema
from ..errors import InputError
from ..estate import DataIssue, Estate, TabStatus
from .host_names import HostSpellings, host_spellings
from .rvtools_base import NEEDED, ExportScope, MapOptions
from .rvtools_hollow import hollow_tabs
from .rvtools_map import Mapper
from .rvtools_producer import Producer, recognise
from .rvtools_tabs import RawExport, RawTab

__all__ = ["STAGES", "Stage", "StageResult", "assemble", "map_export", "run_stage"]


@dataclass(frozen=True)
class Stage:
    """One step of the mapping: what it reads and which earlier results it uses."""

    name: str
    tabs: frozenset[str]
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageResult:
    value: object
    """The stage's frame (or the scope, the producer and vHost's host names, or the source row)."""
    issues: tuple[DataIssue, ...] = ()
    tabs: tuple[TabStatus, ...] = ()
    rows_read: int = 0
    rows_used: int = 0


# In the order their issues and tab statuses are reported.
STAGES: tuple[Stage, ...] = (
    Stage("scope", frozenset({"vInfo", "vSource", "vHost", "vMetaData"})),
    Stage("guests", frozenset({"vInfo", "vSnapshot"}), ("scope",)),
    Stage("hosts", frozenset({"vHost", "vCluster"}), ("scope", "guests")),
    Stage("clusters", frozenset({"vCluster"}), ("scope", "hosts")),
    Stage("disks", frozenset({"vDisk"}), ("scope", "guests")),
    Stage("nics", frozenset({"vNetwork"}), ("scope", "guests")),
    Stage("devices", frozenset({"vCD", "vUSB"}), ("scope", "guests")),
    Stage("networks", frozenset({"vPort", "vNIC", "vSwitch", "dvSwitch", "dvPort"}), ("scope",)),
    Stage("datastores", frozenset({"vDatastore"}), ("scope",)),
    Stage("source", frozenset(NEEDED), ("scope",)),  # every tab: the sheet names tell a 3.x export
)


def check_vinfo(file: str, tabs: Mapping[str, RawTab]) -> None:
    """InputError unless the export has a vInfo tab that identifies VMs."""
    if "vInfo" not in tabs:
        raise InputError("has no vInfo tab", where=file,
                         hint="reportgen needs at least vInfo; export 'all' tabs from RVTools")
    vinfo = tabs["vInfo"]
    if not vinfo.headers & {"VM", "VM ID", "VM UUID"}:
        raise InputError(
            f"the {vinfo.sheet} tab has none of the columns VM, VM ID or VM UUID: it is not an RVTools export",
            where=file, hint="give the workbook or CSV folder as RVTools wrote it",
        )


def run_stage(stage: Stage, file: str, fmt: str, tabs: Mapping[str, RawTab], source_id: int,
              options: MapOptions, done: Mapping[str, StageResult]) -> StageResult:
    """Run one stage over the tabs it declares (``tabs`` may hold more; they are not shown to it)."""
    raw = RawExport(file, fmt, {t: tabs[t] for t in stage.tabs if t in tabs}, ())
    if stage.name == "scope":
        check_vinfo(file, raw.tabs)
        first = Mapper(raw, source_id, options)
        vhost = first.tab("vHost")
        names = vhost.get_column("Host").to_list() if vhost is not None and "Host" in vhost.columns else []
        return StageResult((first.scope, recognise(first.tab("vMetaData"), first.tab("vSource")),
                            host_spellings(names)))
    scope, producer, spellings = _scope(done["scope"])
    m = Mapper(raw, source_id, options, scope=scope, producer=producer, spellings=spellings)
    value: object
    if stage.name == "guests":
        value = m.guests()
    elif stage.name == "hosts":
        value = m.hosts(_frame(done["guests"]))
    elif stage.name == "clusters":
        value = m.clusters(_frame(done["hosts"]))
    elif stage.name in ("disks", "nics", "devices"):
        value = getattr(m, stage.name)(_frame(done["guests"]))
    elif stage.name in ("networks", "datastores"):
        value = getattr(m, stage.name)()
    elif stage.name == "source":
        value = m.source()
    else:
        raise ValueError(f"unknown stage {stage.name}")
    return StageResult(value, tuple(m.issues), tuple(m.tabs), m.rows_read, m.rows_used)


def _scope(result: StageResult) -> tuple[ExportScope, Producer, HostSpellings]:
    value = result.value
    assert isinstance(value, tuple) and isinstance(value[0], ExportScope) and isinstance(value[1], Producer)
    assert isinstance(value[2], HostSpellings)
    return value[0], value[1], value[2]


def _frame(result: StageResult) -> pl.DataFrame:
    assert isinstance(result.value, pl.DataFrame)
    return result.value


def _to_table(name: str, frame: pl.DataFrame) -> pa.Table:
    if frame.is_empty() and not frame.width:
        return schema.empty(name)
    wanted = [f.name for f in schema.SCHEMAS[name] if f.name in frame.columns]
    return schema.conform(name, frame.select(wanted).to_arrow())


def assemble(file: str, read_issues: tuple[DataIssue, ...], custom: tuple[str, ...], source_id: int,
             results: Mapping[str, StageResult], unread: Mapping[str, tuple[str, str]] | None = None,
             sheets: Mapping[str, str] | None = None) -> Estate:
    """The estate of one export from its stage results (reported in STAGES order); ``unread`` names the tabs
    whose file or sheet was there but could not be read: (why, the file or sheet it names); ``sheets`` the sheet
    (or file) of each tab read."""
    ordered = [results[s.name] for s in STAGES]
    issues = [*read_issues, *(i for r in ordered for i in r.issues)]
    tables = {name: _to_table(name, _frame(results[name]))
              for name in ("guests", "hosts", "clusters", "disks", "nics", "devices", "networks", "datastores")}
    source = dict(results["source"].value)  # type: ignore[call-overload]
    skipped = sum(i.rows for i in issues if i.skipped)
    source.update(rows_read=sum(r.rows_read for r in ordered), rows_used=sum(r.rows_used for r in ordered),
                  rows_skipped=skipped)
    tables["sources"] = schema.from_rows("sources", [source])
    if custom:
        issues.append(DataIssue("info", file, f"custom attribute / tag columns found: {', '.join(custom)}",
                                sheet="vInfo", quoted=custom))
    tabs = hollow_tabs(file, [t for r in ordered for t in r.tabs], tables, sheets or {}, issues)
    tabs = _unread_gaps(tabs, unread or {}, source_id)
    return Estate(tables=tables, issues=tuple(issues), tabs=tuple(tabs), custom_columns={source_id: custom})


def _unread_gaps(tabs: list[TabStatus], unread: Mapping[str, tuple[str, str]], source_id: int) -> list[TabStatus]:
    """Tab statuses with a gap for each tab that was there but unread, or read only in part (its sheet cut short):
    not "missing", "not fully read"."""
    out = [dataclasses.replace(t, gaps=(*t.gaps, unread[t.tab][0]), quoted=(*t.quoted, unread[t.tab][1]))
           if t.tab in unread else t for t in tabs]
    known = {t.tab for t in tabs}
    out += [TabStatus(source_id, tab, False, gaps=(why,), quoted=(name,))
            for tab, (why, name) in unread.items() if tab not in known]
    return out


def map_export(raw: RawExport, source_id: int, options: MapOptions) -> Estate:
    """Turn one RVTools export, already read, into an :class:`Estate` with a single source."""
    results: dict[str, StageResult] = {}
    for stage in STAGES:
        results[stage.name] = run_stage(stage, raw.file, raw.format, raw.tabs, source_id, options, results)
    custom = tuple(raw.tabs["vInfo"].custom)
    return assemble(raw.file, raw.issues, custom, source_id, results, raw.unread,
                    {t: r.sheet for t, r in raw.tabs.items()})
