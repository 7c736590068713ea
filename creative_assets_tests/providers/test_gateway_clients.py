"""The gateway in front of the real clients, against the simulator: cached answers cost nothing
and send nothing, the budget guard refuses before sending, an open breaker holds calls back, the in-flight
limit holds for threads of one process, and the ledger records all of it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pytest

from creative_assets.errors import SERVER_ERROR, ProviderFailure
from creative_assets.gateway import BudgetExceeded, ProviderLimit, call_scope
from creative_assets.gateway.resource import REFRESH_TAG, CallSpec, ProviderGateway
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.imaging.png import validate_png
from creative_assets.models import DesignerPrompt, JobPosting
from creative_assets.providers.bfl import BflImageGenerator
from creative_assets.providers.fallback import FallbackImageGenerator
from creative_assets.providers.firecrawl import FirecrawlBrandExtractor
from creative_assets.providers.local import ProceduralImageGenerator
from creative_assets.providers.openai_images import OpenAIVisionAnalyzer
from creative_assets.providers.perplexity import PerplexityResearcher
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import FAST, configure, endpoint_stats, faults, gateway

PROMPT = DesignerPrompt(image_type="location", prompt="Konstanz harbour at dawn, calm sky. No text.")


def flux(sim: Simulator, gw: ProviderGateway) -> BflImageGenerator:
    return BflImageGenerator(
        api_key="bfl-test", base_url=sim.url_for("bfl"), http=FAST, poll_interval_s=0.005, gateway=gw
    )


def draw(generator: BflImageGenerator | FallbackImageGenerator, seed: int = 7):
    return generator.generate(PROMPT, seed=seed, width=512, height=512, palette=[])


def test_a_repeated_request_is_answered_from_the_cache_byte_for_byte(sim: Simulator) -> None:
    configure(sim)
    gw = gateway()
    with call_scope(job_id="hoc-1", variant="A", phase="base_images", run_id="run-1"):
        first, second = draw(flux(sim, gw)), draw(flux(sim, gw))
        third = draw(flux(sim, gw), seed=8)  # a new seed is a new picture: paid
    assert first.value == second.value and validate_png(first.value) == (512, 512)
    assert third.value != first.value
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 2
    rows = gw.ledger("hoc-1")
    assert rows[0].request_hash == rows[1].request_hash != rows[2].request_hash
    assert [(r.cached, r.outcome, r.cost_usd) for r in rows] == [
        (False, "ok", 0.05),
        (True, "ok", 0.0),
        (False, "ok", 0.05),
    ]
    assert {(r.variant, r.phase, r.run_id) for r in rows} == {("A", "base_images", "run-1")}


def test_a_refresh_run_asks_again_and_the_ledger_knows_the_dagster_step(sim: Simulator) -> None:
    configure(sim)
    gw = gateway()
    generator = flux(sim, gw)
    partitions = dg.StaticPartitionsDefinition(["hoc-9"])

    @dg.asset(partitions_def=partitions)
    def picture() -> None:
        draw(generator)

    for tags in ({}, {}, {REFRESH_TAG: "true"}):
        assert dg.materialize([picture], partition_key="hoc-9", tags=tags).success
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 2  # the second run was a cache hit
    rows = gw.ledger("hoc-9")
    assert [r.cached for r in rows] == [False, True, False]
    assert {r.phase for r in rows} == {"picture"} and len({r.run_id for r in rows}) == 3


def test_the_budget_guard_refuses_before_sending_and_keeps_the_record(sim: Simulator) -> None:
    configure(sim)
    gw = gateway(job_budget_usd=0.08)
    with call_scope(job_id="hoc-2"):
        draw(flux(sim, gw), seed=1)
        draw(flux(sim, gw), seed=1)  # cached: free, so still allowed
        with pytest.raises(BudgetExceeded) as refused:
            draw(flux(sim, gw), seed=2)
    message = str(refused.value)
    assert refused.value.code == "budget_exceeded"
    assert "hoc-2" in message and "CREATIVE_ASSETS_JOB_BUDGET_USD" in message and "0.08" in message
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 1
    assert [r.outcome for r in gw.ledger("hoc-2")] == ["ok", "ok", "refused"]
    assert gw.store.spent(job_id="hoc-2") == 0.05
    with call_scope(job_id="hoc-3"):  # another job has its own cap
        draw(flux(sim, gw), seed=2)


def test_the_monthly_cap_spans_jobs(sim: Simulator) -> None:
    configure(sim)
    gw = gateway(monthly_budget_usd=0.12)
    for job, seed in (("hoc-a", 1), ("hoc-b", 2)):
        with call_scope(job_id=job):
            draw(flux(sim, gw), seed=seed)
    with call_scope(job_id="hoc-c"), pytest.raises(BudgetExceeded) as refused:
        draw(flux(sim, gw), seed=3)
    assert "CREATIVE_ASSETS_MONTHLY_BUDGET_USD" in str(refused.value)
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 2


def test_the_breaker_opens_after_consecutive_failures_and_the_fallback_takes_over(sim: Simulator) -> None:
    configure(sim, endpoints=faults("bfl.submit", server_500=1.0))
    # Open for longer than a call's deadline: waiting cannot help, so the call ends at once.
    gw = gateway(breaker_threshold=2, breaker_cooldown_s=2 * FAST.deadline_s)
    for seed in (1, 2):
        with pytest.raises(ProviderFailure) as failed:
            draw(flux(sim, gw), seed=seed)
        assert failed.value.code == "server_error"
    sent = endpoint_stats(sim, "bfl.submit")["calls"]
    with pytest.raises(ProviderFailure) as fast:
        draw(flux(sim, gw), seed=3)
    assert fast.value.code == "circuit_open" and "breaker is open" in str(fast.value)
    assert endpoint_stats(sim, "bfl.submit")["calls"] == sent  # nothing was sent
    chain = FallbackImageGenerator(primary=flux(sim, gw), fallback=ProceduralImageGenerator())
    painted = draw(chain, seed=4)
    assert painted.made_by == "local/procedural-v1"
    assert painted.fallback == "text-to-image by a local stand-in after bfl failed [circuit_open]"
    outcomes = [r.outcome for r in gw.ledger()]
    attempts = FAST.max_attempts  # each failed call tried that often, one ledger row per attempt
    assert outcomes == ["error"] * attempts * 2 + ["circuit_open", "circuit_open"]
    assert all(r.cost_usd == 0 for r in gw.ledger())  # a failed submit is not billed


def test_an_open_breaker_makes_a_call_wait_for_its_trial_instead_of_losing_it(sim: Simulator) -> None:
    configure(sim, endpoints=faults("bfl.submit", server_500=1.0))
    gw = gateway(breaker_threshold=2, breaker_cooldown_s=0.5)
    for seed in (1, 2):
        with pytest.raises(ProviderFailure):
            draw(flux(sim, gw), seed=seed)
    assert gw.store.breaker_check("bfl", cooldown_s=0.5).state == "open"
    configure(sim)  # the provider is well again while the breaker is still open
    assert validate_png(draw(flux(sim, gw), seed=3).value) == (512, 512)
    assert [r.outcome for r in gw.ledger()][-1] == "ok"
    assert "circuit_open" not in {r.outcome for r in gw.ledger()}
    assert gw.store.breaker_check("bfl", cooldown_s=0.5).state == "closed"  # the trial closed it


def test_a_call_that_failed_and_then_met_the_open_breaker_does_not_close_it() -> None:
    gw = gateway(breaker_threshold=1, breaker_cooldown_s=2 * RetryPolicy().deadline_s)
    spec = CallSpec("openai", "chat", "gpt-4o", {"q": 1}, 0.01, retry=RetryPolicy(backoff_s=0.001))

    def run():  # its first attempt fails, and meanwhile another call's failure opens the breaker
        gw.store.breaker_report("openai", False, gw.breaker_threshold, gw.breaker_cooldown_s)
        raise ProviderFailure(SERVER_ERROR, "unwell", provider="openai")

    with pytest.raises(ProviderFailure) as ended:
        gw.call(spec, run)
    assert ended.value.code == "circuit_open"
    assert gw.store.breaker_check("openai", gw.breaker_cooldown_s).state == "open"  # not reported well


def test_in_flight_limit_holds_for_threads_of_one_process(sim: Simulator) -> None:
    configure(sim, bfl={"task_duration": {"kind": "fixed", "seconds": 200.0}})  # 0.2 s scaled
    gw = gateway(limits={"bfl": ProviderLimit(max_in_flight=2, requests_per_minute=6000, burst=50)})
    generator = flux(sim, gw)
    with ThreadPoolExecutor(max_workers=6) as pool:
        images = list(pool.map(lambda seed: draw(generator, seed=seed), range(6)))
    assert len({i.value for i in images}) == 6
    stats = sim.stats()
    assert stats["bfl"]["max_active_tasks"] == 2
    assert endpoint_stats(sim, "bfl.submit")["limited"] == {}


def test_research_is_shared_by_role_and_place_for_a_week(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    gw = gateway()
    researcher = PerplexityResearcher(
        api_key="pplx-test", base_url=sim.url_for("perplexity"), http=FAST, gateway=gw
    )
    other_employer = job.model_copy(update={"company_name": "Klinikum Nord", "description": "Andere Stelle."})
    first, second = researcher.research(job), researcher.research(other_employer)
    assert endpoint_stats(sim, "perplexity.responses")["calls"] == 1
    assert second == first
    assert [(r.cached, r.cost_usd) for r in gw.ledger()] == [(False, 0.1), (True, 0.0)]
    moved = job.model_copy(update={"location": job.location.model_copy(update={"city": "Ulm"})})
    researcher.research(moved)
    assert endpoint_stats(sim, "perplexity.responses")["calls"] == 2


def test_a_brand_is_scraped_once_per_company(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    gw = gateway()
    extractor = FirecrawlBrandExtractor(
        api_key="fc-test", base_url=sim.url_for("firecrawl"), http=FAST, gateway=gw
    )
    first, second = extractor.extract(job), extractor.extract(job)
    assert endpoint_stats(sim, "firecrawl.scrape")["calls"] == 1
    assert second.model_dump() == first.model_dump()
    assert [(r.cached, r.cost_usd) for r in gw.ledger()] == [(False, 0.01), (True, 0.0)]


def test_a_failed_scrape_is_not_cached(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults("firecrawl.scrape", server_500=1.0))
    extractor = FirecrawlBrandExtractor(
        api_key="fc-test", base_url=sim.url_for("firecrawl"), http=FAST, gateway=gateway()
    )
    assert extractor.extract(job).source == "defaults"
    configure(sim)
    assert extractor.extract(job).source == "firecrawl"


def test_an_image_is_analysed_once_per_content(sim: Simulator) -> None:
    configure(sim)
    base_png = draw(ProceduralImageGenerator()).value
    gw = gateway()
    analyzer = OpenAIVisionAnalyzer(api_key="sk-test", base_url=sim.url_for("openai"), gateway=gw)
    first, second = analyzer.analyze(base_png), analyzer.analyze(base_png)
    assert endpoint_stats(sim, "openai.chat_completions")["calls"] == 1
    assert first.value == second.value and [r.cached for r in gw.ledger()] == [False, True]
