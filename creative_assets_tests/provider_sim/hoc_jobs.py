"""The HOC job postings the simulator serves: the shipped samples plus any the config or
/_sim/jobs adds, listed in the order the real API pages them."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import creative_assets
from creative_assets_tests.provider_sim.config import HocConfig

SAMPLE_JOBS = Path(creative_assets.__file__).resolve().parent / "sample_jobs" / "jobs"


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO-8601 timestamp with an offset; naive or malformed values are None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class JobStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Any]] = {}

    def load(self, config: HocConfig) -> None:
        jobs: dict[str, dict[str, Any]] = {}
        if config.include_samples:
            for path in sorted(SAMPLE_JOBS.glob("*.json")):
                raw = json.loads(path.read_text(encoding="utf-8"))
                jobs[str(raw.get("job_id") or path.stem)] = raw
        for raw in config.jobs:
            jobs[self._id_of(raw)] = raw
        with self._lock:
            self._jobs = jobs

    @staticmethod
    def _id_of(raw: Any) -> str:
        if not isinstance(raw, dict) or not isinstance(raw.get("job_id"), str) or not raw["job_id"]:
            raise ValueError("every job needs a non-empty string job_id")
        return raw["job_id"]

    def put(self, raw: dict[str, Any]) -> str:
        job_id = self._id_of(raw)
        with self._lock:
            self._jobs[job_id] = raw
        return job_id

    def delete(self, job_id: str) -> bool:
        with self._lock:
            return self._jobs.pop(job_id, None) is not None

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._jobs.get(job_id)

    def index(self) -> list[tuple[datetime, str, Any]]:
        """(sort time, job_id, updated_at as stored), in listing order."""
        floor = datetime.min.replace(tzinfo=UTC)
        with self._lock:
            items = [
                (parse_timestamp(j.get("updated_at")) or floor, i, j.get("updated_at"))
                for i, j in self._jobs.items()
            ]
        return sorted(items, key=lambda item: (item[0], item[1]))
