"""Metadata every materialization carries: cost and provider calls (read from the gateway's
ledger, the only record of them) and image previews."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dagster as dg

from creative_assets.gateway.models import LedgerEntry
from creative_assets.imaging.png import thumbnail_markdown

CALL_COLUMNS = ("provider", "model", "operation", "units", "cost_usd", "cached", "outcome")
_KINDS = {bool: "bool", int: "int", float: "float"}


def table_of(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = ()) -> dg.TableMetadataValue:
    """Rows of one shape as a table the UI sorts and filters (columns: the first row's, unless
    given). A column of numbers or booleans keeps its type, anything else is text; an empty
    cell stays empty."""
    names = list(columns or (rows[0] if rows else ()))

    def kind(name: str) -> str:
        found = {type(r[name]) for r in rows if r.get(name) is not None}
        return _KINDS.get(found.pop(), "string") if len(found) == 1 else "string"

    def cell(value: Any) -> Any:
        return value if value is None or type(value) in _KINDS or isinstance(value, str) else str(value)

    return dg.MetadataValue.table(
        records=[dg.TableRecord({n: cell(r.get(n)) for n in names}) for r in rows],
        schema=dg.TableSchema(columns=[dg.TableColumn(n, kind(n)) for n in names]),
    )


def cost_usd(rows: Iterable[LedgerEntry]) -> float:
    return round(sum(r.cost_usd for r in rows), 6)


def calls_metadata(rows: Sequence[LedgerEntry]) -> dict[str, dg.RawMetadataValue]:
    """Cost, which providers and models did the work, and a table of every call."""
    return {
        "cost_usd": cost_usd(rows),
        "provider_calls": len(rows),
        "providers": ", ".join(sorted({f"{r.provider}/{r.model}" for r in rows})),
        "calls": table_of([r.model_dump(include=set(CALL_COLUMNS)) for r in rows], CALL_COLUMNS),
    }


def preview(pngs: dict[str, bytes], side: int = 160) -> dg.MetadataValue:
    return dg.MetadataValue.md(thumbnail_markdown(pngs, side=side))


def preview_of(thumbnails: Iterable[str]) -> dg.MetadataValue:
    """A preview from thumbnails made already (`imaging.png.thumbnail`): a step that makes its
    images side by side makes each one's thumbnail in the same thread, so the step does not end
    with a row of PNG decodes after its last image."""
    return dg.MetadataValue.md(" ".join(thumbnails))
