"""Local image providers: procedural base images, Pillow typesetting, calm-region analysis."""

from __future__ import annotations

from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.png import open_image, sha256, to_png
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import CopyVariant, DesignerPrompt, ImageAnalysis, Layout
from creative_assets.providers.base import Generated, ImageEditor, ImageGenerator, VisionAnalyzer
from creative_assets.providers.local.knowledge import scene_field

MAX_EMPHASIS = 2


class ProceduralImageGenerator(ImageGenerator):
    """Stands in for FLUX: draws a text-free picture per image type and seed. Of the prompt's
    words it reads only the field of work they show (`knowledge.scene_field`: a warehouse, a
    ward, a kitchen), which picks the workplace and the setting; the image type and the brand
    palette steer the rest of the drawing."""

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        field = scene_field(prompt.prompt)
        img = draw_base_image(prompt.image_type, seed, width, height, palette=palette, field=field)
        return Generated(to_png(img), "local/procedural-v1")


class LocalImageEditor(ImageEditor):
    """Stands in for gpt-image-1: typesets the copy into the layout's zones with Pillow.
    Later attempts raise the emphasis (stronger panels) so a retry is not a repeat."""

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        emphasis = min(attempt - 1, MAX_EMPHASIS)
        img = typeset(canvas.image(), layout, copy, emphasis=emphasis, locale=layout.locale)
        return Generated(to_png(img), "local/pillow-typesetter-v1")


class LocalVisionAnalyzer(VisionAnalyzer):
    """Stands in for the vision model: finds calm, low-detail regions for text."""

    def analyze(self, png: bytes) -> Generated[ImageAnalysis]:
        analysis = analyze_image(open_image(png, what="base image"), provider="local", digest=sha256(png))
        return Generated(analysis, "local/calm-regions-v1")
