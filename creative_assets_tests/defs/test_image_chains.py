"""The variant's image chains (defs/chains.py): each image type's picture goes on to its layouts
and its overlay as soon as it passed Gate 1a, while another picture is still being drawn; a run
that selects some phases makes those and loads the others, paying nothing for them again.

The runs start from a private copy of the session's sample campaign and run one variant each;
the providers are the local ones, watched at the resource boundary, with the last image type's
picture held back until some creative's overlay has started (or 20 s have passed: as one step
per phase, no overlay could start before the last picture was drawn).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import first_step_error
from creative_assets.imaging.canvas import Canvas
from creative_assets.models import IMAGE_TYPES, CopyVariant, DesignerPrompt, ImageAnalysis, Layout
from creative_assets.partitions import variant_key
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalImageEditor, ProceduralImageGenerator
from creative_assets.providers.local.images import LocalVisionAnalyzer
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.support.records import latest_variant_materialization
from creative_assets_tests.support.shared_state import private_copy
from creative_assets_tests.test_defs import VARIANT_LEVEL

JOB = "hoc-4711-pflege"
HELD = IMAGE_TYPES[-1]
HOLD_S = 20.0


class Calls:
    """The provider calls of this module's runs, in the order they returned (or started)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.order: list[tuple[str, str]] = []
        self.overlay_started = threading.Event()
        self.held_waited: list[bool] = []

    def add(self, what: str, image_type: str) -> None:
        with self.lock:
            self.order.append((what, image_type))

    def of(self, what: str) -> list[str]:
        return [t for w, t in self.order if w == what]


CALLS = Calls()


class HeldGenerator(ProceduralImageGenerator):
    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        if prompt.image_type == HELD:
            CALLS.held_waited.append(CALLS.overlay_started.wait(timeout=HOLD_S))
        drawn = super().generate(prompt, seed=seed, width=width, height=height, palette=palette)
        CALLS.add("base image done", prompt.image_type)
        return drawn


class WatchedAnalyzer(LocalVisionAnalyzer):
    def analyze(self, png: bytes) -> Generated[ImageAnalysis]:
        CALLS.add("analysis", "?")
        return super().analyze(png)


class WatchedEditor(LocalImageEditor):
    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        CALLS.add("overlay started", layout.image_type)
        CALLS.overlay_started.set()
        return super().overlay_text(canvas, layout, copy, attempt=attempt)


@dataclass
class Home:
    defs: dg.Definitions
    instance: dg.DagsterInstance
    storage: Path

    def run(self, job: str, variant: str, **kwargs: object) -> dg.ExecuteInProcessResult:
        CALLS.__init__()  # type: ignore[misc]
        return self.defs.resolve_job_def(job).execute_in_process(
            instance=self.instance,
            partition_key=str(variant_key(JOB, variant)),
            raise_on_error=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def made_in(self, run_id: str) -> set[str]:
        records = self.instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        return {r.event_log_entry.asset_materialization.asset_key.to_user_string() for r in records}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, sample_campaign_home: Path) -> Iterator[Home]:
    path = private_copy(tmp_path_factory, sample_campaign_home / "home", "chains_home")
    defs = make_defs(
        path / "storage",
        image_generator=HeldGenerator(),
        vision_analyzer=WatchedAnalyzer(),
        image_editor=WatchedEditor(),
    )
    with dg.instance_for_test(temp_dir=str(path)) as instance:
        yield Home(defs, instance, path / "storage")


def test_a_creative_is_composed_while_another_picture_is_still_being_drawn(home: Home) -> None:
    result = home.run("campaign_variant", "A")
    assert result.success
    # The held picture was drawn only after another creative's overlay had started …
    assert CALLS.held_waited and CALLS.held_waited[0], "no overlay started before the last picture was drawn"
    order = CALLS.order
    first_overlay = order.index(next(c for c in order if c[0] == "overlay started"))
    held_done = order.index(("base image done", HELD))
    assert first_overlay < held_done
    # … and every creative was still made, each phase stored once, as its own asset.
    assert set(CALLS.of("base image done")) == set(IMAGE_TYPES)
    assert home.made_in(result.run_id) == VARIANT_LEVEL
    base = latest_variant_materialization(home.instance, "base_images", JOB, "A")
    verdicts = home.instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("base_images"), "gate_1a_no_text")]
    )
    assert base.run_id == result.run_id
    assert verdicts[dg.AssetCheckKey(dg.AssetKey("base_images"), "gate_1a_no_text")].run_id == result.run_id


def test_regenerate_creatives_loads_the_stored_pictures_and_layouts(home: Home) -> None:
    before = {
        a: latest_variant_materialization(home.instance, a, JOB, "B").run_id
        for a in ("base_images", "layouts")
    }
    result = home.run("regenerate_creatives", "B")
    assert result.success
    # Nothing drawn or analysed again: the compose phase ran on the stored ones.
    assert CALLS.of("base image done") == [] and CALLS.of("analysis") == []
    assert CALLS.of("overlay started")
    assert home.made_in(result.run_id) == {"text_overlays", "final_creatives", "gate_reports"}
    after = {
        a: latest_variant_materialization(home.instance, a, JOB, "B").run_id
        for a in ("base_images", "layouts")
    }
    assert after == before
    stored = latest_variant_materialization(home.instance, "base_images", JOB, "B").asset_materialization
    final = latest_variant_materialization(home.instance, "final_creatives", JOB, "B").asset_materialization
    assert final is not None and stored is not None
    # The creatives were made on the stored pictures (their rounds name those pictures' hashes).
    shas = {t: r["base"] for t, r in final.metadata["regeneration"].value.items() if r["base"]}  # type: ignore[union-attr]
    assert set(shas) == set(stored.metadata["seeds"].value)  # type: ignore[arg-type]


def test_base_images_alone_makes_the_pictures_and_nothing_after_them(home: Home) -> None:
    job = home.defs.resolve_implicit_job_def_def_for_assets([dg.AssetKey("base_images")])
    assert job is not None
    CALLS.__init__()  # type: ignore[misc]
    CALLS.overlay_started.set()  # no overlay comes: the held picture need not wait for one
    result = job.execute_in_process(
        instance=home.instance,
        partition_key=str(variant_key(JOB, "C")),
        asset_selection=[dg.AssetKey("base_images")],
        raise_on_error=False,
    )
    assert result.success
    assert set(CALLS.of("base image done")) == set(IMAGE_TYPES)
    assert CALLS.of("analysis") == [] and CALLS.of("overlay started") == []
    assert home.made_in(result.run_id) == {"base_images"}


def test_a_selection_that_skips_a_phase_is_refused_before_any_call(home: Home) -> None:
    job = home.defs.resolve_implicit_job_def_def_for_assets([dg.AssetKey("base_images")])
    assert job is not None
    CALLS.__init__()  # type: ignore[misc]
    result = job.execute_in_process(
        instance=home.instance,
        partition_key=str(variant_key(JOB, "D")),
        asset_selection=[dg.AssetKey("base_images"), dg.AssetKey("final_creatives")],
        raise_on_error=False,
    )
    assert not result.success
    assert "chain_selection" in (first_step_error(result) or "")
    assert CALLS.order == []
