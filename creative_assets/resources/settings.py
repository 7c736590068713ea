"""Deployment-wide knobs of a campaign: base image size, ad formats and the retry bounds."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import dagster as dg
from pydantic import Field, field_validator

from creative_assets.imaging.formats import FORMATS, AdFormat

FORMATS_VAR = "CREATIVE_ASSETS_FORMATS"


class CampaignSettings(dg.ConfigurableResource):
    width: int = Field(default=1024, ge=256, le=2048, description="base image width in px")
    height: int = Field(default=1024, ge=256, le=2048, description="base image height in px")
    # Plain strings: Dagster config has no Literal type; the validator holds them to FORMATS.
    formats: list[str] = Field(
        default=list(FORMATS),
        min_length=1,
        description="ad formats every creative is rendered in (imaging/formats.py); the first is "
        "the primary one, shown in previews and the contact sheet and approved by id",
    )
    max_creative_attempts: int = Field(
        default=3, ge=1, le=5, description="i2i → logo → gates passes per creative (the design's 3)"
    )
    max_base_image_attempts: int = Field(
        default=3, ge=1, le=5, description="generations per base image until Gate 1a passes"
    )

    @field_validator("formats")
    @classmethod
    def _known_once_each(cls, formats: list[str]) -> list[str]:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"[unknown_format] {', '.join(unknown)}: use {', '.join(FORMATS)}")
        if len(set(formats)) != len(formats):
            raise ValueError(f"[duplicate_format] formats lists one twice: {', '.join(formats)}")
        return formats

    @property
    def ad_formats(self) -> list[AdFormat]:
        return [FORMATS[f] for f in self.formats]  # type: ignore[index]

    def seed_for(self, *parts: object) -> int:
        """A stable seed per (job, variant, image type, generation): re-running a partition with
        unchanged inputs draws the same picture; a new generation draws a new one."""
        digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
        return int.from_bytes(digest[:4], "big") % 2_147_483_647


def settings_from_env(env: Mapping[str, str]) -> CampaignSettings:
    """The deployment's settings: `CREATIVE_ASSETS_FORMATS="1:1,9:16"` picks the ad formats (the
    first is the primary one); unset or empty, all four. An unknown format stops the code
    location from loading, naming it, like a missing key does."""
    raw = env.get(FORMATS_VAR, "").strip()
    if not raw:
        return CampaignSettings()
    formats = [f.strip() for f in raw.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(
            f"[unknown_format] {FORMATS_VAR} names {', '.join(unknown)}: use {', '.join(FORMATS)}"
        )
    return CampaignSettings(formats=formats)
