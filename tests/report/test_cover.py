"""The cover says when the exports were taken, and warns when they are old or far apart."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BOTH = [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]


def _cover(exports: list[Path], today: date) -> str:
    audit = run_audit(exports)
    html = render_html(build_report(audit.analysis, audit.costing, today=today))
    cover = html[html.index('id="cover"'):html.index("</section>", html.index('id="cover"'))]
    return " ".join(re.sub(r"<[^>]+>", " ", cover).split())


def test_old_exports_taken_far_apart_are_dated_and_flagged_on_the_cover() -> None:
    text = _cover(BOTH, date(2026, 12, 5))
    assert "Exports taken 2025-06-02 to 2026-03-02" in text
    assert "The oldest export is 551 days old" in text and "taken 273 days apart" in text
    assert "Export again before acting on it." in text


def test_a_recent_export_is_dated_without_a_warning() -> None:
    text = _cover([SAMPLES / "hyperv" / "hyperv-3node.zip"], date(2026, 3, 10))
    assert "Exports taken 2026-03-02" in text and "Export again" not in text


def test_a_cover_shows_todays_figures_first_when_only_guests_that_are_off_would_tie() -> None:
    from reportgen.analysis import analyze
    from reportgen.cost import cost_analysis
    from tests.report_fixtures import CONFIG
    from tests.rules.canonical import guest, host, make, store
    estate = make([host("esx01"), host("esx02")], [guest("old", "vm-1", "esx01", power="poweredOff", ds="local01")],
                  datastores=[store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])])
    analysis = analyze(estate, CONFIG)
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    cover = html[html.index('id="cover"'):html.index("</section>", html.index('id="cover"'))]
    text = " ".join(re.sub(r"<[^>]+>", " ", cover).split())
    assert ("0 of 2 hosts found that cannot be emptied today; 1 once 1 guest that is off today runs again "
            "(25 of 28 checks could run)") in text
    assert "£0 a year of manual maintenance for the ties found today;" in text
    assert "if old, off today, is started again (guests that will never run again can be left out" in re.sub(r"<[^>]+>", "", cover)


def test_the_cover_names_the_two_guests_that_are_off_whose_start_it_prices() -> None:
    """A reader sees at once whether they are meant to run again (a name such as 'deleteby-…' or 'do not start')."""
    from reportgen.analysis import analyze
    from reportgen.cost import cost_analysis
    from tests.report_fixtures import CONFIG
    from tests.rules.canonical import guest, host, make, store
    guests = [guest(name, f"vm-{i}", "esx01", power="poweredOff", ds="local01")
              for i, name in enumerate(["app-deleteby-20250310", "fw (do not start)", "third"][:3])]
    for kept, phrase in ((2, "if app-deleteby-20250310 and fw (do not start), off today, are started again"),
                         (3, "if 3 guests that are off today return")):
        estate = make([host("esx01"), host("esx02")], guests[:kept],
                      datastores=[store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])])
        analysis = analyze(estate, CONFIG)
        html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
        cover = html[html.index('id="cover"'):html.index("</section>", html.index('id="cover"'))]
        assert phrase in " ".join(re.sub(r"<[^>]+>", "", cover).split())


def test_the_cover_agrees_with_the_summary_today_and_says_what_guests_that_are_off_would_add() -> None:
    from reportgen.report.formats import money
    audit = run_audit(BOTH)
    today, later = audit.costing.annual_total, audit.costing.annual_at_power_on
    assert 0 < today < later  # the sample has guests that are off and would tie a host once started
    text = _cover(BOTH, date(2026, 3, 10))
    tied_today = sum(1 for h in audit.analysis.hosts if h.blockers)
    assert f"{tied_today} of 15 hosts found that cannot be emptied today; {tied_today + 1} once 4 guests that are off" in text
    assert f"{money(today)} a year of manual maintenance for the ties found today; {money(later)} if 4 guests that are off today return" \
        in text


def test_the_cover_says_how_many_checks_could_not_run_beside_its_figures() -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx"])
    missing = {c.rule for c in audit.analysis.coverage if c.status == "not-assessed"}
    total = {c.rule for c in audit.analysis.coverage if c.status in ("assessed", "not-assessed")}
    assert 0 < len(missing) * 2 < len(total)  # a few checks need what RVTools does not export
    text = _cover([SAMPLES / "rvtools" / "acme-vc01.xlsx"], date(2026, 3, 10))
    assert (f"Coverage {len(missing)} of {len(total)} checks could not run on this export: ties of those kinds "
            "are not in these figures (see Data quality and coverage)") in text


def test_a_cover_of_an_export_missing_most_tabs_says_so_in_bold(tmp_path: Path) -> None:
    import shutil
    trimmed = tmp_path / "trimmed"
    trimmed.mkdir()
    for tab in ("vInfo", "vHost"):
        shutil.copy(SAMPLES / "rvtools-csv" / "acme-vc01" / f"RVTools_tab{tab}.csv", trimmed)
    audit = run_audit([trimmed])
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 10)))
    cover = html[html.index('id="cover"'):html.index("</section>", html.index('id="cover"'))]
    missing = {c.rule for c in audit.analysis.coverage if c.status == "not-assessed"}
    total = {c.rule for c in audit.analysis.coverage if c.status in ("assessed", "not-assessed")}
    assert len(missing) * 2 > len(total)
    assert (f"<strong>{len(missing)} of {len(total)} checks could not run on this export: ties of those kinds are "
            "not in these figures</strong>") in cover


def test_an_undated_export_says_its_date_is_unknown(tmp_path: Path) -> None:
    """Before: the cover dropped the row, and a reader could not tell that the estate might be years old."""
    from tests.rvtools_files import small_estate, write_xlsx

    export = write_xlsx(small_estate(), tmp_path / "vc.xlsx", drop=("vMetaData",))
    assert run_audit([export]).analysis.estate.sources.column("exported_at").to_pylist() == [None]
    text = _cover([export], date(2026, 3, 10))
    assert ("Exports taken unknown: the export carries no date, so how old the estate shown is cannot be told. "
            "Check when it was exported before acting on it.") in text


def test_the_summary_tiles_speak_of_one_guest_and_one_guest_cluster_in_the_singular() -> None:
    from reportgen.analysis import analyze
    from reportgen.cost import cost_analysis
    from tests.report_fixtures import CONFIG
    from tests.rules.canonical import guest, host, make, store
    estate = make([host("esx01"), host("esx02")], [guest("db1", "vm-1", "esx01", ds="local01")],
                  datastores=[store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])])
    analysis = analyze(estate, CONFIG)
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    text = " ".join(re.sub(r"<[^>]+>", " ", html[html.index('class="kpis"'):]).split())
    assert "1 guest must be powered off for its host's maintenance" in text
    assert "0 guest clusters on shared disks" in text
