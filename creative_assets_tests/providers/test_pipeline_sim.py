"""One whole campaign (job-level run, variants A–E, roll-up: 20 creatives) with every real
client, pointed at the simulator purely through environment variables, wired the way
`deployment_resources()` is."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from creative_assets.campaign import CampaignOutcome, ensure_job_partition, run_campaign
from creative_assets.definitions import build_definitions, local_resources
from creative_assets.imaging.png import validate_png
from creative_assets.models import IMAGE_TYPES, VARIANTS, ProviderCall
from creative_assets.providers.select import choice_from_env, provider_resources
from creative_assets.sim import fast_config, running_simulator
from creative_assets_tests.providers.conftest import JOB_ID

REAL = {"openai", "bfl", "perplexity", "firecrawl"}
# Keys the simulator insists on: a client that did not send its key would fail the run.
KEYS = {p: f"{p}-key-PIPELINE-7f3a9c" for p in ("openai", "bfl", "perplexity", "firecrawl", "hoc")}


@pytest.fixture(scope="module")
def campaign(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CampaignOutcome, Path, dict[str, Any], str]]:
    storage = tmp_path_factory.mktemp("storage")
    with pytest.MonkeyPatch.context() as env, running_simulator(fast_config(api_keys=KEYS)) as sim:
        for name, value in sim.env().items():
            env.setenv(name, value)
        env.setenv("CREATIVE_ASSETS_PROVIDERS", "all=real")
        # Exactly what deployment_resources() does with the wiring proposed for it.
        resources = {**local_resources(str(storage)), **provider_resources(choice_from_env(os.environ))}
        defs = build_definitions(resources)
        with dg.instance_for_test() as instance:
            with dg.build_resources({"job_source": resources["job_source"]}) as built:
                ensure_job_partition(instance, built.job_source, JOB_ID)
            outcome = run_campaign(defs, instance, JOB_ID)
            sim.wait_idle()
            events = "\n".join(str(e) for run in outcome.runs for e in instance.all_logs(run.run_id))
            yield outcome, storage, sim.stats(), events


def record(storage: Path, asset: str, *parts: str) -> dict[str, Any]:
    return json.loads((storage / asset / JOB_ID / Path(*parts) / "record.json").read_text())["data"]


def test_campaign_runs_on_the_real_clients(campaign) -> None:
    outcome, storage, _, _ = campaign
    assert [r.job_name for r in outcome.runs] == [
        "campaign_text",
        *["campaign_variant"] * 5,
        "campaign_rollup",
    ]
    assert outcome.success, [r.error for r in outcome.runs if r.error]
    finals = [storage / "final_creatives" / JOB_ID / v / f"{t}.png" for v in VARIANTS for t in IMAGE_TYPES]
    assert len(finals) == 20
    assert {validate_png(p.read_bytes()) for p in finals} == {(1024, 1024)}
    assert record(storage, "campaign_summary")["creatives_total"] == 20


def test_every_step_was_done_by_the_real_providers(campaign) -> None:
    _, storage, _, _ = campaign
    assert record(storage, "research")["source"].startswith("perplexity")
    brand = record(storage, "brand_identity")
    # The simulator's logo is on loopback, which production settings refuse: said, not hidden.
    assert brand["source"] == "firecrawl" and "non-public address" in brand["fallback_reason"]
    assert {i["provider"] for i in record(storage, "base_images", "A")["images"]} == {"bfl"}
    creatives = record(storage, "final_creatives", "A")["creatives"]
    assert len(creatives) == 4
    for creative in creatives:
        for attempt in creative["attempts"]:
            if attempt["trigger"] == "typeset_locally":
                # The retry policy's zero-cost fallback after the editor failed twice on the text.
                assert attempt["overlay_provider"] == "local/pillow-typesetter-v1"
                assert all(c["cost_usd"] == 0 for c in attempt["calls"] if c["provider"] == "local")
            else:
                assert attempt["overlay_provider"] == "openai/gpt-image-1"
                assert {c["provider"] for c in attempt["calls"]} <= REAL


def test_ledger_cost_equals_what_the_simulator_billed(campaign) -> None:
    _, storage, stats, _ = campaign
    calls = [
        ProviderCall.model_validate(c)
        for c in [
            *record(storage, "research")["calls"],
            *record(storage, "brand_identity")["calls"],
            *record(storage, "copy_variants")["calls"],
            *(call for v in VARIANTS for call in record(storage, "gate_reports", v)["calls"]),
        ]
    ]
    assert REAL <= {c.provider for c in calls} <= REAL | {"local"}
    assert all(c.cost_usd == 0 for c in calls if c.provider == "local")  # only the typeset fallback
    assert all(c.outcome == "ok" for c in calls)
    ledger = sum(c.cost_usd for c in calls)
    billed = stats["totals"]["billed_usd"]
    assert ledger > 0
    assert round(ledger, 2) == round(billed, 2), (ledger, billed)
    # The campaign summary reports the same money the providers billed.
    assert round(record(storage, "campaign_summary")["costs"]["total_usd"], 4) == round(billed, 4)
    for provider in REAL:
        mine = sum(c.cost_usd for c in calls if c.provider == provider)
        assert round(mine, 4) == round(stats["providers"][provider]["billed_usd"], 4), provider


def test_no_key_reaches_storage_paths_files_or_the_event_log(campaign) -> None:
    _, storage, _, events = campaign
    files = [p for p in storage.rglob("*") if p.is_file()]
    assert files and events
    for key in KEYS.values():
        assert key not in events
        assert all(key not in str(p) for p in files)
        assert all(key.encode() not in p.read_bytes() for p in files)
