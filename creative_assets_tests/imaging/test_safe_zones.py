"""Platform safe zones: each format knows what its placements' interface covers, and the layout
keeps copy, CTA and logo out of it."""

from __future__ import annotations

import pytest

from creative_assets.defs.layout.framing import frame
from creative_assets.imaging.formats import FORMATS, ad_format, in_reserved
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import to_png
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.models import BrandIdentity, CopyVariant, LogoInfo
from creative_assets.models.base import IMAGE_TYPES
from creative_assets.providers.local import LocalVisionAnalyzer

BRAND = BrandIdentity(
    company_name="Klinikum am See",
    primary_color="#0b6e4f",
    secondary_color="#e8f3ee",
    accent_color="#f2a541",
    source="defaults",
    logo=LogoInfo(width=256, height=256, sha256="0" * 64, source="test"),
)
COPY = CopyVariant(
    variant="D",
    angle="team",
    headline="Ein Team, das trägt",
    subline="Das Klinikum am See in Konstanz sucht dich: Vollzeit, Dienstplan mit Wunschfrei",
    benefits=["30 Tage Urlaub"],
    cta="Team kennenlernen",
    emotional_anchors=["Zusammenhalt"],
    style="friendly",
)


def test_a_story_reserves_the_top_and_bottom_its_platforms_cover_and_says_who_says_so() -> None:
    story = ad_format("9:16")
    top = [r for r in story.reserved if r.edge == "top"]
    bottom = [r for r in story.reserved if r.edge == "bottom"]
    assert top and top[0].box.y == 0 and top[0].box.h >= 0.14  # Meta: roughly 14 % (250 px)
    assert bottom and bottom[0].box.y + bottom[0].box.h == pytest.approx(1.0)
    assert bottom[0].box.h >= 0.20  # Meta: 20 % (340 px); TikTok's caption more
    assert all(r.source.startswith("https://") and r.covers for r in story.reserved)
    assert story.clear.y >= 0.14 and story.clear.y + story.clear.h <= 0.80


@pytest.mark.parametrize("format_id", ["1:1", "4:5", "16:9"])
def test_feed_and_landscape_formats_publish_no_reserved_area(format_id: str) -> None:
    assert FORMATS[format_id].reserved == ()  # type: ignore[index]


@pytest.mark.parametrize("image_type", IMAGE_TYPES)
@pytest.mark.parametrize("format_id", ["9:16", "1:1"])
def test_the_layout_keeps_copy_cta_and_logo_out_of_reserved_areas(image_type: str, format_id: str) -> None:
    fmt = ad_format(format_id)
    vision = LocalVisionAnalyzer()
    for seed in (1, 2, 3):
        base = to_png(draw_base_image(image_type, seed, 1024, 1024, ["#0b6e4f", "#f2a541"]))  # type: ignore[arg-type]
        framed = frame(vision, base, vision.analyze(base).value, fmt)
        assert framed.analysis.format == format_id
        layout = plan_layout(framed.analysis, COPY, BRAND, image_type, has_logo=True)  # type: ignore[arg-type]
        boxes = [z.box for z in layout.zones] + [layout.logo_box]
        assert all(box is not None and in_reserved(box, fmt.reserved) is None for box in boxes), (seed, boxes)
        if format_id == "9:16":  # the logo sits in a corner of the clear area, not under the UI
            assert layout.logo_box is not None and layout.logo_box.y >= 0.14
