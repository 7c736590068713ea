"""Fallback chains take over only for failures worth it; provider selection from one env var
fails at startup, naming the variable, when a chosen provider has no key."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from creative_assets.definitions import build_definitions, local_resources
from creative_assets.errors import ProviderError
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.png import validate_png
from creative_assets.models import CopyVariant, DesignerPrompt, JobPosting
from creative_assets.providers import bfl, openai_client
from creative_assets.providers.bfl import BflImageGenerator
from creative_assets.providers.fallback import FallbackImageEditor, FallbackImageGenerator
from creative_assets.providers.http import HttpSettings
from creative_assets.providers.local import (
    LocalImageEditor,
    LocalResearcher,
    LocalVisionAnalyzer,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets.providers.local.brand import default_brand
from creative_assets.providers.openai_images import OpenAIImageEditor
from creative_assets.providers.select import ProviderChoice, choice_from_env, parse_choice, provider_resources
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import (
    FAST,
    SECRET,
    SHORT,
    configure,
    endpoint_stats,
    faults,
    gateway,
)

PROMPT = DesignerPrompt(image_type="job_focus", prompt="a nurse at a bright hospital bedside. No text.")
ALL_KEYS = {
    "OPENAI_API_KEY": SECRET,
    "BFL_API_KEY": SECRET,
    "PERPLEXITY_API_KEY": SECRET,
    "FIRECRAWL_API_KEY": SECRET,
    "HOC_API_KEY": SECRET,
    "HOC_API_URL": "http://127.0.0.1:9/hoc",
}


def flux_or_paint(sim: Simulator, http: HttpSettings = FAST, **bfl: object) -> FallbackImageGenerator:
    primary = BflImageGenerator(
        api_key="bfl-test",
        base_url=sim.url_for("bfl"),
        http=http,
        poll_interval_s=0.005,
        gateway=gateway(),
        **bfl,  # type: ignore[arg-type]
    )
    return FallbackImageGenerator(primary=primary, fallback=ProceduralImageGenerator())


def draw(generator: FallbackImageGenerator):
    return generator.generate(
        PROMPT, seed=5, width=512, height=512, palette=["#1f3a5f", "#f4f1ea", "#f29e38"]
    )


@pytest.mark.parametrize(
    ("endpoints", "http"),
    [
        (faults("bfl.submit", server_500=1.0), FAST),
        (faults("bfl.submit", rate_limit_429=1.0), FAST),  # still limited after the retries
        (faults("bfl.submit", timeout=1.0), SHORT),
        (faults("bfl.delivery", malformed_json=1.0), FAST),  # a broken PNG signature
    ],
    ids=["server_error", "rate_limited", "timeout", "invalid_response"],
)
def test_image_fallback_is_taken_and_recorded(sim: Simulator, endpoints: dict, http: HttpSettings) -> None:
    configure(sim, endpoints=endpoints)
    chain = flux_or_paint(sim, http)
    result = draw(chain)
    assert validate_png(result.value) == (512, 512)
    assert result.made_by == "local/procedural-v1"
    # Every attempt the retry layer made is on the ledger: 4 in all.
    rows = chain.primary.gateway.ledger()  # type: ignore[attr-defined]
    assert len(rows) == 4 and all(r.provider == "bfl" and r.outcome != "ok" for r in rows)
    assert result.fallback == f"text-to-image by a local stand-in after bfl failed [{rows[-1].error_code}]"


def test_a_moderated_image_is_not_the_painters(sim: Simulator) -> None:
    """Moderation is retried by base image generation (a new seed, a softened prompt), never
    answered with clip-art (defs/images/generation.py)."""
    configure(sim, endpoints=faults("bfl.submit", moderated=1.0))
    with pytest.raises(ProviderError) as info:
        draw(flux_or_paint(sim))
    assert info.value.code == "moderated"


def test_auth_and_bad_requests_fail_fast_without_fallback(sim: Simulator) -> None:
    configure(sim, api_keys={"bfl": "bfl-right"})
    with pytest.raises(ProviderError) as auth:
        draw(flux_or_paint(sim))
    assert auth.value.code == "auth_failed"
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 1
    configure(sim)
    with pytest.raises(ProviderError) as bad:
        draw(flux_or_paint(sim, model="flux-nope"))  # the API answers 404 for an unknown model
    assert bad.value.code == "bad_request"


@pytest.fixture(scope="module")
def overlay_inputs(job: JobPosting) -> tuple[bytes, CopyVariant, object]:
    writer = TemplateTextGenerator()
    copy = writer.write_copy(writer.fuse_context(job, LocalResearcher().research(job)).value).value[0]
    base = ProceduralImageGenerator().generate(PROMPT, seed=1, width=512, height=512, palette=[]).value
    analysis = LocalVisionAnalyzer().analyze(base).value
    layout = writer.design_layout(analysis, copy, default_brand(job.company_name, "test"), "job_focus").value
    return base, copy, layout


def test_edit_falls_back_to_local_typesetting_only_when_worth_it(sim: Simulator, overlay_inputs) -> None:
    base, copy, layout = overlay_inputs

    def chain(model: str = "gpt-image-1") -> FallbackImageEditor:
        primary = OpenAIImageEditor(
            api_key="sk-test", base_url=sim.url_for("openai"), model=model, gateway=gateway()
        )
        return FallbackImageEditor(primary=primary, fallback=LocalImageEditor())

    configure(sim, endpoints=faults("openai.images_edits", moderated=1.0))
    result = chain().overlay_text(Canvas.of(base), layout, copy, attempt=1)
    assert result.made_by == "local/pillow-typesetter-v1"
    assert result.fallback == "text overlay by a local stand-in after openai failed [moderated]"
    assert validate_png(result.value) == (512, 512)
    configure(sim)
    with pytest.raises(ProviderError) as bad:
        chain(model="gpt-image-0").overlay_text(Canvas.of(base), layout, copy, attempt=1)
    assert bad.value.code == "bad_request"


# ----------------------------------------------------------------------------- selection
def test_choice_syntax() -> None:
    assert choice_from_env({}) == ProviderChoice()
    assert parse_choice("all=real").real() == [
        "jobs",
        "research",
        "text",
        "brand",
        "images",
        "edit",
        "vision",
    ]
    mixed = parse_choice(" text=openai, images=bfl ,edit=real,fallback=none")
    assert mixed.real() == ["text", "images", "edit"] and mixed.fallback == "none"
    assert parse_choice("all=real,jobs=local").real()[0] == "research"
    for bad in ("text=bfl", "colour=real", "all", "fallback=maybe"):
        with pytest.raises(ProviderError) as info:
            parse_choice(bad)
        assert info.value.code == "invalid_provider_choice" and "CREATIVE_ASSETS_PROVIDERS" in str(info.value)


def test_a_real_provider_without_its_key_fails_at_startup_naming_it(tmp_path: Path) -> None:
    env = {"CREATIVE_ASSETS_PROVIDERS": "text=openai,jobs=hoc", "HOC_API_KEY": SECRET}
    with pytest.raises(ProviderError) as info:
        build_definitions(
            {**local_resources(str(tmp_path)), **provider_resources(choice_from_env(env), gateway(), env)}
        )
    message = str(info.value)
    assert message.startswith("[missing_key] ")
    assert "OPENAI_API_KEY is not set but text=openai was chosen" in message
    assert "HOC_API_URL is not set but jobs=hoc was chosen" in message
    assert "HOC_API_KEY is not set" not in message and SECRET not in message
    assert provider_resources(choice_from_env({}), gateway(), {}) == {}  # all local: no key needed


def test_definitions_hold_env_var_names_not_keys(tmp_path: Path) -> None:
    env = {**ALL_KEYS, "CREATIVE_ASSETS_PROVIDERS": "all=real"}
    resources = provider_resources(choice_from_env(env), gateway(), env)
    assert set(resources) == {
        "job_source",
        "researcher",
        "text_generator",
        "brand_extractor",
        "image_generator",
        "image_editor",
        "vision_analyzer",
        "compliance_reviewer",  # text=openai also reviews the copy for the compliance gate
    }
    assert SECRET not in repr(resources)
    assert isinstance(resources["image_generator"], BflImageGenerator)  # no stand-in by default
    defs = build_definitions({**local_resources(str(tmp_path)), **resources})
    assert defs.resolve_job_def("campaign_variant").name == "campaign_variant"
    opted_in = provider_resources(parse_choice("images=bfl,fallback=local"), gateway(), env)
    assert isinstance(opted_in["image_generator"], FallbackImageGenerator)


def test_vision_review_is_chosen_with_the_vision_model_only() -> None:
    from creative_assets.providers.select import parse_choice

    assert parse_choice("all=real,review=vision").review == "vision"
    assert parse_choice("all=real").review == "off"
    with pytest.raises(ProviderError, match="review=vision needs the vision model"):
        parse_choice("text=openai,review=vision")
    with pytest.raises(ProviderError, match="review is off or vision"):
        parse_choice("all=real,review=maybe")


def test_a_client_takes_its_base_url_from_the_environment_else_its_own_default() -> None:
    keys = {"OPENAI_API_KEY": SECRET, "BFL_API_KEY": SECRET, "HOC_API_KEY": SECRET}
    env = {**keys, "CREATIVE_ASSETS_PROVIDERS": "text=openai,images=bfl"}
    plain = provider_resources(choice_from_env(env), gateway(), env)
    assert plain["text_generator"].base_url == openai_client.DEFAULT_BASE_URL
    assert plain["image_generator"].base_url == bfl.DEFAULT_BASE_URL
    env |= {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    moved = provider_resources(choice_from_env(env), gateway(), env)
    assert moved["text_generator"].base_url == dg.EnvVar("OPENAI_BASE_URL")
    assert moved["compliance_reviewer"].base_url == dg.EnvVar("OPENAI_BASE_URL")
    hoc = {**keys, "CREATIVE_ASSETS_PROVIDERS": "jobs=hoc"}
    with pytest.raises(ProviderError, match="HOC_API_URL is not set but jobs=hoc was chosen"):
        provider_resources(choice_from_env(hoc), gateway(), hoc)
    hoc |= {"HOC_API_URL": "http://127.0.0.1:9/hoc"}
    job_source = provider_resources(choice_from_env(hoc), gateway(), hoc)["job_source"]
    assert job_source.base_url == dg.EnvVar("HOC_API_URL")
