"""A job's variants in one run (defs/variants.py): one run over a partition range of variants
materializes every phase once per variant partition, each with its own value, metadata and gate
verdicts, as runs of one partition each would. (That such a run bills each provider call to its
variant is checked on the real clients against the simulator, in providers/test_pipeline_sim.py,
whose campaign runs its five variants in one run.)

The runs here cover the range job|A…job|B, not all five: Dagster expands a range into its
partition keys (`context.partition_keys`) and `each_variant` runs the same loop over them
whatever their number, so two partitions are the smallest run that shows each keeps its own
value, metadata and verdicts (a value, a headline or a verdict written once, or
onto the other partition, still fails). That the chain sensor asks for the range of all five is
asserted on its request (automation/test_sensors.py, deploy/test_daemon_sensors.py); three more
variants here would cost three variant runs and check nothing more."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.partitions import variant_key, variants_run_tags
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.support.records import latest_variant_materialization
from creative_assets_tests.support.shared_state import private_copy

JOB = "hoc-4711-pflege"
# The range of the runs here (see the module docstring).
RUN_VARIANTS = ("A", "B")
PHASES = ["image_prompts", "base_images", "layouts", "text_overlays", "final_creatives", "gate_reports"]


@pytest.fixture(scope="module")
def one_run(
    tmp_path_factory: pytest.TempPathFactory, sample_campaign_home: Path
) -> tuple[dg.DagsterInstance, Path, str]:
    """The sample campaign as made, then its variants A and B again in one run."""
    home = private_copy(tmp_path_factory, sample_campaign_home / "home", "dagster_home")
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        defs = make_defs(home / "storage")
        result = defs.resolve_job_def("campaign_variant").execute_in_process(
            instance=instance, tags=variants_run_tags(JOB, RUN_VARIANTS), raise_on_error=False
        )
        assert result.success
        yield instance, home / "storage", result.run_id


def _latest(instance: dg.DagsterInstance, asset: str, variant: str) -> dg.EventLogRecord:
    return latest_variant_materialization(instance, asset, JOB, variant)


def test_one_run_materializes_every_phase_once_per_variant(one_run) -> None:
    instance, _, run_id = one_run
    materialized = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    by_asset: dict[str, list[str]] = {}
    for record in materialized:
        event = record.event_log_entry.asset_materialization
        assert event is not None
        by_asset.setdefault(event.asset_key.to_user_string(), []).append(str(event.partition))
    assert {asset: sorted(keys) for asset, keys in by_asset.items()} == {
        asset: [str(variant_key(JOB, v)) for v in RUN_VARIANTS] for asset in PHASES
    }


def test_each_partition_has_its_own_metadata_and_stored_value(one_run) -> None:
    instance, storage, run_id = one_run
    headlines = set()
    for variant in RUN_VARIANTS:
        record = _latest(instance, "final_creatives", variant)
        assert record.run_id == run_id
        metadata = record.asset_materialization.metadata  # type: ignore[union-attr]
        stored = json.loads((storage / "final_creatives" / JOB / variant / "record.json").read_text())["data"]
        assert stored["variant"] == variant
        assert metadata["headline"].value == stored["copy_variant"]["headline"]
        assert metadata["path"].value == str(storage / "final_creatives" / JOB / variant)
        assert f"-{variant}-" in metadata["lineage"].value  # creative ids name their variant
        headlines.add(metadata["headline"].value)
    assert len(headlines) == len(RUN_VARIANTS)  # not one variant's metadata copied onto the others


def test_each_partition_has_its_own_gate_verdicts(one_run) -> None:
    instance, _, run_id = one_run
    for check in ("gate_1a_no_text", "gate_2_text_correctness"):
        asset = "base_images" if check == "gate_1a_no_text" else "final_creatives"
        history = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey(asset), check), limit=50
        )
        of_run = {r.partition: r for r in history if r.run_id == run_id}
        assert sorted(of_run) == [str(variant_key(JOB, v)) for v in RUN_VARIANTS]
        for variant in RUN_VARIANTS:
            evaluation = of_run[str(variant_key(JOB, variant))].event.dagster_event.event_specific_data  # type: ignore[union-attr]
            target = evaluation.target_materialization_data
            assert target is not None and target.storage_id == _latest(instance, asset, variant).storage_id
