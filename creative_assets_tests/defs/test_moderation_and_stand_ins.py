"""A moderated picture gets its own handling (a new seed, then a softened prompt) and never the
procedural painter; the painter and the local typesetter stand in for real providers only in a
deployment that opts in (`fallback=local`), and a real provider without its key still fails at
startup."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from creative_assets.defs.automation.policy import LaunchPolicy
from creative_assets.defs.images.generation import SOFTENING, generate_clean_base_image
from creative_assets.errors import ProviderError, ProviderFailure
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import DesignerPrompt, ProviderCall
from creative_assets.providers.base import Generated
from creative_assets.providers.bfl import BflImageGenerator
from creative_assets.providers.fallback import FallbackImageEditor, FallbackImageGenerator
from creative_assets.providers.local import ProceduralImageGenerator
from creative_assets.providers.openai_images import OpenAIImageEditor
from creative_assets.providers.select import choice_from_env, parse_choice, provider_resources
from creative_assets.resources import CampaignSettings, OcrReader

SETTINGS = CampaignSettings(width=512, height=512)
PROMPT = DesignerPrompt(
    image_type="job_focus",
    prompt="A nurse changes a wound dressing with a syringe tray beside the bed, soft light. No text.",
)


class ModeratingGenerator(ProceduralImageGenerator):
    """BFL as it moderates: refuses the first `refusals` requests, or every request whose
    prompt is not the softened one (`refusals` < 0)."""

    refusals: int = 1
    seen: ClassVar[list[tuple[int, str]]] = []

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        ModeratingGenerator.seen.append((seed, prompt.prompt))
        refused = (
            not prompt.prompt.startswith(SOFTENING)
            if self.refusals < 0
            else len(ModeratingGenerator.seen) <= self.refusals
        )
        if refused:
            call = ProviderCall(provider="bfl", model="flux-pro-1.1", operation="text_to_image")
            raise ProviderFailure(
                "moderated", "bfl moderated the request (Request Moderated)", provider="bfl", call=call
            )
        return super().generate(prompt, seed=seed, width=width, height=height, palette=palette)


def generate(generator) -> tuple:
    ModeratingGenerator.seen.clear()
    return generate_clean_base_image(
        generator=generator,
        ocr=OcrReader(),
        settings=SETTINGS,
        prompt=PROMPT,
        palette=["#1f3a5f", "#f4f1ea", "#f29e38"],
        seed_parts=("job", "A", "job_focus", 0),
        file="job_focus.png",
    )


def test_a_moderated_picture_is_asked_again_with_a_new_seed() -> None:
    image, _ = generate(ModeratingGenerator(refusals=1))
    (first, second) = ModeratingGenerator.seen
    assert first[0] != second[0] and first[1] == second[1] == PROMPT.prompt
    (refusal,) = image.moderated
    assert refusal.seed == first[0] and not refusal.softened and "bfl" in refusal.message
    assert image.seed == second[0] and not image.softened_prompt and image.fallback is None


def test_then_with_a_softened_prompt_that_keeps_the_job() -> None:
    image, _ = generate(ModeratingGenerator(refusals=-1))
    prompts = [p for _, p in ModeratingGenerator.seen]
    assert prompts[:2] == [PROMPT.prompt, PROMPT.prompt] and prompts[2].startswith(SOFTENING)
    assert len({s for s, _ in ModeratingGenerator.seen}) == 3  # a new seed each time
    assert image.softened_prompt and image.prompt == prompts[2]
    for risky in ("wound", "syringe"):
        assert risky not in image.prompt
    assert "nurse" in image.prompt and "dressing" in image.prompt
    assert [m.softened for m in image.moderated] == [False, False]


def test_a_picture_refused_every_time_fails_and_is_never_drawn_by_the_painter() -> None:
    chain = FallbackImageGenerator(
        primary=ModeratingGenerator(refusals=99), fallback=ProceduralImageGenerator()
    )
    with pytest.raises(ProviderFailure) as info:
        generate(chain)
    assert info.value.code == "moderated"
    assert "new seed" in info.value.message and "softened prompt" in info.value.message
    assert len(ModeratingGenerator.seen) == 3


ALL_KEYS = {
    "OPENAI_API_KEY": "sk-test-key",
    "BFL_API_KEY": "bfl-test-key",
    "PERPLEXITY_API_KEY": "pplx-test-key",
    "FIRECRAWL_API_KEY": "fc-test-key",
    "HOC_API_KEY": "hoc-test-key",
    "HOC_API_URL": "http://127.0.0.1:9/hoc",
}


def _gateway(tmp_path: Path) -> ProviderGateway:
    return ProviderGateway(cache_url=str(tmp_path / "cache"), state_url=f"sqlite:///{tmp_path / 'state.db'}")


def test_real_image_providers_get_no_stand_in_unless_the_deployment_opts_in(tmp_path: Path) -> None:
    assert choice_from_env({}).fallback == "none"
    real = provider_resources(parse_choice("all=real"), _gateway(tmp_path), ALL_KEYS)
    assert isinstance(real["image_generator"], BflImageGenerator)
    assert isinstance(real["image_editor"], OpenAIImageEditor)
    opted_in = provider_resources(parse_choice("all=real,fallback=local"), _gateway(tmp_path), ALL_KEYS)
    assert isinstance(opted_in["image_generator"], FallbackImageGenerator)
    assert isinstance(opted_in["image_editor"], FallbackImageEditor)
    with pytest.raises(ProviderError) as info:  # a real provider without its key: still at startup
        provider_resources(parse_choice("images=bfl"), _gateway(tmp_path), {})
    assert info.value.code == "missing_key" and "BFL_API_KEY" in str(info.value)


def test_the_jobs_sensor_skips_a_real_apis_backlog_unless_asked() -> None:
    assert LaunchPolicy.of(parse_choice("")).backlog == "launch"  # the samples folder of make dev
    assert LaunchPolicy.of(parse_choice("all=real")).backlog == "skip"
    assert LaunchPolicy.of(parse_choice("all=real,jobs=local")).backlog == "launch"
    assert LaunchPolicy.of(parse_choice("all=real,backlog=launch")).backlog == "launch"
    with pytest.raises(ProviderError, match="backlog is skip or launch"):
        parse_choice("all=real,backlog=all")
