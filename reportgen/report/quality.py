"""The data-quality section of the report model: what was read, what could not be, and what was skipped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..analysis import Analysis
from ..estate import EMPTY_TAB
from ..owners import UNOWNED, unowned_row
from ..rules import CATALOGUE
from .model import CoverageGap, ExportDates, IssueGroup, SourceRow


def coverage_gaps(analysis: Analysis) -> list[CoverageGap]:
    """The checks not assessed, one row per rule and reason, with the exports it concerns."""
    files = {s["source_id"]: s["file"] for s in analysis.estate.sources.select(["source_id", "file"]).to_pylist()}
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in analysis.coverage:
        if c.status == "not-assessed":
            grouped[(c.rule, c.reason)].append(Path(files[c.source_id]).name if c.source_id in files else "all exports")
    gaps = [
        CoverageGap(rule, CATALOGUE[rule].title if rule in CATALOGUE else rule, reason, len(names), tuple(names[:3]))
        for (rule, reason), names in grouped.items()
    ]
    return sorted(gaps, key=lambda g: (g.rule, g.reason))


_LEVELS = {"error": 0, "warning": 1, "info": 2}


def _empty_tabs_row(tabs: Sequence[str]) -> str:
    if len(tabs) == 1:
        return f"the {tabs[0]} tab has a header and no rows: read as none in this export (RVTools writes a tab with " \
            "nothing to list so)"
    return (f"{len(tabs)} tabs have a header and no rows ({', '.join(tabs[:-1])} and {tabs[-1]}): read as none in this "
            "export (RVTools writes a tab with nothing to list so)")


TALLIES = {UNOWNED: unowned_row, EMPTY_TAB: _empty_tabs_row}
"""Issues counted in one row per file, by their tally: the row's text from the subjects' names."""


def issue_groups(analysis: Analysis) -> list[IssueGroup]:
    """The data issues as rows of the data-quality table: alike issues of one place grouped, tallies per file."""
    grouped: dict[tuple[str, str, str, bool], list[int]] = defaultdict(list)
    tallied: dict[tuple[str, str, str, bool], list[str]] = defaultdict(list)
    for i in analysis.estate.issues:
        where = ", ".join(p for p in (Path(i.file).name, f"sheet {i.sheet}" if i.sheet else "",
                                      f"column '{i.column}'" if i.column else "") if p)
        if i.tally in TALLIES:  # one row per file
            tallied[(i.level, Path(i.file).name, i.tally, i.skipped)].append(i.subject)
        else:
            grouped[(i.level, where, i.message, i.skipped)].append(i.rows)
    groups = [IssueGroup(level, where, message, len(rows), sum(rows), skipped)
              for (level, where, message, skipped), rows in grouped.items()]
    groups += [IssueGroup(level, where, TALLIES[tally](names), 1, len(names), skipped)
               for (level, where, tally, skipped), names in tallied.items()]
    return sorted(groups, key=lambda g: (_LEVELS.get(g.level, 3), -g.rows, g.where, g.message))


def export_dates(analysis: Analysis, today: date) -> ExportDates | None:
    """The oldest and newest export date of the exports in use (a superseded export is not)."""
    rows = [s for s in analysis.estate.sources.to_pylist() if s["superseded_by"] is None]
    dates = sorted(s["exported_at"].date() for s in rows if s["exported_at"])
    if not dates:
        return None
    return ExportDates(dates[0].isoformat(), dates[-1].isoformat(), (today - dates[0]).days,
                       (dates[-1] - dates[0]).days, undated=sum(1 for s in rows if not s["exported_at"]))


def source_rows(analysis: Analysis) -> list[SourceRow]:
    """One row per export read: its tool, date, rows read and skipped, tabs and columns missing."""
    rows = []
    for s in analysis.estate.sources.to_pylist():
        exported = s["exported_at"]
        tabs = [t for t in analysis.estate.tabs if t.source_id == s["source_id"]]
        rows.append(SourceRow(
            file=Path(s["file"]).name, server=s["server"],
            tool=" ".join(str(p) for p in (s["tool"], s["tool_version"]) if p) or s["format"],
            exported_at=exported.strftime("%Y-%m-%d %H:%M") if exported else None,
            rows_read=int(s["rows_read"] or 0), rows_skipped=int(s["rows_skipped"] or 0),
            missing_tabs=tuple(t.tab for t in tabs if not t.present),
            missing_columns=tuple(f"{t.tab}: {c}" for t in tabs for c in t.missing),
            superseded=s["superseded_by"] is not None,
        ))
    return rows
