"""The hours chart (`cpdgen.render.chart`): round axis steps, a bar per
category with an accessible name, escaped labels."""

from __future__ import annotations

import pytest

from cpdgen.compute.hours import Hours
from cpdgen.render.chart import axis, hours_chart
from cpdgen.validation.settings import default_policy


@pytest.mark.parametrize("value, top", [(1, 1), (8, 8), (29.5, 30), (43.5, 50), (101, 120), (450, 500)])
def test_axis_reaches_the_value_in_round_steps(value, top):
    found, intervals = axis(value)
    assert found == pytest.approx(top) and found >= value and 1 <= intervals <= 6


def test_chart_has_a_bar_per_category_with_hours_and_an_accessible_name():
    policy = default_policy()
    keys = policy.category_keys
    years = [Hours(2024, {k: (2.0 if k == keys[0] else 0.0) for k in keys}), Hours(2025, dict.fromkeys(keys, 1.5))]
    svg = str(hours_chart(years, policy))
    assert 'role="img"' in svg and '<title id="chart-title">' in svg and "<desc" in svg
    assert svg.count("<rect") == 1 + len(keys)  # 2024: one bar; 2025: all (the legend is HTML)
    assert "2025, Training: 1.5 h" in svg
    assert svg.index(">2025<") < svg.index(">2024<")  # newest first, as the table


def test_chart_escapes_category_labels():
    from dataclasses import replace

    policy = default_policy()
    hostile = replace(policy, categories=tuple(replace(c, label=c.label + "<script>") for c in policy.categories))
    svg = str(hours_chart([Hours(2024, dict.fromkeys(policy.category_keys, 1.0))], hostile))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_chart_has_no_viewbox_so_text_keeps_its_size_and_bars_are_percentages():
    import re

    policy = default_policy()
    years = [Hours(y, dict.fromkeys(policy.category_keys, 9.0)) for y in (2023, 2024, 2025)]  # 45 h a year
    svg = str(hours_chart(years, policy, guidance=30))
    assert "viewBox" not in svg and 'width="100%"' in svg and 'height="184"' in svg  # 48 a row + 40
    widths = [float(w) for w in re.findall(r'<rect class="seg[^"]*" x="[\d.]+%" width="([\d.]+)%"', svg)]
    assert len(widths) == 15 and all(w == 18 for w in widths)  # 9 h of a 50 h axis
    assert '<line class="guide" x1="60%"' in svg  # 30 of a 50 h axis
    assert svg.count('class="tick"') == 6 and ">50 h</text>" in svg


def test_segments_carry_their_colour_slot_and_a_light_fallback_fill():
    from cpdgen.render.chart import PALETTE

    policy = default_policy()
    svg = str(hours_chart([Hours(2025, dict.fromkeys(policy.category_keys, 1.0))], policy))
    for position, key in enumerate(policy.category_keys):
        assert f'class="seg c{position + 1} cat-{key}"' in svg
        assert f'fill="{PALETTE[position]}"' in svg


def test_the_palette_meets_three_to_one_against_white_and_between_neighbours():
    from cpdgen.render.chart import PALETTE

    from helpers.contrast import contrast

    for number, colour in enumerate(PALETTE):
        assert contrast(colour, "#FFFFFF") >= 3, colour
        if number:
            assert contrast(colour, PALETTE[number - 1]) >= 3, (PALETTE[number - 1], colour)


def test_year_chart_is_one_bar_with_the_guidance_tick():
    from cpdgen.render.chart import year_chart

    policy = default_policy()
    svg = str(year_chart(Hours(2025, dict.fromkeys(policy.category_keys, 8.0)), policy, guidance=30))
    assert 'height="64"' in svg and svg.count("<rect") == len(policy.category_keys)
    assert ">30 h guidance</text>" in svg and ">40 h</text>" in svg  # 40 h: a round axis


def test_the_stylesheet_holds_the_same_light_palette_and_a_dark_one_that_meets_three_to_one():
    """The SVG's fallback fills, the preview image and the stylesheet's
    --c-N agree; the dark scheme's are 3:1 against its chart card and
    between neighbours."""
    import re

    from cpdgen.render.chart import PALETTE

    from helpers.contrast import contrast
    from helpers.paths import PROJECT_ROOT

    css = (PROJECT_ROOT / "site_templates" / "static" / "style.css").read_text("utf-8")
    root, dark = css.split("@media (prefers-color-scheme: dark)", 1)
    light = dict(re.findall(r"--c-(\d): (#[0-9A-Fa-f]{6})", root))
    assert [light[str(n + 1)].upper() for n in range(len(PALETTE))] == [c.upper() for c in PALETTE]
    dark_block = dark.split("}", 2)[0]
    night = [dict(re.findall(r"--c-(\d): (#[0-9A-Fa-f]{6})", dark_block))[str(n + 1)] for n in range(len(PALETTE))]
    surface = re.search(r"--surface: (#[0-9A-Fa-f]{6})", dark_block)[1]
    for number, colour in enumerate(night):
        assert contrast(colour, surface) >= 3, colour
        if number:
            assert contrast(colour, night[number - 1]) >= 3, (night[number - 1], colour)
