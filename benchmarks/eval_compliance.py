"""Score the compliance gate on labelled phrases and print precision and recall per language and
per category.

    .venv/bin/python benchmarks/eval_compliance.py [--misses] [--blind-misses] [--no-model]

Three sets, reported separately:
- `tuning` and `blind` (`creative_assets_tests/gates/compliance_eval/`): phrases from independent
  sources (the Antidiskriminierungsstelle, the EHRC, court and tribunal cases, public ads), each
  with its source. Rules may be tuned against `tuning`; `blind` was committed before any rule
  changed and only its totals are printed unless `--blind-misses` asks for its phrases.
- `holdout`: 40 more phrases written after the rules were frozen and committed before scoring
  (the blind set's author also wrote the rules, afterwards; this set guards against that).
- `pinned` (`creative_assets_tests/gates/compliance_phrases.json`): the regression set written
  together with the rules; the test pins each phrase.

Each set is scored for the rules alone and for rules + model: the model is the OpenAI reviewer
pointed at the loopback simulator, whose answers quote phrases from a short list of its own. Its
figures show the plumbing (the review's findings reach the verdict), not a model's quality.

"Positive" means a reviewer would flag the phrase. A flag counts as a true positive when one of
its categories is one the label accepts; a flag for another reason only is a miss and a false
alarm. Per-category rows group phrases by the kind they test (a legitimate look-alike sits with
the category it could be mistaken for). Asserts nothing: tests pin behaviour, this prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from creative_assets.gates.compliance import find_violations
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import CopyVariant
from creative_assets.providers.openai_compliance import OpenAIComplianceReviewer
from creative_assets_tests.provider_sim import fast_config, running_simulator

TESTS = Path(__file__).resolve().parents[1] / "creative_assets_tests" / "gates"
PHRASES = TESTS / "compliance_phrases.json"
EVAL_DIR = TESTS / "compliance_eval"
SETS = ("tuning", "blind", "holdout")
UNTUNED = ("blind", "holdout")  # scored, never tuned against: their phrases print only when asked
CATEGORIES = ("age", "gender", "origin", "religion", "disability")

Predict = Callable[[dict], set[str]]


def labelled_phrases() -> list[dict]:
    """The pinned regression set (written with the rules)."""
    return json.loads(PHRASES.read_text(encoding="utf-8"))["phrases"]


def eval_phrases(name: str) -> list[dict]:
    """`tuning`, `blind` or `holdout`: the independent set's phrases."""
    return json.loads((EVAL_DIR / f"{name}.json").read_text(encoding="utf-8"))["phrases"]


def eval_sources() -> dict[str, dict]:
    return json.loads((EVAL_DIR / "sources.json").read_text(encoding="utf-8"))["sources"]


def predicted(entry: dict) -> set[str]:
    """The categories the rules find in one labelled phrase."""
    findings = find_violations(
        entry["text"],
        entry["locale"],
        entry.get("prohibited", ()),
        church_employer=entry.get("church_employer", False),
        is_title=entry.get("field") == "title",
    )
    return {f.category for f in findings}


def with_model(reviewer: OpenAIComplianceReviewer) -> Predict:
    """The rules' categories plus the reviewer's for the phrase (set as a benefit, or as the
    title for title entries, beside neutral filler the reviewer is not scored on)."""
    is_title = {"title"}

    def predict(entry: dict) -> set[str]:
        title = entry["text"] if entry.get("field") == "title" else None
        filler = "Stellenanzeige" if entry["locale"].startswith("de") else "Job advert"
        variant = CopyVariant(
            variant="A",
            angle="evaluation",
            headline=filler,
            subline=filler,
            benefits=[entry["text"] if title is None else filler],
            cta="Apply now",
            emotional_anchors=["-"],
            style="-",
        )
        review = reviewer.review(
            [variant], entry["locale"], title=title, church_employer=entry.get("church_employer", False)
        )
        where = is_title if title is not None else {"benefits[0]"}
        found = {f.category for f in (review.findings if review else []) if f.field in where}
        return predicted(entry) | found

    return predict


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class Outcome:
    entry: dict
    got: frozenset[str]

    @property
    def expected(self) -> set[str]:
        return set(self.entry["expected"])

    @property
    def hit(self) -> bool:
        return bool(self.expected & self.got)

    @property
    def wrong(self) -> bool:
        return bool(self.expected) != self.hit or (not self.expected and bool(self.got))


