"""The desk's words. A creative that passed the quality gates has *passed* (it is ready for
review); only a person *approves*. The records say the same (`models.creatives.Status`): the
gates' outcome is the record's status, and a person's decision is the review state."""

from __future__ import annotations

from typing import Literal

from creative_assets.models import Creative, GateResult, Rendition
from creative_assets.models.creatives import PASSING, Status, renamed_status

GateOutcome = Status
ReviewState = Literal["needs_review", "approved", "rejected", "changes_requested"]

GATE_OUTCOME_LABEL: dict[GateOutcome, str] = {
    "passed": "Passed",
    "passed_with_warnings": "Passed with warnings",
    "needs_review": "Made by a stand-in",  # passed nothing yet: a person decides
    "failed": "Failed",
}
REVIEW_LABEL: dict[ReviewState, str] = {
    "needs_review": "Needs review",
    "approved": "Approved by reviewer",
    "rejected": "Rejected by reviewer",
    "changes_requested": "Changes requested",
}
GATE_NAMES = {
    "1a": "No text in the picture",
    "1b": "Text placement",
    "2": "Text correctness",
    "3": "Layout and brand",
    "4": "Readability",
}


def gate_outcome(status: str) -> GateOutcome:
    """A creative's or rendition's gate status (a record stored before the rename says
    `approved` for `passed`)."""
    status = str(renamed_status(status))
    if status not in GATE_OUTCOME_LABEL:
        raise ValueError(f"[unknown_status] {status!r} is not a gate status the desk knows")
    return status  # type: ignore[return-value]


def passed(outcome: GateOutcome) -> bool:
    """Passed its gates (with or without warnings): ready for review."""
    return outcome in PASSING


def final_gates(rendition: Rendition) -> list[GateResult]:
    """The gates of the attempt that was kept (the last one)."""
    return rendition.attempts[-1].gates


def reasons(rendition: Rendition) -> list[GateResult]:
    """What a person should read first: the failed gates, then the warnings; empty when every
    gate passed cleanly."""
    gates = final_gates(rendition)
    return [g for g in gates if g.status == "FAIL"] + [g for g in gates if g.status == "WARN"]


def made_by_fallback(creative: Creative) -> str | None:
    """Why the creative counts as made by a fallback, or None: what a stand-in made (the record's
    `fallback`, which makes a creative that passed its gates `needs_review`; a kept attempt whose
    editor failed over says so there), or copy typeset locally because the image editor kept
    failing."""
    if creative.fallback:
        return creative.fallback
    for rendition in creative.renditions:
        kept = rendition.attempts[-1]
        if kept.trigger == "typeset_locally":
            return f"the image editor kept failing; the copy was typeset locally ({rendition.format})"
    return None
