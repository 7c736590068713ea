"""Quality-gate verdicts (Gate 1a–4) and the action the retry policy takes on failure."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from creative_assets.models.base import Model

GateId = Literal["1a", "1b", "2", "3", "4"]
GateStatus = Literal["PASS", "WARN", "FAIL"]
Verdict = Literal["PASS", "PASS_WITH_WARNINGS", "FAIL"]
Action = Literal["none", "regenerate_i2i", "regenerate_bfl", "typeset_locally"]


class GateResult(Model):
    gate: GateId
    name: str
    status: GateStatus
    score: float = Field(description="gate-specific; 1.0 is best")
    summary: str = Field(description="one sentence a recruiter can act on")
    evidence: dict[str, JsonValue] = Field(default_factory=dict)
    action: Action = "none"


def verdict_of(results: list[GateResult]) -> Verdict:
    if any(r.status == "FAIL" for r in results):
        return "FAIL"
    if any(r.status == "WARN" for r in results):
        return "PASS_WITH_WARNINGS"
    return "PASS"


class VisionReview(Model):
    """A vision model's look at a finished creative, for the semantic Gate 1b."""

    text_outside_zones: bool = Field(description="text appears where the layout planned none")
    text_covers_subject: bool = Field(description="text lies over the picture's main subject")
    garbled_text: bool = Field(description="letters are malformed, doubled or nonsensical")
    issues: list[str] = Field(description="short notes a designer can act on")
