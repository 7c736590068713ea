"""The picture a rendition's text is set on (`defs/layout/framing.canvas`)."""

from __future__ import annotations

from PIL import Image

from creative_assets.defs.layout.framing import canvas
from creative_assets.imaging.formats import FULL_FRAME
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import open_image, to_png
from creative_assets.models import ImageAnalysis, Layout, Region
from creative_assets.models.base import Box
from creative_assets_tests.imaging.test_layout_rules import COPIES, make_brand


def _layout(fmt: str, crop: Box) -> Layout:
    analysis = ImageAnalysis(
        width=1080,
        height=1080,
        regions=[Region(box=Box(x=0.05, y=0.05, w=0.9, h=0.3), detail=0.002, luminance=0.8)],
        salient=None,
        sha256="0" * 64,
        provider="test",
    )
    layout = plan_layout(analysis, COPIES[1], make_brand(), "lifestyle", has_logo=False)
    return layout.model_copy(update={"format": fmt, "crop": crop})


def test_a_full_frame_format_of_the_base_images_size_is_the_base_image_itself() -> None:
    gradient = Image.linear_gradient("L").resize((1080, 1080)).convert("RGB")
    base_png = to_png(gradient)
    assert canvas(base_png, _layout("1:1", FULL_FRAME)) is base_png  # not decoded and encoded again
    # Any other frame is cut and scaled to the format's pixels.
    story = open_image(canvas(base_png, _layout("9:16", Box(x=0.22, y=0.0, w=0.5625, h=1.0))))
    assert story.size == (1080, 1920)
    smaller = to_png(gradient.resize((768, 768)))
    assert open_image(canvas(smaller, _layout("1:1", FULL_FRAME))).size == (1080, 1080)
