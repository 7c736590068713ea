"""OpenAI image steps: the gpt-image-1 text overlay (i2i) and the vision analysis of free space."""

from __future__ import annotations

import base64
import binascii
import io
import math
import time
from typing import Literal, TypeVar

import numpy as np
from PIL import Image
from pydantic import Field, ValidationError

from creative_assets.errors import (
    INVALID_RESPONSE,
    ProviderFailure,
    describe_validation_error,
)
from creative_assets.gateway.resource import Answer, CallSpec
from creative_assets.imaging.analysis import analyze_image, detail_grid
from creative_assets.imaging.canvas import Canvas, Rect
from creative_assets.imaging.png import InvalidImageError, open_image, sha256, to_png
from creative_assets.models import (
    Box,
    CopyVariant,
    ImageAnalysis,
    Layout,
    Model,
    ProviderCall,
    Region,
    VisionReview,
)
from creative_assets.providers import prompts
from creative_assets.providers.base import Generated, ImageEditor, VisionAnalyzer
from creative_assets.providers.http import failed_call, timed
from creative_assets.providers.openai_client import (
    PROVIDER,
    SDK_FAILURES,
    OpenAIResource,
    invalid_output,
    structured_chat,
)
from creative_assets.providers.prices import IMAGE_EDIT_PER_IMAGE, typical_chat_prices
from creative_assets.providers.strict_schema import drop_nulls, strict_schema

Quality = Literal["low", "medium", "high", "auto"]
MIN_ZONE = 0.05  # a suggested text zone thinner than this cannot hold a line of text


def zone_mask(size: tuple[int, int], layout: Layout, frame: Rect | None = None) -> bytes:
    """An RGBA mask, transparent (editable) only inside the text zones: the model may paint
    there and must leave the photo, the subject and the logo corner alone everywhere else.
    `frame` is where the picture sits in a padded edit canvas of `size` (default: all of it)."""
    left, top, right, bottom = frame or (0, 0, *size)
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    clear = Image.new("RGBA", size, (0, 0, 0, 0))
    for zone in layout.zones:
        x0, y0, x1, y1 = zone.box.to_pixels(right - left, bottom - top)
        box = (left + x0, top + y0, left + x1, top + y1)
        mask.paste(clear.crop(box), box[:2])
    return to_png(mask, fast=True)  # flat shapes: ~20 KB at level 1 (6 KB at 6), a third less CPU


def edit_size(width: int, height: int) -> str:
    """gpt-image-1 edits come in three sizes; pick the one closest to the base image's shape."""
    ratio = width / height
    return "1536x1024" if ratio > 1.2 else "1024x1536" if ratio < 1 / 1.2 else "1024x1024"


def _pixels(edit: str) -> tuple[int, int]:
    width, height = (int(v) for v in edit.split("x"))
    return width, height


M = TypeVar("M", bound=Model)


