"""The hours chart: CPD hours per review year, stacked by category, as
inline SVG (no script, no request). The same figures are also given as a
table beside it: the chart's text alternative.

The SVG has no viewBox: it is `width="100%"` with a fixed pixel height, and
every horizontal position is a percentage. The bars stretch with the page
while the text keeps its CSS pixel size, so the labels are 12-14 px on a
390 px phone and on a wide screen alike (a scaled viewBox shrank them to
about 5 px on a phone).

Colours come from CSS classes (`c1`, `c2`, ... by the category's place in
the policy, and `cat-KEY`), so the dark scheme and print restyle them; a
`fill` attribute gives the light colour where no stylesheet applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from cpdgen.compute.hours import Hours, format_hours
from cpdgen.model.policy import Policy

# The category colours, light scheme, in policy order: deep and mid tones
# alternate, so neighbours in a stack are 3:1 apart and every colour is 3:1
# against the chart's white card (figures in site_templates/README.md). The
# stylesheet's --c-1 ... --c-8 hold the same values (a test keeps them equal)
# and the dark scheme's own.
PALETTE = ("#154079", "#D57609", "#0B4A35", "#D965A9", "#732810", "#189DAA", "#4A2C7A", "#AE8919")

ROW = 48  # px per year: label line, bar, gap
BAR = 22
YEAR_HEIGHT = 64  # the one-row chart of a year page


def slot(position: int) -> int:
    """The colour slot (1-based) of the category at `position` (0-based) in the policy."""
    return position % len(PALETTE) + 1


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


def _pct(value: float) -> str:
    """A percentage with at most two decimals (stable text: byte-identical builds)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('', '-0') else text}%"


def _tick(value: float) -> str:
    return format_hours(round(value, 2)).removesuffix(".0")


def _segments(hours: Hours, policy: Policy, top: float, y: int, height: int, label_year: bool) -> list[str]:
    parts = []
    x = 0.0
    for position, category in enumerate(policy.categories):
        value = hours.by_category.get(category.key, 0)
        if value <= 0:
            continue
        width = 100 * value / top
        name = f"{hours.year}, {category.label}" if label_year else category.label
        label = escape(f"{name}: {format_hours(value)} h")
        number = slot(position)
        parts.append(
            f'<rect class="seg c{number} cat-{escape(category.key)}" x="{_pct(x)}" width="{_pct(width)}" '
            f'y="{y}" height="{height}" fill="{PALETTE[number - 1]}"><title>{label}</title></rect>'
        )
        x += width
    return parts


def hours_chart(years: Sequence[Hours], policy: Policy, guidance: float | None = None) -> Markup:
    """Horizontal stacked bars, one row per year, newest first (as the table
    beside it), with round gridlines and, when the policy recommends hours a
    year, a dashed guidance line."""
    if not years:
        return Markup("")
    rows = sorted(years, key=lambda h: h.year, reverse=True)
    top, intervals = axis(max([h.total for h in rows] + [guidance or 0]) or 1)
    height = ROW * len(rows) + 40
    bottom = ROW * len(rows) + 18
    totals = ", ".join(f"{h.year} {format_hours(h.total)} hours" for h in rows)
    parts = [
        f'<svg class="chart" width="100%" height="{height}" role="img" aria-labelledby="chart-title chart-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">CPD hours per year by category</title>',
        f'<desc id="chart-desc">Stacked bars, newest year first: {escape(totals)}. '
        "The table beside the chart gives every figure.</desc>",
        '<g class="grids">',
    ]
    for k in range(intervals + 1):
        x = _pct(100 * k / intervals)
        parts.append(f'<line class="grid" x1="{x}" x2="{x}" y1="18" y2="{bottom}"/>')
    parts.append("</g>")
    for index, hours in enumerate(rows):
        y = ROW * index
        parts.append('<g class="row">')
        parts.append(f'<text class="year" x="0" y="{y + 14}">{hours.year}</text>')
        parts.append(
            f'<text class="total" x="100%" y="{y + 14}" text-anchor="end">{format_hours(hours.total)} h</text>'
        )
        parts += _segments(hours, policy, top, y + 22, BAR, label_year=True)
        parts.append("</g>")
    if guidance:
        x = _pct(100 * guidance / top)
        parts.append(f'<line class="guide" x1="{x}" x2="{x}" y1="18" y2="{ROW * len(rows) + 4}"/>')
    parts.append('<g class="ticks">')
    for k in range(intervals + 1):
        anchor = "" if k == 0 else ' text-anchor="end"' if k == intervals else ' text-anchor="middle"'
        suffix = " h" if k == intervals else ""
        parts.append(
            f'<text class="tick" x="{_pct(100 * k / intervals)}" y="{height - 12}"{anchor}>'
            f"{_tick(top * k / intervals)}{suffix}</text>"
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))


def year_chart(hours: Hours, policy: Policy, guidance: float | None = None) -> Markup:
    """One year's hours as a single stacked bar (the year page), with ticks
    at 0, the guidance and the axis top."""
    top, _ = axis(max(hours.total, guidance or 0) or 1)
    rows = ", ".join(
        f"{category.label} {format_hours(hours.by_category.get(category.key, 0))}" for category in policy.categories
    )
    parts = [
        f'<svg class="chart chart--year" width="100%" height="{YEAR_HEIGHT}" role="img" '
        'aria-labelledby="year-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="year-chart-title">{hours.year} hours by category: {escape(rows)}</title>',
        *_segments(hours, policy, top, 8, 28, label_year=False),
    ]
    if guidance:
        x = _pct(100 * guidance / top)
        parts.append(f'<line class="guide" x1="{x}" x2="{x}" y1="2" y2="42"/>')
    parts.append('<text class="tick" x="0%" y="60">0</text>')
    if guidance and guidance < top:
        anchor = "middle" if guidance / top < 0.8 else "end"
        parts.append(
            f'<text class="tick" x="{_pct(100 * guidance / top)}" y="60" text-anchor="{anchor}">'
            f"{_tick(guidance)} h guidance</text>"
        )
    parts.append(f'<text class="tick" x="100%" y="60" text-anchor="end">{_tick(top)} h</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
