"""OpenAI text, image-edit and vision clients through the official SDK against the simulator,
which enforces the strict structured-output schema rules as the real API does."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image, ImageDraw
from pydantic import Field

from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import open_image, sha256, to_png, validate_png
from creative_assets.models import (
    IMAGE_TYPES,
    VARIANTS,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    JobPosting,
    Layout,
    Model,
    ProviderCall,
    VisionReview,
)
from creative_assets.providers import openai_client
from creative_assets.providers.http import ProviderFailure
from creative_assets.providers.local import LocalResearcher, LocalVisionAnalyzer, ProceduralImageGenerator
from creative_assets.providers.local.brand import default_brand
from creative_assets.providers.local.writer import TemplateTextGenerator
from creative_assets.providers.openai_images import (
    OpenAIImageEditor,
    OpenAIVisionAnalyzer,
    VisionZones,
    edit_frame,
    edit_size,
    zone_mask,
)
from creative_assets.providers.openai_text import OpenAITextGenerator, TypographyNotes
from creative_assets.providers.strict_schema import SchemaError, drop_nulls, strict_schema
from creative_assets.sim import Simulator
from creative_assets.sim.schema_strict import strict_schema_error
from creative_assets_tests.providers.conftest import (
    SECRET,
    configure,
    endpoint_stats,
    error_text,
    faults,
    gateway,
)

CHAT = "openai.chat_completions"
EDITS = "openai.images_edits"


def writer(sim: Simulator, key: str = "sk-test", **config: object) -> OpenAITextGenerator:
    return OpenAITextGenerator(api_key=key, base_url=sim.url_for("openai"), gateway=gateway(), **config)  # type: ignore[arg-type]


def billed(sim: Simulator) -> float:
    return sim.stats()["providers"]["openai"]["billed_usd"]


PALETTE = ["#1f3a5f", "#f4f1ea", "#f29e38"]


def picture(width: int, height: int, image_type: str = "location") -> bytes:
    prompt = DesignerPrompt(image_type=image_type, prompt="a calm lake under a wide sky")  # type: ignore[arg-type]
    return (
        ProceduralImageGenerator().generate(prompt, seed=3, width=width, height=height, palette=PALETTE).value
    )


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


# ----------------------------------------------------------------------------- strict schemas
@pytest.mark.parametrize(
    ("model", "omit"),
    [(CopyVariant, {"variant"}), (TypographyNotes, set()), (VisionZones, set()), (JobPosting, set())],
)
def test_generated_schemas_pass_the_strict_rules(model: type[Model], omit: set[str]) -> None:
    assert strict_schema_error(strict_schema(model, omit=omit), "strict") is None


def test_length_limits_move_into_the_description_and_nulls_give_defaults() -> None:
    assert strict_schema_error(CopyVariant.model_json_schema(), "raw") is not None  # as pydantic makes it
    schema = strict_schema(CopyVariant)
    assert schema["properties"]["headline"]["description"] == "3 to 60 characters"
    assert drop_nulls({"job_id": "x", "salary": None, "requirements": None}, JobPosting) == {
        "job_id": "x",
        "salary": None,
    }
    with pytest.raises(SchemaError):
        strict_schema(ImageAnalysis)  # corner_detail is a free-form dict


# ----------------------------------------------------------------------------- text
def test_every_text_step_returns_our_models_priced_like_the_bill(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    text = writer(sim)
    fused = text.fuse_context(job, LocalResearcher().research(job))
    context = fused.value
    assert (context.company, context.location, context.salary) == ("Klinikum am See", "Konstanz", job.salary)
    copy = text.write_copy(context)
    assert [v.variant for v in copy.value] == list(VARIANTS)
    art = text.direct_images(context, copy.value[0])
    assert tuple(p.image_type for p in art.value.prompts) == IMAGE_TYPES
    assert all("no text" in p.prompt.lower() for p in art.value.prompts)
    analysis = LocalVisionAnalyzer().analyze(picture(512, 512, "job_focus")).value
    brand = default_brand(job.company_name, "test")
    designed = text.design_layout(analysis, copy.value[0], brand, "job_focus")
    quoted = [f'"{copy.value[0].headline}"', f'"{copy.value[0].subline}"', f'"{copy.value[0].cta}"']
    assert all(q in designed.value.i2i_prompt for q in quoted)
    assert designed.value.i2i_prompt.count('"') == 6  # the style notes add no quoted (rendered) text
    calls = [*fused.calls, *copy.calls, *art.calls, *designed.calls]
    operations = ["context_fusion", "copywriting", "meta_analysis", "designer_prompts", "layout_design"]
    assert [c.operation for c in calls] == operations
    assert all(c.provider == "openai" and c.model.startswith("gpt-4o") and c.units > 0 for c in calls)
    assert round(sum(c.cost_usd for c in calls), 6) == round(billed(sim), 6)


def test_refusal_and_length_cutoff_are_their_own_codes(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults(CHAT, moderated=1.0))
    with pytest.raises(ProviderFailure) as refused:
        writer(sim).fuse_context(job, LocalResearcher().research(job))
    assert refused.value.code == "refusal" and refused.value.call.outcome == "moderated"  # type: ignore[union-attr]
    configure(sim)
    context = TemplateTextGenerator().fuse_context(job, LocalResearcher().research(job)).value
    with pytest.raises(ProviderFailure) as cut:
        writer(sim, max_completion_tokens=100).write_copy(context)
    assert cut.value.code == "output_truncated" and "max_completion_tokens" in str(cut.value)


class Slogan(Model):
    slogan: str = Field(min_length=80)  # strict mode cannot enforce this: only validation can


def test_an_answer_that_breaks_the_model_is_invalid_model_output_and_never_cached(sim: Simulator) -> None:
    """Strict mode cannot carry min/maxLength, so only our validation can refuse such an answer.
    It is sent back once with the problem (CORRECTIONS); a second misfit fails the call."""
    configure(sim)
    text = writer(sim)

    def ask() -> None:
        text._ask(
            "copywriting",
            "slogan",
            strict_schema(Slogan),
            "Write a slogan.",
            {"job": "nurse"},
            lambda data, call: text._validate(Slogan, data, call, "slogan"),
        )

    with pytest.raises(ProviderFailure) as info:
        ask()
    assert info.value.code == "invalid_model_output" and "slogan: String should have at least 80" in str(
        info.value
    )
    assert endpoint_stats(sim, CHAT)["calls"] == 1 + openai_client.CORRECTIONS
    with pytest.raises(ProviderFailure):
        ask()  # asked again, not replayed from the cache
    assert endpoint_stats(sim, CHAT)["calls"] == 2 * (1 + openai_client.CORRECTIONS)
    entries = text.gateway.ledger()
    assert [e.error_code for e in entries] == ["invalid_model_output"] * 2 * (1 + openai_client.CORRECTIONS)
    assert all(e.cost_usd > 0 and not e.cached for e in entries)  # billed, so on the ledger


def test_a_rejected_answer_is_sent_back_once_and_the_corrected_one_is_kept(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The correction request carries the rejected answer and what was wrong with it (not the
    hint meant for people); both calls are billed and both are in the records returned."""
    configure(sim)
    text = writer(sim)
    sent: list[list[dict]] = []
    real = openai_client._chat_once

    def spy(resource, model, operation, name, schema, messages, *rest):  # type: ignore[no-untyped-def]
        sent.append(messages)
        return real(resource, model, operation, name, schema, messages, *rest)

    monkeypatch.setattr(openai_client, "_chat_once", spy)
    answers: list[object] = []

    def parse(data: object, call: ProviderCall) -> object:
        answers.append(data)  # the first answer is held to a length no sample reaches
        return text._validate(Slogan, data, call, "slogan") if len(answers) == 1 else data

    value, calls = text._ask("copywriting", "slogan", strict_schema(Slogan), "Write a slogan.", {}, parse)
    assert value == answers[1] != answers[0]
    assert [(c.outcome, c.cost_usd > 0) for c in calls] == [("error", True), ("ok", True)]
    first, second = sent
    assert second[: len(first)] == first
    assert second[-2] == {"role": "assistant", "content": json.dumps(answers[0], ensure_ascii=False)}
    correction = second[-1]["content"]
    assert "slogan: String should have at least 80" in correction and "re-run the step" not in correction
    entries = text.gateway.ledger()
    assert [(e.outcome, e.error_code) for e in entries] == [("error", "invalid_model_output"), ("ok", None)]
    assert round(sum(e.cost_usd for e in entries), 6) == round(billed(sim), 6)


