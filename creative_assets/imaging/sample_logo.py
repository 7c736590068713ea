"""The sample brand's logo, drawn in code so the repository's logo.png can be regenerated and checked.

Klinikum am See ('hospital by the lake') gets a symbol mark without text: a heart with a medical
cross and a lake wave cut out of it. The shape is drawn as a 4x alpha mask and downscaled, so the
edges are anti-aliased and fully transparent pixels still carry the mark's colour (no dark fringe
when the logo is scaled onto a creative).
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from creative_assets.imaging.color import hex_to_rgb

_OVERSAMPLE = 4


def _heart(size: float, steps: int = 240) -> list[tuple[float, float]]:
    """The classic parametric heart, scaled to fill a `size` square with a small margin."""
    pts = [
        (
            16 * math.sin(t) ** 3,
            -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)),
        )
        for t in (2 * math.pi * i / steps for i in range(steps))
    ]
    scale = size * 0.9 / 34  # the curve spans x in [-16, 16] and y in about [-12, 17]
    return [(size / 2 + x * scale, size * 0.47 + (y - 2.5) * scale) for x, y in pts]


def draw_sample_logo(size: int = 256, color: str = "#0b6e4f") -> Image.Image:
    """An RGBA symbol mark (transparent background) in `color`; deterministic for (size, color)."""
    if size < 16:
        raise ValueError("size must be at least 16 px")
    big = size * _OVERSAMPLE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(_heart(big), fill=255)
    # The cross: two rounded bars, centred in the heart's upper body.
    cx, cy, arm, bar = big * 0.5, big * 0.39, big * 0.155, big * 0.06
    draw.rounded_rectangle((cx - bar, cy - arm, cx + bar, cy + arm), radius=bar * 0.35, fill=0)
    draw.rounded_rectangle((cx - arm, cy - bar, cx + arm, cy + bar), radius=bar * 0.35, fill=0)
    # The lake: a gentle wave band across the heart's lower part.
    y0, amp, thickness = big * 0.625, big * 0.022, big * 0.038
    xs = [big * i / 120 for i in range(121)]
    top = [(x, y0 + amp * math.sin(2 * math.pi * x / (big * 0.4))) for x in xs]
    draw.polygon([*top, *[(x, y + thickness) for x, y in reversed(top)]], fill=0)
    alpha = mask.resize((size, size), Image.Resampling.LANCZOS)
    logo = Image.new("RGBA", (size, size), (*hex_to_rgb(color), 0))
    logo.putalpha(alpha)
    return logo
