"""The campaign's KPIs, read from where the facts already are: step timings from Dagster's event
log (the latest materialization of each phase and its run's step stats), spending from the
gateway's durable ledger, and the pre-flight estimate from the configured clients' prices."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg

from creative_assets.models import VARIANTS
from creative_assets.models.reports import CampaignKpis, PhaseTiming
from creative_assets.partitions import variant_key

JOB_LEVEL_PHASES = ("job_posting", "research", "brand_identity", "copy_variants")
VARIANT_PHASES = ("image_prompts", "base_images", "layouts", "final_creatives", "gate_reports")
IMAGE_TYPES_PER_VARIANT = 4


def phase_timings(instance: dg.DagsterInstance, job_id: str) -> list[PhaseTiming]:
    """Per phase: how long its steps ran (summed over the job's partitions) and the wall-clock
    span from the first step's start to the last step's end. Phases made by the same steps are
    one entry (`base_images + layouts + final_creatives`: the image chains, defs/chains.py, make
    them in one step, whose span is not any one phase's; their own calls are on the ledger)."""
    stats_of_run: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    timings: list[PhaseTiming] = []
    last_steps: set[tuple[str, str]] = set()
    for phase in (*JOB_LEVEL_PHASES, *VARIANT_PHASES):
        partitions = (
            [job_id] if phase in JOB_LEVEL_PHASES else [str(variant_key(job_id, v)) for v in VARIANTS]
        )
        spans: dict[tuple[str, str], tuple[float, float]] = {}  # a step of several partitions once
        made = 0
        for partition in partitions:
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(phase), asset_partitions=[partition]), limit=1
            ).records
            if not records:
                continue
            entry = records[0].event_log_entry
            if entry.run_id not in stats_of_run:
                stats_of_run[entry.run_id] = {
                    s.step_key: (s.start_time, s.end_time) for s in instance.get_run_step_stats(entry.run_id)
                }
            start, end = stats_of_run[entry.run_id].get(entry.step_key or "", (None, None))
            if start is not None and end is not None:
                spans[(entry.run_id, entry.step_key or "")] = (start, end)
                made += 1
        if spans and timings and set(spans) == last_steps:  # the same steps as the phase before
            timings[-1] = timings[-1].model_copy(update={"phase": f"{timings[-1].phase} + {phase}"})
        elif spans:
            last_steps = set(spans)
            timings.append(
                PhaseTiming(
                    phase=phase,
                    partitions=made,
                    step_seconds=round(sum(end - start for start, end in spans.values()), 3),
                    wall_seconds=round(
                        max(e for _, e in spans.values()) - min(s for s, _ in spans.values()), 3
                    ),
                    started_at=min(s for s, _ in spans.values()),
                    ended_at=max(e for _, e in spans.values()),
                )
            )
    return timings


def run_success_rate(instance: dg.DagsterInstance, job_id: str) -> tuple[int, int]:
    """(succeeded, finished) runs of this job's partitions, job-level and per variant."""
    finished = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
    variant_keys = [str(variant_key(job_id, v)) for v in VARIANTS]
    runs = [
        *instance.get_run_records(dg.RunsFilter(tags={"dagster/partition": job_id}, statuses=finished)),
        *instance.get_run_records(dg.RunsFilter(tags={"dagster/partition/job": job_id}, statuses=finished)),
        # a run of several variant partitions (defs/variants.py) has only its range's tags
        *instance.get_run_records(
            dg.RunsFilter(tags={"dagster/asset_partition_range_start": variant_keys}, statuses=finished)
        ),
    ]
    unique = {r.dagster_run.run_id: r.dagster_run.status for r in runs}
    return sum(s == dg.DagsterRunStatus.SUCCESS for s in unique.values()), len(unique)


def campaign_estimate(unit_costs: Mapping[str, float]) -> float:
    """What one campaign costs at list prices if every first attempt passes: research, brand,
    fusion and copy once; per variant art direction (2 chat calls), then per image a base
    image, its analysis, its layout and its overlay (and a review when configured)."""
    per_image = sum(
        unit_costs.get(op, 0.0)
        for op in ("text_to_image", "image_analysis", "layout_design", "text_overlay", "creative_review")
    )
    per_variant = (
        unit_costs.get("meta_analysis", 0.0)
        + unit_costs.get("designer_prompts", 0.0)
        + IMAGE_TYPES_PER_VARIANT * per_image
    )
    once = sum(
        unit_costs.get(op, 0.0) for op in ("research", "brand_identity", "context_fusion", "copywriting")
    )
    return round(once + len(VARIANTS) * per_variant, 6)


def kpis(
    timings: list[PhaseTiming],
    runs: tuple[int, int],
    *,
    creatives: int,
    passed: int,
    spent_usd: float,
    estimate_usd: float,
) -> CampaignKpis:
    started = min((t.started_at for t in timings), default=None)
    ended = max((t.ended_at for t in timings), default=None)
    succeeded, finished = runs
    return CampaignKpis(
        throughput_seconds=round(ended - started, 3) if started is not None and ended is not None else None,
        phases=timings,
        run_success_rate=round(succeeded / finished, 4) if finished else None,
        runs_finished=finished,
        creative_success_rate=round(creatives / (len(VARIANTS) * IMAGE_TYPES_PER_VARIANT), 4),
        gate_pass_rate=round(passed / creatives, 4) if creatives else 0.0,
        cost_per_creative_usd=round(spent_usd / creatives, 6) if creatives else None,
        estimate_usd=estimate_usd,
        budget_drift=round(spent_usd / estimate_usd - 1, 4) if estimate_usd else None,
    )