class OpenAIImageEditor(OpenAIResource, ImageEditor):
    """Text overlay with gpt-image-1 `images.edit`; the logo is never sent (Pillow adds it)."""

    model: str = Field(default="gpt-image-1", description="always sent: the SDK default differs")
    quality: Quality = "medium"
    retry_quality: Quality = Field(default="high", description="later attempts: a retry is not a repeat")
    input_fidelity: Literal["high", "low"] = Field(default="high", description="keep the photo as it was")
    price_per_image: float = Field(default=IMAGE_EDIT_PER_IMAGE["gpt-image-1"], ge=0)
    timeout_s: float = Field(default=300.0, gt=0, description="edits take 8–25 s typically, up to ~2 min")

    def list_prices(self) -> dict[str, float]:
        return {"text_overlay": self.price_per_image}

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        quality = self.quality if attempt <= 1 else self.retry_quality
        size = edit_size(*canvas.size)
        pixels = _pixels(size)
        # Made from the base image's pixels at the model's size (a square base image of that
        # size is sent as it is), not from the canvas at the format's size. The ad formats' 4:5
        # and 9:16 are narrower than 2:3 and the model would stretch them to its size, so they
        # are fitted, centred; the padding is masked (kept) and cut off again afterwards.
        image_png, frame = canvas.fitted(pixels)
        mask = zone_mask(pixels, layout, frame)
        spec = CallSpec(
            provider=PROVIDER,
            operation="text_overlay",
            model=self.model,
            request={
                "image": sha256(image_png),
                "mask": sha256(mask),
                "prompt": layout.i2i_prompt,
                "size": size,
                "quality": quality,
                "input_fidelity": self.input_fidelity,
                # Not sent: a retry asks for a new sample, so it must not be answered from the
                # cache with the attempt that just failed.
                "attempt": attempt,
            },
            expected_cost_usd=self.price_per_image,
            retry=self.retry,
        )

        def run() -> Answer:
            call = ProviderCall(provider=PROVIDER, model=self.model, operation="text_overlay", unit="image")
            started = time.monotonic()
            try:
                with self.client() as client:
                    result = client.images.edit(
                        model=self.model,
                        image=("base.png", image_png, "image/png"),
                        mask=("mask.png", mask, "image/png"),
                        prompt=layout.i2i_prompt,
                        size=size,
                        quality=quality,
                        input_fidelity=self.input_fidelity,
                        output_format="png",
                        n=1,
                    )
            except SDK_FAILURES as exc:  # they leave with a stable code and no key in them
                failure = self.failure(exc, "the text overlay")
                if failure.answered:  # the edit was made and billed; its answer did not arrive whole
                    call = call.model_copy(update={"cost_usd": self.price_per_image})
                raise failed_call(failure, timed(call, started)) from None
            # The edit was done and is billed even if its bytes turn out unusable.
            call = timed(call, started).model_copy(update={"cost_usd": self.price_per_image})
            edited = _edited_png(result, size, frame, canvas.size, call)
            return Answer(call=call, blobs={"image.png": edited})

        answer = self.gateway.call(spec, run)
        return Generated(answer.blobs["image.png"], f"{PROVIDER}/{self.model}")


def _edited_png(result: object, edit: str, frame: Rect, size: tuple[int, int], call: ProviderCall) -> bytes:
    """The edited picture at the base image's size: the padding of the edit canvas cut off, then
    scaled uniformly (the frame has the picture's aspect)."""
    data = getattr(result, "data", None)
    encoded = data[0].b64_json if data else None
    try:
        if not encoded:
            raise ValueError("no b64_json image in the answer")
        img = open_image(base64.b64decode(encoded, validate=True), what="edited image", require_png=True)
    except (ValueError, binascii.Error, InvalidImageError) as exc:
        failure = ProviderFailure(
            INVALID_RESPONSE,
            f"OpenAI's text overlay is not a usable PNG ({exc}); re-run the step",
            provider=PROVIDER,
        )
        raise failed_call(failure, call) from None
    canvas = _pixels(edit)
    if img.size != canvas:  # not seen from the API; scaled so the frame still fits
        img = img.resize(canvas, Image.Resampling.LANCZOS)
    if frame != (0, 0, *canvas):
        img = img.crop(frame)
    if img.size != size:  # a 1080×1920 story came back at 864×1536 inside 1024×1536
        img = img.resize(size, Image.Resampling.LANCZOS)
    return to_png(img)


class VisionZones(Model):
    """What the vision model is asked for: the subject and calm areas for text."""

    subject: Box | None = Field(description="the main subject text must not cover; null if none")
    text_zones: list[Box] = Field(max_length=6, description="calm areas for text, calmest first")


