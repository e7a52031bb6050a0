"""The home page's chart: CPD hours per review year, stacked by category, as
inline SVG (no script, no request). The same figures are also given as a
table beside it: the chart's text alternative."""

from __future__ import annotations

from markupsafe import Markup, escape

from cpdgen.compute.hours import Hours, format_hours
from cpdgen.model.policy import Policy

# Okabe–Ito colours: told apart with any colour vision, dark enough for white gaps.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 64  # room for the axis labels and the legend


def axis(value: float) -> tuple[float, int]:
    """(top, intervals): a round step (1, 2, 2.5 or 5 times a power of ten)
    that reaches `value` in at most 6 intervals."""
    magnitude = 0.1
    while True:
        for step in (1, 2, 2.5, 5):
            size = step * magnitude
            intervals = max(1, -int(-value // size))
            if intervals <= 6:
                return size * intervals, intervals
        magnitude *= 10


def hours_chart(years: list[Hours], policy: Policy) -> Markup:
    if not years:
        return Markup("")
    categories = policy.categories
    top, intervals = axis(max((h.total for h in years), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(years)
    bar = min(56.0, slot * 0.6)
    first, last = years[0].year, years[-1].year
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">CPD hours per year by category</title>',
        f'<desc id="chart-desc">Stacked bars of completed CPD hours for each year from {first} to {last}; '
        "the table below gives the same figures.</desc>",
    ]
    for fraction in (i / intervals for i in range(intervals + 1)):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{format_hours(round(top * fraction, 2)).removesuffix(".0")}</text>'
        )
    for position, hours in enumerate(years):
        x = LEFT + slot * position + (slot - bar) / 2
        base: float = TOP + plot_h
        for colour, category in zip(PALETTE, categories):
            value = hours.by_category.get(category.key, 0)
            if value <= 0:
                continue
            height = plot_h * value / top
            base -= height
            label = escape(f"{hours.year}, {category.label}: {format_hours(value)} h")
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{label}</title></rect>"
            )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{hours.year}</text>')
    legend_y = HEIGHT - 22
    x = LEFT
    for colour, category in zip(PALETTE, categories):
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}">{escape(category.label)}</text>')
        x += 22 + 7 * len(category.label)
    parts.append("</svg>")
    return Markup("".join(parts))
