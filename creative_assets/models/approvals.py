"""A person's decision on a final creative: approved or rejected for publication."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from creative_assets.models.base import Model

Decision = Literal["approved", "rejected"]
Review = Literal["approved", "rejected", "pending"]
DECISIONS: tuple[Decision, ...] = ("approved", "rejected")


class Approval(Model):
    """Recorded as an observation on the creative's `final_creatives` partition; these fields are
    its metadata, so the UI shows them on the partition's events."""

    creative_id: str = Field(description="<job>-<variant>-<image_type>")
    decision: Decision
    by: str = Field(min_length=1, description="who decided")
    at: datetime = Field(description="when, UTC")
    note: str = ""
    sha256: str = Field(description="the PNG that was reviewed; a regenerated creative is pending again")
