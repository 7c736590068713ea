"""The slot pool that matches the gateway's state database (see `slot_pool.py` for what a slot is)."""

from __future__ import annotations

from pathlib import Path

from creative_assets.gateway.advisory_slots import AdvisorySlots
from creative_assets.gateway.database import database_url
from creative_assets.gateway.file_slots import FileSlots
from creative_assets.gateway.slot_pool import SlotPool, SlotTimeout

__all__ = ["AdvisorySlots", "FileSlots", "SlotPool", "SlotTimeout", "slots_for"]


def slots_for(state_url: str, slots_dir: str | None = None) -> SlotPool:
    """The slot pool that matches the gateway's state database: advisory locks beside a Postgres
    state, lock files beside a SQLite one (in `<dir of the sqlite file>/slots` by default)."""
    parsed = database_url(state_url)
    if parsed.get_backend_name() == "postgresql":
        return AdvisorySlots(state_url)
    if slots_dir is not None:
        return FileSlots(slots_dir)
    if not parsed.database or parsed.database == ":memory:":
        raise ValueError("an in-memory SQLite state has no folder for slot files; pass slots_dir")
    return FileSlots(Path(parsed.database).resolve().parent / "slots")
