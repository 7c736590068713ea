"""The simulated gpt-image-1 edit follows the layout prompt: each text in its own zone, so the
real client's edit of a planned layout passes the text gates the way a capable model's would,
and a misplaced edit (the `misplaced_overlay` fault) is caught by them."""

from __future__ import annotations

import pytest

from creative_assets.gates.checks import (
    gate_1b_semantic,
    gate_2_text_correctness,
    gate_3_layout_brand,
    gate_4_readability,
)
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.layout_rules import legible_plan
from creative_assets.imaging.ocr import read_text
from creative_assets.imaging.png import open_image, to_png
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.models import CopyVariant, GateResult, ImageType, JobPosting, Layout
from creative_assets.providers.local import LocalResearcher, LocalVisionAnalyzer
from creative_assets.providers.local.brand import default_brand
from creative_assets.providers.local.writer import TemplateTextGenerator
from creative_assets.providers.openai_images import OpenAIImageEditor
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.provider_sim.overlay import zone_texts
from creative_assets_tests.providers.conftest import configure, faults, gateway


@pytest.fixture(scope="module")
def copy(job: JobPosting) -> CopyVariant:
    writer = TemplateTextGenerator()
    return writer.write_copy(writer.fuse_context(job, LocalResearcher().research(job)).value).value[1]


def planned(
    job: JobPosting, copy: CopyVariant, image_type: ImageType, size: tuple[int, int]
) -> tuple[bytes, Layout]:
    base = to_png(draw_base_image(image_type, 11, *size))
    analysis = LocalVisionAnalyzer().analyze(base).value
    brand = default_brand(job.company_name, "test")
    layout = TemplateTextGenerator().design_layout(analysis, copy, brand, image_type).value
    # As make_creative hands it to the editor.
    return base, legible_plan(open_image(base), layout, copy)


def judged(png: bytes, layout: Layout, copy: CopyVariant) -> dict[str, GateResult]:
    img = open_image(png)
    lines = read_text(img)
    return {
        "1b": gate_1b_semantic(lines, layout, logo_box=layout.logo_box),
        "2": gate_2_text_correctness(lines, copy, layout),
        "3": gate_3_layout_brand(
            lines, layout, expected_logo=False, logo_found=False, brand_colors=[], img=img
        ),
        "4": gate_4_readability(img, lines, layout),
    }


def edit(sim: Simulator, base: bytes, layout: Layout, copy: CopyVariant) -> bytes:
    editor = OpenAIImageEditor(api_key="sk-test", base_url=sim.url_for("openai"), gateway=gateway())
    return editor.overlay_text(Canvas.of(base), layout, copy, attempt=1).value


def test_the_prompt_names_each_text_with_its_box(job: JobPosting, copy: CopyVariant) -> None:
    _, layout = planned(job, copy, "lifestyle", (1024, 1024))
    zones = zone_texts(layout.i2i_prompt)
    assert [(z.role, z.text) for z in zones] == [(z.role, getattr(copy, z.role)) for z in layout.zones]
    for parsed, zone in zip(zones, layout.zones, strict=True):
        b = zone.box
        assert parsed.box == pytest.approx((b.x, b.y, b.x + b.w, b.y + b.h), abs=0.006)
        assert parsed.color.upper() == zone.color.upper()
    assert zones[-1].button and zones[-1].opacity == 1.0


@pytest.mark.parametrize(
    ("image_type", "size"),
    [
        ("job_focus", (1024, 1024)),
        ("lifestyle", (1024, 1024)),
        ("artistic", (1080, 1920)),
        ("location", (1920, 1080)),
    ],
)
def test_an_edit_of_a_planned_layout_passes_the_text_gates(
    sim: Simulator, job: JobPosting, copy: CopyVariant, image_type: ImageType, size: tuple[int, int]
) -> None:
    """The 9:16 story is padded into the edit canvas: the boxes are found through the mask."""
    configure(sim)
    base, layout = planned(job, copy, image_type, size)
    results = judged(edit(sim, base, layout, copy), layout, copy)
    assert {gate: r.status for gate, r in results.items()} == dict.fromkeys(results, "PASS"), {
        gate: r.summary for gate, r in results.items()
    }


def test_a_misplaced_edit_fails_the_text_gates(sim: Simulator, job: JobPosting, copy: CopyVariant) -> None:
    configure(sim, endpoints=faults("openai.images_edits", misplaced_overlay=1.0))
    base, layout = planned(job, copy, "location", (1024, 1024))
    results = judged(edit(sim, base, layout, copy), layout, copy)
    assert "FAIL" in (results["1b"].status, results["2"].status, results["3"].status)
    assert sim.requests()[-1]["fault"] == "misplaced_overlay"
