"""Launching a whole campaign for one job: job-level run → one run per variant → roll-up.

Used by the command line; the same three jobs are what the UI and (later) the sensor launch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import dagster as dg

from creative_assets.defs.automation.sensors import SELF_CHAINED_TAG, compliance_block, compliance_verdicts
from creative_assets.models import VARIANTS
from creative_assets.partitions import job_partitions, validate_job_id, variant_key
from creative_assets.providers.base import JobSource


@dataclass
class RunOutcome:
    job_name: str
    partition: str
    run_id: str
    success: bool
    seconds: float
    error: str | None = None


@dataclass
class CampaignOutcome:
    job_id: str
    runs: list[RunOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return bool(self.runs) and all(r.success for r in self.runs)


def ensure_job_partition(instance: dg.DagsterInstance, job_source: JobSource, job_id: str) -> None:
    """Fetch and validate the job before it becomes a partition, so an unknown or malformed
    job never leaves a partition (or artifacts) behind."""
    validate_job_id(job_id)
    job_source.get_job(job_id)
    if not instance.has_dynamic_partition(job_partitions.name, job_id):  # type: ignore[arg-type]
        instance.add_dynamic_partitions(job_partitions.name, [job_id])  # type: ignore[arg-type]


_CODED = re.compile(r"\[[a-z_]+\]")


def first_step_error(result: dg.ExecuteInProcessResult) -> str | None:
    """The failed step and the error a person can act on: Dagster wraps the user's exception,
    so walk the cause chain to the first error that carries one of our codes."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            chain = [event.step_failure_data.error]
            while chain[-1].cause is not None:
                chain.append(chain[-1].cause)
            coded = [e for e in chain if _CODED.search(e.message)]
            error = coded[0] if coded else chain[min(1, len(chain) - 1)]
            return f"{event.step_key}: {error.message.strip()}"
    return None


def _run(defs: dg.Definitions, instance: dg.DagsterInstance, job_name: str, partition: str) -> RunOutcome:
    started = time.perf_counter()
    result = defs.resolve_job_def(job_name).execute_in_process(
        partition_key=partition,
        instance=instance,
        raise_on_error=False,
        # This call runs every phase itself; the chain sensor must not launch them again.
        tags={SELF_CHAINED_TAG: "cli"},
    )
    return RunOutcome(
        job_name=job_name,
        partition=str(partition),
        run_id=result.run_id,
        success=result.success,
        seconds=round(time.perf_counter() - started, 2),
        error=None if result.success else first_step_error(result),
    )


def run_campaign(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_id: str,
    variants: Sequence[str] = VARIANTS,
) -> CampaignOutcome:
    """Run the campaign's phases in order; stop at the first failed phase so nothing downstream
    runs on a broken input. The roll-up runs only when all five variants are in this call."""
    outcome = CampaignOutcome(job_id)
    text = _run(defs, instance, "campaign_text", job_id)
    outcome.runs.append(text)
    if not text.success:
        # The compliance gate's verdict says more than Dagster's "blocking check failed".
        verdict = compliance_verdicts(instance, text.run_id).get(job_id)
        if verdict is not None and not verdict.passed:
            text.error = compliance_block(instance, text.run_id, job_id)
        return outcome
    for variant in variants:
        outcome.runs.append(_run(defs, instance, "campaign_variant", variant_key(job_id, variant)))
    if set(variants) == set(VARIANTS) and all(r.success for r in outcome.runs):
        outcome.runs.append(_run(defs, instance, "campaign_rollup", job_id))
    return outcome
