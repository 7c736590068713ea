"""OpenAI chat completions and image edits, through the official SDK and raw HTTP."""

from __future__ import annotations

import base64
import io

import httpx
import openai
import pytest
from openai import OpenAI
from PIL import Image
from pydantic import BaseModel, Field

from creative_assets.models import CopyVariant
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator
from creative_assets_tests.sim.conftest import png_bytes


class Headline(BaseModel):
    headline: str
    score: float = Field(ge=0, le=1)
    tags: list[str] = Field(max_length=3)
    note: str | None


def client_for(sim: Simulator, key: str = "sk-sim") -> OpenAI:
    return OpenAI(base_url=sim.url_for("openai"), api_key=key, max_retries=0)


def test_sdk_structured_output_parses_into_the_model(sim: Simulator) -> None:
    completion = client_for(sim).chat.completions.parse(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Headline for a Pflegefachkraft in Konstanz"}],
        response_format=Headline,  # the SDK sends a strict json_schema format
    )
    parsed = completion.choices[0].message.parsed
    assert isinstance(parsed, Headline) and 0 <= parsed.score <= 1 and len(parsed.tags) <= 3
    assert completion.model == "gpt-4o-2024-08-06"  # the alias resolves to a snapshot, as for real
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_sdk_json_schema_create_returns_valid_json_for_a_non_strict_schema(sim: Simulator) -> None:
    completion = client_for(sim).chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Write copy variant B"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "copy", "schema": CopyVariant.model_json_schema(), "strict": False},
        },
    )
    CopyVariant.model_validate_json(completion.choices[0].message.content or "")


def test_strict_schema_the_real_api_refuses_is_a_400(sim: Simulator) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client_for(sim).chat.completions.parse(
            model="gpt-4o", messages=[{"role": "user", "content": "x"}], response_format=CopyVariant
        )
    assert info.value.body["param"] == "response_format"  # type: ignore[index]
    assert "'minLength' is not permitted" in info.value.body["message"]  # type: ignore[index]
    assert info.value.request_id and info.value.request_id.startswith("req_")


def test_vision_parts_length_cutoff_and_unknown_models(sim: Simulator, http: httpx.Client) -> None:
    image = base64.b64encode(png_bytes((1024, 512))).decode()
    body = {
        "model": "gpt-4o",
        "max_completion_tokens": 5,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe the calm areas of this image in detail please"},
                    {
                        "type": "image_url",
                        "image_url": {"url": f"data:image/png;base64,{image}", "detail": "high"},
                    },
                ],
            }
        ],
    }
    resp = http.post(sim.url_for("openai") + "/chat/completions", json=body)
    data = resp.json()
    assert resp.status_code == 200 and resp.headers["x-request-id"]
    assert data["choices"][0]["finish_reason"] == "length" and data["usage"]["completion_tokens"] == 5
    assert data["usage"]["prompt_tokens"] > 85 + 170  # tiles of a 1024×512 image at high detail
    missing = http.post(sim.url_for("openai") + "/chat/completions", json={**body, "model": "gpt-9"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
    broken = {
        "role": "user",
        "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}],
    }
    bad = http.post(
        sim.url_for("openai") + "/chat/completions", json={"model": "gpt-4o", "messages": [broken]}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_image_format"


def test_moderated_chat_answers_with_a_refusal() -> None:
    config = fast_config(endpoints={"openai.chat_completions": {"faults": {"moderated": 1.0}}})
    with running_simulator(config) as sim:
        completion = client_for(sim).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hello"}]
        )
        assert completion.choices[0].message.refusal and completion.choices[0].message.content is None
        stats = sim.stats()["endpoints"]["openai.chat_completions"]
        assert stats["faults"] == {"moderated": 1} and stats["billed_usd"] == 0


def test_wrong_or_missing_key_gets_openais_401() -> None:
    with running_simulator(fast_config(api_keys={"openai": "sk-right"})) as sim:
        with pytest.raises(openai.AuthenticationError) as info:
            client_for(sim, "sk-wrong-key-123").chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "x"}]
            )
        assert info.value.body["code"] == "invalid_api_key"  # type: ignore[index]
        resp = httpx.post(sim.url_for("openai") + "/chat/completions", json={})
        assert resp.status_code == 401 and "didn't provide an API key" in resp.json()["error"]["message"]
        assert (
            client_for(sim, "sk-right")
            .chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
            .choices
        )


def test_sdk_image_edit_renders_the_quoted_texts(sim: Simulator) -> None:
    result = client_for(sim).images.edit(
        model="gpt-image-1",
        image=("base.png", png_bytes((1536, 1024)), "image/png"),
        prompt='Keep the scene. Render the headline "Jetzt bewerben" and the subline "30 Tage Urlaub".',
        size="1536x1024",
        quality="high",
    )
    assert result.size == "1536x1024" and result.quality == "high" and result.output_format == "png"
    assert result.usage is not None and result.usage.output_tokens == 6240
    image = Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json or "")))  # type: ignore[index]
    assert image.format == "PNG" and image.size == (1536, 1024)
    assert sim.requests()[-1]["rendered_texts"] == ["Jetzt bewerben", "30 Tage Urlaub"]
    several = client_for(sim).images.edit(
        model="gpt-image-1",
        image=[("a.png", png_bytes(), "image/png"), ("b.png", png_bytes(), "image/png")],  # sent as image[]
        prompt='Render "Hallo"',
        n=2,
    )
    assert len(several.data or []) == 2 and several.size == "1024x1024"


