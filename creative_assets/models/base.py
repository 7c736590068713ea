"""Building blocks shared by every boundary model."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

ImageType = Literal["job_focus", "lifestyle", "artistic", "location"]
IMAGE_TYPES: tuple[ImageType, ...] = ("job_focus", "lifestyle", "artistic", "location")

Variant = Literal["A", "B", "C", "D", "E"]
VARIANTS: tuple[Variant, ...] = ("A", "B", "C", "D", "E")

Language = Literal["de", "en"]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _hex_color(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    return value.lower()


HexColor = Annotated[str, AfterValidator(_hex_color)]


class Model(BaseModel):
    """Every value that crosses an asset or provider boundary: strict and immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_stored_calls(cls, data: object) -> object:
        # Records stored before the gateway's ledger became the only record of provider calls
        # carry a `calls` list; it is read past, not refused.
        if isinstance(data, dict) and "calls" in data and "calls" not in cls.model_fields:
            return {k: v for k, v in data.items() if k != "calls"}
        return data


class Box(Model):
    """A rectangle in fractions of the image size, so it survives resizing."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    w: float = Field(gt=0, le=1)
    h: float = Field(gt=0, le=1)

    def to_pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels, clamped to the image."""
        left = round(self.x * width)
        top = round(self.y * height)
        right = min(width, round((self.x + self.w) * width))
        bottom = min(height, round((self.y + self.h) * height))
        return left, top, right, bottom

    @classmethod
    def from_pixels(
        cls, left: float, top: float, right: float, bottom: float, width: int, height: int
    ) -> Box:
        left, right = max(0.0, left), min(float(width), right)
        top, bottom = max(0.0, top), min(float(height), bottom)
        return cls(
            x=left / width, y=top / height, w=max(right - left, 1) / width, h=max(bottom - top, 1) / height
        )

    def contains(self, other: Box, tolerance: float = 0.0) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.x + other.w <= self.x + self.w + tolerance
            and other.y + other.h <= self.y + self.h + tolerance
        )

    def overlap(self, other: Box) -> float:
        """Area of the intersection as a fraction of `other`'s area."""
        ix = max(0.0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0.0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        return (ix * iy) / (other.w * other.h)


class ProviderCall(Model):
    """What one attempt of a paid call was billed, as a client reports it to the gateway, which
    writes it to its ledger (the only record of calls and cost) and keeps nothing else of it."""

    provider: str
    model: str
    operation: str
    units: float = 1.0
    unit: str = "call"
    cost_usd: float = 0.0
    duration_s: float = 0.0
    cached: bool = False
    outcome: Literal["ok", "error", "moderated", "circuit_open"] = "ok"
    request_hash: str | None = None


class CallFailure(Model):
    """A provider call that still failed after its own retries, and what it cost a creative:
    the step and the call (so a person knows where), the provider's stable code and its message."""

    step: str = Field(description="the asset whose step made the call, e.g. base_images")
    call: str = Field(description="what was asked, e.g. 'text-to-image' or 'layout design'")
    provider: str
    code: str = Field(description="stable, e.g. rate_limited, server_error, moderated")
    message: str

    def describe(self) -> str:
        return f"{self.call} ({self.provider}) failed in {self.step}: [{self.code}] {self.message}"


class Artifact(Model):
    """A structured value that also owns binary files (PNGs, CSVs) stored next to it.

    The IO manager writes `files` beside the JSON record and validates every PNG first;
    the record itself never carries the bytes.
    """

    files: dict[str, bytes] = Field(default_factory=dict, exclude=True, repr=False)
