"""What `benchmarks/deployed.py` prints: the figures of one measured scenario, from Dagster's run
and step records and the simulator's stats, each beside the load average."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from statistics import fmean
from typing import Any

from benchmarks.campaign import bfl_images, bfl_occupancy, check_limits
from benchmarks.model import Profile, critical_path_bound, throughput_bound_per_min
from benchmarks.records import chain_phases


class Out:
    """print(), and keep the lines for the results file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)


def append(path: Path, label: str, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n## {label} ({stamp})\n\n```\n" + "\n".join(lines) + "\n```\n")


def _of(runs: list[dict[str, Any]], job: str) -> list[dict[str, Any]]:
    return sorted((r for r in runs if r["job"] == job), key=lambda r: r["created"])


def _span(values: list[float]) -> str:
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return f"{lo:.1f}" if abs(hi - lo) < 0.05 else f"{lo:.1f}–{hi:.1f}"


def _phases(run: dict[str, Any]) -> tuple[float, float, float]:
    """(queue, worker start, run) seconds: created → launched by the queue → started → ended."""
    launched = run["launched"] or run["start"] or run["created"]
    start, end = run["start"] or launched, run["end"] or run["start"] or launched
    return launched - run["created"], start - launched, end - start


def _steps(runs: list[dict[str, Any]]) -> str:
    durations: dict[str, list[float]] = {}
    for run in runs:
        for s in run["steps"]:
            if s["start"] and s["end"]:
                durations.setdefault(s["step"], []).append(s["end"] - s["start"])
    return ", ".join(f"{k} {_span(v)}" for k, v in durations.items())


def _cpu_lines(out: Out, r: dict[str, Any], campaigns: int) -> None:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["cpu_by_process"].items(), key=lambda kv: -kv[1]))
    out(
        f"   CPU, every stack process   {r['cpu_s']:8.1f} s   ({r['cpu_s'] / campaigns:.1f} s per campaign; "
        f"{parts}; simulator apart {r['sim_cpu_s']:.1f} s)"
    )
    out(
        f"   peak memory                {r['peak_total_mib']:8.0f} MiB (all stack processes at once; "
        f"largest one {r['peak_one_mib']:.0f} MiB)"
    )


def single(out: Out, profile: Profile, r: dict[str, Any]) -> dict[str, float]:
    ts, runs = profile.time_scale, r["runs"]
    job_id = r["job_ids"][0]
    t0 = r["launched"][job_id]
    images = bfl_images(r["sim"])
    bound = critical_path_bound(profile, images)
    bound_s = bound.total_s * ts
    text, variants, rollups = (
        _of(runs, "campaign_text"),
        _of(runs, "campaign_variant"),
        _of(runs, "campaign_rollup"),
    )
    out(
        f"1. One campaign ({'ok' if r['success'][job_id] else 'FAILED'}; "
        f"load {r['load_before']} → {r['load_after']})"
    )
    if not (text and variants and rollups):
        out(f"   incomplete: {len(text)} text, {len(variants)} variant, {len(rollups)} roll-up runs")
        _cpu_lines(out, r, 1)
        return {}
    end = rollups[-1]["end"] or rollups[-1]["created"]
    wall = end - t0
    out(f"   wall, launch → contact sheet {wall:6.1f} s")
    out(
        f"   critical-path bound        {bound_s:8.1f} s   = ({bound.text_chain_s:.2f} text + "
        f"⌈{images}/{profile.bfl_slots}⌉={bound.bfl_rounds} × {bound.bfl_latency_s:.2f} BFL + "
        f"{bound.downstream_s:.2f} downstream) × {ts:g}"
    )
    out(f"   wall / bound               {wall / bound_s:8.2f}     (target ≤ 1.25)")
    out("   where the time went (queue: created → launched by the queue; start: launched → worker running):")
    t = text[0]
    q, s, d = _phases(t)
    out(f"     launch (GraphQL)         {t['created'] - t0:6.1f} s")
    out(f"     text run                 queue {q:.1f} + start {s:.1f} + run {d:.1f} s  [{_steps(text)}]")
    last = max(variants, key=lambda v: v["end"] or 0)
    out(f"     sensor → variant runs    {min(v['created'] for v in variants) - (t['end'] or 0):6.1f} s")
    phases = [_phases(v) for v in variants]
    out(
        f"     {len(variants)} variant runs           queue {_span([p[0] for p in phases])} + start "
        f"{_span([p[1] for p in phases])} + run {_span([p[2] for p in phases])} s"
    )
    out(f"       steps                  {_steps(variants)}")
    lq, ls, ld = _phases(last)
    if phases_in_chain := chain_phases(last):
        out(f"       its chain's phases     {phases_in_chain} s (from the step's start; ledger)")
    out(
        f"       the last to finish     {last['partition']}: queue {lq:.1f} + start {ls:.1f} + run {ld:.1f} s"
    )
    out(f"     sensor → roll-up         {rollups[0]['created'] - (last['end'] or 0):6.1f} s")
    rq, rs, rd = _phases(rollups[-1])
    out(
        f"     roll-up run              queue {rq:.1f} + start {rs:.1f} + run {rd:.1f} s  [{_steps(rollups)}]"
    )
    out(f"   runs: {len(runs)} ({len(rollups)} roll-up{'s' if len(rollups) != 1 else ''})")
    _cpu_lines(out, r, 1)
    return {"wall_s": wall, "bound_s": bound_s, "ratio": wall / bound_s, "cpu_s": r["cpu_s"]}


