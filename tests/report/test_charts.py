"""Inline SVG charts: well-formed, escaped, and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reportgen.report import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_escapes_labels_and_draws_bars_to_scale() -> None:
    svg = charts.bar_chart("Cost", [charts.Bar("<script>a & b", 300, "£300"), charts.Bar("small", 100, "£100")])
    root = parse(svg)
    assert root.find(f"{NS}title").text == "Cost"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "<script>a & b" in texts and "£300" in texts
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths[0] == max(widths) and abs(widths[0] / widths[1] - 3.0) < 0.01


def test_long_labels_are_clipped_with_an_ellipsis() -> None:
    root = parse(charts.bar_chart("t", [charts.Bar("x" * 80, 1, "1")], label_chars=20))
    label = next(t.text for t in root.iter(f"{NS}text") if t.text and t.text.startswith("x"))
    assert len(label) == 20 and label.endswith("…")


def test_evacuability_map_has_one_square_per_host_coloured_by_state() -> None:
    rows = [charts.MapRow("Prod", ("tied", "tied", "media", "later", "free")), charts.MapRow("Dev", ("free",) * 60)]
    root = parse(charts.evacuability_map("map", rows))
    # one square (a closed subpath) per host, in one path per colour
    squares = {p.get("fill"): p.get("d").count("z") for p in root.iter(f"{NS}path") if p.get("class") == "hosts"}
    assert squares == {charts.BAD: 2, charts.MEDIA: 1, charts.WARN: 1, charts.OK: 61}
    legend = [r.get("fill") for r in root.iter(f"{NS}rect")]
    assert legend == [charts.BAD, charts.MEDIA, charts.WARN, charts.OK]
    texts = [t.text for t in root.iter(f"{NS}text")]
    # today's ties (a host held only by media among them: it cannot be emptied either) and those once guests that
    # are off start are told apart, so clusters add up to the headline
    assert "3 of 5 tied + 1 when started" in texts and "0 of 60 tied" in texts
    assert "cannot be emptied today: media to disconnect (no power-off)" in texts


def test_wave_chart_has_a_column_per_wave_and_states_the_lower_bound() -> None:
    root = parse(charts.wave_chart("waves", [(10, 2), (8, 0), (3, 3)], lower_bound=2))
    columns = [r for r in root.iter(f"{NS}rect") if r.get("fill") == charts.ACCENT and r.get("width") != "8"]
    assert len(columns) == 3
    assert any("no plan can use fewer than 2" in (t.text or "") for t in root.iter(f"{NS}text"))


def test_chart_text_prints_at_seven_and_a_half_points_or_more_and_long_labels_wrap() -> None:
    import re

    from reportgen.report import charts as c

    bars = [c.Bar("VMW-02 Physical bus sharing with physical-mode RDMs", 4, "4"), c.Bar("HYV-05 Private", 2, "2")]
    svgs = [c.bar_chart("t", bars), c.wave_chart("w", [(5, 2), (4, 0)], 2),
            c.evacuability_map("m", [c.MapRow("Prod", ("tied", "free"))])]
    for svg in svgs:
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
        sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
        # 620 units span the 174 mm (493 pt) text width
        assert sizes and min(sizes) * 493 / width >= 7.5
    assert "…" not in svgs[0] and ">VMW-02 Physical bus sharing with<" in svgs[0]


def test_the_cause_chart_reads_in_plain_words_with_the_rule_id_beside_them() -> None:
    from reportgen.report.plain import PLAIN, plain_label
    from reportgen.rules import CATALOGUE
    from reportgen.rules.effort import EFFORT
    assert plain_label("VMW-02") == "Cluster disks on raw LUNs (VMW-02)"
    assert set(EFFORT) <= set(PLAIN) and set(PLAIN) <= set(CATALOGUE)  # every tying rule has plain words


def test_the_sample_host_grid_adds_up_to_the_headline_and_its_causes_read_plainly() -> None:
    import re
    from pathlib import Path

    from reportgen.audit import run_audit
    from reportgen.report import build_report
    samples = Path(__file__).resolve().parents[2] / "samples"
    audit = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    svg = "".join(c.svg for c in model.charts.values())
    today = sum(int(n) for n in re.findall(r">(\d+) of \d+ (?:found )?tied", svg))
    later = sum(int(n) for n in re.findall(r"tied \+ (\d+) when started[<;]", svg))
    assert (today, today + later) == (model.summary.pinned_hosts, model.summary.pinned_hosts_at_power_on)
    assert ">Cluster disks on raw LUNs (VMW-02)<" in svg and "VMW-02 Physical" not in svg


def test_a_label_in_wide_capitals_is_not_cut_at_the_left_edge() -> None:
    """'UR-PVW-…' read 'JR-PVW-…': capitals are wider than the average letter the label column assumed."""
    import pytest
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    ttlib = pytest.importorskip("fontTools.ttLib")
    from pathlib import Path
    if not Path(font).exists():
        pytest.skip("DejaVu Sans is not installed")
    face = ttlib.TTFont(font)
    glyphs, advance, per_em = face.getBestCmap(), face["hmtx"], face["head"].unitsPerEm
    for label in ("UR-PVW-DWMS01", "WM-MWW-WMWM02", "Cluster disks on raw LUNs (VMW-02)"):
        root = parse(charts.bar_chart("t", [charts.Bar(label, 1, "1"), charts.Bar("x", 1, "1")]))
        node = next(t for t in root.iter(f"{NS}text") if t.text == label)
        width = sum(advance[glyphs[ord(c)]][0] for c in label) / per_em * float(node.get("font-size"))
        assert float(node.get("x")) - width >= 0, label  # anchored at its end: it starts inside the chart
