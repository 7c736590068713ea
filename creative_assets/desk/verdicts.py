"""The desk's words. A creative that passed the quality gates has *passed* (it is ready for
review); only a person *approves*. The pipeline's records still call a gate pass "approved"
(`Creative.status`); `gate_outcome` is the one place that translates them."""

from __future__ import annotations

from typing import Literal

from creative_assets.models import Creative, GateResult, Rendition

GateOutcome = Literal["passed", "passed_with_warnings", "failed"]
ReviewState = Literal["needs_review", "approved", "rejected", "changes_requested"]

GATE_OUTCOME_OF_STATUS: dict[str, GateOutcome] = {
    # today's record statuses (models/creatives.py) ...
    "approved": "passed",
    "approved_with_warnings": "passed_with_warnings",
    "failed": "failed",
    # ... and the words they are being renamed to, so the desk reads records of either age
    "passed": "passed",
    "passed_with_warnings": "passed_with_warnings",
}
GATE_OUTCOME_LABEL: dict[GateOutcome, str] = {
    "passed": "Passed",
    "passed_with_warnings": "Passed with warnings",
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
    """passed / passed_with_warnings / failed for a creative's or rendition's gate status."""
    try:
        return GATE_OUTCOME_OF_STATUS[status]
    except KeyError:
        raise ValueError(f"[unknown_status] {status!r} is not a gate status the desk knows") from None


def final_gates(rendition: Rendition) -> list[GateResult]:
    """The gates of the attempt that was kept (the last one)."""
    return rendition.attempts[-1].gates


def reasons(rendition: Rendition) -> list[GateResult]:
    """What a person should read first: the failed gates, then the warnings; empty when every
    gate passed cleanly."""
    gates = final_gates(rendition)
    return [g for g in gates if g.status == "FAIL"] + [g for g in gates if g.status == "WARN"]


def made_by_fallback(creative: Creative) -> str | None:
    """Why the creative counts as made by a fallback, or None. A record that carries a `fallback`
    flag says so itself; otherwise the kept attempt of a rendition tells: a provider call that
    failed over to the fallback provider (`outcome == "fallback"`), or copy the retry policy
    typeset locally because the image editor kept failing."""
    flag = getattr(creative, "fallback", None)
    if isinstance(flag, bool):
        return "the record marks it as made by a fallback" if flag else None
    for rendition in creative.renditions:
        kept = rendition.attempts[-1]
        failed_over = [c for c in kept.calls if c.outcome == "fallback"]
        if failed_over:
            return (
                f"{failed_over[0].provider} failed; {kept.overlay_provider or 'a fallback'} made it instead"
            )
        if kept.trigger == "typeset_locally":
            return f"the image editor kept failing; the copy was typeset locally ({rendition.format})"
    return None
