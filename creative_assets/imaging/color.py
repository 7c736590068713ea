"""Colour arithmetic: hex conversion and WCAG contrast."""

from __future__ import annotations

RGB = tuple[int, int, int]


def hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(lum_a: float, lum_b: float) -> float:
    """WCAG contrast ratio of two relative luminances, 1 to 21."""
    hi, lo = max(lum_a, lum_b), min(lum_a, lum_b)
    return (hi + 0.05) / (lo + 0.05)


def contrast_of(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return contrast_ratio(relative_luminance(a), relative_luminance(b))


def best_text_color(background: tuple[float, float, float], candidates: list[str]) -> tuple[str, float]:
    """The candidate hex colour with the highest contrast against `background`."""
    scored = [(c, contrast_of(hex_to_rgb(c), background)) for c in candidates]
    return max(scored, key=lambda item: item[1])