@pytest.mark.parametrize(("fault", "status"), [("rate_limit_429", "429"), ("server_500", "500")])
def test_sdk_retries_429_and_500_once_and_succeeds(
    sim: Simulator, job: JobPosting, fault: str, status: str
) -> None:
    configure(sim, seed=10, endpoints=faults(CHAT, **{fault: 0.5}))  # seed 10: fault, then none
    assert writer(sim).fuse_context(job, LocalResearcher().research(job)).value.company == job.company_name
    assert endpoint_stats(sim, CHAT)["responses"] == {status: 1, "200": 1}


def test_timeouts_are_retried_by_the_sdk_then_reported(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults(CHAT, timeout=1.0))
    with pytest.raises(ProviderFailure) as info:
        writer(sim, timeout_s=0.15, max_retries=1).fuse_context(job, LocalResearcher().research(job))
    assert info.value.code == "timeout"
    assert endpoint_stats(sim, CHAT)["calls"] == 2


def test_truncated_json_is_invalid_response(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults(CHAT, truncated_json=1.0))
    with pytest.raises(ProviderFailure) as info:
        writer(sim).fuse_context(job, LocalResearcher().research(job))
    assert info.value.code == "invalid_response"
    assert endpoint_stats(sim, CHAT)["calls"] == 1


