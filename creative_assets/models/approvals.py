"""A person's decision on a final creative: approved or rejected for publication, or sent back
with a request for changes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from creative_assets.models.base import Model

Decision = Literal["approved", "rejected"]
Review = Literal["approved", "rejected", "pending"]
DECISIONS: tuple[Decision, ...] = ("approved", "rejected")
# A request for changes is history, not a verdict: it makes the creative pending until a person
# decides on its next image (the manifest's `review` stays approved / rejected / pending).
CHANGES_REQUESTED = "changes_requested"
Action = Literal["approved", "rejected", "changes_requested"]
# What a request for changes asks the pipeline for: another edit of the copy onto the same
# picture, or a new picture (a new seed) and everything after it.
ChangeMode = Literal["new_attempt", "new_picture"]


class Approval(Model):
    """Recorded as an observation on the creative's `final_creatives` partition; these fields are
    its metadata, so the UI shows them on the partition's events. The optional fields are written
    only when they say something (an override, a request's mode and run)."""

    creative_id: str = Field(description="<job>-<variant>-<image_type>")
    decision: Action
    by: str = Field(min_length=1, description="who decided")
    at: datetime = Field(description="when, UTC")
    note: str = ""
    sha256: str = Field(description="the PNG that was reviewed; a regenerated creative is pending again")
    override: bool = Field(
        default=False, description="approved although the creative failed its gates, on purpose"
    )
    mode: ChangeMode | None = Field(default=None, description="for a request: what it asked to be made")
    run_id: str | None = Field(default=None, description="for a request: the Dagster run it launched")
