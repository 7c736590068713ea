"""Real OCR (rapidocr, offline ONNX models) as a resource, so tests and gates share one engine."""

from __future__ import annotations

import dagster as dg
from PIL import Image
from pydantic import Field

from creative_assets.imaging.ocr import read_text
from creative_assets.imaging.png import open_image
from creative_assets.models import OcrLine


class OcrReader(dg.ConfigurableResource):
    min_confidence: float = Field(default=0.5, ge=0, le=1, description="lines read with less are ignored")

    def read(self, image: Image.Image | bytes) -> list[OcrLine]:
        img = open_image(image, what="image for OCR") if isinstance(image, bytes) else image
        return read_text(img, min_confidence=self.min_confidence)
