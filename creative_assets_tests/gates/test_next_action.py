"""Every branch of the retry policy: what a creative's gate results ask for next."""

from __future__ import annotations

import pytest

from creative_assets.gates.checks import decide_next_action
from creative_assets.models import GateResult


def result(gate: str, status: str = "FAIL", action: str = "regenerate_i2i") -> GateResult:
    return GateResult.model_validate(
        {
            "gate": gate,
            "name": gate,
            "status": status,
            "score": 0.0,
            "summary": "-",
            "action": action if status == "FAIL" else "none",
        }
    )


PASSING = [result("1b", "PASS"), result("2", "PASS"), result("3", "WARN"), result("4", "PASS")]
TEXT_ONLY = [result("1b", "PASS"), result("2"), result("3", "PASS"), result("4", "PASS")]
LAYOUT_FAIL = [result("1b"), result("2", "PASS"), result("3", "PASS"), result("4", "PASS")]
SUBJECT_COVERED = [result("1b", action="regenerate_bfl"), result("2", "PASS"), result("3", "PASS")]
READABILITY_FAIL = [result("1b", "PASS"), result("2", "PASS"), result("3", "PASS"), result("4")]
BFL_ASKED = [result("1a", action="regenerate_bfl"), result("2", "PASS")]


@pytest.mark.parametrize(
    ("results", "attempt", "i2i_failures", "expected"),
    [
        (PASSING, 1, 0, "none"),  # passes (warnings included): done
        (LAYOUT_FAIL, 3, 3, "none"),  # budget spent
        (TEXT_ONLY, 1, 1, "regenerate_i2i"),  # first failure: retry the edit
        (LAYOUT_FAIL, 1, 1, "regenerate_i2i"),
        (BFL_ASKED, 1, 1, "regenerate_i2i"),  # base blamed, but the cheaper edit is tried first
        (BFL_ASKED, 2, 2, "regenerate_bfl"),  # base blamed and failed again
        (READABILITY_FAIL, 2, 2, "regenerate_bfl"),  # repeated failure not about the text itself
        ([*TEXT_ONLY[:1], result("2"), result("4")], 2, 2, "regenerate_bfl"),  # not text alone
        (TEXT_ONLY, 2, 2, "typeset_locally"),  # the editor keeps mangling the copy
        (LAYOUT_FAIL, 2, 2, "typeset_locally"),  # the editor keeps misplacing the copy
        (SUBJECT_COVERED, 1, 1, "regenerate_i2i"),  # the picture is blamed, the cheap edit goes first
        (SUBJECT_COVERED, 2, 2, "regenerate_bfl"),  # a new picture brings a new layout
    ],
)
def test_decide_next_action(
    results: list[GateResult], attempt: int, i2i_failures: int, expected: str
) -> None:
    assert decide_next_action(results, attempt, max_attempts=3, i2i_failures=i2i_failures) == expected


def test_decide_next_action_respects_a_larger_budget() -> None:
    assert decide_next_action(LAYOUT_FAIL, 3, max_attempts=5, i2i_failures=1) == "regenerate_i2i"