def test_image_edit_with_a_mask_renders_inside_the_transparent_area(
    sim: Simulator, http: httpx.Client
) -> None:
    mask = Image.new("RGBA", (1024, 1024), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (0, 0, 1024, 300))  # transparent top band: the editable area
    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    files = [
        ("image", ("a.png", png_bytes(), "image/png")),
        ("mask", ("m.png", buffer.getvalue(), "image/png")),
    ]
    data = {"model": "gpt-image-1", "prompt": 'Render "Oben"'}
    resp = http.post(sim.url_for("openai") + "/images/edits", data=data, files=files)
    image = Image.open(io.BytesIO(base64.b64decode(resp.json()["data"][0]["b64_json"]))).convert("RGB")
    top, bottom = image.crop((0, 0, 1024, 300)), image.crop((0, 300, 1024, 1024))
    assert len(top.getcolors(1 << 16) or []) > 1 and len(bottom.getcolors(1 << 16) or []) == 1


def test_image_edit_errors_as_the_real_api(sim: Simulator, http: httpx.Client) -> None:
    url = sim.url_for("openai") + "/images/edits"
    image = [("image", ("a.png", png_bytes((1536, 1024)), "image/png"))]
    no_model = http.post(url, data={"prompt": 'Render "x"'}, files=image).json()["error"]
    assert "square" in no_model["message"]  # without `model` the API falls back to dall-e-2
    unknown = http.post(url, data={"model": "gpt-image-1", "prompt": "x", "colour": "red"}, files=image)
    assert unknown.json()["error"]["code"] == "unknown_parameter"
    bad_size = http.post(url, data={"model": "gpt-image-1", "prompt": "x", "size": "800x600"}, files=image)
    assert bad_size.json()["error"]["param"] == "size"
    not_multipart = http.post(url, json={"model": "gpt-image-1", "prompt": "x"})
    assert not_multipart.status_code == 400
    square_rgba = [("image", ("a.png", png_bytes(mode="RGBA", color=(0, 0, 0, 0)), "image/png"))]
    dalle = http.post(url, data={"prompt": "x"}, files=square_rgba).json()
    assert http.get(dalle["data"][0]["url"]).headers["content-type"] == "image/png"  # dall-e-2 answers a URL


def test_moderation_and_misspelt_overlay_faults() -> None:
    config = fast_config(
        seed=3, endpoints={"openai.images_edits": {"faults": {"moderated": 0.5, "misspelt_overlay": 0.5}}}
    )
    prompt = 'Render "Pflegefachkraft gesucht" and "Jetzt bewerben"'
    with running_simulator(config) as sim, httpx.Client(timeout=10) as http:
        outcomes = []
        for _ in range(6):
            files = [("image", ("a.png", png_bytes(), "image/png"))]
            resp = http.post(
                sim.url_for("openai") + "/images/edits",
                data={"model": "gpt-image-1", "prompt": prompt},
                files=files,
            )
            outcomes.append(resp.status_code)
            if resp.status_code == 400:
                assert resp.json()["error"]["code"] == "moderation_blocked"
            else:
                rendered = sim.requests()[-1]["rendered_texts"]
                assert rendered != ["Pflegefachkraft gesucht", "Jetzt bewerben"] and len(rendered) == 2
        faults = sim.stats()["endpoints"]["openai.images_edits"]["faults"]
        assert faults["moderated"] == outcomes.count(400) and faults["misspelt_overlay"] == outcomes.count(
            200
        )
        assert sim.stats()["endpoints"]["openai.images_edits"]["billed_usd"] == pytest.approx(
            0.04 * outcomes.count(200)  # the typo image was made and is billed; the blocked one is not
        )


def _edit_with_boxes(sim: Simulator, http: httpx.Client) -> bytes:
    prompt = (
        'HEADLINE: render "Pflege mit Herz" in #FFFFFF, inside the box spanning x 8%–92% of the width '
        "and y 10%–30% of the height. Behind it a rounded #101010 panel at 60% opacity."
    )
    resp = http.post(
        sim.url_for("openai") + "/images/edits",
        data={"model": "gpt-image-1", "prompt": prompt, "quality": "high"},
        files=[("image", ("a.png", png_bytes(), "image/png"))],
    )
    assert sim.requests()[-1]["rendered_texts"] == ["Pflege mit Herz"]
    return base64.b64decode(resp.json()["data"][0]["b64_json"])


def test_the_same_edit_asked_twice_is_two_samples_reproducible_for_a_seed(http: httpx.Client) -> None:
    """gpt-image-1 has no seed: a retry of an edit gets another picture (the pipeline's i2i retry
    is worth paying for only so), and a seed replays the same sequence of pictures."""
    sequences = []
    for _ in range(2):
        with running_simulator(fast_config(seed=5)) as sim:
            sequences.append([_edit_with_boxes(sim, http) for _ in range(3)])
    assert len(set(sequences[0])) == 3  # every request a new sample
    assert sequences[0] == sequences[1]
