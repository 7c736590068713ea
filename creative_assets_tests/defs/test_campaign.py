"""The whole graph, end to end on the embedded default, into a temporary instance and storage."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import CampaignOutcome
from creative_assets.gates.text_match import TEXT_MATCH_THRESHOLD, read_back
from creative_assets.imaging.png import open_image, validate_png
from creative_assets.models import IMAGE_TYPES, VARIANTS
from creative_assets.resources import OcrReader
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.defs.conftest import SharedCampaign

JOB = "hoc-4711-pflege"


@pytest.fixture(scope="module")
def campaign(shared_campaign: SharedCampaign) -> tuple[CampaignOutcome, Path, dg.DagsterInstance]:
    return shared_campaign.outcome, shared_campaign.storage, shared_campaign.instance


def test_every_phase_succeeds(campaign) -> None:
    outcome, _, _ = campaign
    assert [r.job_name for r in outcome.runs] == [
        "campaign_text",
        *["campaign_variant"] * 5,
        "campaign_rollup",
    ]
    assert outcome.success, [r.error for r in outcome.runs if r.error]


def test_twenty_final_creatives_are_valid_pngs_of_the_configured_format(campaign) -> None:
    """The suite's campaigns render the 1:1 format only (conftest.TEST_SETTINGS): 1080×1080."""
    _, storage, _ = campaign
    finals = [storage / "final_creatives" / JOB / v / f"{t}.png" for v in VARIANTS for t in IMAGE_TYPES]
    assert all(p.is_file() for p in finals)
    assert {validate_png(p.read_bytes()) for p in finals} == {(1080, 1080)}


def test_text_read_back_from_every_final_creative_matches_its_copy(campaign) -> None:
    _, storage, _ = campaign
    deck = json.loads((storage / "copy_variants" / JOB / "record.json").read_text())["data"]
    for variant in deck["variants"]:
        record = json.loads(
            (storage / "final_creatives" / JOB / variant["variant"] / "record.json").read_text()
        )
        for creative in record["data"]["creatives"]:
            png = (storage / "final_creatives" / JOB / variant["variant"] / creative["file"]).read_bytes()
            lines = OcrReader().read_copy(open_image(png))  # as Gate 2 reads it
            for role in ("headline", "subline", "cta"):
                read, score = read_back(variant[role], lines, None)
                assert score >= TEXT_MATCH_THRESHOLD, (creative["creative_id"], role, variant[role], read)


def test_gate_reports_cover_all_twenty_creatives(campaign) -> None:
    _, storage, _ = campaign
    rows = []
    for variant in VARIANTS:
        report = json.loads((storage / "gate_reports" / JOB / variant / "record.json").read_text())["data"]
        rows += report["rows"]
        assert all(set(r["gate_status"]) == {"1b", "2", "3", "4"} for r in report["rows"])
    assert len(rows) == 20
    assert len({r["creative_id"] for r in rows}) == 20


def test_campaign_summary_has_manifest_costs_and_contact_sheet(campaign) -> None:
    _, storage, _ = campaign
    folder = storage / "campaign_summary" / JOB
    summary = json.loads((folder / "record.json").read_text())["data"]
    assert summary["creatives_total"] == 20
    assert summary["gate_pass_rate"] == summary["creatives_passed"] / 20
    assert summary["costs"]["total_usd"] == 0.0  # local providers cost nothing
    rows = list(csv.DictReader(io.StringIO((folder / "ab_test_manifest.csv").read_text())))
    assert len(rows) == 20
    assert {r["test_cell"] for r in rows} <= {*(f"cell-{v}" for v in VARIANTS), "excluded"}
    assert len(json.loads((folder / "ab_test_manifest.json").read_text())) == 20
    width, height = validate_png((folder / "contact_sheet.png").read_bytes())
    assert height > width >= 4 * 200  # 5 rows (variants) × 4 columns (image types)


