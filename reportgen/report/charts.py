"""Charts as inline SVG, drawn here without a chart library.

Every function returns one ``<svg>`` element as text, with every label escaped, sized by a
``viewBox`` so that it scales to the column width in both the PDF and the HTML. Colours
follow the stylesheet's palette; each chart carries a ``<title>`` for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

INK = "#1d2433"
MUTED = "#5b6473"
RULE = "#d5dae3"
ACCENT = "#0b5cad"
LIGHT = "#8fb8e3"
"""A lighter accent: bars of what needs no power-off (media disconnected while the guest runs)."""
BAD = "#b42318"
WARN = "#dc6803"
OK = "#12b76a"
GREY = "#98a2b3"
FONT = "DejaVu Sans, sans-serif"
SMALL = 9.5
"""The smallest text, in chart units: a 620-unit chart spans the 174 mm text width, so 9.5 units print at 7.5 pt."""

MEDIA = "#f97066"
"""A lighter red: cannot be emptied today, but only until its media are disconnected (no power-off)."""
NEUTRAL = "#c4cad4"
"""A host with no tie found while checks that could tie it could not run: neither free nor tied."""
STATE_COLOURS = {"tied": BAD, "media": MEDIA, "later": WARN, "free": OK, "unchecked": NEUTRAL, "unknown": GREY}
STATE_LABELS = {
    "tied": "cannot be emptied today: guests to power off",
    "media": "cannot be emptied today: media to disconnect (no power-off)",
    "later": "tied once powered-off guests start",
    "free": "can be emptied by live migration",
    "unchecked": "no tie found by the checks that ran",
    "unknown": "not assessed",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """The value as printed at the end of the bar."""
    colour: str = ""
    """Its own colour; the chart's when empty."""


@dataclass(frozen=True)
class MapRow:
    label: str
    states: tuple[str, ...]
    """One of STATE_COLOURS' keys per host."""
    not_run: int = 0
    """Checks that could not run on these hosts' exports, one of which could tie a host (0: all such ran)."""

    def counted(self) -> str:
        """'2 of 5 tied', or under partial coverage '2 of 5 found tied; 26 checks not run'."""
        tied, later = self.states.count("tied") + self.states.count("media"), self.states.count("later")
        found = "found tied" if self.not_run else "tied"
        text = f"{tied} of {len(self.states)} {found}" + (f" + {later} when started" if later else "")
        return text + (f"; {self.not_run} checks not run" if self.not_run else "")


_NARROW, _WIDE = frozenset("IJfijlrt.,:;|!'()/- "), frozenset("MWmw")


def text_width(text: str, size: float = 10) -> float:
    """An upper estimate of ``text``'s width in DejaVu Sans at ``size``: capitals are wider than the average."""
    em = sum(0.45 if c in _NARROW else 1.0 if c in _WIDE else 0.8 if c.isupper() else 0.66 for c in text)
    return em * size


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" font-family={quoteattr(FONT)}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, size: float = 10, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" fill="{fill}"'
        f'{" font-weight=" + quoteattr(weight) if weight != "normal" else ""}>{escape(text)}</text>'
    )


def wrap(text: str, width: int) -> tuple[str, ...]:
    """``text`` on one line, or on two broken at a space (the second clipped if still too long)."""
    if len(text) <= width:
        return (text,)
    cut = text.rfind(" ", 0, width + 1)
    if cut <= 0:
        return (clip(text, width),)
    return text[:cut], clip(text[cut + 1:], width)


