"""Real OCR (rapidocr, offline ONNX models) as a resource, so tests and gates share one engine."""

from __future__ import annotations

import dagster as dg
from PIL import Image
from pydantic import Field

from creative_assets.imaging.ocr import COPY_DET_SIDE, DET_SIDE
from creative_assets.imaging.ocr_copy import read_copy_changes
from creative_assets.imaging.png import open_image
from creative_assets.imaging.text_search import SEARCH_CONFIDENCE, find_text
from creative_assets.models import OcrLine


class OcrReader(dg.ConfigurableResource):
    min_confidence: float = Field(default=0.5, ge=0, le=1, description="lines read with less are ignored")
    search_confidence: float = Field(
        default=SEARCH_CONFIDENCE,
        ge=0,
        le=1,
        description="lettering on a base image read with less is ignored (Gate 1a): the search's low "
        "thresholds let texture through as candidates, which the recogniser reads weakly",
    )
    search_side: int = Field(
        default=DET_SIDE,
        ge=320,
        le=2048,
        description="shorter side (px) at which the detector searches a base image for any text (Gate 1a)",
    )
    copy_side: int = Field(
        default=COPY_DET_SIDE,
        ge=320,
        le=2048,
        description="shorter side (px) at which the detector finds the copy on a finished creative "
        "(gates 1b–4: large type in planned zones); each line is still read at full resolution",
    )
    copy_where_changed: bool = Field(
        default=True,
        description="find the copy only where the creative differs from the canvas it was set on "
        "(imaging/ocr_copy.py); off: the detector reads every creative's whole frame",
    )

    def read(self, image: Image.Image | bytes) -> list[OcrLine]:
        """Any lettering on the image, faint, outlined, watermarked or rotated (Gate 1a: a base
        image must have none)."""
        return find_text(_decoded(image), min_confidence=self.search_confidence, det_side=self.search_side)

    def read_copy(self, image: Image.Image | bytes, *, set_on: Image.Image | None = None) -> list[OcrLine]:
        """The copy on a finished creative, for the gates that judge it: set upright by the
        typesetter or as the i2i prompt asks, so it is read as it stands (`read_text`).
        `set_on`: the canvas the copy was set on, when Gate 1a passed the picture it shows;
        the detector then looks only where the creative differs from it (imaging/ocr_copy.py)."""
        return read_copy_changes(
            _decoded(image),
            set_on if self.copy_where_changed else None,
            min_confidence=self.min_confidence,
            det_side=self.copy_side,
        )


def _decoded(image: Image.Image | bytes) -> Image.Image:
    return open_image(image, what="image for OCR") if isinstance(image, bytes) else image
