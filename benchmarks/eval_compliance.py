"""Score the compliance gate on the labelled phrases in
`creative_assets_tests/gates/compliance_phrases.json` and print precision and recall per language
and overall.

    .venv/bin/python benchmarks/eval_compliance.py [--misses]

"Positive" means a reviewer would flag the phrase. A flag counts as a true positive only when
one of its categories is the labelled one (calling "junges Team" a gender issue is a miss and a
false alarm). Deliberately unresolved entries (`gate_says`) are scored against their label, so
the known gaps lower the numbers. Asserts nothing: the test pins each phrase, this prints.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from creative_assets.gates.compliance import find_violations

PHRASES = Path(__file__).resolve().parents[1] / "creative_assets_tests" / "gates" / "compliance_phrases.json"


def labelled_phrases() -> list[dict]:
    return json.loads(PHRASES.read_text(encoding="utf-8"))["phrases"]


def predicted(entry: dict) -> set[str]:
    """The categories the gate finds in one labelled phrase (the test pins these per phrase)."""
    findings = find_violations(
        entry["text"],
        entry["locale"],
        entry.get("prohibited", ()),
        church_employer=entry.get("church_employer", False),
        is_title=entry.get("field") == "title",
    )
    return {f.category for f in findings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    entries = labelled_phrases()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    wrong = []
    for entry in entries:
        expected, got = set(entry["expected"]), predicted(entry)
        hit = bool(expected & got)
        outcome = "tp" if hit else "fn" if expected else "fp" if got else "tn"
        for key in (entry["locale"].split("-")[0], "all"):
            counts[key][outcome] += 1
            if expected and got and not hit:  # flagged, but for the wrong reason
                counts[key]["fp"] += 1
        if outcome in ("fn", "fp") or (expected and got and not hit):
            wrong.append((entry["locale"], entry["text"], sorted(expected), sorted(got)))
    print(
        f"{'language':<9}{'phrases':>8}{'positive':>9}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"
    )
    for key in sorted(counts, key=lambda k: (k == "all", k)):
        c = counts[key]
        phrases, positives = c["tp"] + c["fn"] + c["tn"] + c["fp"], c["tp"] + c["fn"]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / positives if positives else 1.0
        print(
            f"{key:<9}{phrases:>8}{positives:>9}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}"
            f"{precision:>11.3f}{recall:>8.3f}"
        )
    if args.misses:
        for locale, text, expected, got in wrong:
            print(f"  {locale} {text!r}: labelled {expected or 'ok'}, gate says {got or 'ok'}")


if __name__ == "__main__":
    main()