def score(outcomes: Iterable[Outcome], key: Callable[[dict], Iterable[str]]) -> dict[str, Count]:
    counts: dict[str, Count] = defaultdict(Count)
    for o in outcomes:
        for k in key(o.entry):
            c = counts[k]
            if o.expected:
                c.tp += o.hit
                c.fn += not o.hit
                c.fp += bool(o.got) and not o.hit  # flagged, but for another reason
            else:
                c.fp += bool(o.got)
                c.tn += not o.got
    return counts


def language(entry: dict) -> str:
    return entry["locale"].split("-")[0]


def table(title: str, outcomes: list[Outcome], *, by_category: bool = True) -> str:
    def keys(entry: dict) -> tuple[str, ...]:
        lang = language(entry)
        return (lang, "all", *([f"{lang} · {entry['category']}"] if by_category else []))

    sizes: dict[str, int] = defaultdict(int)
    for o in outcomes:
        for k in keys(o.entry):
            sizes[k] += 1
    counts = score(outcomes, keys)
    lines = [
        f"**{title}**",
        "",
        "| language · category | phrases | to flag | TP | FP | FN | precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(counts, key=lambda k: (k == "all", k.split(" · ")[0], " · " in k, k)):
        c = counts[key]
        lines.append(
            f"| {key} | {sizes[key]} | {c.tp + c.fn} | {c.tp} | {c.fp} | {c.fn} "
            f"| {c.precision:.2f} | {c.recall:.2f} |"
        )
    return "\n".join(lines)


def run(entries: list[dict], predict: Predict) -> list[Outcome]:
    return [Outcome(e, frozenset(predict(e))) for e in entries]


def misses(outcomes: list[Outcome]) -> list[str]:
    return [
        f"  {o.entry.get('id', o.entry['locale'])} {o.entry['text']!r}: labelled "
        f"{sorted(o.expected) or 'ok'}, gate says {sorted(o.got) or 'ok'}"
        for o in outcomes
        if o.wrong
    ]


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the tuning and pinned sets' misses")
    parser.add_argument(
        "--blind-misses",
        action="store_true",
        help="also list the blind and holdout misses (final report only)",
    )
    parser.add_argument("--no-model", action="store_true", help="the rules alone, no simulated model")
    args = parser.parse_args()
    for name in SETS:
        outcomes = run(eval_phrases(name), predicted)
        print(table(f"{name} — rules alone", outcomes), end="\n\n")
        if (args.misses and name not in UNTUNED) or (args.blind_misses and name in UNTUNED):
            print("\n".join(misses(outcomes)), end="\n\n")
    pinned = run(labelled_phrases(), predicted)
    print(table("pinned (written with the rules) — rules alone", pinned, by_category=False), end="\n\n")
    if args.misses:
        print("\n".join(misses(pinned)), end="\n\n")
    if args.no_model:
        return
    with tempfile.TemporaryDirectory() as root, running_simulator(fast_config()) as sim:
        gateway = ProviderGateway(cache_url=f"{root}/cache", state_url=f"sqlite:///{root}/state.db")
        reviewer = OpenAIComplianceReviewer(
            api_key="sk-eval", base_url=sim.url_for("openai"), gateway=gateway
        )
        for name in SETS:
            entries = eval_phrases(name)
            started = time.monotonic()
            outcomes = run(entries, with_model(reviewer))
            elapsed = time.monotonic() - started
            print(
                table(f"{name} — rules + model (simulator: plumbing, not quality)", outcomes),
                f"\n{len(entries)} reviews in {elapsed:.1f} s (load average {load_average()})",
                end="\n\n",
            )
            if (args.misses and name not in UNTUNED) or (args.blind_misses and name in UNTUNED):
                print("\n".join(misses(outcomes)), end="\n\n")


if __name__ == "__main__":
    main()
