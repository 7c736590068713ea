"""Phase 3 values: image analysis (calm regions) and the layout per creative, format and locale."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from creative_assets.models.base import Box, CallFailure, HexColor, ImageType, Model, Variant
from creative_assets.models.text import Locale

# Ad platform sizes (imaging/formats.py has their pixels); in file names ":" becomes "x".
FormatId = Literal["1:1", "4:5", "9:16", "16:9"]
Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]
TextRole = Literal["headline", "subline", "cta"]


class Region(Model):
    """A candidate area for text, scored by how calm it is."""

    box: Box
    detail: float = Field(ge=0, description="mean gradient magnitude, 0 = flat")
    luminance: float = Field(ge=0, le=1, description="mean relative luminance")


class ImageAnalysis(Model):
    """Where text can go on a base image (vision model, or the local calm-region analysis)."""

    width: int
    height: int
    regions: list[Region] = Field(description="candidate text areas, calmest first")
    salient: Box | None = Field(default=None, description="the subject; text must not cover it")
    corner_detail: dict[Corner, float] = Field(default_factory=dict)
    sha256: str
    provider: str
    format: FormatId | None = Field(
        default=None,
        description="the ad format this frame was cut for, whose reserved areas (platform UI) the "
        "layout keeps clear; None: a base image as generated",
    )


class TextZone(Model):
    """Where one piece of copy goes and how it is drawn."""

    role: TextRole
    box: Box
    align: Literal["left", "center"] = "left"
    color: HexColor
    scrim: HexColor | None = Field(default=None, description="panel colour behind the text")
    scrim_opacity: float = Field(default=0.0, ge=0, le=1)


class Layout(Model):
    """The layout designer's plan for one creative: zones, logo position and the i2i prompt."""

    image_type: ImageType
    zones: list[TextZone]
    logo_position: Corner | None
    logo_box: Box | None
    i2i_prompt: str
    analysis: ImageAnalysis = Field(description="of the reframed image the text is set on")
    format: FormatId = "1:1"
    locale: Locale | None = Field(default=None, description="of the copy; None: the deck's primary")
    crop: Box = Field(
        default=Box(x=0.0, y=0.0, w=1.0, h=1.0),
        description="the part of the base image this format shows, in fractions of the base image",
    )

    def zone(self, role: TextRole) -> TextZone:
        return next(z for z in self.zones if z.role == role)


class LayoutSet(Model):
    """One layout per image type × format × locale of a job × variant."""

    job_id: str
    variant: Variant
    layouts: list[Layout]
    # image types whose analysis or layout design failed for good (their creatives fail alone)
    failed: dict[ImageType, CallFailure] = Field(default_factory=dict)

    def layout(
        self, image_type: ImageType, format: FormatId | None = None, locale: str | None = None
    ) -> Layout:
        """The layout of one rendition; with format or locale left out, the first planned (the
        primary locale comes first, the formats in the configured order)."""
        for lay in self.layouts:
            if (
                lay.image_type == image_type
                and format in (None, lay.format)
                and (locale is None or lay.locale in (None, locale))
            ):
                return lay
        raise KeyError(
            f"[missing_layout] no layout for {image_type} {format or ''} {locale or ''}: the layouts "
            "were planned for other formats or locales; materialize layouts again (regenerate_images)"
        )
