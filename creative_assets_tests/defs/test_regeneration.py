"""Regenerate means new: a regeneration a person asks for (a regenerate_* backfill, the review
desk's request on one creative) makes new attempts — new i2i attempt numbers, or a new picture
with its own seed — and never gets an earlier answer back from the cache; a plain re-run of an
unchanged partition changes nothing and writes the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
import pytest

from creative_assets.imaging.canvas import Canvas
from creative_assets.models import IMAGE_TYPES, CopyVariant, Layout
from creative_assets.partitions import variant_key
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalImageEditor
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.support.shared_state import private_copy

JOB = "hoc-4711-pflege"
COMPOSED = [dg.AssetKey(k) for k in ("text_overlays", "final_creatives", "gate_reports")]


class RecordingEditor(LocalImageEditor):
    """The local typesetter, noting the attempt number of every edit per image type. A real
    editor's answers are cached under that number (providers/openai_images.py): a number asked
    before is an answer paid before."""

    asked: ClassVar[list[tuple[str, int]]] = []

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        RecordingEditor.asked.append((layout.image_type, attempt))
        return super().overlay_text(canvas, layout, copy, attempt=attempt)


@dataclass
class Setup:
    defs: dg.Definitions
    instance: dg.DagsterInstance
    storage: Path

    def run(self, job: str, variant: str, **kwargs: Any) -> dg.ExecuteInProcessResult:
        RecordingEditor.asked.clear()
        result = self.defs.resolve_job_def(job).execute_in_process(
            partition_key=variant_key(JOB, variant), instance=self.instance, **kwargs
        )
        assert result.success
        return result

    def record(self, asset: str, variant: str) -> dict[str, Any]:
        return json.loads((self.storage / asset / JOB / variant / "record.json").read_text())["data"]

    def pngs(self, variant: str) -> dict[str, bytes]:
        folder = self.storage / "final_creatives" / JOB / variant
        return {p.name: p.read_bytes() for p in folder.glob("*.png")}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, sample_campaign_home: Path) -> Iterator[Setup]:
    """A copy of the session's sample campaign (every variant made, nothing regenerated yet), so
    the tests start from made creatives without running the campaign again."""
    home = private_copy(tmp_path_factory, sample_campaign_home / "home", "regeneration_home")
    defs = make_defs(home / "storage", image_editor=RecordingEditor())
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield Setup(defs, instance, home / "storage")


def test_a_regeneration_backfill_asks_for_new_attempts_and_a_plain_rerun_changes_nothing(
    setup: Setup,
) -> None:
    # The sample made B's pictures and layouts; composing them again is the plain run whose
    # attempt numbers the rounds below must leave behind (the whole variant runs again below).
    setup.run("campaign_variant", "B", asset_selection=COMPOSED)
    first = {t for t, _ in RecordingEditor.asked}
    assert first == set(IMAGE_TYPES) and all(n < 100 for _, n in RecordingEditor.asked)
    before = setup.pngs("B")

    setup.run("regenerate_creatives", "B")  # what a backfill of the partition runs
    round_1 = RecordingEditor.asked[:]
    assert round_1 and all(101 <= n < 200 for _, n in round_1), round_1
    record = setup.record("final_creatives", "B")
    regenerated = {c["image_type"] for c in record["creatives"] if c["regeneration"]["round"] == 1}
    assert regenerated == {t for t, _ in round_1}

    setup.run("regenerate_creatives", "B")  # asked again: yet another round, not the last one's answer
    assert RecordingEditor.asked and all(n >= 201 for _, n in RecordingEditor.asked)
    after_round_2 = setup.pngs("B")
    assert after_round_2.keys() == before.keys()
    rounds = {c["image_type"]: c["regeneration"] for c in setup.record("final_creatives", "B")["creatives"]}
    assert all(rounds[t]["round"] == 2 for t in regenerated)

    # An unchanged partition run again: each creative keeps its round, and nothing changes.
    setup.run("campaign_variant", "B")
    creatives = setup.record("final_creatives", "B")["creatives"]
    assert {c["image_type"]: c["regeneration"] for c in creatives} == rounds
    assert setup.pngs("B") == after_round_2  # byte-identical


def test_the_desks_request_changes_on_one_creative_draws_it_a_new_picture(setup: Setup) -> None:
    before = setup.record("final_creatives", "D")
    pngs = setup.pngs("D")
    config = {"ops": {"image_chains": {"config": {"image_types": ["lifestyle"], "mode": "picture"}}}}
    setup.run("regenerate_creatives", "D", run_config=config)
    after = setup.record("final_creatives", "D")
    old = {c["image_type"]: c for c in before["creatives"]}
    new = {c["image_type"]: c for c in after["creatives"]}
    assert new["lifestyle"]["regeneration"] == {"round": 1, "mode": "picture"}
    assert new["lifestyle"]["base_sha256"] != old["lifestyle"]["base_sha256"]
    assert new["lifestyle"]["renditions"][0]["attempts"][0]["trigger"] == "regenerate_bfl"
    for other in ("job_focus", "artistic", "location"):  # untouched, byte for byte
        assert new[other]["sha256"] == old[other]["sha256"] and new[other]["regeneration"]["round"] == 0
        assert setup.pngs("D")[f"{other}.png"] == pngs[f"{other}.png"]


def test_regenerate_images_draws_new_seeds_without_a_tag_and_keeps_them_on_a_rerun(setup: Setup) -> None:
    # Only the pictures: what follows them is the other tests' business.
    pictures = dg.AssetKey("base_images")
    seeds = {i["image_type"]: i["seed"] for i in setup.record("base_images", "E")["images"]}
    setup.run("regenerate_images", "E", asset_selection=[pictures])  # as a UI backfill: no tag
    regenerated = setup.record("base_images", "E")
    assert regenerated["generation"] == 1
    new_seeds = {i["image_type"]: i["seed"] for i in regenerated["images"]}
    assert all(new_seeds[t] != seeds[t] for t in IMAGE_TYPES)
    setup.run("campaign_variant", "E", asset_selection=[pictures])
    assert {i["image_type"]: i["seed"] for i in setup.record("base_images", "E")["images"]} == new_seeds
