"""Deployment-wide knobs of a campaign: image size and the retry bounds of the design."""

from __future__ import annotations

import hashlib

import dagster as dg
from pydantic import Field


class CampaignSettings(dg.ConfigurableResource):
    width: int = Field(default=1024, ge=256, le=2048, description="creative width in px")
    height: int = Field(default=1024, ge=256, le=2048, description="creative height in px")
    max_creative_attempts: int = Field(
        default=3, ge=1, le=5, description="i2i → logo → gates passes per creative (the design's 3)"
    )
    max_base_image_attempts: int = Field(
        default=3, ge=1, le=5, description="generations per base image until Gate 1a passes"
    )

    def seed_for(self, *parts: object) -> int:
        """A stable seed per (job, variant, image type, generation): re-running a partition with
        unchanged inputs draws the same picture; a new generation draws a new one."""
        digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
        return int.from_bytes(digest[:4], "big") % 2_147_483_647
