"""What a scenario's Dagster run and step records say: runs per job, where the last variant
run's time went, and the costs on a campaign's critical path that no schedule model contains.

A campaign is three kinds of run because one run cannot mix partitions definitions (the text
assets are partitioned by job, the variant assets by job × variant, the roll-up by job again):
launching the variant runs after the text run, the variant run's steps after `image_chains`, and
the roll-up run are on every campaign's critical path whatever the latencies and however the
images are scheduled. `fixed_costs` reads them off the records, so the benchmark can say what
the best structure (per-image chains, `model.pipeline_schedule(barriers=False)`) would take
with them: a floor for this design, not for any pipeline.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any


def runs_summary(result: dict[str, Any]) -> str:
    by_job: dict[str, list[float]] = {}
    for r in result["runs"]:
        if r["start"] and r["end"]:
            by_job.setdefault(r["job"], []).append(r["end"] - r["start"])
    return ", ".join(f"{job} ×{len(d)} max {max(d):.1f}s" for job, d in by_job.items())


def _last_variant(result: dict[str, Any]) -> tuple[dict | None, dict | None, dict | None, list[dict]]:
    """The text run, the variant run that ended last, the roll-up run and that variant run's
    timed steps in order (None / [] where the records lack them)."""
    runs = [r for r in result["runs"] if r["start"] and r["end"]]
    text = next((r for r in runs if r["job"] == "campaign_text"), None)
    variants = [r for r in runs if r["job"] == "campaign_variant" and r["steps"]]
    rollup = next((r for r in runs if r["job"] == "campaign_rollup"), None)
    if not variants:
        return text, None, rollup, []
    last = max(variants, key=lambda r: r["end"])
    steps = sorted((s for s in last["steps"] if s["start"] and s["end"]), key=lambda s: s["start"])
    return text, last, rollup, steps


def last_chain(result: dict[str, Any]) -> str:
    """Where the campaign's wall time went along the variant run that ended last: the text run,
    the gap to that run's first step, its steps (and the gaps between them), the roll-up."""
    text, last, rollup, steps = _last_variant(result)
    if text is None or last is None or not steps:
        return "(no text run or variant run on record)"
    t0 = result["started"]
    parts = [
        f"text run {text['end'] - t0:.1f} s",
        f"to {last['partition']}'s first step +{steps[0]['start'] - text['end']:.1f}",
    ]
    parts += [f"{s['step']} {s['end'] - s['start']:.1f}" for s in steps]
    gaps = sum(b["start"] - a["end"] for a, b in itertools.pairwise(steps))
    parts.append(f"between steps {gaps:.1f}")
    if rollup is not None:
        parts.append(
            f"roll-up +{rollup['start'] - steps[-1]['end']:.1f} then {rollup['end'] - rollup['start']:.1f}"
        )
    return " · ".join(parts)


def fixed_costs(result: dict[str, Any], last_modelled_step: str = "image_chains") -> dict[str, float]:
    """Seconds on the critical path that the schedule models leave out, from the records:
    `launch` from the text run's end to the last variant run's first step; `gates` from the
    campaign's last image edit returning (the simulator's request log: its clock starts when the
    scenario's does) to the end of that run's `last_modelled_step`, where the models end;
    `reports` from there to the run's last step's end (the gate reports); `roll_up` from there
    to the roll-up run's end. Empty when the records lack a run or step; no `gates` without
    the request log."""
    text, _, rollup, steps = _last_variant(result)
    modelled = [s for s in steps if s["step"] == last_modelled_step]
    if text is None or rollup is None or not steps or not modelled:
        return {}
    costs = {"launch": steps[0]["start"] - text["end"]}
    edits = [
        r["ended_s"]
        for r in result.get("requests", [])
        if r.get("endpoint") == "openai.images_edits" and r.get("status") == 200
    ]
    if edits:
        costs["gates"] = max(0.0, modelled[-1]["end"] - (result["started"] + max(edits)))
    costs["reports"] = steps[-1]["end"] - modelled[-1]["end"]
    costs["roll_up"] = rollup["end"] - steps[-1]["end"]
    return costs


def cpu_floor_s(cpu_s: float, cores: int) -> float:
    """The shortest wall time in which `cpu_s` of work can be done on `cores` cores: every core
    busy from start to end."""
    return cpu_s / max(1, cores)


def phase_spans(rows: Iterable[Any], run_id: str) -> dict[str, tuple[float, float]]:
    """Per ledger phase of one run, (first call's start, last call's end) in epoch seconds, in
    order of start: where the image chains' step (defs/chains.py) spent its time, phase by phase,
    which its one step record cannot say."""
    spans: dict[str, tuple[float, float]] = {}
    for r in rows:
        if r.run_id != run_id or r.phase is None:
            continue
        start, end = r.at.timestamp(), r.at.timestamp() + r.duration_s
        lo, hi = spans.get(r.phase, (start, end))
        spans[r.phase] = (min(lo, start), max(hi, end))
    return dict(sorted(spans.items(), key=lambda kv: kv[1][0]))


def chain_phases(run: dict[str, Any], step: str = "image_chains") -> str:
    """The run's phases inside its `step`, as seconds from the step's start (overlapping spans
    are the chains at work), or '' without ledger spans or the step."""
    chain = next((s for s in run.get("steps", []) if s["step"] == step and s["start"]), None)
    phases = run.get("phases") or {}
    if chain is None or not phases:
        return ""
    t0 = chain["start"]
    return ", ".join(f"{p} {a - t0:.1f}–{b - t0:.1f}" for p, (a, b) in phases.items() if p != "image_prompts")
