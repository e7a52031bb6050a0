"""The site's pictures of the member: the favicon (SVG, the initials on the
theme's tile) and the social preview card (`og-image.png`, 1200 × 630, drawn
with Pillow, which WeasyPrint already brings).

Both are made from public data only (the public view's profile and hours):
the name, post-nominals, headline and hours per year; never contact
details, numbers or anything a private record holds. The card is drawn
offline with a font found on the machine (DejaVu, which the PDFs use too)
or Pillow's own, with Pillow's basic text layout: the same records give the
same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from markupsafe import escape

from cpdgen.compute.hours import Hours, format_hours, sum_hours
from cpdgen.model.policy import Policy
from cpdgen.model.records import Profile
from cpdgen.render.chart import PALETTE, axis, slot
from cpdgen.render.site_plan import initials

WIDTH, HEIGHT = 1200, 630
PAPER, INK, MUTED, ACCENT, ACCENT_INK, RULE = "#F7F6F2", "#1A1F24", "#56606A", "#0B6477", "#FFFFFF", "#777268"
DARK_ACCENT, DARK_ACCENT_INK = "#6CC7D6", "#0B1F24"
YEARS_SHOWN = 5  # columns on the card: the latest review years

_FONT_FOLDERS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")


def favicon_svg(initials: str) -> str:
    """The initials on a rounded tile in the accent colour, in both schemes."""
    size = 29 if len(initials) <= 2 else 22
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">\n'
        "<style>rect{fill:" + ACCENT + "}text{fill:" + ACCENT_INK + "}"
        "@media (prefers-color-scheme: dark){rect{fill:"
        + DARK_ACCENT
        + "}text{fill:"
        + DARK_ACCENT_INK
        + "}}</style>\n"
        '<rect width="64" height="64" rx="14"/>\n'
        f'<text x="32" y="43" text-anchor="middle" font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, '
        f'\'DejaVu Sans\', sans-serif" font-size="{size}" font-weight="800">{escape(initials)}</text>\n'
        "</svg>\n"
    )


@cache
def _font_file(bold: bool) -> str | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_FOLDERS:
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    return None


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    path = _font_file(bold)
    if path is not None:
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(size)  # Pillow's own font: no system font needed


def _fit(text: str, font, width: float) -> str:
    """`text` cut to `width` pixels, with an ellipsis when it had to be cut."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font, width: float, lines: int) -> list[str]:
    words, out = text.split(), []
    current = ""
    for number, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
            continue
        out.append(current)
        current = word
        if len(out) == lines - 1:
            current = " ".join(words[number:])
            break
    if current:
        out.append(current)
    return [_fit(line, font, width) for line in out[:lines]]


def _sized(text: str, width: float, sizes: Sequence[int], bold: bool = True):
    """The largest font of `sizes` in which `text` fits `width`, and the text (cut if none fits)."""
    for size in sizes:
        font = _font(size, bold)
        if font.getlength(text) <= width:
            return font, text
    font = _font(sizes[-1], bold)
    return font, _fit(text, font, width)


def preview_png(profile: Profile | None, title: str, hours_by_year: Sequence[Hours], policy: Policy) -> bytes:
    """The social preview card: initials, name, post-nominals, headline,
    recorded hours, and a small stacked column per recent year."""
    from PIL import Image, ImageDraw

    name = profile.name if profile else title
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 11), fill=ACCENT)
    draw.rounded_rectangle((80, 92, 183, 195), radius=22, fill=ACCENT)
    draw.text((132, 144), initials(name), font=_font(44, True), fill=ACCENT_INK, anchor="mm")
    text_width = 760 if hours_by_year else WIDTH - 160
    font, shown = _sized(name, text_width, (84, 72, 60, 50))
    draw.text((80, 300), shown, font=font, fill=INK, anchor="ls")
    y = 300
    if profile and profile.post_nominals:
        y += 60
        draw.text(
            (80, y),
            _fit(profile.post_nominals, _font(34, True), text_width),
            font=_font(34, True),
            fill=MUTED,
            anchor="ls",
        )
    if profile and profile.headline:
        headline_font = _font(30)
        for number, line in enumerate(_wrap(profile.headline, headline_font, text_width, 2)):
            draw.text((80, y + 70 + 44 * number), line, font=headline_font, fill=INK, anchor="ls")
    if hours_by_year:
        total = sum_hours(h.total for h in hours_by_year)
        first, last = hours_by_year[0].year, hours_by_year[-1].year
        span = str(first) if first == last else f"{first}–{last}"
        line = f"CPD portfolio · {format_hours(total)} hours recorded, {span}"
        _columns(draw, hours_by_year[-YEARS_SHOWN:], policy)
    else:
        line = "CPD portfolio"
    draw.text((80, 556), _fit(line, _font(22), WIDTH - 160), font=_font(22), fill=MUTED, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _columns(draw, years: Sequence[Hours], policy: Policy) -> None:
    """A stacked column per year in the light palette, white gaps between segments."""
    centre, base, tallest, width, step = 1010, 453, 300, 48, 64
    left = centre - (len(years) * step - (step - width)) // 2
    top, _ = axis(max(h.total for h in years) or 1)
    label_font = _font(20)
    for number, hours in enumerate(years):
        x = left + number * step
        y = float(base)
        for position, category in enumerate(policy.categories):
            value = hours.by_category.get(category.key, 0)
            if value <= 0:
                continue
            height = tallest * value / top
            draw.rectangle((x, round(y - height), x + width - 1, round(y) - 1), fill=PALETTE[slot(position) - 1])
            draw.rectangle((x, round(y - height) - 2, x + width - 1, round(y - height) - 1), fill=PAPER)
            y -= height
        draw.text((x + width / 2, base + 33), str(hours.year), font=label_font, fill=MUTED, anchor="ms")
    draw.rectangle((left - 10, base, left + (len(years) - 1) * step + width + 10, base + 1), fill=RULE)
