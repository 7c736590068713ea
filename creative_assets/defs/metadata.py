"""Metadata every materialization carries: cost, provider calls and image previews."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
import pandas as pd

from creative_assets.imaging.png import thumbnail_markdown
from creative_assets.models import ProviderCall


def cost_usd(calls: Iterable[ProviderCall]) -> float:
    return round(sum(c.cost_usd for c in calls), 6)


def calls_metadata(calls: list[ProviderCall]) -> dict[str, dg.RawMetadataValue]:
    """Cost, which providers and models did the work, and a table of every call."""
    frame = pd.DataFrame([c.model_dump() for c in calls]) if calls else pd.DataFrame()
    table = (
        frame[["provider", "model", "operation", "units", "cost_usd", "cached", "outcome"]]
        if calls
        else frame
    )
    return {
        "cost_usd": cost_usd(calls),
        "provider_calls": len(calls),
        "providers": ", ".join(sorted({f"{c.provider}/{c.model}" for c in calls})),
        "calls": dg.MetadataValue.md(table.to_markdown(index=False) if calls else "(none)"),
    }


def preview(pngs: dict[str, bytes], side: int = 160) -> dg.MetadataValue:
    return dg.MetadataValue.md(thumbnail_markdown(pngs, side=side))


def preview_of(thumbnails: Iterable[str]) -> dg.MetadataValue:
    """A preview from thumbnails made already (`imaging.png.thumbnail`): a step that makes its
    images side by side makes each one's thumbnail in the same thread, so the step does not end
    with a row of PNG decodes after its last image."""
    return dg.MetadataValue.md(" ".join(thumbnails))
