"""The simulator's answer to the compliance-review schema (`providers/openai_compliance.py`).

Generated JSON would quote words the copy does not contain, so this answers like a reviewer in
form: it reads the copy from the request and quotes, exactly, the phrases of a short list of its
own that occur in it. The list is not the gate's rules: it holds wordings the rules leave to a
model because only the job's context makes them discriminating ("perfekte Deutschkenntnisse"
for a warehouse job, "energetic" for a desk job), so offline tests can show a model-only finding
driving a rewrite. Its answers are plumbing for the tests, not a reviewer's judgement.
"""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA_NAME = "compliance_review"
# (pattern, category, why, alternative) per language.
LEXICON: dict[str, list[tuple[str, str, str, str]]] = {
    "de": [
        (
            r"perfekte[nm]?\s+Deutschkenntniss\w*|perfektes\s+Deutsch",
            "origin",
            "Perfektes Deutsch ist für diese Tätigkeit nicht nötig und benachteiligt mittelbar "
            "wegen der Herkunft (AGG §3 Abs. 2).",
            "gute Deutschkenntnisse (B2)",
        ),
    ],
    "en": [
        (
            r"energetic\s+person",
            "disability",
            "Asking for energy in a largely seated job can exclude some disabled people (Equality Act 2010).",
            "someone who enjoys a busy day",
        ),
        (
            r"perfect\s+English",
            "origin",
            "Perfect English is more than the job needs and disadvantages people by national origin.",
            "fluent English (C1)",
        ),
    ],
}


def answer(messages: Any) -> dict[str, Any] | None:
    """The findings for the copy in the last user message, or None when the request is not a
    compliance review the simulator can read (it then answers from the schema alone)."""
    try:
        request = json.loads(messages[-1]["content"])
        fields = [(str(c["variant"]), str(c["field"]), str(c["text"])) for c in request["copy"]]
        language = str(request["locale"]).split("-")[0]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    findings = []
    for variant, field, text in fields:
        for pattern, category, why, alternative in LEXICON.get(language, []):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                findings.append(
                    {
                        "variant": variant,
                        "field": field,
                        "category": category,
                        "phrase": match.group(0),
                        "why": why,
                        "alternative": alternative,
                    }
                )
    return {"findings": findings}


STRUCTURED_ANSWERS = {SCHEMA_NAME: answer}
