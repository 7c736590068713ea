"""OpenAI text clients through the official SDK against the simulator, which enforces the strict
structured-output schema rules as the real API does (the image edit and vision clients:
test_openai_images.py)."""

from __future__ import annotations

import json

import pytest
from pydantic import Field

from creative_assets.errors import ProviderFailure
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.models import (
    IMAGE_TYPES,
    VARIANTS,
    CopyVariant,
    ImageAnalysis,
    JobPosting,
    Model,
    ProviderCall,
)
from creative_assets.providers import openai_client
from creative_assets.providers.local import LocalResearcher, LocalVisionAnalyzer
from creative_assets.providers.local.brand import default_brand
from creative_assets.providers.local.writer import TemplateTextGenerator
from creative_assets.providers.openai_images import (
    VisionZones,
)
from creative_assets.providers.openai_text import OpenAITextGenerator, TypographyNotes
from creative_assets.providers.strict_schema import SchemaError, drop_nulls, strict_schema
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.provider_sim.schema_strict import strict_schema_error
from creative_assets_tests.providers.conftest import (
    SECRET,
    billed,
    configure,
    endpoint_stats,
    error_text,
    faults,
    gateway,
    picture,
)

CHAT = "openai.chat_completions"


def writer(sim: Simulator, key: str = "sk-test", **config: object) -> OpenAITextGenerator:
    return OpenAITextGenerator(api_key=key, base_url=sim.url_for("openai"), gateway=gateway(), **config)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- strict schemas
@pytest.mark.parametrize(
    ("model", "omit"),
    [
        (CopyVariant, {"variant"}),
        (TypographyNotes, set()),
        (VisionZones, set()),
        (JobPosting, {"extra_fields"}),  # the API's unknown fields: free-form, never asked of a model
    ],
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
    calls = text.gateway.ledger()
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
    hint meant for people); both calls are billed, and both are on the ledger."""
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

    value = text._ask("copywriting", "slogan", strict_schema(Slogan), "Write a slogan.", {}, parse)
    assert value == answers[1] != answers[0]
    assert [(e.outcome, e.cost_usd > 0) for e in text.gateway.ledger()] == [("error", True), ("ok", True)]
    first, second = sent
    assert second[: len(first)] == first
    assert second[-2] == {"role": "assistant", "content": json.dumps(answers[0], ensure_ascii=False)}
    correction = second[-1]["content"]
    assert "slogan: String should have at least 80" in correction and "re-run the step" not in correction
    entries = text.gateway.ledger()
    assert [(e.outcome, e.error_code) for e in entries] == [("error", "invalid_model_output"), ("ok", None)]
    assert round(sum(e.cost_usd for e in entries), 6) == round(billed(sim), 6)


@pytest.mark.parametrize(("fault", "status"), [("rate_limit_429", "429"), ("server_500", "500")])
def test_429_and_500_are_retried_once_and_succeed(
    sim: Simulator, job: JobPosting, fault: str, status: str
) -> None:
    configure(sim, seed=10, endpoints=faults(CHAT, **{fault: 0.5}))  # seed 10: fault, then none
    assert writer(sim).fuse_context(job, LocalResearcher().research(job)).value.company == job.company_name
    assert endpoint_stats(sim, CHAT)["responses"] == {status: 1, "200": 1}


def test_timeouts_are_retried_by_our_layer_only_then_reported(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults(CHAT, timeout=1.0))
    retry = RetryPolicy(max_attempts=2, backoff_s=0.001)
    with pytest.raises(ProviderFailure) as info:
        writer(sim, timeout_s=0.15, retry=retry).fuse_context(job, LocalResearcher().research(job))
    assert info.value.code == "timeout" and "gave up after 2 attempts" in str(info.value)
    assert endpoint_stats(sim, CHAT)["calls"] == 2  # the SDK's own retries are off: 2, not 2 × 3


def test_a_truncated_answer_is_retried_and_its_unknown_bill_is_bounded(
    sim: Simulator, job: JobPosting
) -> None:
    # Changed with #19: a cut-off 200 used to fail the call at once.
    configure(sim, seed=3, endpoints=faults(CHAT, truncated_json=0.5))
    text = writer(sim)
    fused = text.fuse_context(job, LocalResearcher().research(job))
    faulted = endpoint_stats(sim, CHAT)["faults"].get("truncated_json", 0)
    rows = text.gateway.ledger()
    assert fused.value and faulted >= 1 and [r.outcome for r in rows] == ["error"] * faulted + ["ok"]
    estimated = [r for r in rows if r.cost_estimated]
    assert len(estimated) == faulted and all(r.error_code == "invalid_response" for r in estimated)
    # The cut-off answers were billed by their tokens, which could not be read: the ledger holds
    # their upper bound (the reservation), never less than the bill; the readable one exactly.
    assert sum(r.cost_usd for r in rows) >= billed(sim)
    assert all(r.cost_usd == r.expected_cost_usd for r in estimated)


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
