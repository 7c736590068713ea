"""What every gate's result is built from: evidence as plain values, the copy's lines among
what OCR read, and the GateResult itself."""

from __future__ import annotations

from pydantic import JsonValue

from creative_assets.gates.text_match import centre_in
from creative_assets.models.base import Box
from creative_assets.models.gates import Action, GateId, GateResult, GateStatus
from creative_assets.models.images import OcrLine

ZONE_TOLERANCE = 0.02  # text may poke this far (image fraction) out of its own zone


def rounded(value: float) -> float:
    return round(float(value), 4)


def box_evidence(box: Box) -> dict[str, JsonValue]:
    return {k: rounded(v) for k, v in box.model_dump().items()}


def line_evidence(line: OcrLine) -> dict[str, JsonValue]:
    return {"text": line.text, "confidence": rounded(line.confidence), "box": box_evidence(line.box)}


def alnum_count(text: str) -> int:
    return sum(c.isalnum() for c in text)


def gate_result(
    gate: GateId,
    name: str,
    fail: bool,
    warn: bool,
    score: float,
    *,
    summary: str,
    evidence: dict[str, JsonValue],
    on_fail: Action = "regenerate_i2i",
) -> GateResult:
    status: GateStatus = "FAIL" if fail else "WARN" if warn else "PASS"
    return GateResult(
        gate=gate,
        name=name,
        status=status,
        score=rounded(max(0.0, min(1.0, score))),
        summary=summary,
        evidence=evidence,
        action=on_fail if fail else "none",
    )


def copy_lines(lines: list[OcrLine], logo_box: Box | None) -> list[OcrLine]:
    """Lines that are copy: not single-glyph noise, not lettering of the employer logo."""
    return [
        ln for ln in lines if alnum_count(ln.text) >= 2 and not (logo_box and centre_in(ln.box, logo_box))
    ]
