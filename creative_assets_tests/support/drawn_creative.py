"""A creative drawn with Pillow for the gates' tests: the copy typeset into a fixed layout's
zones (headline, subline, CTA button) and a logo, on a plain background."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import creative_assets
from creative_assets.models import CopyVariant, ImageAnalysis, Layout, TextZone
from creative_assets.models.base import Box

FONT = Path(creative_assets.__file__).parent / "imaging" / "fonts" / "DejaVuSans-Bold.ttf"
PRIMARY, ACCENT = (20, 40, 79), (245, 183, 0)
BRAND = ["#14284f", "#f5b700"]
SIDE = 1024
LOGO = Box(x=0.80, y=0.80, w=0.14, h=0.14)
COPY = CopyVariant(
    variant="A",
    angle="benefits",
    headline="Pflegefachkraft gesucht",
    subline="Deine Arbeit zählt bei St. Martin",
    benefits=["Tarif"],
    cta="Jetzt bewerben",
    emotional_anchors=["Sicherheit"],
    style="clear",
)


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


SUBJECT = Box(x=0.55, y=0.40, w=0.35, h=0.35)


def make_layout(salient: Box | None = SUBJECT) -> Layout:
    analysis = ImageAnalysis(
        width=SIDE, height=SIDE, regions=[], salient=salient, sha256="0" * 64, provider="test"
    )
    zones = [
        TextZone(role="headline", box=Box(x=0.06, y=0.06, w=0.60, h=0.18), color="#ffffff"),
        TextZone(role="subline", box=Box(x=0.06, y=0.26, w=0.88, h=0.08), color="#ffffff"),
        TextZone(role="cta", box=Box(x=0.06, y=0.80, w=0.45, h=0.12), color="#14284f"),
    ]
    return Layout(
        image_type="job_focus",
        zones=zones,
        logo_position="bottom_right",
        logo_box=LOGO,
        i2i_prompt="typeset the copy",
        analysis=analysis,
    )


LAYOUT = make_layout()


def creative(
    headline: str = "Pflegefachkraft",
    *,
    bg: tuple[int, int, int] = PRIMARY,
    fg: tuple[int, int, int] = (255, 255, 255),
    logo: bool = True,
    stray: str | None = None,
) -> Image.Image:
    """The copy typeset into LAYOUT's zones: a wrapped headline, subline, CTA button, logo."""
    img = Image.new("RGB", (SIDE, SIDE), bg)
    draw = ImageDraw.Draw(img)
    draw.text((80, 80), headline, font=font(64), fill=fg)
    draw.text((80, 156), "gesucht", font=font(64), fill=fg)
    draw.text((80, 280), COPY.subline, font=font(34), fill=fg)
    draw.rectangle((70, 830, 440, 920), fill=ACCENT)
    draw.text((95, 852), COPY.cta, font=font(40), fill=PRIMARY)
    if stray:
        draw.text((760, 60), stray, font=font(30), fill=fg)
    if logo:
        left, top, right, bottom = LOGO.to_pixels(SIDE, SIDE)
        draw.rectangle((left, top, right, bottom), fill=(255, 255, 255))
        draw.text((left + 22, top + 40), "SM", font=font(56), fill=ACCENT)
    return img