def bar_chart(title: str, bars: Sequence[Bar], colour: str = ACCENT, width: float = 620,
              label_chars: int = 36) -> str:
    """Horizontal bars, largest first as given, each labelled on the left (on two lines if long)."""
    labels = [wrap(b.label, label_chars) for b in bars]
    two = any(len(lines) > 1 for lines in labels)
    row, top = (30.0 if two else 24.0), 6.0
    label_w = max((text_width(line) for lines in labels for line in lines), default=25.0) + 12
    text_w = max((len(b.text) for b in bars), default=4) * 6.6 + 10
    plot_w = max(60.0, width - label_w - text_w)
    peak = max((b.value for b in bars), default=0.0) or 1.0
    height = top * 2 + row * max(1, len(bars))
    body = []
    for i, b in enumerate(bars):
        y = top + i * row
        length = max(1.5, plot_w * b.value / peak) if b.value > 0 else 0.0
        lines = labels[i]
        first = y + (16 if len(lines) == 1 else 12) + (3 if two else 0)
        for n, line in enumerate(lines):
            body.append(_text(label_w - 8, first + n * 11, line, anchor="end"))
        mid = y + row / 2
        body.append(f'<rect x="{label_w:.1f}" y="{mid - 7:.1f}" width="{length:.1f}" height="14" rx="1.5" '
                    f'fill="{b.colour or colour}"/>')
        body.append(_text(label_w + length + 5, mid + 4, b.text, fill=MUTED))
    if not bars:
        body.append(_text(width / 2, top + 14, "nothing to show", anchor="middle", fill=MUTED))
    body.append(f'<line x1="{label_w:.1f}" y1="{top:.1f}" x2="{label_w:.1f}" y2="{height - top:.1f}" '
                f'stroke="{RULE}"/>')
    return _svg(width, height, title, body)


def _legend(rows: Sequence[MapRow], unchecked_label: str) -> list[tuple[str, str]]:
    """(colour, label) per legend entry: the states some host has (as the wave chart names only the series it
    draws), the green one only where some host is free or every check ran."""
    present = {s for r in rows for s in r.states}
    partial = "unchecked" in present or any(r.not_run for r in rows)  # a legend never says 'can be emptied' then
    states: list[str] = [s for s in ("tied", "media", "later") if s in present]
    states += (["free"] if "free" in present or not partial else [])
    states += (["unchecked"] if "unchecked" in present or partial and "free" not in present else [])
    states += (["unknown"] if "unknown" in present else [])
    return [(STATE_COLOURS[s], unchecked_label if s == "unchecked" and unchecked_label else STATE_LABELS[s])
            for s in states]


