"""Fault-injecting stand-ins at the resource boundary: the local providers, except that chosen
calls raise the `ProviderFailure` a real client raises once its own retries are spent.

A fault is `"<variant>:<image_type>:<code>"` (`*` matches any image type); the variant comes from
the Dagster step making the call (the partition), the image type from the call's arguments.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from creative_assets.errors import ProviderFailure
from creative_assets.imaging.canvas import Canvas
from creative_assets.models import (
    BrandIdentity,
    CampaignContext,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    ImageType,
    Layout,
    ProviderCall,
)
from creative_assets.providers.base import ArtDirection, Generated
from creative_assets.providers.local import LocalImageEditor, ProceduralImageGenerator, TemplateTextGenerator


def step_variant() -> str | None:
    """The variant of the job × variant step making the call (None outside one)."""
    try:
        context = dg.AssetExecutionContext.get()
    except Exception:  # not inside a Dagster step
        return None
    dims = getattr(context.partition_key, "keys_by_dimension", None) if context.has_partition_key else None
    return dims["variant"] if dims else None


def injected(
    faults: list[str], variant: str | None, image_type: str, *, provider: str, operation: str
) -> None:
    """Raise the fault configured for this call, as the real client would after its retries."""
    for fault in faults:
        want_variant, want_type, code = fault.split(":")
        if want_variant == variant and want_type in ("*", image_type):
            call = ProviderCall(provider=provider, model="stand-in", operation=operation, outcome="error")
            raise ProviderFailure(
                code,
                f"{provider} answered {operation} with an injected {code} (gave up after 3 attempts)",
                provider=provider,
                call=call,
            )


class FaultyGenerator(ProceduralImageGenerator):
    faults: list[str] = Field(default_factory=list)

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        injected(self.faults, step_variant(), prompt.image_type, provider="bfl", operation="text_to_image")
        return super().generate(prompt, seed=seed, width=width, height=height, palette=palette)


class FaultyEditor(LocalImageEditor):
    faults: list[str] = Field(default_factory=list)

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        injected(self.faults, copy.variant, layout.image_type, provider="openai", operation="text_overlay")
        return super().overlay_text(canvas, layout, copy, attempt=attempt)


class FaultyWriter(TemplateTextGenerator):
    """Faults on the art direction (image type `*`) and on the layout design per image type."""

    faults: list[str] = Field(default_factory=list)

    def direct_images(self, context: CampaignContext, copy: CopyVariant) -> Generated[ArtDirection]:
        injected(self.faults, copy.variant, "*", provider="openai", operation="meta_analysis")
        return super().direct_images(context, copy)

    def design_layout(
        self, analysis: ImageAnalysis, copy: CopyVariant, brand: BrandIdentity, image_type: ImageType
    ) -> Generated[Layout]:
        injected(self.faults, copy.variant, image_type, provider="openai", operation="layout_design")
        return super().design_layout(analysis, copy, brand, image_type)
