"""The benchmark's pure parts: the critical-path bound, the seed-schedule model and the throughput
bound on a tiny profile (arithmetic asserted exactly), the simulator config it derives, the limit
check, and the busy window the simulator now reports. No timings are asserted."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from benchmarks.campaign import bench_jobs, bfl_occupancy, check_limits, sim_config
from benchmarks.model import (
    Profile,
    critical_path_bound,
    pipeline_schedule,
    pipeline_schedule_once,
    seed_schedule,
    seed_schedule_once,
    throughput_bound_per_min,
)
from benchmarks.records import chain_phases, cpu_floor_s, fixed_costs, last_chain, phase_spans
from creative_assets_tests.provider_sim import SimConfig, fast_config, running_simulator

CHAT = "openai.chat_completions"
TINY: dict[str, Any] = {
    "time_scale": 0.25,
    "seed": 3,
    "limits": {"bfl": 2, "openai": 4, "perplexity": 1, "firecrawl": 1},
    "latency": {
        "hoc.get_job": {"mean_s": 1},
        "perplexity.responses": {"mean_s": 4},
        "firecrawl.scrape": {"mean_s": 3},
        CHAT: {"mean_s": 2},
        "openai.images_edits": {"mean_s": 10},
        "bfl.submit": {"mean_s": 1},
        "bfl.task": {"mean_s": 5},
        "bfl.get_result": {"mean_s": 0},
        "bfl.delivery": {"mean_s": 2},
    },
    "pipeline": {
        "text_stages": [["hoc.get_job"], ["perplexity.responses", "firecrawl.scrape"], [CHAT], [CHAT]],
        "variant_prompt_chain": [CHAT, CHAT],
        "bfl_image": ["bfl.submit", "bfl.task", "bfl.get_result", "bfl.delivery"],
        "image_downstream": [CHAT, CHAT, "openai.images_edits"],
    },
    "seed_schedule": {"bfl_batch_size": 2, "bfl_batch_pause_s": 1},
}


def test_critical_path_bound_is_text_plus_bfl_rounds_plus_the_last_images_chain() -> None:
    bound = critical_path_bound(Profile.from_dict(TINY), base_images=5)
    # text: 1 + max(4, 3) + 2 + 2, then the variant's two art-direction calls 2 + 2
    assert bound.text_chain_s == 13
    assert (bound.bfl_rounds, bound.bfl_latency_s) == (3, 8)  # ⌈5/2⌉; 1 + 5 + 0 + 2
    assert bound.downstream_s == 14  # analysis 2 + layout 2 + edit 10
    assert bound.total_s == 13 + 3 * 8 + 14


def test_seed_schedule_adds_barriers_batches_pauses_and_a_late_brand_scrape() -> None:
    profile = Profile.from_dict(TINY)
    # phase 1: 1 + 4 + 2 + 2 (no brand); 2a: 2 + 2; 2b: 3 batches × 8 + 2 pauses × 1;
    # phase 3: brand 3 + analysis 2; phase 4: layout 2 + edit 10
    expected = 9 + 4 + (3 * 8 + 2) + (3 + 2) + 12
    assert seed_schedule(profile, base_images=5, creatives=5) == expected
    assert seed_schedule_once(profile, base_images=5, creatives=5, rng=None) == expected


def test_our_schedule_without_spread_is_the_bound_for_one_variant_and_queues_the_rest() -> None:
    profile = Profile.from_dict(TINY)
    # One variant of 5 images on 2 slots: exactly the bound (text 13, 3 rounds of 8, chain 14).
    alone = pipeline_schedule_once(profile, variants=1, images_per_variant=5, rng=None)
    assert alone == critical_path_bound(profile, base_images=5).total_s
    # Five variants of 4: 20 images on 2 slots = 10 rounds; the last variant's images are served
    # last (first come, first served), then its analysis 2 + layout 2 + edit 10.
    assert pipeline_schedule(profile) == 13 + 10 * 8 + 14


def test_our_schedule_with_retries_adds_the_redraw_and_the_replacement_chain() -> None:
    profile = Profile.from_dict(TINY)
    one = {"variants": 1, "images_per_variant": 2, "rng": None}
    # Text 13; two images on two slots, one round of 8; analysis 2 + layout 2; edit 10.
    assert pipeline_schedule_once(profile, **one) == 13 + 8 + 4 + 10
    # Gate 1a: the redrawn image goes back into BFL when it arrives: a second round.
    assert pipeline_schedule_once(profile, redrawn=1, **one) == 13 + 2 * 8 + 4 + 10
    # A picture replaced in creatives: after layouts, a new image 8, its analysis and layout 4
    # and its edit 10, instead of only the edit.
    assert pipeline_schedule_once(profile, replaced=1, **one) == 13 + 8 + 4 + (8 + 4 + 10)
    assert pipeline_schedule(profile, redrawn=1, replaced=1) > pipeline_schedule(profile)


def test_our_schedule_pays_for_the_spread_and_stays_between_the_bound_and_the_seed() -> None:
    data = copy.deepcopy(TINY)
    data["latency"]["openai.images_edits"] = {"mean_s": 10, "spread_s": 6}
    data["latency"]["bfl.task"] = {"mean_s": 5, "spread_s": 4}
    profile = Profile.from_dict(data)
    ours = pipeline_schedule(profile, trials=300)
    assert ours == pipeline_schedule(profile, trials=300)  # seeded, so reproducible
    assert critical_path_bound(profile, base_images=20).total_s < ours
    assert ours < seed_schedule(profile, base_images=20, creatives=20, trials=300)


def test_without_step_barriers_no_image_waits_for_its_variants_slowest() -> None:
    data = copy.deepcopy(TINY)
    data["latency"]["openai.images_edits"] = {"mean_s": 10, "spread_s": 6}
    profile = Profile.from_dict(data)
    one = {"variants": 1, "images_per_variant": 2, "rng": None}
    # Without spread both structures are the same sums: text 13, one BFL round 8, analysis and
    # layout 4, edit 10 (with a replaced picture: its new image, layout and edit after its layout).
    flat = Profile.from_dict(TINY)
    assert pipeline_schedule_once(flat, barriers=False, **one) == 13 + 8 + 4 + 10
    assert pipeline_schedule_once(flat, barriers=False, replaced=1, **one) == 13 + 8 + 4 + (8 + 4 + 10)
    # With spread the step barriers cost something, and the chains never beat the bound.
    chains = pipeline_schedule(profile, trials=300, barriers=False)
    assert (
        critical_path_bound(profile, base_images=20).total_s < chains < pipeline_schedule(profile, trials=300)
    )


def test_seed_schedule_with_spread_is_reproducible_and_never_below_its_fastest_draws() -> None:
    data = copy.deepcopy(TINY)
    data["latency"]["bfl.task"] = {"mean_s": 5, "spread_s": 4}
    profile = Profile.from_dict(data)
    first = seed_schedule(profile, base_images=6, creatives=6, trials=200)
    assert first == seed_schedule(profile, base_images=6, creatives=6, trials=200)
    fastest = 9 + 4 + 3 * (1 + 1 + 0 + 2) + 2 + 5 + 12  # every task at its minimum, 1 s
    assert first > fastest


def test_throughput_bound_is_slots_over_the_scaled_bfl_latency() -> None:
    assert throughput_bound_per_min(Profile.from_dict(TINY)) == 2 / (8 * 0.25) * 60 == 60.0


def test_a_profile_naming_a_call_without_latency_is_refused() -> None:
    data = copy.deepcopy(TINY)
    data["pipeline"]["image_downstream"].append("openai.vision_typo")
    with pytest.raises(ValueError, match=r"openai\.vision_typo"):
        Profile.from_dict(data)


def test_the_simulator_config_carries_the_profile_and_the_gateways_limits() -> None:
    profile = Profile.from_dict({**TINY, "latency": {**TINY["latency"], CHAT: {"mean_s": 2, "spread_s": 1}}})
    config = SimConfig.model_validate(sim_config(profile, bench_jobs(["bench-x"])))
    chat = config.endpoint(CHAT)
    assert (chat.latency.kind, chat.latency.min_s, chat.latency.max_s) == ("uniform", 1, 3)  # type: ignore[union-attr]
    assert chat.max_concurrency == 4 and config.endpoint("firecrawl.scrape").max_concurrency == 1
    assert config.bfl.max_active_tasks == 2 and config.bfl.task_duration.seconds == 5  # type: ignore[union-attr]
    assert config.time_scale == 0.25 and config.hoc.jobs[0]["job_id"] == "bench-x"
    zero = SimConfig.model_validate(sim_config(profile, [], zero_latency=True))
    assert zero.endpoint(CHAT).latency.kind == "fixed" and zero.bfl.task_duration.seconds == 0  # type: ignore[union-attr]


def test_check_limits_passes_at_the_limit_and_fails_beyond_it() -> None:
    limits = {"bfl": 5, "openai": 50}
    stats = {"providers": {"bfl": {"max_in_flight": 5}, "openai": {"max_in_flight": 12}}}
    assert check_limits({**stats, "bfl": {"max_active_tasks": 5}}, limits) == [
        "bfl 5/5",
        "openai 12/50",
        "bfl (active tasks) 5/5",
    ]
    with pytest.raises(AssertionError, match="active tasks"):
        check_limits({**stats, "bfl": {"max_active_tasks": 6}}, limits)


def test_the_simulator_reports_each_endpoints_busy_window() -> None:
    with running_simulator(fast_config()) as sim:
        idle = sim.stats()["endpoints"]["hoc.get_job"]
        assert idle["first_admitted_s"] is None and idle["last_released_s"] is None
        httpx.get(f"{sim.url_for('hoc')}/jobs/hoc-4711-pflege", timeout=5)
        sim.wait_idle()
        busy = sim.stats()["endpoints"]["hoc.get_job"]
        assert 0 <= busy["first_admitted_s"] <= busy["last_released_s"]
        sim.reset()
        assert sim.stats()["endpoints"]["hoc.get_job"]["first_admitted_s"] is None


def test_bfl_occupancy_counts_images_between_their_submit_and_their_download() -> None:
    def submit(start: float, status: int = 200) -> dict[str, Any]:
        return {"endpoint": "bfl.submit", "status": status, "ended_s": start + 0.5, "duration_s": 0.5}

    def delivery(end: float) -> dict[str, Any]:
        return {"endpoint": "bfl.delivery", "status": 200, "ended_s": end, "duration_s": 0.1}

    # Two slots over 0–10 s: one image 0–10, another 0–5, a third 6–10 (a 1 s gap on slot two);
    # a submit refused with a 429 at 5.5 s held no slot.
    log = [submit(0), delivery(10), submit(0), delivery(5), submit(5.5, 429), submit(6), delivery(10)]
    held, full = bfl_occupancy(log, slots=2)
    assert held == pytest.approx((10 + 5 + 4) / 20)
    assert full == pytest.approx(9 / 10)
    assert bfl_occupancy([], slots=2) == (0.0, 0.0)


def test_worker_usage_keeps_each_workers_last_report() -> None:
    from benchmarks.scenario import worker_usage
    from creative_assets.campaign import CampaignOutcome, RunOutcome

    def run(pid: int | None, cpu: float, rss: float) -> RunOutcome:
        return RunOutcome("campaign_variant", "j|A", "r", True, 1.0, None, pid, cpu, rss)

    outcome = CampaignOutcome("j", [run(11, 2.0, 500), run(11, 5.0, 700), run(12, 3.0, 600), run(None, 9, 9)])
    assert worker_usage([outcome]) == {"workers": 2, "cpu_s": 8.0, "peak_rss_mib": 700}


def _run(job: str, partition: str, start: float, end: float, *steps: tuple[str, float, float]) -> dict:
    return {
        "job": job,
        "partition": partition,
        "start": start,
        "end": end,
        "steps": [{"step": k, "start": a, "end": b} for k, a, b in steps],
    }


def _campaign_records() -> dict[str, Any]:
    """A text run, variant A ending first, variant B ending last with its gate reports, a roll-up."""
    a = _run(
        "campaign_variant",
        "j|A",
        112.3,
        150.0,
        ("image_prompts", 112.6, 116.0),
        ("image_chains", 116.0, 149.8),
    )
    b = _run(
        "campaign_variant",
        "j|B",
        112.4,
        160.0,
        ("image_prompts", 113.0, 117.0),
        ("image_chains", 117.5, 159.0),
        ("gate_reports", 159.1, 159.5),
    )
    text = _run("campaign_text", "j", 100.2, 112.0, ("copy_variants", 107.0, 111.9))
    return {"started": 100.0, "runs": [text, a, b, _run("campaign_rollup", "j", 160.3, 161.7)]}


def test_the_last_chain_follows_the_variant_run_that_ended_last() -> None:
    assert last_chain(_campaign_records()) == (
        "text run 12.0 s · to j|B's first step +1.0 · image_prompts 4.0 · image_chains 41.5 · "
        "gate_reports 0.4 · between steps 0.6 · roll-up +0.8 then 1.4"
    )
    assert last_chain({"started": 0.0, "runs": []}) == "(no text run or variant run on record)"


def test_fixed_costs_are_the_launch_the_gates_the_reports_and_the_roll_up() -> None:
    """What no schedule model contains, off the variant run that ended last (B, not A)."""
    records = _campaign_records()
    assert fixed_costs(records) == pytest.approx({"launch": 1.0, "reports": 0.5, "roll_up": 2.2})
    # With the simulator's log (its clock starts with the scenario's): the last edit returned at
    # 158.2, a refused one later does not count, and B's creatives ended 0.8 s after it.
    records["requests"] = [
        {"endpoint": "openai.images_edits", "status": 200, "ended_s": 50.0},
        {"endpoint": "openai.images_edits", "status": 200, "ended_s": 58.2},
        {"endpoint": "openai.images_edits", "status": 429, "ended_s": 58.9},
        {"endpoint": "openai.chat_completions", "status": 200, "ended_s": 58.95},
    ]
    costs = fixed_costs(records)
    assert costs == pytest.approx({"launch": 1.0, "gates": 0.8, "reports": 0.5, "roll_up": 2.2})
    # Records without a roll-up, or a last run that never reached creatives, give no figure.
    text, a, b, rollup = records["runs"]
    assert fixed_costs({"started": 100.0, "runs": [text, b]}) == {}
    failed = _run("campaign_variant", "j|C", 112.4, 180.0, ("image_prompts", 113.0, 117.0))
    assert fixed_costs({"started": 100.0, "runs": [text, a, b, failed, rollup]}) == {}


def test_the_cpu_floor_is_the_work_spread_over_every_core() -> None:
    assert cpu_floor_s(31.9, 2) == pytest.approx(15.95)
    assert cpu_floor_s(4.0, 0) == 4.0


def test_the_chain_step_is_told_phase_by_phase_from_the_ledger() -> None:
    """One step makes base images, layouts and creatives (defs/chains.py): the ledger's rows of
    the run say when each phase's calls ran, overlapping where the chains overlap."""
    import datetime as dt

    from creative_assets.gateway.models import LedgerEntry

    def row(phase: str, at: float, duration: float, run: str = "r1") -> LedgerEntry:
        return LedgerEntry(
            at=dt.datetime.fromtimestamp(at, dt.UTC),
            provider="bfl",
            model="m",
            operation="text_to_image",
            phase=phase,
            run_id=run,
            request_hash="h",
            outcome="ok",
            duration_s=duration,
        )

    rows = [
        row("image_prompts", 99.0, 1.0),
        row("base_images", 101.0, 10.0),
        row("layouts", 106.0, 1.0),
        row("base_images", 103.0, 20.0),
        row("compose", 108.0, 5.0),
        row("compose", 200.0, 5.0, run="r2"),
    ]
    spans = phase_spans(rows, "r1")
    assert list(spans) == ["image_prompts", "base_images", "layouts", "compose"]
    assert spans["base_images"] == pytest.approx((101.0, 123.0))
    run = {"steps": [{"step": "image_chains", "start": 100.5, "end": 124.0}], "phases": spans}
    assert chain_phases(run) == "base_images 0.5–22.5, layouts 5.5–6.5, compose 7.5–12.5"
    assert chain_phases({"steps": [], "phases": spans}) == ""
