"""Phase 4 and 5 values: text overlays, final creatives and every attempt behind them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from creative_assets.models.base import Artifact, Box, ImageType, Model, ProviderCall, Variant
from creative_assets.models.gates import Action, GateResult, Verdict
from creative_assets.models.layout import FormatId, Layout
from creative_assets.models.text import CopyVariant, Locale

Status = Literal["approved", "approved_with_warnings", "failed"]
STATUS_OF: dict[Verdict, Status] = {
    "PASS": "approved",
    "PASS_WITH_WARNINGS": "approved_with_warnings",
    "FAIL": "failed",
}


class CreativeAttempt(Model):
    """One pass of i2i → logo → gates 1b–4. Files are relative to the final_creatives folder.
    A pass whose plan already failed (gates.gate_1b_plan) has no edit: no files, no overlay
    provider, and the plan's gate result as its only gate."""

    attempt: int = Field(ge=1)
    trigger: Action = Field(description="what started this attempt ('none' for the first)")
    base_seed: int
    base_sha256: str
    overlay_file: str | None
    final_file: str | None
    overlay_provider: str | None
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
    format: FormatId = "1:1"
    locale: Locale | None = None


class OverlaySet(Artifact):
    """Phase 4a: base image + typeset copy, no logo. The accepted attempt of each creative."""

    job_id: str
    variant: Variant
    overlays: list[Overlay]


class Rendition(Model):
    """One creative in one locale and ad format: its own layout, gates and retry loop on the
    shared base image. Files are relative to the final_creatives folder."""

    locale: Locale
    format: FormatId
    file: str
    width: int
    height: int
    sha256: str
    verdict: Verdict
    status: Status
    has_logo: bool
    crop: Box = Field(description="the part of the base image shown, in fractions of it")
    attempts: list[CreativeAttempt] = Field(min_length=1)
    cost_usd: float


class Creative(Model):
    """A final creative — the concept a person approves: one copy variant on one base image —
    with every rendition (locale × ad format) it was rendered in. Its status is the worst of
    its renditions' (one failed format fails the creative: the bundle ships all formats or none);
    `file`, `sha256`, `width` and `height` are those of the primary rendition (primary locale,
    first configured format), the image an approval is recorded against."""

    creative_id: str = Field(description="<job>-<variant>-<image_type>")
    image_type: ImageType
    file: str
    status: Status
    verdict: Verdict
    width: int
    height: int
    sha256: str
    has_logo: bool
    base_seed: int
    renditions: list[Rendition] = Field(min_length=1)
    cost_usd: float

    @property
    def approved(self) -> bool:
        return self.status != "failed"

    @property
    def primary(self) -> Rendition:
        return self.renditions[0]

    @property
    def attempts(self) -> list[CreativeAttempt]:
        """Every attempt of every rendition, in rendering order."""
        return [a for r in self.renditions for a in r.attempts]

    def rendition(self, format: FormatId, locale: str | None = None) -> Rendition:
        for r in self.renditions:
            if r.format == format and locale in (None, r.locale):
                return r
        raise KeyError(f"[missing_rendition] {self.creative_id} has no {format} {locale or ''}")


class CreativeSet(Artifact):
    """The four final creatives of one job × variant; `files` holds every rendition's PNG
    (the primary one as `<image_type>.png`) and those of earlier attempts."""

    job_id: str
    variant: Variant
    copy_variant: CopyVariant = Field(description="in the primary locale")
    copy_by_locale: dict[Locale, CopyVariant] = Field(
        default_factory=dict, description="the copy of every locale rendered, the primary one included"
    )
    creatives: list[Creative]
    calls: list[ProviderCall] = Field(default_factory=list)

    def copy_for(self, locale: str) -> CopyVariant:
        return self.copy_by_locale.get(locale, self.copy_variant)

    def creative(self, image_type: ImageType) -> Creative:
        return next(c for c in self.creatives if c.image_type == image_type)