class OpenAIVisionAnalyzer(OpenAIResource, VisionAnalyzer):
    """A vision model says where the subject and the calm areas are; the local calm-region
    analysis measures every area (detail, luminance) and the corners, which the layout rules
    and the contrast check need as numbers a model does not give reliably."""

    model: str = "gpt-4o"
    detail: Literal["low", "high", "auto"] = Field(default="low", description="low: 85 tokens an image")
    max_side: int = Field(default=512, ge=128, le=2048, description="the image is sent scaled down")
    max_completion_tokens: int = Field(default=1000, ge=100)

    review_creatives: bool = Field(
        default=False,
        description="also review every finished creative for Gate 1b (one vision call per attempt)",
    )

    def list_prices(self) -> dict[str, float]:
        reviewed = ("creative_review",) if self.review_creatives else ()
        return typical_chat_prices(self.model, ("image_analysis", *reviewed))

    def _image_part(self, img: Image.Image) -> dict:
        thumb = img.convert("RGB")
        thumb.thumbnail((self.max_side, self.max_side))
        buffer = io.BytesIO()
        thumb.save(buffer, format="PNG")
        url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        return {"type": "image_url", "image_url": {"url": url, "detail": self.detail}}

    def review_creative(
        self, png: bytes, layout: Layout, copy: CopyVariant
    ) -> Generated[VisionReview] | None:
        if not self.review_creatives:
            return None
        zones = "; ".join(
            f"{z.role} at x={z.box.x:.2f} y={z.box.y:.2f} w={z.box.w:.2f} h={z.box.h:.2f}"
            for z in layout.zones
        )
        text = (
            f"Planned areas: {zones}. "
            f"Copy: headline {copy.headline!r}, subline {copy.subline!r}, CTA {copy.cta!r}."
        )
        image = self._image_part(open_image(png, what="final creative"))
        review = self._ask(VisionReview, "creative_review", prompts.REVIEW, text, image)
        return Generated(review, f"{PROVIDER}/{self.model}")

    def _ask(self, answer: type[M], operation: str, system: str, text: str, image: dict) -> M:
        """One vision question with a structured answer, validated by our model on receipt."""

        def parse(data: object, call: ProviderCall) -> M:
            try:
                return answer.model_validate(drop_nulls(data, answer) if isinstance(data, dict) else data)
            except ValidationError as exc:
                detail = describe_validation_error(exc)
                message = f"{self.model}'s {operation} answer does not fit {answer.__name__}: {detail}"
                raise invalid_output(message, call) from None

        return structured_chat(
            self,
            model=self.model,
            operation=operation,
            name=operation,
            schema=strict_schema(answer),
            system=system,
            user=[{"type": "text", "text": text}, image],
            max_completion_tokens=self.max_completion_tokens,
            parse=parse,
        )

    def analyze(self, png: bytes) -> Generated[ImageAnalysis]:
        img = open_image(png, what="base image")
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        grid = detail_grid(rgb)  # measured once, for the local areas and the model's alike
        local = analyze_image(rgb, provider=PROVIDER, digest=sha256(png), grid=grid)
        question = "Where is the subject, and where can a headline go?"
        zones = self._ask(VisionZones, "image_analysis", prompts.VISION, question, self._image_part(img))
        return Generated(merge_analysis(local, zones, rgb, grid=grid), f"{PROVIDER}/{self.model}")


def _clip(box: Box) -> Box | None:
    w, h = min(box.w, 1 - box.x), min(box.h, 1 - box.y)
    return Box(x=box.x, y=box.y, w=w, h=h) if w >= MIN_ZONE and h >= MIN_ZONE else None


def _span(start: float, size: float, cells: int) -> slice:
    first = min(cells - 1, int(start * cells))
    return slice(first, max(first + 1, min(cells, math.ceil((start + size) * cells))))


def merge_analysis(
    local: ImageAnalysis, zones: VisionZones, img: Image.Image, *, grid: np.ndarray | None = None
) -> ImageAnalysis:
    """The model's areas become candidate regions measured like the local ones; its subject
    replaces the local guess (a smooth face is a subject though it is calm). `grid`: the
    image's `detail_grid`, if the caller has it."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    grid = detail_grid(rgb) if grid is None else grid
    small = np.asarray(rgb.resize(grid.shape[::-1], Image.Resampling.BOX), dtype=np.float32) / 255.0
    linear = np.where(small <= 0.03928, small / 12.92, ((small + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    rows, cols = grid.shape
    extra = []
    for box in filter(None, map(_clip, zones.text_zones)):
        cells = (_span(box.y, box.h, rows), _span(box.x, box.w, cols))
        detail = round(float(grid[cells].mean()), 5)
        lum = round(min(1.0, max(0.0, float(luminance[cells].mean()))), 5)
        extra.append(Region(box=box, detail=detail, luminance=lum))
    subject = _clip(zones.subject) if zones.subject else None
    return local.model_copy(
        update={
            "regions": sorted([*local.regions, *extra], key=lambda r: r.detail),
            "salient": subject or local.salient,
            "provider": PROVIDER,
        }
    )