def evacuability_map(title: str, rows: Sequence[MapRow], width: float = 620, per_line: int = 48,
                     unchecked_label: str = "") -> str:
    """One line of squares per vSphere / Hyper-V cluster, one square per host, coloured by state.

    The squares of one colour are the subpaths of one ``<path class="hosts">``. A host with no tie found is
    'free' (green) only when every check that could tie it ran; else 'unchecked' (neutral), which the legend
    names with ``unchecked_label`` (the checks that ran and could not).
    """
    gap = 2.0
    label_w = min(300.0, max([170.0, *(text_width(r.counted(), SMALL) + 12 for r in rows)]))
    widest = max((len(r.states) for r in rows), default=0)
    cell = 16.0 if widest <= 24 else 11.0 if widest <= 36 else 8.0
    per_line = max(8, min(per_line if cell == 8.0 else 10**6, int((width - label_w) // (cell + gap))))
    body: list[str] = []
    squares: dict[str, list[str]] = {}
    y = 4.0
    for row in rows:
        body.append(_text(label_w - 8, y + 9, clip(row.label, 24), size=SMALL, anchor="end"))
        body.append(_text(label_w - 8, y + 20, row.counted(), size=SMALL, anchor="end", fill=MUTED))
        lines = max(1, -(-len(row.states) // per_line))
        for i, state in enumerate(row.states):
            x = label_w + (i % per_line) * (cell + gap)
            yy = y + (i // per_line) * (cell + gap)
            squares.setdefault(STATE_COLOURS.get(state, GREY), []).append(
                f"M{x:.1f} {yy:.1f}h{cell:g}v{cell:g}h-{cell:g}z")
        y += max(28.0, lines * (cell + gap) + 8)
    # One path per colour rather than one element per host: the same squares, far fewer
    # elements for the PDF renderer to style and draw.
    body.extend(f'<path class="hosts" d="{"".join(d)}" fill="{fill}"/>' for fill, d in squares.items())
    if not rows:
        body.append(_text(width / 2, y + 12, "no hosts", anchor="middle", fill=MUTED))
        y += 20
    x = 0.0
    y += 8
    for colour, label in _legend(rows, unchecked_label):
        if x and x + 13 + len(label) * 5.8 > width:  # the legend wraps rather than runs off the page
            x, y = 0.0, y + 14
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="9" height="9" rx="1" fill="{colour}"/>')
        body.append(_text(x + 13, y + 8.5, label, size=SMALL, fill=MUTED))
        x += 13 + len(label) * 5.8 + 16
    return _svg(width, y + 14, title, body)


def _wave_legend(power_off: bool, media: bool, later: bool) -> list[tuple[str, str]]:
    """(colour, label) of the wave chart's legend: only the series that have a bar."""
    entries = [(ACCENT, "hosts in the wave")]
    entries += [(BAD, "cannot be emptied: guests to power off")] if power_off else []
    entries += [(MEDIA, "media to disconnect (no power-off)")] if media else []
    entries += [(WARN, STATE_LABELS["later"])] if later else []
    return entries


def _legend_lines(entries: list[tuple[str, str]], width: float, left: float) -> tuple[list[str], int]:
    """The legend along the top, wrapped rather than run off the chart (one line every 13 units), and its lines."""
    body: list[str] = []
    x, y = left + 4, 2.0
    for colour, label in entries:
        step = 12 + text_width(label, SMALL) + 14
        if x > left + 4 and x + step - 14 > width:
            x, y = left + 4, y + 13
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="8" height="8" fill="{colour}"/>')
        body.append(_text(x + 12, y + 7.5, label, size=SMALL, fill=MUTED))
        x += step
    return body, int((y - 2.0) // 13) + 1


def wave_chart(title: str, waves: Sequence[tuple[int, int]], lower_bound: int, width: float = 620,
               media: Sequence[int] = (), later: Sequence[int] = ()) -> str:
    """Columns of hosts per maintenance wave: (hosts, of which need guests powered off) for each wave;
    ``media``: per wave, the further hosts that cannot be emptied only until their media are disconnected;
    ``later``: per wave, the further hosts tied only once guests that are off start. The legend names only
    the series that have a bar."""
    legend, rows = _legend_lines(_wave_legend(any(w[1] for w in waves), any(media), any(later)), width, 36.0)
    height, bottom, left, top = 170.0 + 13 * (rows - 1), 30.0, 36.0, 18.0 + 13 * (rows - 1)
    n = max(1, len(waves))
    slot = (width - left - 6) / n
    bar = max(2.0, min(34.0, slot * 0.7))
    peak = max((w[0] for w in waves), default=0) or 1
    plot_h = height - bottom - top
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="{RULE}"/>']
    for tick in sorted({0, peak // 2, peak}):
        y = height - bottom - plot_h * tick / peak
        body.append(_text(left - 5, y + 3, f"{tick:,}", size=SMALL, anchor="end", fill=MUTED))
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="{RULE}" '
                    f'stroke-dasharray="2 3"/>')
    label_every = max(1, -(-n // 24))
    for i, (hosts, tied) in enumerate(waves):
        x = left + i * slot + (slot - bar) / 2
        h_all = plot_h * hosts / peak
        body.append(f'<rect x="{x:.1f}" y="{height - bottom - h_all:.1f}" width="{bar:.1f}" height="{h_all:.1f}" '
                    f'fill="{ACCENT}"/>')
        # stacked from the axis: guests to power off, media to disconnect, tied once started
        base = height - bottom
        for count, colour in ((tied, BAD), (media[i] if i < len(media) else 0, MEDIA),
                              (later[i] if i < len(later) else 0, WARN)):
            if count:
                h = plot_h * count / peak
                body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                            f'fill="{colour}"/>')
                base -= h
        if i % label_every == 0:
            body.append(_text(x + bar / 2, height - bottom + 11, str(i + 1), size=SMALL, anchor="middle",
                              fill=MUTED))
    body.append(_text(left + (width - left) / 2, height - 6,
                      f"wave (plan: {len(waves)}; no plan can use fewer than {lower_bound})", size=SMALL,
                      anchor="middle", fill=MUTED))
    return _svg(width, height, title, body + legend)