def many(out: Out, profile: Profile, r: dict[str, Any]) -> dict[str, float]:
    stats, runs, n = r["sim"], r["runs"], len(r["job_ids"])
    images = bfl_images(stats)
    submit, delivery = stats["endpoints"]["bfl.submit"], stats["endpoints"]["bfl.delivery"]
    window = (delivery["last_released_s"] or 0) - (submit["first_admitted_s"] or 0)
    rate = images / window * 60 if window > 0 else 0.0
    rollups = _of(runs, "campaign_rollup")
    ends = [x["end"] for x in rollups if x["end"]]
    wall = (max(ends) if ends else r["started"]) - r["started"]
    bound = throughput_bound_per_min(profile)
    ok = sum(r["success"].values())
    out(f"2. {n} campaigns launched at once ({ok} ok; load {r['load_before']} → {r['load_after']})")
    out(f"   wall, launch → last contact sheet {wall:.1f} s")
    out(
        f"   base images per minute     {rate:8.1f}     ({images} images while BFL was busy, {window:.1f} s; "
        f"over the whole wall {images / wall * 60 if wall else 0:.1f}/min)"
    )
    out(
        f"   bound (slots / latency)    {bound:8.1f}     "
        f"({profile.bfl_slots} / {profile.bfl_latency_s * profile.time_scale:.3f} s)"
    )
    out(f"   ratio                      {rate / bound:8.1%}     (target ≥ 90 %)")
    held, full = bfl_occupancy(r["requests"], profile.bfl_slots)
    out(
        f"   BFL slots held             {held:8.1%}     of slot time in that window; "
        f"all {profile.bfl_slots} held {full:.1%}"
    )
    out(f"   max in flight / limit      {', '.join(check_limits(stats, profile.limits))}  (asserted)")
    per = [
        x["end"] - r["launched"][x["campaign"]]
        for x in rollups
        if x["end"] and x["campaign"] in r["launched"]
    ]
    if per:
        out(f"   per campaign, launch → contact sheet: mean {fmean(per):.1f} s, max {max(per):.1f} s")
    variants = [x for x in runs if x["job"] in ("campaign_variant", "campaign_text")]
    waits, overtaken = [], 0
    for roll in rollups:
        launched = roll["launched"] or (time.time() if roll["status"] == "QUEUED" else roll["created"])
        waits.append(launched - roll["created"])
        overtaken += sum(
            1
            for v in variants
            if v["campaign"] != roll["campaign"]
            and v["launched"]
            and roll["created"] < v["launched"] < launched
        )
    out(
        f"   roll-ups: {len(rollups)} for {n} campaigns; queue wait {_span(waits)} s; runs of other "
        f"campaigns launched while a roll-up was queued: {overtaken} (target 0)"
    )
    out(f"   runs: {len(runs)}")
    _cpu_lines(out, r, n)
    return {"rate_per_min": rate, "ratio": rate / bound, "cpu_s": r["cpu_s"], "overtaken": overtaken}


def regeneration(out: Out, r: dict[str, Any]) -> int:
    runs = r["runs"]
    regen = [x for x in runs if x["job"] == "regenerate_creatives"]
    rollups = _of(runs, "campaign_rollup")
    ends = [x["end"] for x in runs if x["end"]]
    span = (max(ends) - r["since"]) if ends else 0.0
    out(f"3. One regeneration round (regenerate_creatives backfill over 5 variants; load {load_now()})")
    out(
        f"   {len(regen)} regeneration runs ({sum(x['status'] == 'SUCCESS' for x in regen)} ok) → "
        f"{len(rollups)} roll-up{'s' if len(rollups) != 1 else ''} (target 1), {span:.1f} s to the last"
    )
    return len(rollups)


def load_now() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())
