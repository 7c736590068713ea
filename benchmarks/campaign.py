"""Campaign benchmark (issue #7): the real pipeline against the provider simulator.

    python -m benchmarks.campaign [--profile benchmarks/profile.json] [--time-scale S]
                                  [--campaigns 10] [--only single,throughput,overhead]

Starts the simulator as a subprocess on loopback with the latency profile, then runs three
scenarios, each in a fresh process on a fresh Dagster instance (`benchmarks/scenario.py`):
  1. single:     one campaign; wall time against its critical-path bound and against the seed
                 design's schedule simulated on the same numbers (`benchmarks/model.py`);
  2. throughput: N campaigns queued at once; base images per minute against BFL slots / BFL
                 latency; the peak in flight per provider from the simulator (asserted ≤ limit);
  3. overhead:   one campaign with zero provider latency: wall, CPU (incl. children), peak RSS.
Every figure is printed with the load average, because the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.model import (
    PROFILE_PATH,
    Profile,
    critical_path_bound,
    pipeline_schedule,
    seed_schedule,
    throughput_bound_per_min,
)
from benchmarks.records import cpu_floor_s, fixed_costs, last_chain, runs_summary
from benchmarks.scenario import provider_env
from benchmarks.simulator import SimProcess, bench_jobs, load, sim_config

REPO = Path(__file__).resolve().parent.parent


def run_scenario(
    sim: SimProcess, job_ids: list[str], runs: int, env: dict[str, str], workdir: Path, *, keep: bool
) -> dict:
    """One scenario in its own process and Dagster home (`workdir/home-JOB`), removed afterwards
    unless `keep`: ten campaigns leave ~0.5 GB of instance and creatives behind."""
    out, home = workdir / f"result-{job_ids[0]}.json", workdir / f"home-{job_ids[0]}"
    load_before, sim_cpu = load(), sim.cpu_s()
    cmd = [sys.executable, "-m", "benchmarks.scenario", "--sim", sim.url, "--jobs", ",".join(job_ids)]
    cmd += ["--runs", str(runs), "--env", json.dumps(env), "--out", str(out), "--home", str(home)]
    try:
        with (workdir / f"scenario-{job_ids[0]}.log").open("w") as log:
            subprocess.run(cmd, cwd=REPO, stdout=log, stderr=log, check=False)
    finally:
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
    if not out.exists():
        raise RuntimeError(f"scenario {job_ids[0]} produced no result; see {log.name} in {workdir}")
    result = json.loads(out.read_text(encoding="utf-8"))
    result |= {"load_before": load_before, "load_after": load(), "sim_cpu_s": sim.cpu_s() - sim_cpu}
    if not result["success"]:
        print(f"  !! runs failed: {result['errors'][:3]}")
    return result


def bfl_images(stats: dict[str, Any]) -> int:
    """Base images the providers made: BFL submits that were accepted (each one a billed task)."""
    return int(stats["endpoints"]["bfl.submit"]["responses"].get("200", 0))


def check_limits(stats: dict[str, Any], limits: dict[str, int]) -> list[str]:
    """Peak in flight per provider from the simulator, against each limit; raises on a breach."""
    lines, breaches = [], []
    peaks = {p: stats["providers"][p]["max_in_flight"] for p in limits}
    peaks["bfl (active tasks)"] = stats["bfl"]["max_active_tasks"]
    for name, peak in peaks.items():
        limit = limits[name.split()[0]]
        lines.append(f"{name} {peak}/{limit}")
        if peak > limit:
            breaches.append(f"{name}: {peak} > {limit}")
    assert not breaches, f"provider limit exceeded: {breaches}"
    return lines


def report_single(profile: Profile, r: dict[str, Any], trials: int) -> dict[str, float | None]:
    ts, stats = profile.time_scale, r["sim"]
    images, creatives = bfl_images(stats), r["creatives"] or 20
    bound = critical_path_bound(profile, images)
    seed = seed_schedule(profile, base_images=images, creatives=creatives, trials=trials) * ts
    bound_s, wall = bound.total_s * ts, r["wall_s"]
    edits = stats["endpoints"]["openai.images_edits"]["responses"].get("200", 0)
    print("1. One campaign")
    print(f"   wall time                  {wall:8.1f} s   (load {r['load_before']} → {r['load_after']})")
    print(
        f"   critical-path bound        {bound_s:8.1f} s   = ({bound.text_chain_s:.2f} text + "
        f"⌈{images}/{profile.bfl_slots}⌉={bound.bfl_rounds} × {bound.bfl_latency_s:.2f} BFL + "
        f"{bound.downstream_s:.2f} downstream) × {ts:g}"
    )
    print(f"   wall / bound               {wall / bound_s:8.2f}     (target ≤ 1.10)")
    ours = pipeline_schedule(profile, trials=trials) * ts
    print(
        f"   our schedule, no overhead  {ours:8.1f} s   (simulated: the spread's cost; wall / it "
        f"{wall / ours:.2f}; 20 images, no retries)"
    )
    redrawn, replaced = r.get("gate_1a_regenerations", 0), r.get("pictures_replaced", 0)
    retried = pipeline_schedule(profile, trials=trials, redrawn=redrawn, replaced=replaced) * ts
    print(
        f"   … with this run's retries  {retried:8.1f} s   (wall / it {wall / retried:.2f}; {redrawn} "
        f"redrawn for Gate 1a, {replaced} replaced in creatives: the overhead is the rest)"
    )
    chains = pipeline_schedule(profile, trials=trials, redrawn=redrawn, replaced=replaced, barriers=False)
    print(
        f"   … as per-image chains      {chains * ts:8.1f} s   (the same, if no image waited for its "
        f"variant's slowest at a step boundary: / bound {chains * ts / bound_s:.2f}, seed / it "
        f"{seed / (chains * ts):.2f})"
    )
    floor = None
    if fixed := fixed_costs(r):
        floor = chains * ts + sum(fixed.values())
        parts = " + ".join(f"{name.replace('_', '-')} {s:.1f}" for name, s in fixed.items())
        print(f"   not modelled, measured     {sum(fixed.values()):8.1f} s   ({parts}: records.fixed_costs)")
        print(
            f"   … per-image chains + them  {floor:8.1f} s   (this design's floor on this profile: "
            f"/ bound {floor / bound_s:.2f}, seed / it {seed / floor:.2f})"
        )
    print(f"   seed schedule (simulated)  {seed:8.1f} s   ({trials} trials on the same profile)")
    print(f"   speed-up over the seed     {seed / wall:8.2f} ×   (target ≥ 1.3)")
    failed = r.get("creatives_failed", 0)
    print(
        f"   work: {images} BFL images, {edits} image edits, {creatives} creatives ({failed} failed); "
        f"CPU {r['cpu_s']:.1f} s"
    )
    print(f"   runs: {runs_summary(r)}")
    print(f"   last chain: {last_chain(r)}")
    return {
        "wall_s": wall,
        "bound_s": bound_s,
        "ratio": wall / bound_s,
        "seed_s": seed,
        "speedup": seed / wall,
        "pipeline_schedule_s": ours,
        "pipeline_schedule_with_retries_s": retried,
        "per_image_chains_with_retries_s": chains * ts,
        "design_floor_s": floor,
    }


def bfl_occupancy(requests: list[dict[str, Any]], slots: int) -> tuple[float, float]:
    """From the simulator's log: the share of BFL's busy window during which our slots were
    held (an image between the start of its submit and the end of its download), summed over
    the slots, and the share during which all of them were. Images in flight at time t are the
    submits begun minus the downloads finished (every accepted task is downloaded once); a
    refused submit or a failed download holds nothing."""
    served = [r for r in requests if r.get("status") == 200]
    events = [(r["ended_s"] - r["duration_s"], 1) for r in served if r["endpoint"] == "bfl.submit"]
    events += [(r["ended_s"], -1) for r in served if r["endpoint"] == "bfl.delivery"]
    events.sort()
    if len(events) < 2 or events[-1][0] <= events[0][0]:
        return 0.0, 0.0
    held = full = 0.0
    in_flight, last = 0, events[0][0]
    for t, step in events:
        held += min(in_flight, slots) * (t - last)
        full += (t - last) if in_flight >= slots else 0.0
        in_flight, last = in_flight + step, t
    window = events[-1][0] - events[0][0]
    return held / (slots * window), full / window


def report_throughput(profile: Profile, r: dict[str, Any], n: int) -> dict[str, float]:
    stats = r["sim"]
    images = bfl_images(stats)
    submit, delivery = stats["endpoints"]["bfl.submit"], stats["endpoints"]["bfl.delivery"]
    window = (delivery["last_released_s"] or 0) - (submit["first_admitted_s"] or 0)
    rate = images / window * 60 if window > 0 else 0.0
    overall = images / r["wall_s"] * 60
    bound = throughput_bound_per_min(profile)
    print(f"2. {n} campaigns queued at once")
    print(
        f"   wall time                  {r['wall_s']:8.1f} s   (load {r['load_before']} → {r['load_after']})"
    )
    print(
        f"   base images per minute     {rate:8.1f}     ({images} images while BFL was busy, "
        f"{window:.1f} s; over the whole wall {overall:.1f}/min)"
    )
    print(
        f"   bound (slots / latency)    {bound:8.1f}     "
        f"({profile.bfl_slots} / {profile.bfl_latency_s * profile.time_scale:.3f} s)"
    )
    print(f"   ratio                      {rate / bound:8.1%}     (target ≥ 90 %)")
    held, full = bfl_occupancy(r.get("requests", []), profile.bfl_slots)
    print(
        f"   BFL slots held             {held:8.1%}     of slot time in that window; all "
        f"{profile.bfl_slots} held {full:.1%} of it (the rest: no image waiting for a slot)"
    )
    print(f"   max in flight / limit      {', '.join(check_limits(stats, profile.limits))}  (asserted)")
    print(f"   runs: {runs_summary(r)}; CPU {r['cpu_s']:.1f} s; campaigns ok: {r['success']}")
    return {
        "rate_per_min": rate,
        "bound_per_min": bound,
        "ratio": rate / bound,
        "slots_held": held,
        "all_slots_held": full,
    }


def report_overhead(r: dict[str, Any]) -> dict[str, float]:
    print("3. Orchestration overhead (zero provider latency, one campaign)")
    print(f"   wall time                  {r['wall_s']:8.1f} s   (target ≤ 10 s)")
    print(f"   CPU time (incl. children)  {r['cpu_s']:8.1f} s   (+{r['setup_cpu_s']:.1f} s loading)")
    cores = os.cpu_count() or 1
    floor = cpu_floor_s(r["cpu_s"], cores)
    print(f"   CPU floor on {cores} cores       {floor:8.1f} s   (that CPU with every core busy throughout)")
    print(f"   peak memory (RSS)          {r['peak_rss_mib']:8.0f} MiB   (largest of {r['workers']} workers)")
    print(f"   simulator CPU (apart)      {r['sim_cpu_s']:8.1f} s")
    print(f"   load average               {r['load_before']} → {r['load_after']}")
    print(f"   runs: {runs_summary(r)}")
    return {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "peak_rss_mib": r["peak_rss_mib"], "floor_s": floor}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.campaign", description=__doc__)
    parser.add_argument("--profile", default=str(PROFILE_PATH))
    parser.add_argument("--time-scale", type=float, help="override the profile's time_scale")
    parser.add_argument("--campaigns", type=int, default=10, help="campaigns queued in scenario 2")
    parser.add_argument("--runs", type=int, default=10, help="runs at once in scenario 2 (the run queue)")
    parser.add_argument(
        "--campaign-runs", type=int, default=5, help="runs at once in scenarios 1 and 3 (1: one by one)"
    )
    parser.add_argument(
        "--formats",
        default="1:1",
        help="ad formats rendered (CREATIVE_ASSETS_FORMATS); the profile's downstream chain and the "
        "bound count one edit per creative, i.e. one format",
    )
    parser.add_argument("--only", default="single,throughput,overhead")
    parser.add_argument("--trials", type=int, default=2000, help="draws of the seed-schedule model")
    parser.add_argument("--json", help="write every figure and raw result here")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep each scenario's Dagster home and creatives (log folder)",
    )
    args = parser.parse_args(argv)
    data = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    if args.time_scale:
        data["time_scale"] = args.time_scale
    profile = Profile.from_dict(data)
    only = set(args.only.split(","))
    queued = [f"bench-q{i:02d}" for i in range(1, args.campaigns + 1)]
    jobs = bench_jobs(["bench-single", "bench-zero", *queued])
    # Per-minute limits are real-time limits of the provider; on a compressed clock they scale.
    rpm = {"bfl": 120 / profile.time_scale, "openai": 500 / profile.time_scale}
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    print(
        f"campaign benchmark · profile {args.profile} · time scale {profile.time_scale:g} · "
        f"formats {args.formats}"
    )
    print(f"  {os.cpu_count()} cores, load average {load()} (1/5/15 min) · logs in {workdir}")
    sim = SimProcess(sim_config(profile, jobs), workdir)
    env = provider_env(sim.url, profile.limits, rpm) | {"CREATIVE_ASSETS_FORMATS": args.formats}
    figures: dict[str, Any] = {"profile": data, "load_start": load()}
    try:
        if "single" in only:
            r = run_scenario(sim, ["bench-single"], args.campaign_runs, env, workdir, keep=args.keep)
            figures["single"] = report_single(profile, r, args.trials) | {"raw": r}
        if "throughput" in only:
            r = run_scenario(sim, queued, args.runs, env, workdir, keep=args.keep)
            figures["throughput"] = report_throughput(profile, r, len(queued)) | {"raw": r}
        if "overhead" in only:
            sim.configure(sim_config(profile, jobs, zero_latency=True))
            r = run_scenario(sim, ["bench-zero"], args.campaign_runs, env, workdir, keep=args.keep)
            figures["overhead"] = report_overhead(r) | {"raw": r}
    finally:
        sim.stop()
    figures["load_end"] = load()
    print(f"load average at the end {figures['load_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
