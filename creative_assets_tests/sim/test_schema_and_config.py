"""Schema filling, OpenAI strict-schema rules, regex sampling and the simulator config."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Literal

import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creative_assets.models import (
    CampaignContext,
    CopyVariant,
    ImageAnalysis,
    JobPosting,
    Layout,
    ResearchBrief,
)
from creative_assets_tests.provider_sim.config import ENDPOINTS, FaultRates, SimConfig
from creative_assets_tests.provider_sim.regex_sample import sample
from creative_assets_tests.provider_sim.schema_fill import fill_schema, salient_words
from creative_assets_tests.provider_sim.schema_strict import strict_schema_error


# The structured answers the simulator fills (CreativeSet is not one: its cross-field rules, one
# picture per creative and a failed call's status, are beyond what a JSON schema states).
@pytest.mark.parametrize(
    "model", [CopyVariant, ResearchBrief, CampaignContext, JobPosting, Layout, ImageAnalysis]
)
def test_filled_instances_round_trip_through_the_pydantic_models(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()  # $defs + $ref, anyOf with null, enums, bounds, formats
    words = salient_words("Pflegefachkraft Intensivstation Konstanz Teamarbeit Wunschfrei")
    for seed in range(20):
        instance = fill_schema(schema, random.Random(seed), words)
        if model is JobPosting and instance.get("locales"):
            # A cross-field rule no JSON schema states: the primary locale is in the job's
            # language. The filler draws both independently, so align the first one.
            instance["locales"][0] = f"{instance['language']}-{instance['locales'][0][-2:]}"
            instance["locales"] = list(dict.fromkeys(instance["locales"]))
        model.model_validate_json(json.dumps(instance))


def test_filling_is_deterministic_per_rng_seed() -> None:
    schema = CopyVariant.model_json_schema()
    assert fill_schema(schema, random.Random(7)) == fill_schema(schema, random.Random(7))
    assert fill_schema(schema, random.Random(7)) != fill_schema(schema, random.Random(8))


class Node(BaseModel):
    """Recursive, with const, arrays bounds, number bounds and a pattern."""

    kind: Literal["node"] = "node"
    code: str = Field(pattern=r"^[A-Z]{2}-\d{3}$")
    weight: float = Field(gt=0, lt=1)
    count: int = Field(ge=3, le=5, multiple_of=1)
    children: list[Node] = Field(default_factory=list, max_length=2)
    note: str | None = Field(default=None, min_length=12, max_length=20)


def test_recursive_schemas_terminate_and_respect_constraints() -> None:
    for seed in range(10):
        Node.model_validate(fill_schema(Node.model_json_schema(), random.Random(seed)))


def test_json_schema_keywords_without_pydantic() -> None:
    schema = {
        "type": "object",
        "properties": {
            "fixed": {"const": 42},
            "choice": {"enum": ["a", "b"]},
            "pair": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "boolean"}],
                "minItems": 2,
            },
            "either": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "mapping": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 10}},
            "primary_color": {"type": "string"},
            "tags": {"type": "array", "items": {"enum": ["x", "y", "z"]}, "minItems": 3, "uniqueItems": True},
        },
        "required": ["fixed", "choice", "pair", "either", "mapping", "primary_color", "tags"],
    }
    value = fill_schema(schema, random.Random(1))
    assert value["fixed"] == 42 and value["choice"] in ("a", "b")
    assert isinstance(value["pair"][0], int) and isinstance(value["pair"][1], bool)
    assert value["either"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value["either"])
    assert all(v >= 10 for v in value["mapping"].values()) and value["mapping"]
    assert re.fullmatch(r"#[0-9a-f]{6}", value["primary_color"])  # named like a colour: is one
    assert sorted(value["tags"]) == ["x", "y", "z"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^#[0-9a-fA-F]{6}$",
        r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        r"^(de|en)$",
        r"^\d{4}-\d{2}$",
        r"^[^@\s]+@x\.de$",
    ],
)
def test_regex_samples_match(pattern: str) -> None:
    rng = random.Random(3)
    assert all(re.search(pattern, sample(pattern, rng)) for _ in range(20))


def test_strict_mode_accepts_what_the_sdk_builds_and_rejects_raw_pydantic_schemas() -> None:
    class Strict(BaseModel):
        headline: str
        score: float = Field(ge=0, le=1)
        tags: list[str] = Field(max_length=3)
        note: str | None

    assert strict_schema_error(to_strict_json_schema(Strict), "strict") is None

    # Real API wording for a keyword outside the strict subset, and for optional fields.
    class Bounded(BaseModel):
        model_config = ConfigDict(extra="forbid")
        headline: str = Field(min_length=3)

    assert strict_schema_error(Bounded.model_json_schema(), "copy") == (
        "Invalid schema for response_format 'copy': In context=('properties', 'headline'), "
        "'minLength' is not permitted."
    )
    assert strict_schema_error(CopyVariant.model_json_schema(), "copy") == (
        "Invalid schema for response_format 'copy': In context=(), 'required' is required to be "
        "supplied and to be an array including every key in properties. Missing 'job_title'."
    )
    loose = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    assert "Missing 'a'" in (strict_schema_error(loose, "x") or "")
    assert "additionalProperties" in (strict_schema_error({"type": "object", "properties": {}}, "x") or "")
    assert "'type: \"object\"'" in (strict_schema_error({"type": "array"}, "x") or "")


def test_config_merges_wildcard_provider_and_endpoint_keys() -> None:
    config = SimConfig.model_validate(
        {
            "endpoints": {
                "*": {"max_concurrency": 9, "latency": {"kind": "fixed", "seconds": 0.5}},
                "bfl": {"max_concurrency": 5},
                "bfl.submit": {"faults": {"text_in_image": 0.2}},
            }
        }
    )
    assert set(config.endpoints) == set(ENDPOINTS)
    assert config.endpoint("bfl.submit").max_concurrency == 5
    assert config.endpoint("bfl.submit").faults.text_in_image == 0.2
    assert config.endpoint("hoc.get_job").max_concurrency == 9
    assert config.endpoint("openai.chat_completions").latency.sample(random.Random()) == 0.5
    assert SimConfig.model_validate(config.model_dump()) == config  # what GET /_sim/config returns loads back


def test_config_rejects_typos_and_faults_an_endpoint_cannot_have(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown endpoint keys"):
        SimConfig.model_validate({"endpoints": {"openai.chat": {}}})
    with pytest.raises(ValidationError, match="does not apply"):
        SimConfig.model_validate({"endpoints": {"hoc.get_job": {"faults": {"moderated": 0.1}}}})
    with pytest.raises(ValidationError, match="extra"):
        SimConfig.model_validate({"time_scael": 0.1})
    with pytest.raises(ValidationError, match="more than 1"):
        FaultRates(server_500=0.6, server_503=0.6)
    path = tmp_path / "sim.json"
    path.write_text(json.dumps({"seed": 5, "time_scale": 0.01, "api_keys": {"bfl": "k"}}))
    assert SimConfig.from_file(path).api_keys.bfl == "k"


def test_fault_draws_are_reproducible_and_one_per_call() -> None:
    rates = FaultRates(server_500=0.2, timeout=0.1, truncated_json=0.1)
    rng_a, rng_b, plain = random.Random(11), random.Random(11), random.Random(11)
    draws = [rates.draw(rng_a) for _ in range(200)]
    assert draws == [rates.draw(rng_b) for _ in range(200)]
    for _ in range(200):
        plain.random()
    assert rng_a.random() == plain.random()  # exactly one number per draw, fault or not
    assert 0.3 < sum(d is not None for d in draws) / 200 < 0.5
