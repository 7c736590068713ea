"""OpenAI image clients through the official SDK against the simulator: the gpt-image-1 text
overlay (edit canvas, mask, sizes, failures) and the vision analysis and review."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from creative_assets.errors import ProviderFailure
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.imaging.canvas import Canvas, fit_frame
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import open_image, sha256, to_png, validate_png
from creative_assets.models import (
    CopyVariant,
    JobPosting,
    Layout,
    VisionReview,
)
from creative_assets.providers.local import LocalResearcher, LocalVisionAnalyzer
from creative_assets.providers.local.brand import default_brand
from creative_assets.providers.local.writer import TemplateTextGenerator
from creative_assets.providers.openai_images import (
    OpenAIImageEditor,
    OpenAIVisionAnalyzer,
    edit_size,
    zone_mask,
)
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import (
    billed,
    configure,
    endpoint_stats,
    faults,
    gateway,
    picture,
)

EDITS = "openai.images_edits"


@pytest.fixture(scope="module")
def base_png() -> bytes:
    return picture(1024, 1024)


@pytest.fixture(scope="module")
def local_copy(job: JobPosting) -> CopyVariant:
    writer = TemplateTextGenerator()
    context = writer.fuse_context(job, LocalResearcher().research(job)).value
    return writer.write_copy(context).value[0]


@pytest.fixture(scope="module")
def layout(base_png: bytes, local_copy: CopyVariant, job: JobPosting) -> Layout:
    analysis = LocalVisionAnalyzer().analyze(base_png).value
    brand = default_brand(job.company_name, "test")
    return TemplateTextGenerator().design_layout(analysis, local_copy, brand, "location").value


# ----------------------------------------------------------------------------- image edit + vision
def editor(sim: Simulator, **config: object) -> OpenAIImageEditor:
    return OpenAIImageEditor(api_key="sk-test", base_url=sim.url_for("openai"), gateway=gateway(), **config)  # type: ignore[arg-type]


def test_edit_renders_the_copy_and_costs_one_image(
    sim: Simulator, base_png: bytes, layout: Layout, local_copy: CopyVariant
) -> None:
    configure(sim)
    client = editor(sim)
    result = client.overlay_text(Canvas.of(base_png), layout, local_copy, attempt=1)
    assert validate_png(result.value) == (1024, 1024)
    (call,) = client.gateway.ledger()
    assert (call.provider, call.model, call.operation, call.cost_usd) == (
        "openai",
        "gpt-image-1",
        "text_overlay",
        0.04,
    )
    assert billed(sim) == 0.04
    (request,) = [r for r in sim.requests() if r["endpoint"] == EDITS]
    assert request["rendered_texts"] == [local_copy.headline, local_copy.subline, local_copy.cta]


def test_the_mask_opens_only_the_text_zones(layout: Layout) -> None:
    mask = Image.open(io.BytesIO(zone_mask((1024, 1024), layout)))
    assert mask.mode == "RGBA" and mask.size == (1024, 1024)
    alpha = mask.getchannel("A")
    for zone in layout.zones:
        left, top, right, bottom = zone.box.to_pixels(1024, 1024)
        assert alpha.getpixel(((left + right) // 2, (top + bottom) // 2)) == 0  # editable
    assert alpha.getpixel((2, 2)) == 255 and alpha.getpixel((1021, 1021)) == 255  # kept as it is


def test_edit_of_a_wide_image_comes_back_at_its_size(
    sim: Simulator, layout: Layout, local_copy: CopyVariant
) -> None:
    configure(sim)
    assert edit_size(1200, 800) == "1536x1024"
    edited = editor(sim).overlay_text(Canvas.of(picture(1200, 800)), layout, local_copy, attempt=2)
    assert validate_png(edited.value) == (1200, 800)


@pytest.mark.parametrize(
    ("size", "edit"),
    [
        ((1080, 1920), "1024x1536"),
        ((1080, 1350), "1024x1536"),
        ((1920, 1080), "1536x1024"),
        ((1080, 1080), "1024x1024"),
    ],
)
def test_an_ad_format_is_edited_padded_to_the_models_size_and_comes_back_unstretched(
    sim: Simulator, layout: Layout, local_copy: CopyVariant, size: tuple[int, int], edit: str
) -> None:
    """gpt-image-1 has three sizes; a 9:16 story is sent fitted into 1024×1536 with masked
    padding and cut out again, so a circle stays a circle."""
    configure(sim)
    assert edit_size(*size) == edit
    width, height = (int(v) for v in edit.split("x"))
    left, top, right, bottom = fit_frame(size, (width, height))
    assert abs((right - left) / (bottom - top) - size[0] / size[1]) < 0.01
    img = Image.new("RGB", size, (200, 210, 220))
    radius = round(0.08 * min(size))
    # a red disc where no text zone is (the simulator paints the quoted copy into the zones)
    fy = next(
        f
        for f in (0.8, 0.2, 0.5, 0.65, 0.35)
        if not any(z.box.y - 0.1 < f < z.box.y + z.box.h + 0.1 for z in layout.zones)
    )
    cx, cy = size[0] // 2, round(fy * size[1])
    ImageDraw.Draw(img).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 0, 0))
    edited = editor(sim).overlay_text(Canvas.of(to_png(img)), layout, local_copy, attempt=1)
    out = open_image(edited.value).convert("RGB")
    assert out.size == size
    mask = Image.new("L", size)
    mask.putdata([255 if r > 200 and g < 60 and b < 60 else 0 for r, g, b in out.getdata()])
    x0, y0, x1, y1 = mask.getbbox()  # type: ignore[misc]
    assert abs((x1 - x0) / (y1 - y0) - 1.0) < 0.03


def test_edit_moderation_and_server_errors(
    sim: Simulator, base_png: bytes, layout: Layout, local_copy: CopyVariant
) -> None:
    configure(sim, endpoints=faults(EDITS, moderated=1.0))
    with pytest.raises(ProviderFailure) as info:
        editor(sim).overlay_text(Canvas.of(base_png), layout, local_copy, attempt=1)
    assert info.value.code == "moderated" and info.value.call.outcome == "moderated"  # type: ignore[union-attr]
    configure(sim, seed=10, endpoints=faults(EDITS, server_503=0.5))
    assert editor(sim).overlay_text(Canvas.of(base_png), layout, local_copy, attempt=1).value
    assert endpoint_stats(sim, EDITS)["responses"] == {"503": 1, "200": 1}


def test_vision_zones_are_merged_with_measured_regions(sim: Simulator, base_png: bytes) -> None:
    configure(sim)
    local = LocalVisionAnalyzer().analyze(base_png).value
    hub = gateway()
    result = OpenAIVisionAnalyzer(api_key="sk-test", base_url=sim.url_for("openai"), gateway=hub).analyze(
        base_png
    )
    analysis = result.value
    assert analysis.provider == "openai" and analysis.sha256 == local.sha256 == sha256(base_png)
    assert len(analysis.regions) >= len(local.regions)
    assert [r.detail for r in analysis.regions] == sorted(r.detail for r in analysis.regions)
    assert analysis.corner_detail == local.corner_detail
    (call,) = hub.ledger()
    assert call.operation == "image_analysis" and round(call.cost_usd, 6) == round(billed(sim), 6)


# The reliability benchmark's fault mix (benchmarks/reliability.py): 18 % of requests fail transiently.
FAULT_MIX = {
    "rate_limit_429": 0.10,
    "server_500": 0.025,
    "server_503": 0.025,
    "truncated_json": 0.015,
    "malformed_json": 0.015,
}


@pytest.mark.parametrize(
    "seed",
    [
        7885,  # 429, 429, 429, 429, then an answer: the creative the benchmark lost in layouts
        11296,  # 500, 500, 429, 429, then an answer
    ],
)
def test_a_run_of_transient_faults_costs_retries_not_the_analysis(
    sim: Simulator, base_png: bytes, seed: int
) -> None:
    # Four transient faults in a row on one call happen about once a campaign's hundred calls
    # in ten under that mix; they used to spend the call's whole budget and lose the creative.
    configure(sim, seed=seed, endpoints={"*": {"faults": FAULT_MIX}})
    hub = gateway()
    fast = RetryPolicy(backoff_s=0.001, max_backoff_s=0.005)  # the default budget, short backoffs
    url = sim.url_for("openai")
    analyzer = OpenAIVisionAnalyzer(api_key="sk-test", base_url=url, gateway=hub, retry=fast)
    assert analyzer.analyze(base_png).value.provider == "openai"
    rows = hub.ledger()
    assert [r.outcome for r in rows] == ["error"] * 4 + ["ok"]
    assert rows[3].error_code == "rate_limited"


def test_vision_review_is_off_unless_configured(base_png: bytes) -> None:
    analyzer = OpenAIVisionAnalyzer(
        api_key="sk-test", base_url="http://127.0.0.1:9", gateway=gateway()
    )  # never called
    layout = review_layout(base_png)
    assert analyzer.review_creative(base_png, layout, COPY_FOR_REVIEW) is None


def test_vision_review_for_gate_1b_is_parsed_and_billed(sim: Simulator, base_png: bytes) -> None:
    configure(sim)
    analyzer = OpenAIVisionAnalyzer(
        api_key="sk-test", base_url=sim.url_for("openai"), review_creatives=True, gateway=gateway()
    )
    layout = review_layout(base_png)
    result = analyzer.review_creative(base_png, layout, COPY_FOR_REVIEW)
    assert result is not None and isinstance(result.value, VisionReview)
    (call,) = analyzer.gateway.ledger()
    assert call.operation == "creative_review" and round(call.cost_usd, 6) == round(billed(sim), 6)


def review_layout(base_png: bytes) -> Layout:
    analysis = LocalVisionAnalyzer().analyze(base_png).value
    return plan_layout(analysis, COPY_FOR_REVIEW, default_brand("Acme", "test"), "lifestyle", has_logo=False)


COPY_FOR_REVIEW = CopyVariant(
    variant="A",
    angle="benefits",
    headline="Pflegefachkraft gesucht",
    subline="Tarifliche Vergütung und 30 Tage Urlaub",
    benefits=["30 Tage Urlaub"],
    cta="Jetzt bewerben",
    emotional_anchors=["Sicherheit"],
    style="warm",
)
