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
    assert svg.count("<rect") == 1 + len(keys) + len(keys)  # 2024: one bar; 2025: all; plus the legend swatches
    assert "2025, Training: 1.5 h" in svg


def test_chart_escapes_category_labels():
    from dataclasses import replace

    policy = default_policy()
    hostile = replace(policy, categories=tuple(replace(c, label=c.label + "<script>") for c in policy.categories))
    svg = str(hours_chart([Hours(2024, dict.fromkeys(policy.category_keys, 1.0))], hostile))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
