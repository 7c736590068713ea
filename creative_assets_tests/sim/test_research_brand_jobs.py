"""Perplexity research, Firecrawl branding scrapes and the HOC jobs API."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image

from creative_assets.models import JobPosting, ResearchBrief
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator

# ----------------------------------------------------------------------------- Perplexity


def test_perplexity_responses_shape_with_citations(sim: Simulator, http: httpx.Client) -> None:
    resp = http.post(
        sim.url_for("perplexity") + "/v1/responses",
        json={"preset": "pro-search", "input": "What motivates a Pflegefachkraft in Konstanz?"},
    )
    body = resp.json()
    assert resp.status_code == 200 and body["object"] == "response" and body["status"] == "completed"
    by_type = {item["type"]: item for item in body["output"]}
    assert body["output"][0]["type"] == "search_results"  # clients must select by type, not position
    part = by_type["message"]["content"][0]
    assert part["type"] == "output_text" and "Pflegefachkraft" in part["text"]
    urls = {r["url"] for r in by_type["search_results"]["results"]}
    for annotation in part["annotations"]:
        marker = part["text"][annotation["start_index"] : annotation["end_index"]]
        assert marker.startswith("[") and annotation["url"] in urls
    assert body["usage"]["cost"]["total_cost"] == 0.10


def test_perplexity_structured_output_and_legacy_chat(sim: Simulator, http: httpx.Client) -> None:
    schema = ResearchBrief.model_json_schema()
    resp = http.post(
        sim.url_for("perplexity") + "/v1/responses",
        json={
            "model": "openai/gpt-5-mini",
            "input": [{"role": "user", "content": "Research Lagerlogistik in Bremen"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "brief", "schema": schema}},
        },
    )
    message = next(i for i in resp.json()["output"] if i["type"] == "message")
    ResearchBrief.model_validate_json(message["content"][0]["text"])
    legacy = http.post(
        sim.url_for("perplexity") + "/chat/completions",
        json={"model": "sonar-pro", "messages": [{"role": "user", "content": "Lagerlogistik Bremen"}]},
    ).json()
    assert legacy["citations"] == [r["url"] for r in legacy["search_results"]]
    assert "[1]" in legacy["choices"][0]["message"]["content"]
    invalid = http.post(
        sim.url_for("perplexity") + "/chat/completions", json={"model": "gpt-4", "messages": []}
    )
    assert invalid.status_code == 400 and invalid.json()["error"]["type"] == "invalid_model"
    assert http.post(sim.url_for("perplexity") + "/v1/responses", json={"input": "x"}).status_code == 400


def test_perplexity_bad_key_is_an_html_401() -> None:
    with running_simulator(fast_config(api_keys={"perplexity": "pplx-ok"})) as sim:
        resp = httpx.post(sim.url_for("perplexity") + "/v1/responses", json={"model": "sonar", "input": "x"})
        assert resp.status_code == 401 and resp.headers["content-type"] == "text/html"
        assert b"401 Authorization Required" in resp.content


# ----------------------------------------------------------------------------- Firecrawl


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_firecrawl_branding_with_a_real_transparent_logo(
    sim: Simulator, http: httpx.Client, version: str
) -> None:
    resp = http.post(
        sim.url_for("firecrawl") + f"/{version}/scrape",
        json={"url": "https://www.klinikum-am-see.example/karriere", "formats": ["markdown", "branding"]},
    )
    data = resp.json()["data"]
    assert resp.json()["success"] is True and data["metadata"]["statusCode"] == 200
    branding = data["branding"]
    assert branding["colors"]["primary"] == "#0b6e4f"  # the sample employer's brand kit
    assert set(branding["colors"]) >= {"primary", "secondary", "accent", "background", "textPrimary"}
    assert branding["fonts"][0]["family"] and data["markdown"].startswith("# ")
    logo = http.get(branding["images"]["logo"])
    image = Image.open(io.BytesIO(logo.content))
    assert logo.headers["content-type"] == "image/png" and image.mode == "RGBA"
    assert image.getchannel("A").getextrema()[0] == 0  # has transparent pixels


def test_firecrawl_sites_without_branding_or_answering_404(http: httpx.Client) -> None:
    config = fast_config(
        api_keys={"firecrawl": "fc-ok"},
        firecrawl={"sites": {"gone.example": {"status_code": 404}, "plain.example": {"branding": "no_logo"}}},
    )
    headers = {"Authorization": "Bearer fc-ok"}
    with running_simulator(config) as sim:
        url = sim.url_for("firecrawl") + "/v1/scrape"
        gone = http.post(
            url, json={"url": "https://gone.example", "formats": ["branding"]}, headers=headers
        ).json()
        assert gone["success"] is True and gone["data"]["metadata"]["statusCode"] == 404
        assert "branding" not in gone["data"]
        plain = http.post(
            url, json={"url": "https://www.plain.example", "formats": ["branding"]}, headers=headers
        )
        assert plain.json()["data"]["branding"]["images"]["logo"] is None
        schema = {"type": "object", "properties": {"company": {"type": "string"}}, "required": ["company"]}
        extracted = http.post(
            url.replace("v1", "v2"),
            json={"url": "https://www.plain.example", "formats": [{"type": "json", "schema": schema}]},
            headers=headers,
        ).json()
        assert isinstance(extracted["data"]["json"]["company"], str)
        assert http.post(url, json={"url": "not a url"}, headers=headers).status_code == 400
        denied = http.post(url, json={"url": "https://plain.example"}, headers={"Authorization": "Bearer x"})
        assert denied.status_code == 401 and denied.json() == {
            "success": False,
            "error": "Unauthorized: Invalid token",
        }
        assert sim.stats()["endpoints"]["firecrawl.scrape"]["billed_usd"] == pytest.approx(0.03)


# ----------------------------------------------------------------------------- HOC jobs API


def test_hoc_listing_pages_with_a_cursor_and_filters_by_update_time(http: httpx.Client) -> None:
    extra = [
        {"job_id": f"extra-{i}", "updated_at": f"2026-11-2{i}T08:00:00+00:00", "title": "x"} for i in range(3)
    ]
    with running_simulator(fast_config(api_keys={"hoc": "hoc-ok"}, hoc={"jobs": extra})) as sim:
        headers = {"Authorization": "Bearer hoc-ok"}
        url = sim.url_for("hoc") + "/jobs"
        seen, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = http.get(url, params=params, headers=headers).json()
            seen += [job["job_id"] for job in page["jobs"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        # oldest update first; the bilingual sample was updated on 2026-11-24, after the extras
        bilingual = "hoc-6230-pflege-bilingual"
        assert seen == ["hoc-4711-pflege", "hoc-5120-warehouse", "extra-0", "extra-1", "extra-2", bilingual]
        recent = http.get(url, params={"updated_since": "2026-11-20T12:00:00Z"}, headers=headers).json()
        assert [j["job_id"] for j in recent["jobs"]] == ["extra-1", "extra-2", bilingual]
        for params in ({"updated_since": "2026-11-20"}, {"limit": 0}, {"cursor": "bogus"}):
            assert http.get(url, params=params, headers=headers).status_code == 400
        assert http.get(url).status_code == 401


def test_hoc_job_documents_and_planted_jobs(sim: Simulator, http: httpx.Client) -> None:
    job = http.get(sim.url_for("hoc") + "/jobs/hoc-4711-pflege")
    JobPosting.model_validate_json(job.content)
    missing = http.get(sim.url_for("hoc") + "/jobs/nope")
    assert missing.status_code == 404 and missing.json()["error"] == "job_not_found"
    malformed = {"job_id": "broken-1", "title": "X", "updated_at": "2026-11-30T00:00:00Z"}
    assert http.post(sim.base_url + "/_sim/jobs", json=malformed).json() == {"added": ["broken-1"]}
    served = http.get(sim.url_for("hoc") + "/jobs/broken-1").json()
    assert served == malformed  # served as stored: the client's strict validation must catch it
    assert http.delete(sim.base_url + "/_sim/jobs/broken-1").status_code == 200
    sim.reset()
    assert json.loads(http.get(sim.url_for("hoc") + "/jobs").content)["next_cursor"] is None
