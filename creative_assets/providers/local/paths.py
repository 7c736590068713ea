"""Where the shipped sample data lives."""

from __future__ import annotations

import re
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_jobs"
SAMPLE_JOBS_DIR = SAMPLE_DIR / "jobs"
SAMPLE_BRANDS_DIR = SAMPLE_DIR / "brands"


def slugify(name: str) -> str:
    """'Klinikum am See' -> 'klinikum-am-see' (brand kits are keyed by company)."""
    folded = name.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
