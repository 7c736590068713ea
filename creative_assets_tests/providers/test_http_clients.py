"""BFL, Perplexity, Firecrawl and HOC clients end to end against the loopback simulator:
happy paths with their cost, and every fault class through the real retry and error code."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from creative_assets.errors import ProviderError, ProviderFailure
from creative_assets.imaging.png import validate_png
from creative_assets.models import DesignerPrompt, JobPosting
from creative_assets.providers.bfl import BflImageGenerator, flux_size
from creative_assets.providers.firecrawl import FirecrawlBrandExtractor, to_hex
from creative_assets.providers.hoc import HocJobSource
from creative_assets.providers.http import retry_after_s
from creative_assets.providers.perplexity import PerplexityResearcher
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import (
    FAST,
    JOB_ID,
    SECRET,
    SHORT,
    configure,
    endpoint_stats,
    error_text,
    faults,
    gateway,
)

PROMPT = DesignerPrompt(image_type="location", prompt="Konstanz harbour at dawn, calm sky. No text.")


def bfl(sim: Simulator, key: str = "bfl-test", **config: object) -> BflImageGenerator:
    settings = {"http": FAST, "poll_interval_s": 0.005, **config}
    return BflImageGenerator(api_key=key, base_url=sim.url_for("bfl"), gateway=gateway(), **settings)  # type: ignore[arg-type]


def generate(generator: BflImageGenerator, width: int = 1024, height: int = 1024):
    return generator.generate(PROMPT, seed=7, width=width, height=height, palette=["#123456"])


# ----------------------------------------------------------------------------- BFL
def test_bfl_polls_the_returned_url_and_bills_one_image(sim: Simulator) -> None:
    configure(sim)
    generator = bfl(sim)
    result = generate(generator)
    assert validate_png(result.value) == (1024, 1024)
    (call,) = generator.gateway.ledger()
    assert (call.provider, call.model, call.outcome, call.cost_usd) == ("bfl", "flux-pro-1.1", "ok", 0.05)
    assert call.cost_usd == sim.stats()["providers"]["bfl"]["billed_usd"]
    polls = [r for r in sim.requests() if r["endpoint"] == "bfl.get_result"]
    assert polls and all(r["host"].startswith("localhost:") for r in polls)  # BFL's host, not ours


def test_bfl_sizes_are_flux_sizes_and_come_back_at_the_asked_size(sim: Simulator) -> None:
    assert flux_size(1024, 1024) == (1024, 1024)
    assert flux_size(2048, 1024) == (1440, 704)  # 720 is not a multiple of 32
    assert all(side % 32 == 0 and 256 <= side <= 1440 for side in flux_size(1000, 600))
    configure(sim)
    assert validate_png(generate(bfl(sim), 1000, 600).value) == (1000, 600)


@pytest.mark.parametrize("fault", ["rate_limit_429", "server_503"])
def test_bfl_retries_a_429_or_503_and_succeeds(sim: Simulator, fault: str) -> None:
    configure(sim, seed=9, endpoints=faults("bfl.submit", **{fault: 0.5}))  # seed 9: fault, then none
    assert validate_png(generate(bfl(sim)).value) == (1024, 1024)
    status = "429" if fault == "rate_limit_429" else "503"
    assert endpoint_stats(sim, "bfl.submit")["responses"] == {status: 1, "200": 1}


def test_bfl_timeouts_are_retried_then_reported_as_timeout(sim: Simulator) -> None:
    configure(sim, endpoints=faults("bfl.submit", timeout=1.0))
    with pytest.raises(ProviderFailure) as info:
        generate(bfl(sim, http=SHORT))
    assert info.value.code == "timeout" and "within 0.15 s" in str(info.value)
    assert endpoint_stats(sim, "bfl.submit")["calls"] == SHORT.max_attempts


def test_bfl_cut_off_polls_are_polled_again_and_the_task_is_never_submitted_twice(sim: Simulator) -> None:
    # Changed with #19: a cut-off poll answer used to fail the image at once. Polls are free
    # reads, so they are repeated until the task's deadline; every retry of the call resumes
    # the one recorded task instead of paying for another.
    configure(sim, endpoints=faults("bfl.get_result", truncated_json=1.0))
    generator = bfl(sim, max_wait_s=0.05)
    with pytest.raises(ProviderFailure) as info:
        generate(generator)
    assert info.value.code == "invalid_response"
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 1
    assert endpoint_stats(sim, "bfl.get_result")["calls"] > generator.http.max_attempts
    costs = [r.cost_usd for r in generator.gateway.ledger()]
    assert costs == [0.05] + [0.0] * (generator.http.max_attempts - 1)  # the task is paid on one row
    assert sum(costs) == sim.stats()["providers"]["bfl"]["billed_usd"]


def test_bfl_moderation_is_its_own_code(sim: Simulator) -> None:
    configure(sim, endpoints=faults("bfl.submit", moderated=1.0))
    with pytest.raises(ProviderFailure) as info:
        generate(bfl(sim))
    assert info.value.code == "moderated" and "Moderated" in str(info.value)
    assert info.value.call is not None and info.value.call.outcome == "moderated"


def test_bfl_wrong_key_fails_fast_without_the_key_in_the_error(sim: Simulator) -> None:
    configure(sim, api_keys={"bfl": "bfl-right"})
    with pytest.raises(ProviderFailure) as info:
        generate(bfl(sim, key=SECRET))
    assert info.value.code == "auth_failed" and "BFL_API_KEY" in str(info.value)
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 1  # 403: no retry
    assert SECRET not in error_text(info.value)


# ----------------------------------------------------------------------------- Perplexity
def researcher(sim: Simulator, key: str = "pplx-test") -> PerplexityResearcher:
    return PerplexityResearcher(api_key=key, base_url=sim.url_for("perplexity"), http=FAST, gateway=gateway())


def test_perplexity_research_keeps_citations_and_its_cost(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    client = researcher(sim)
    brief = client.research(job)
    assert brief.motivators and brief.citations and all(c.startswith("https://") for c in brief.citations)
    assert brief.location.startswith("Konstanz")
    (call,) = client.gateway.ledger()
    assert (call.provider, call.operation, call.cost_usd) == ("perplexity", "research", 0.10)
    assert sim.stats()["providers"]["perplexity"]["billed_usd"] == 0.10
    assert [r["path"] for r in sim.requests()] == ["/perplexity/v1/responses"]  # the current API


def test_perplexity_retries_a_500(sim: Simulator, job: JobPosting) -> None:
    configure(sim, seed=9, endpoints=faults("perplexity.responses", server_500=0.5))
    assert researcher(sim).research(job).citations
    assert endpoint_stats(sim, "perplexity.responses")["responses"] == {"500": 1, "200": 1}


def test_perplexity_malformed_answers_are_retried_and_each_is_on_the_ledger(
    sim: Simulator, job: JobPosting
) -> None:
    # Changed with #19: a malformed 200 used to fail at once. It is retried within the call's
    # budget, and every garbled answer, which Perplexity billed, is a ledger row at its cost.
    configure(sim, endpoints=faults("perplexity.responses", malformed_json=1.0))
    client = researcher(sim)
    with pytest.raises(ProviderFailure) as info:
        client.research(job)
    assert info.value.code == "invalid_response" and "gave up after 4 attempts" in str(info.value)
    assert endpoint_stats(sim, "perplexity.responses")["calls"] == client.http.max_attempts
    rows = client.gateway.ledger()
    assert [(r.outcome, r.error_code, r.cost_usd) for r in rows] == [("error", "invalid_response", 0.1)] * 4
    assert round(sum(r.cost_usd for r in rows), 6) == sim.stats()["providers"]["perplexity"]["billed_usd"]


def test_a_malformed_answer_once_costs_one_retry_not_the_research(sim: Simulator, job: JobPosting) -> None:
    configure(sim, seed=9, endpoints=faults("perplexity.responses", truncated_json=0.5))
    client = researcher(sim)
    brief = client.research(job)
    rows = client.gateway.ledger()
    assert brief.citations and [r.outcome for r in rows] == ["error", "ok"]
    assert endpoint_stats(sim, "perplexity.responses")["faults"] == {"truncated_json": 1}
    assert sum(r.cost_usd for r in rows) == sim.stats()["providers"]["perplexity"]["billed_usd"] == 0.2


def test_perplexity_html_401_is_auth_failed_without_the_key(sim: Simulator, job: JobPosting) -> None:
    configure(sim, api_keys={"perplexity": "pplx-right"})
    with pytest.raises(ProviderFailure) as info:
        researcher(sim, key=SECRET).research(job)
    assert info.value.code == "auth_failed" and "PERPLEXITY_API_KEY" in str(info.value)
    assert "<html>" not in str(info.value)
    assert endpoint_stats(sim, "perplexity.responses")["calls"] == 1
    assert SECRET not in error_text(info.value)


# ----------------------------------------------------------------------------- HOC
def hoc(sim: Simulator, key: str = "hoc-test", **config: object) -> HocJobSource:
    return HocJobSource(api_key=key, base_url=sim.url_for("hoc"), http=FAST, **config)  # type: ignore[arg-type]


def test_hoc_job_is_fetched_and_validated(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    assert hoc(sim).get_job(JOB_ID) == job  # the same posting as the local sample file


def test_hoc_unknown_job_and_malformed_job_are_clear_errors(sim: Simulator, job: JobPosting) -> None:
    configure(sim, hoc={"jobs": [{**job.model_dump(mode="json"), "job_id": "hoc-bad", "benefits": []}]})
    with pytest.raises(ProviderError) as missing:
        hoc(sim).get_job("hoc-0000-nope")
    assert missing.value.code == "job_not_found"
    with pytest.raises(ProviderError) as malformed:
        hoc(sim).get_job("hoc-bad")
    assert malformed.value.code == "malformed_job" and "benefits" in str(malformed.value)


def test_hoc_listing_follows_every_cursor_page(sim: Simulator, job: JobPosting) -> None:
    extra = [{**job.model_dump(mode="json"), "job_id": f"hoc-9{i}"} for i in range(3)]
    configure(sim, hoc={"jobs": extra})
    refs = hoc(sim, page_size=2).list_jobs()
    samples = {JOB_ID, "hoc-5120-warehouse", "hoc-6230-pflege-bilingual"}
    assert {r.job_id for r in refs} == {*samples, "hoc-90", "hoc-91", "hoc-92"}
    assert endpoint_stats(sim, "hoc.list_jobs")["calls"] == 3  # 2 + 2 + 2
    newest = max(r.updated_at for r in refs)
    assert hoc(sim).list_jobs(updated_since=newest) == []


def test_hoc_retries_a_500_and_refuses_a_wrong_key(sim: Simulator) -> None:
    configure(sim, seed=0, endpoints=faults("hoc.get_job", server_500=0.5))
    assert hoc(sim).get_job(JOB_ID).job_id == JOB_ID
    assert endpoint_stats(sim, "hoc.get_job")["responses"] == {"500": 1, "200": 1}
    configure(sim, api_keys={"hoc": "hoc-right"})
    with pytest.raises(ProviderFailure) as info:
        hoc(sim, key=SECRET).get_job(JOB_ID)
    assert info.value.code == "auth_failed" and SECRET not in error_text(info.value)
    assert endpoint_stats(sim, "hoc.get_job")["calls"] == 1


def test_retry_after_is_honoured_and_a_too_long_one_fails_at_once(sim: Simulator) -> None:
    # Retry-After is whole seconds: 600 × time_scale 0.001 → "1".
    limited = {"hoc.get_job": {"faults": {"rate_limit_429": 0.5}, "retry_after_s": 600}}
    configure(sim, seed=0, endpoints=limited)
    started = time.monotonic()
    assert hoc(sim).get_job(JOB_ID).job_id == JOB_ID
    assert time.monotonic() - started >= 0.95  # waited what the server said, not the 1 ms backoff
    configure(sim, endpoints={"hoc.get_job": {"faults": {"rate_limit_429": 1.0}, "retry_after_s": 200_000}})
    with pytest.raises(ProviderFailure) as info:
        hoc(sim).get_job(JOB_ID)
    assert info.value.code == "rate_limited" and "asks to wait 200 s" in str(info.value)
    assert endpoint_stats(sim, "hoc.get_job")["calls"] == 1


def test_retry_after_forms() -> None:
    in_nine_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=9), usegmt=True)
    assert retry_after_s(httpx.Headers({"retry-after-ms": "250", "retry-after": "3"})) == 0.25
    assert retry_after_s(httpx.Headers({"retry-after": "3"})) == 3.0
    assert 5 < (retry_after_s(httpx.Headers({"retry-after": in_nine_seconds})) or 0) <= 9
    assert retry_after_s(httpx.Headers({})) is None


# ----------------------------------------------------------------------------- Firecrawl
def extractor(sim: Simulator, key: str = "fc-test", **config: object) -> FirecrawlBrandExtractor:
    settings = {"http": FAST, "allow_private_hosts": True, **config}
    return FirecrawlBrandExtractor(
        api_key=key, base_url=sim.url_for("firecrawl"), gateway=gateway(), **settings
    )  # type: ignore[arg-type]


def test_firecrawl_maps_colours_font_and_logo(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    client = extractor(sim)
    brand = client.extract(job)
    assert (brand.source, brand.fallback_reason) == ("firecrawl", None)
    assert brand.primary_color == "#0b6e4f"  # the sample employer's kit, as its site shows it
    assert brand.logo is not None and brand.logo_png is not None
    assert validate_png(brand.logo_png) == (brand.logo.width, brand.logo.height)
    (call,) = client.gateway.ledger()
    assert (call.provider, call.cost_usd) == ("firecrawl", 0.01)
    assert to_hex("#ABC") == "#aabbcc" and to_hex("rgb(1, 2, 255)") == "#0102ff" and to_hex("red") is None


@pytest.mark.parametrize(
    ("site", "reason"),
    [({"status_code": 404}, "HTTP 404"), ({"branding": "empty"}, "no usable brand colours")],
)
def test_firecrawl_unusable_sites_fall_back_to_defaults(
    sim: Simulator, job: JobPosting, site: dict[str, object], reason: str
) -> None:
    configure(sim, firecrawl={"default_site": site})
    client = extractor(sim)
    brand = client.extract(job)
    assert brand.source == "defaults" and reason in (brand.fallback_reason or "")
    assert client.gateway.ledger()[0].cost_usd == 0.01  # Firecrawl bills the scrape all the same


def test_firecrawl_retries_a_429_and_a_bad_key_fails_fast(sim: Simulator, job: JobPosting) -> None:
    configure(sim, seed=8, endpoints=faults("firecrawl.scrape", rate_limit_429=0.5))
    assert extractor(sim).extract(job).source == "firecrawl"
    assert endpoint_stats(sim, "firecrawl.scrape")["responses"] == {"429": 1, "200": 1}
    # Changed with #19: a refused key used to give default colours and a successful run.
    configure(sim, api_keys={"firecrawl": "fc-right"})
    with pytest.raises(ProviderFailure) as info:
        extractor(sim, key=SECRET).extract(job)
    assert info.value.code == "auth_failed" and "FIRECRAWL_API_KEY" in str(info.value)
    assert SECRET not in error_text(info.value)
    assert endpoint_stats(sim, "firecrawl.scrape")["calls"] == 1


def test_firecrawl_that_keeps_failing_falls_back_to_defaults_with_its_reason(
    sim: Simulator, job: JobPosting
) -> None:
    configure(sim, endpoints=faults("firecrawl.scrape", server_503=1.0))
    client = extractor(sim)
    brand = client.extract(job)
    assert brand.source == "defaults" and "[server_error]" in (brand.fallback_reason or "")
    assert "gave up after 4 attempts" in (brand.fallback_reason or "")
    rows = client.gateway.ledger()
    assert len(rows) == 4 and all(r.cost_usd == 0 for r in rows)
