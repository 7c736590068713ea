"""The code location loads and its graph holds every phase with the right partitions."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from creative_assets.definitions import defs
from creative_assets.partitions import job_partitions, job_variant_partitions

JOB_LEVEL = {
    "job_posting",
    "research",
    "copy_variants",
    "brand_identity",
    "campaign_summary",
    "export_bundle",
}
VARIANT_LEVEL = {
    "image_prompts",
    "base_images",
    "layouts",
    "text_overlays",
    "final_creatives",
    "gate_reports",
}


def test_definitions_load_with_every_phase() -> None:
    loaded = defs()
    graph = loaded.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == JOB_LEVEL | VARIANT_LEVEL
    for key in JOB_LEVEL:
        assert graph.get(dg.AssetKey(key)).partitions_def == job_partitions
    for key in VARIANT_LEVEL:
        assert graph.get(dg.AssetKey(key)).partitions_def == job_variant_partitions


def test_lineage_edges_follow_the_phases() -> None:
    graph = defs().resolve_asset_graph()

    def parents(key: str) -> set[str]:
        return {p.to_user_string() for p in graph.get(dg.AssetKey(key)).parent_keys}

    assert parents("copy_variants") == {"job_posting", "research"}
    assert parents("base_images") == {"image_prompts", "brand_identity"}
    assert "text_overlays" in parents("final_creatives")
    assert parents("campaign_summary") >= {"gate_reports", "final_creatives", "copy_variants"}
    assert parents("export_bundle") == {"campaign_summary", "final_creatives"}


def test_gates_are_checks_on_the_assets_they_judge() -> None:
    checks = {(k.asset_key.to_user_string(), k.name) for k in defs().resolve_asset_graph().asset_check_keys}
    assert ("base_images", "gate_1a_no_text") in checks
    assert {n for a, n in checks if a == "final_creatives"} == {
        "gate_1b_semantic",
        "gate_2_text_correctness",
        "gate_3_layout_brand",
        "gate_4_readability",
    }


def test_campaign_jobs_exist() -> None:
    loaded = defs()
    for name in ("campaign_text", "campaign_variant", "campaign_rollup"):
        assert loaded.resolve_job_def(name)
    rollup = loaded.resolve_job_def("campaign_rollup").asset_layer.selected_asset_keys
    assert {k.to_user_string() for k in rollup} == {"campaign_summary", "export_bundle"}


def test_loading_the_code_location_prints_no_preview_warning() -> None:
    """The partitioned gate checks are a preview feature used knowingly (partitions.py): loading
    the definitions, as every command and run worker does, must not print its warning."""
    loaded = subprocess.run(
        [sys.executable, "-W", "error::dagster.PreviewWarning", "-c", "import creative_assets.definitions"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert "PreviewWarning" not in loaded.stderr
