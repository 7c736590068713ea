"""The OpenAI copywriter with a locale and the compliance gate's feedback: both reach the model,
and the simulator (which enforces strict structured outputs) accepts the schema."""

from __future__ import annotations

import json
from typing import Any

import pytest

from creative_assets.gates.compliance import find_violations
from creative_assets.models import VARIANTS, JobPosting
from creative_assets.providers import openai_text
from creative_assets.providers.local import LocalResearcher, TemplateTextGenerator
from creative_assets.providers.openai_text import OpenAITextGenerator
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import configure, endpoint_stats, gateway


def writer(sim: Simulator) -> OpenAITextGenerator:
    return OpenAITextGenerator(api_key="sk-test", base_url=sim.url_for("openai"), gateway=gateway())  # type: ignore[arg-type]


def test_locale_and_feedback_go_into_the_request(
    sim: Simulator, job: JobPosting, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    real = openai_text.structured_chat

    def recording(resource: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(resource, **kwargs)

    monkeypatch.setattr(openai_text, "structured_chat", recording)
    configure(sim)
    context = TemplateTextGenerator().fuse_context(job, LocalResearcher().research(job)).value
    feedback = find_violations("Werde Teil unseres jungen Teams", "de-DE", field="subline")
    written = writer(sim).write_copy(context, "en-GB", feedback)

    assert [v.variant for v in written.value] == list(VARIANTS)
    payload = json.loads(seen["user"])
    assert payload["locale"] == "en-GB"
    assert payload["feedback"] == [
        {
            "field": "subline",
            "phrase": "jungen Teams",
            "category": "age",
            "why": feedback[0].why,
            "suggestion": feedback[0].suggestion,
            "variant": None,
        }
    ]
    assert "`locale`" in seen["system"] and "`feedback`" in seen["system"] and "(m/w/d)" in seen["system"]
    assert endpoint_stats(sim, "openai.chat_completions")["calls"] >= 1


def test_without_feedback_the_request_names_the_default_locale(
    sim: Simulator, job: JobPosting, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    real = openai_text.structured_chat
    monkeypatch.setattr(openai_text, "structured_chat", lambda r, **kw: seen.update(kw) or real(r, **kw))
    configure(sim)
    context = TemplateTextGenerator().fuse_context(job, LocalResearcher().research(job)).value
    writer(sim).write_copy(context)
    payload = json.loads(seen["user"])
    assert payload["locale"] == "de-DE" and "feedback" not in payload
