"""Phase 4 and 5 values: text overlays, final creatives and every attempt behind them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from creative_assets.models.base import Artifact, ImageType, Model, ProviderCall, Variant
from creative_assets.models.gates import Action, GateResult, Verdict
from creative_assets.models.layout import Layout
from creative_assets.models.text import CopyVariant


class CreativeAttempt(Model):
    """One pass of i2i → logo → gates 1b–4. Files are relative to the final_creatives folder."""

    attempt: int = Field(ge=1)
    trigger: Action = Field(description="what started this attempt ('none' for the first)")
    base_seed: int
    base_sha256: str
    overlay_file: str
    final_file: str
    overlay_provider: str
    layout: Layout
    gates: list[GateResult]
    verdict: Verdict
    next_action: Action
    calls: list[ProviderCall] = Field(default_factory=list)


class Overlay(Model):
    image_type: ImageType
    file: str
    provider: str
    model: str
    attempt: int
    sha256: str


class OverlaySet(Artifact):
    """Phase 4a: base image + typeset copy, no logo. The accepted attempt of each creative."""

    job_id: str
    variant: Variant
    overlays: list[Overlay]


class Creative(Model):
    """A final creative (Phase 4b, logo composited) with its verdict and full attempt history."""

    creative_id: str = Field(description="<job>-<variant>-<image_type>")
    image_type: ImageType
    file: str
    status: Literal["approved", "approved_with_warnings", "failed"]
    verdict: Verdict
    width: int
    height: int
    sha256: str
    has_logo: bool
    base_seed: int
    attempts: list[CreativeAttempt] = Field(min_length=1)
    cost_usd: float

    @property
    def approved(self) -> bool:
        return self.status != "failed"


class CreativeSet(Artifact):
    """The four final creatives of one job × variant; `files` holds PNGs incl. earlier attempts."""

    job_id: str
    variant: Variant
    copy_variant: CopyVariant
    creatives: list[Creative]
    calls: list[ProviderCall] = Field(default_factory=list)

    def creative(self, image_type: ImageType) -> Creative:
        return next(c for c in self.creatives if c.image_type == image_type)