def test_logo_is_composited_where_the_layout_put_it(campaign) -> None:
    _, storage, _ = campaign
    record = json.loads((storage / "final_creatives" / JOB / "A" / "record.json").read_text())["data"]
    assert all(c["has_logo"] for c in record["creatives"])
    overlay = open_image((storage / "text_overlays" / JOB / "A" / "job_focus.png").read_bytes())
    final = open_image((storage / "final_creatives" / JOB / "A" / "job_focus.png").read_bytes())
    assert overlay.tobytes() != final.tobytes()


def test_materializations_carry_previews_costs_and_check_results(campaign) -> None:
    _, _, instance = campaign
    event = instance.get_latest_materialization_event(dg.AssetKey("final_creatives"))
    metadata = event.asset_materialization.metadata
    assert "data:image/jpeg;base64," in metadata["preview"].value
    assert metadata["cost_usd"].value == 0.0
    assert set(metadata["stored_files"].value) >= {"record.json", "job_focus.png"}
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("base_images"), "gate_1a_no_text")]
    )
    assert check


def test_each_final_creative_shows_its_whole_lineage_in_one_place(campaign) -> None:
    _, storage, instance = campaign
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("final_creatives"), asset_partitions=[f"{JOB}|B"]),
        limit=1,
    ).records[0]
    lineage = record.asset_materialization.metadata["lineage"].value
    stored = json.loads((storage / "final_creatives" / JOB / "B" / "record.json").read_text())["data"]
    deck = json.loads((storage / "copy_variants" / JOB / "record.json").read_text())["data"]
    copy = next(v for v in deck["variants"] if v["variant"] == "B")
    for creative in stored["creatives"]:
        assert f"#### {creative['creative_id']}" in lineage
        assert f"seed {creative['renditions'][0]['attempts'][0]['base_seed']}" in lineage
    assert copy["headline"] in lineage and copy["cta"] in lineage
    assert "by local/procedural-v1" in lineage and "local/pillow-typesetter-v1" in lineage
    for key in ("base_images/", "layouts/", "copy_variants/", "image_prompts/", "brand_identity/"):
        assert key in lineage
    for parent in ("job_focus.png", "record.json"):
        assert (storage / "base_images" / JOB / "B" / parent).exists()


def _materializations(instance: dg.DagsterInstance, asset: str, partition: str) -> list:
    records = dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition])
    return instance.fetch_materializations(records, limit=100).records


def test_regeneration_recomputes_only_what_is_downstream_and_new_seeds_on_request(campaign) -> None:
    _, storage, instance = campaign
    defs = make_defs(storage)
    partition = f"{JOB}|C"
    before = {
        a: len(_materializations(instance, a, partition))
        for a in ("base_images", "layouts", "final_creatives")
    }
    seeds = json.loads((storage / "base_images" / JOB / "C" / "record.json").read_text())["data"]["images"]
    creatives = defs.resolve_job_def("regenerate_creatives").execute_in_process(
        partition_key=partition, instance=instance
    )
    assert creatives.success
    after = {a: len(_materializations(instance, a, partition)) for a in before}
    assert after == {**before, "final_creatives": before["final_creatives"] + 1}

    # Only the pictures, where the seeds are drawn (what follows a new picture is checked in
    # test_regeneration.py): the rest of the job would recompose four creatives for nothing here.
    images = defs.resolve_job_def("regenerate_images").execute_in_process(
        partition_key=partition,
        instance=instance,
        tags={"creative_assets/generation": "1"},
        asset_selection=[dg.AssetKey("base_images")],
    )
    assert images.success
    regenerated = json.loads((storage / "base_images" / JOB / "C" / "record.json").read_text())["data"][
        "images"
    ]
    assert {i["image_type"]: i["seed"] for i in regenerated} != {i["image_type"]: i["seed"] for i in seeds}
    assert len(_materializations(instance, "base_images", partition)) == before["base_images"] + 1
    # The job-level phase was not touched by either regeneration.
    assert len(_materializations(instance, "copy_variants", JOB)) == 1
