"""Incidents per month by kind, as an SVG made on the server.

Readable without colour: each kind has its own fill pattern as well as its own
shade, every bar carries its total, and the same figures are given as a table
beside the chart for screen readers and for printing.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .queries.cases import Summary

# (fill colour, pattern) per position; patterns are defined once in <defs>.
STYLES = [
    ("#1d4f7a", "solid"),
    ("#b35c00", "stripes"),
    ("#2e7d4f", "dots"),
    ("#7a1d5c", "cross"),
    ("#55606b", "hstripes"),
    ("#8a6d00", "checks"),
    ("#1d6f7a", "rings"),
    ("#a4161a", "diag2"),
    ("#3b3b9e", "grid"),
    ("#4a4a4a", "zigzag"),
    ("#6b4e16", "bricks"),
]

PATTERN_SHAPES = {
    "stripes": '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
    "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
    "hstripes": '<path d="M0,4 L8,4" stroke="#fff" stroke-width="2"/>',
    "checks": '<rect width="4" height="4" fill="#fff"/>',
    "rings": '<circle cx="4" cy="4" r="2.2" fill="none" stroke="#fff" stroke-width="1"/>',
    "diag2": '<path d="M0,0 L8,8" stroke="#fff" stroke-width="2"/>',
    "grid": '<path d="M4,0 L4,8 M0,4 L8,4" stroke="#fff" stroke-width="1"/>',
    "zigzag": '<path d="M0,6 L2,2 L4,6 L6,2 L8,6" fill="none" stroke="#fff" stroke-width="1"/>',
    "bricks": '<path d="M0,4 L8,4 M4,0 L4,4" stroke="#fff" stroke-width="1"/>',
}

WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 36, 48, 16


def _fill(index: int) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return colour if pattern == "solid" else f"url(#pat-{pattern}-{index})"


def _defs(count: int) -> str:
    parts = []
    for index in range(count):
        colour, pattern = STYLES[index % len(STYLES)]
        if pattern == "solid":
            continue
        parts.append(
            f'<pattern id="pat-{pattern}-{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{PATTERN_SHAPES[pattern]}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def monthly_chart(summary: Summary) -> SafeString:
    if not summary.months:
        return mark_safe("")
    kinds = [kind for kind, _ in summary.kinds_in_chart]
    labels = dict(summary.kinds_in_chart)
    peak = max(bar.total for bar in summary.months) or 1
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / len(summary.months)
    bar_w = max(4.0, min(40.0, slot * 0.7))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 40}" role="img" '
        f'aria-labelledby="chart-title" class="chart">',
        '<title id="chart-title">Incidents per month, by kind</title>',
        _defs(len(kinds)),
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH}" y2="{TOP + plot_h}" stroke="#1b1f24"/>',
        f'<text x="4" y="{TOP + 10}" font-size="12" fill="#1b1f24">{peak}</text>',
        f'<text x="4" y="{TOP + plot_h}" font-size="12" fill="#1b1f24">0</text>',
    ]
    label_every = max(1, round(len(summary.months) / 12))
    for i, bar in enumerate(summary.months):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = TOP + plot_h
        for k, kind in enumerate(kinds):
            n = bar.counts.get(kind, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{_fill(k)}" '
                f'stroke="#1b1f24" stroke-width="0.5"><title>{escape(bar.month.strftime("%b %Y"))}: '
                f"{n} × {escape(labels[kind])}</title></rect>"
            )
        if bar.total:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#1b1f24">{bar.total}</text>'
            )
        if i % label_every == 0:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" font-size="11" text-anchor="middle" '
                f'fill="#1b1f24">{escape(bar.month.strftime("%b %y"))}</text>'
            )
    # Legend under the plot, pattern swatch and name.
    lx, ly = LEFT, HEIGHT - 4
    for k, kind in enumerate(kinds):
        label = escape(labels[kind])
        out.append(
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{_fill(k)}" stroke="#1b1f24" stroke-width="0.5"/>'
            f'<text x="{lx + 18}" y="{ly + 12}" font-size="11" fill="#1b1f24">{label}</text>'
        )
        lx += 24 + 6 * len(labels[kind])
        if lx > WIDTH - 150:
            lx, ly = LEFT, ly + 18
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every user-derived string above is escaped
