"""A per-job budget cap stops a campaign cleanly on the real clients: the step that would overrun
fails with `[budget_exceeded]` before sending, what was produced stays stored, the ledger equals
the simulator's billing, and after the cap is raised the re-run pays for nothing twice."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition, first_step_error
from creative_assets.definitions import build_definitions
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import IMAGE_TYPES
from creative_assets.partitions import variant_key
from creative_assets_tests.provider_sim import fast_config, running_simulator
from creative_assets_tests.providers.conftest import JOB_ID
from creative_assets_tests.support.real_clients import real_client_resources

KEYS = {p: f"{p}-key-BUDGET" for p in ("openai", "bfl", "perplexity", "firecrawl", "hoc")}
CAP_USD = 0.45  # the text phase fits; the variant phase runs out during its layouts


def defs_with(storage: Path, state: Path, cap: float | None) -> dg.Definitions:
    gateway = ProviderGateway(
        cache_url=str(storage / "_cache"), state_url=f"sqlite:///{state}", job_budget_usd=cap
    )
    return build_definitions(real_client_resources(str(storage), gateway))


def test_a_budget_cap_stops_the_campaign_cleanly_and_a_raised_cap_resumes_it(tmp_path: Path) -> None:
    storage, state = tmp_path / "storage", tmp_path / "state.db"
    with pytest.MonkeyPatch.context() as env, running_simulator(fast_config(api_keys=KEYS)) as sim:
        for name, value in sim.env().items():
            env.setenv(name, value)
        env.setenv("CREATIVE_ASSETS_PROVIDERS", "all=real,jobs=local")
        capped = defs_with(storage, state, CAP_USD)
        with dg.instance_for_test() as instance:
            with dg.build_resources({"job_source": capped.resources["job_source"]}) as built:
                ensure_job_partition(instance, built.job_source, JOB_ID)
            text = capped.resolve_job_def("campaign_text").execute_in_process(
                partition_key=JOB_ID, instance=instance
            )
            assert text.success
            variant = variant_key(JOB_ID, "A")
            stopped = capped.resolve_job_def("campaign_variant").execute_in_process(
                partition_key=variant, instance=instance, raise_on_error=False
            )
            assert not stopped.success
            error = first_step_error(stopped) or ""
            assert "[budget_exceeded]" in error and JOB_ID in error and "0.45" in error, error

            gateway = capped.resources["gateway"]
            entries = gateway.ledger(JOB_ID)
            sim.wait_idle()
            billed = sim.stats()["totals"]["billed_usd"]
            # The image types run side by side, so each thread that reaches the cap is refused on
            # its own. Paid calls may still follow a refusal: a chat call reserves its upper bound
            # and settles at its real cost, which frees headroom. What must hold: nothing refused
            # was sent (the ledger equals the simulator's billing, below) and the cap held.
            outcomes = [e.outcome for e in entries]
            assert 1 <= outcomes.count("refused") <= len(IMAGE_TYPES), outcomes
            assert all(e.cost_usd == 0 for e in entries if e.outcome == "refused")
            assert gateway.store.spent(job_id=JOB_ID) <= CAP_USD
            assert round(sum(e.cost_usd for e in entries), 6) == round(billed, 6)
            # What was produced before the stop is kept; the failed step stored nothing.
            assert (storage / "copy_variants" / JOB_ID / "record.json").exists()
            assert len(list((storage / "base_images" / JOB_ID / "A").glob("*.png"))) == 4
            assert not (storage / "final_creatives" / JOB_ID / "A").exists()

            resumed = (
                defs_with(storage, state, None)
                .resolve_job_def("campaign_variant")
                .execute_in_process(partition_key=variant, instance=instance)
            )
            assert resumed.success
    paid = [e.request_hash for e in gateway.ledger(JOB_ID) if e.outcome == "ok" and not e.cached]
    assert len(paid) == len(set(paid)), "a request was paid for twice"
    assert any(e.cached and e.phase == "base_images" for e in gateway.ledger(JOB_ID))
