"""Metadata every materialization carries: cost and provider calls (read from the gateway's
ledger, the only record of them) and image previews."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg

from creative_assets.gateway.models import LedgerEntry
from creative_assets.imaging.png import thumbnail_markdown

CALLS_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("provider", "string"),
        dg.TableColumn("model", "string"),
        dg.TableColumn("operation", "string"),
        dg.TableColumn("units", "float"),
        dg.TableColumn("cost_usd", "float"),
        dg.TableColumn("cached", "bool"),
        dg.TableColumn("outcome", "string"),
    ]
)


def cost_usd(rows: Iterable[LedgerEntry]) -> float:
    return round(sum(r.cost_usd for r in rows), 6)


def calls_metadata(rows: Sequence[LedgerEntry]) -> dict[str, dg.RawMetadataValue]:
    """Cost, which providers and models did the work, and a table of every call."""
    columns = [c.name for c in CALLS_SCHEMA.columns]
    return {
        "cost_usd": cost_usd(rows),
        "provider_calls": len(rows),
        "providers": ", ".join(sorted({f"{r.provider}/{r.model}" for r in rows})),
        "calls": dg.MetadataValue.table(
            records=[dg.TableRecord(r.model_dump(include=set(columns))) for r in rows], schema=CALLS_SCHEMA
        ),
    }


def preview(pngs: dict[str, bytes], side: int = 160) -> dg.MetadataValue:
    return dg.MetadataValue.md(thumbnail_markdown(pngs, side=side))


def preview_of(thumbnails: Iterable[str]) -> dg.MetadataValue:
    """A preview from thumbnails made already (`imaging.png.thumbnail`): a step that makes its
    images side by side makes each one's thumbnail in the same thread, so the step does not end
    with a row of PNG decodes after its last image."""
    return dg.MetadataValue.md(" ".join(thumbnails))