def test_wrong_key_and_unpriced_model_fail_fast(sim: Simulator, job: JobPosting) -> None:
    research = LocalResearcher().research(job)
    configure(sim, api_keys={"openai": "sk-right"})
    with pytest.raises(ProviderFailure) as auth:
        writer(sim, key=SECRET).fuse_context(job, research)
    assert auth.value.code == "auth_failed" and "OPENAI_API_KEY" in str(auth.value)
    assert SECRET not in error_text(auth.value)
    assert endpoint_stats(sim, CHAT)["calls"] == 1
    configure(sim)
    with pytest.raises(ProviderFailure) as unknown:
        writer(sim, model="gpt-nope").fuse_context(job, research)
    assert unknown.value.code == "bad_request" and "no price for model 'gpt-nope'" in str(unknown.value)
    assert endpoint_stats(sim, CHAT)["calls"] == 0  # an unpriced model spends nothing


# ----------------------------------------------------------------------------- image edit + vision
def editor(sim: Simulator, **config: object) -> OpenAIImageEditor:
    return OpenAIImageEditor(api_key="sk-test", base_url=sim.url_for("openai"), gateway=gateway(), **config)  # type: ignore[arg-type]


def test_edit_renders_the_copy_and_costs_one_image(
    sim: Simulator, base_png: bytes, layout: Layout, local_copy: CopyVariant
) -> None:
    configure(sim)
    result = editor(sim).overlay_text(Canvas.of(base_png), layout, local_copy, attempt=1)
    assert validate_png(result.value) == (1024, 1024)
    (call,) = result.calls
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
    left, top, right, bottom = edit_frame(size, edit)
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
    result = OpenAIVisionAnalyzer(
        api_key="sk-test", base_url=sim.url_for("openai"), gateway=gateway()
    ).analyze(base_png)
    analysis = result.value
    assert analysis.provider == "openai" and analysis.sha256 == local.sha256 == sha256(base_png)
    assert len(analysis.regions) >= len(local.regions)
    assert [r.detail for r in analysis.regions] == sorted(r.detail for r in analysis.regions)
    assert analysis.corner_detail == local.corner_detail
    (call,) = result.calls
    assert call.operation == "image_analysis" and round(call.cost_usd, 6) == round(billed(sim), 6)


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
    (call,) = result.calls
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
