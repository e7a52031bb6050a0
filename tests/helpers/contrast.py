"""WCAG 2.x contrast ratios, for the tests of the theme's colours."""

from __future__ import annotations


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str | tuple[float, float, float]) -> float:
    """Relative luminance of "#RRGGBB" or an (r, g, b) triple of 0-255."""
    if isinstance(colour, str):
        text = colour.lstrip("#")
        colour = (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    r, g, b = (_channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
