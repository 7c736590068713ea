"""Gate 1a end to end: a base image with rendered text is caught and drawn again."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
from PIL import ImageDraw
from pydantic import PrivateAttr

from creative_assets.campaign import ensure_job_partition, run_campaign
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.png import open_image, to_png
from creative_assets.models import DesignerPrompt
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalJobSource, ProceduralImageGenerator
from creative_assets_tests.conftest import make_defs

JOB = "hoc-5120-warehouse"


class TextLeakingGenerator(ProceduralImageGenerator):
    """Like FLUX on a bad day: the first picture of every image type has words painted in."""

    _seen: set[str] = PrivateAttr(default_factory=set)

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        generated = super().generate(prompt, seed=seed, width=width, height=height, palette=palette)
        if prompt.image_type in self._seen:
            return generated
        self._seen.add(prompt.image_type)
        img = open_image(generated.value)
        ImageDraw.Draw(img).text(
            (80, height // 2), "SALE 50% OFF", font=load_font(72, bold=True), fill="white"
        )
        return Generated(to_png(img), generated.made_by)


def test_base_image_with_text_is_caught_and_regenerated(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    defs = make_defs(tmp_path, image_generator=TextLeakingGenerator())
    ensure_job_partition(instance, LocalJobSource(), JOB)
    outcome = run_campaign(defs, instance, JOB, variants=["A"])
    assert outcome.success, [r.error for r in outcome.runs]

    record = json.loads((tmp_path / "base_images" / JOB / "A" / "record.json").read_text())["data"]
    for image in record["images"]:
        first, last = image["attempts"][0], image["attempts"][-1]
        assert not first["passed"]
        read = " ".join(line["text"] for line in first["text_found"]).upper()
        assert "50" in read and ("SALE" in read or "OFF" in read), read  # the painted words were read
        assert last["passed"] and image["gate_1a_passed"]
        assert image["seed"] == last["seed"] != first["seed"]

    check = instance.get_latest_materialization_event(dg.AssetKey("base_images"))
    assert check.asset_materialization.metadata["gate_1a_regenerations"].value == 4


def test_job_without_logo_gets_default_brand_and_no_logo(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    defs = make_defs(tmp_path)
    ensure_job_partition(instance, LocalJobSource(), JOB)
    outcome = run_campaign(defs, instance, JOB, variants=["B"])
    assert outcome.success, [r.error for r in outcome.runs]
    brand = json.loads((tmp_path / "brand_identity" / JOB / "record.json").read_text())
    assert brand["data"]["source"] == "defaults" and brand["data"]["logo"] is None and brand["files"] == []
    finals = json.loads((tmp_path / "final_creatives" / JOB / "B" / "record.json").read_text())["data"]
    assert [c["has_logo"] for c in finals["creatives"]] == [False] * 4
    overlays = tmp_path / "text_overlays" / JOB / "B"
    for creative in finals["creatives"]:
        # Without a logo, phase 4b changes nothing: the final creative is the overlay.
        assert (overlays / creative["file"]).read_bytes() == (
            tmp_path / "final_creatives" / JOB / "B" / creative["file"]
        ).read_bytes()


class AlwaysTextGenerator(ProceduralImageGenerator):
    """A picture that keeps its lettering whatever the seed: only for the lifestyle image."""

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        generated = super().generate(prompt, seed=seed, width=width, height=height, palette=palette)
        if prompt.image_type != "lifestyle":
            return generated
        img = open_image(generated.value)
        ImageDraw.Draw(img).text(
            (80, height // 2), "SALE 50% OFF", font=load_font(72, bold=True), fill="white"
        )
        return Generated(to_png(img), generated.made_by)


def test_text_in_every_generation_fails_that_creative_not_the_variant(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    defs = make_defs(tmp_path, image_generator=AlwaysTextGenerator())
    ensure_job_partition(instance, LocalJobSource(), JOB)
    outcome = run_campaign(defs, instance, JOB, variants=["A"])
    assert outcome.success, [r.error for r in outcome.runs]

    base = json.loads((tmp_path / "base_images" / JOB / "A" / "record.json").read_text())["data"]
    assert sorted(i["image_type"] for i in base["images"]) == ["artistic", "job_focus", "location"]
    failure = base["failed"]["lifestyle"]
    assert failure["code"] == "text_in_base_image" and "SALE" in failure["message"].upper()

    finals = json.loads((tmp_path / "final_creatives" / JOB / "A" / "record.json").read_text())["data"]
    status = {c["image_type"]: c["status"] for c in finals["creatives"]}
    assert status["lifestyle"] == "failed" and len(status) == 4
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("base_images"), "gate_1a_no_text")]
    )
    evaluation = next(iter(check.values())).evaluation
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
