"""One whole campaign (job-level run, variants A–E, roll-up: 20 creatives) with every real
client, pointed at the simulator purely through environment variables, wired the way
`deployment_resources()` is. The five variants go in one run over the range job|A…job|E, as
the chain sensor starts them in a deployment (defs/variants.py); the sample campaign
(support/sample_campaign.py) and the campaign on two hosts run them one partition at a time,
as the command line does. One campaign serves both checks that used to make one each: the whole
campaign's bill, and that a run of several variants bills each call to its variant."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from creative_assets.campaign import CampaignOutcome, RunOutcome, ensure_job_partition, first_step_error
from creative_assets.definitions import build_definitions
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.imaging.png import validate_png
from creative_assets.models import IMAGE_TYPES, VARIANTS
from creative_assets.partitions import variant_key, variants_run_tags
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator
from creative_assets_tests.providers.conftest import JOB_ID
from creative_assets_tests.support.real_clients import real_client_resources
from creative_assets_tests.support.records import latest_variant_materialization

REAL = {"openai", "bfl", "perplexity", "firecrawl"}
# Keys the simulator insists on: a client that did not send its key would fail the run.
KEYS = {p: f"{p}-key-PIPELINE-7f3a9c" for p in ("openai", "bfl", "perplexity", "firecrawl", "hoc")}


@dataclass
class Campaign:
    outcome: CampaignOutcome
    storage: Path
    stats: dict[str, Any]
    events: str
    defs: dg.Definitions
    instance: dg.DagsterInstance
    sim: Simulator
    gateway: ProviderGateway

    def __iter__(self) -> Iterator[Any]:  # the first four, as the older tests unpack them
        return iter((self.outcome, self.storage, self.stats, self.events))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    storage = tmp_path_factory.mktemp("storage")
    with pytest.MonkeyPatch.context() as env, running_simulator(fast_config(api_keys=KEYS)) as sim:
        for name, value in sim.env().items():
            env.setenv(name, value)
        env.setenv("CREATIVE_ASSETS_PROVIDERS", "all=real")
        # Exactly what deployment_resources() does with the wiring proposed for it.
        resources = real_client_resources(str(storage))
        defs = build_definitions(resources)
        with dg.instance_for_test() as instance:
            with dg.build_resources({"job_source": resources["job_source"]}) as built:
                ensure_job_partition(instance, built.job_source, JOB_ID)
            outcome = _campaign_in_three_runs(defs, instance)
            sim.wait_idle()
            events = "\n".join(str(e) for run in outcome.runs for e in instance.all_logs(run.run_id))
            yield Campaign(outcome, storage, sim.stats(), events, defs, instance, sim, resources["gateway"])


def _campaign_in_three_runs(defs: dg.Definitions, instance: dg.DagsterInstance) -> CampaignOutcome:
    """The job-level run, one run of the five variants, the roll-up; stops at a failed run."""
    outcome = CampaignOutcome(JOB_ID)
    for job_name, where in (
        ("campaign_text", {"partition_key": JOB_ID}),
        ("campaign_variant", {"tags": variants_run_tags(JOB_ID)}),
        ("campaign_rollup", {"partition_key": JOB_ID}),
    ):
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance, raise_on_error=False, **where
        )
        error = None if result.success else first_step_error(result)
        outcome.runs.append(RunOutcome(job_name, JOB_ID, result.run_id, result.success, 0.0, error))
        if not result.success:
            break
    return outcome


def _latest(instance: dg.DagsterInstance, asset: str, variant: str) -> dg.EventLogRecord:
    return latest_variant_materialization(instance, asset, JOB_ID, variant)


def record(storage: Path, asset: str, *parts: str) -> dict[str, Any]:
    return json.loads((storage / asset / JOB_ID / Path(*parts) / "record.json").read_text())["data"]


def test_campaign_runs_on_the_real_clients(campaign) -> None:
    outcome, storage, _, _ = campaign
    assert [r.job_name for r in outcome.runs] == ["campaign_text", "campaign_variant", "campaign_rollup"]
    assert outcome.success, [r.error for r in outcome.runs if r.error]
    finals = [storage / "final_creatives" / JOB_ID / v / f"{t}.png" for v in VARIANTS for t in IMAGE_TYPES]
    assert len(finals) == 20
    assert {validate_png(p.read_bytes()) for p in finals} == {(1080, 1080)}  # the tests' one format, 1:1
    assert record(storage, "campaign_summary")["creatives_total"] == 20


def test_every_step_was_done_by_the_real_providers(campaign: Campaign) -> None:
    storage = campaign.storage
    assert record(storage, "research")["source"].startswith("perplexity")
    brand = record(storage, "brand_identity")
    # The simulator serves the logo from Firecrawl's own loopback origin, so it is fetched and set.
    assert brand["source"] == "firecrawl" and brand["fallback_reason"] is None and brand["logo"]
    assert all(c["has_logo"] for c in record(storage, "final_creatives", "A")["creatives"])
    assert {i["provider"] for i in record(storage, "base_images", "A")["images"]} == {"bfl"}
    creatives = record(storage, "final_creatives", "A")["creatives"]
    assert len(creatives) == 4
    rows = campaign.gateway.ledger(JOB_ID, variant="A", phase="compose")
    for c in creatives:
        for r in c["renditions"]:
            for attempt in r["attempts"]:
                scope = (c["image_type"], f"{r['locale']} {r['format']}", attempt["attempt"])
                paid = [row for row in rows if (row.creative, row.rendition, row.attempt) == scope]
                # Each attempt is priced by the ledger rows of its scope.
                assert round(sum(row.cost_usd for row in paid), 6) == attempt["cost_usd"]
                assert {row.provider for row in paid} <= REAL
                edited = any(row.operation == "text_overlay" for row in paid)
                if attempt["trigger"] == "typeset_locally":
                    # The retry policy's zero-cost fallback after the editor failed twice on the text.
                    assert attempt["overlay_provider"] == "local/pillow-typesetter-v1" and not edited
                else:
                    assert attempt["overlay_provider"] == "openai/gpt-image-1" and edited


def test_the_summarys_cost_is_what_the_simulator_billed(campaign: Campaign) -> None:
    costs = record(campaign.storage, "campaign_summary")["costs"]
    billed = campaign.stats["totals"]["billed_usd"]
    assert billed > 0
    assert round(costs["total_usd"], 4) == round(billed, 4), (costs, billed)
    for provider in REAL:
        mine = costs["by_provider_usd"][provider]
        assert round(mine, 4) == round(campaign.stats["providers"][provider]["billed_usd"], 4), provider


def test_the_durable_ledger_equals_the_simulators_billing_exactly(campaign: Campaign) -> None:
    entries = campaign.gateway.ledger(JOB_ID)
    assert entries and all(e.outcome != "reserved" for e in entries)
    assert {e.run_id for e in entries} <= {r.run_id for r in campaign.outcome.runs}
    assert {e.phase for e in entries} >= {"research", "brand_identity", "copy_variants", "base_images"}
    assert {e.variant for e in entries if e.phase == "base_images"} == set(VARIANTS)
    for provider in REAL:
        billed = campaign.stats["providers"][provider]["billed_usd"]
        spent = sum(e.cost_usd for e in entries if e.provider == provider and not e.cached)
        assert round(spent, 6) == round(billed, 6), provider
    summary = record(campaign.storage, "campaign_summary")
    assert summary["ledger"]["total_usd"] == round(campaign.stats["totals"]["billed_usd"], 6)
    kpis = summary["kpis"]
    assert kpis["throughput_seconds"] > 0 and kpis["run_success_rate"] == 1.0
    # the phases the image chains make in one step are one entry, not three with its span each
    assert {p["phase"] for p in kpis["phases"]} >= {"job_posting", "base_images + layouts + final_creatives"}
    assert kpis["estimate_usd"] > 0 and kpis["budget_drift"] is not None


def test_a_run_of_five_variants_bills_each_call_to_its_variant(campaign: Campaign) -> None:
    """The variants in one run: the ledger names each call's variant, and each variant's gate
    report counts its own calls (the ledger equals the bill: the test above)."""
    variants_run = campaign.outcome.runs[1]
    of_run = [e for e in campaign.gateway.ledger(JOB_ID) if e.run_id == variants_run.run_id]
    assert {e.variant for e in of_run} == set(VARIANTS)
    by_variant = Counter(e.variant for e in of_run)
    for variant in VARIANTS:
        record = _latest(campaign.instance, "gate_reports", variant)
        assert record.run_id == variants_run.run_id
        metadata = record.asset_materialization.metadata  # type: ignore[union-attr]
        assert metadata["provider_calls"].value == by_variant[variant]


def test_rerunning_unchanged_partitions_pays_nothing_and_rewrites_the_same_pngs(campaign: Campaign) -> None:
    finals = campaign.storage / "final_creatives" / JOB_ID / "A"
    before = {p.name: p.read_bytes() for p in finals.glob("*.png")}
    billed = campaign.sim.stats()["totals"]["billed_usd"]
    paid = len([e for e in campaign.gateway.ledger(JOB_ID) if not e.cached])
    for job_name, partition in (("campaign_text", JOB_ID), ("campaign_variant", variant_key(JOB_ID, "A"))):
        result = campaign.defs.resolve_job_def(job_name).execute_in_process(
            partition_key=partition, instance=campaign.instance
        )
        assert result.success
    campaign.sim.wait_idle()
    stats = campaign.sim.stats()
    assert stats["totals"]["billed_usd"] == billed
    for endpoint in ("openai.chat_completions", "openai.images_edits", "bfl.submit", "perplexity.responses"):
        assert stats["endpoints"][endpoint]["calls"] == campaign.stats["endpoints"][endpoint]["calls"], (
            endpoint
        )
    entries = campaign.gateway.ledger(JOB_ID)
    assert len([e for e in entries if not e.cached]) == paid
    assert any(e.cached for e in entries)
    assert {p.name: p.read_bytes() for p in finals.glob("*.png")} == before


def test_no_key_reaches_storage_paths_files_or_the_event_log(campaign) -> None:
    _, storage, _, events = campaign
    files = [p for p in storage.rglob("*") if p.is_file()]
    assert files and events
    for key in KEYS.values():
        assert key not in events
        assert all(key not in str(p) for p in files)
        assert all(key.encode() not in p.read_bytes() for p in files)
