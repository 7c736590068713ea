"""Role and location research on Perplexity's current Responses API (`POST /v1/responses`; the
Sonar chat-completions endpoint is being retired), with a JSON-schema answer and its citations.

Output items are picked by `type` (the `search_results` item comes before the `message`), and
the citations are the search results' URLs plus any `url_citation` annotations, de-duplicated.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import Field, ValidationError

from creative_assets.errors import (
    INVALID_MODEL_OUTPUT,
    INVALID_RESPONSE,
    ProviderFailure,
    describe_validation_error,
)
from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
from creative_assets.models import JobPosting, Model, ProviderCall, ResearchBrief
from creative_assets.providers import prompts
from creative_assets.providers.base import Researcher
from creative_assets.providers.http import HttpSettings, ProviderHttp, bearer, failed_call
from creative_assets.providers.prices import PERPLEXITY_PER_RESEARCH
from creative_assets.providers.strict_schema import drop_nulls, strict_schema

DEFAULT_BASE_URL = "https://api.perplexity.ai"
PROVIDER = "perplexity"
KEY_VAR = "PERPLEXITY_API_KEY"
RESEARCH_TTL_S = 7 * 24 * 3600.0


class Findings(Model):
    """The part of a research brief the search model writes."""

    motivators: list[str] = Field(min_length=1, max_length=5)
    pain_points: list[str] = Field(max_length=4)
    market_notes: list[str] = Field(max_length=4)


class PerplexityResearcher(Researcher):
    """`api_key` is meant to be `dg.EnvVar("PERPLEXITY_API_KEY")`."""

    api_key: str = Field(description="Perplexity API key (pass dg.EnvVar('PERPLEXITY_API_KEY'))")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="PERPLEXITY_BASE_URL")
    preset: str = Field(default="fast-search", description="Responses API preset (model + web search)")
    price_per_research: float = Field(
        default=PERPLEXITY_PER_RESEARCH, ge=0, description="used when the answer reports no cost"
    )
    http: HttpSettings = Field(default_factory=lambda: HttpSettings(timeout_s=90.0))
    gateway: ProviderGateway = Field(description="limits, cache, budget and ledger shared by all runs")

    def list_prices(self) -> dict[str, float]:
        return {"research": self.price_per_research}

    def research(self, job: JobPosting) -> ResearchBrief:
        location = ", ".join(p for p in (job.location.city, job.location.region, job.location.country) if p)
        question = (
            f"Role: {job.title} ({job.employment_type}) at {job.company_name}. Place: {location}. "
            f"Language: {job.language}. Posting: {job.description[:2000]}"
        )
        body = {
            "preset": self.preset,
            "input": question,
            "instructions": prompts.RESEARCH,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "research_findings", "schema": strict_schema(Findings)},
            },
        }
        spec = CallSpec(
            provider=PROVIDER,
            operation="research",
            model=self.preset,
            request=body,
            expected_cost_usd=self.price_per_research,
            ttl_s=RESEARCH_TTL_S,
            retry=self.http,
            # The design's key: the same role in the same place is the same research for a week,
            # whichever employer asks.
            cache_key={
                "role": " ".join(job.title.casefold().split()),
                "location": location.casefold(),
                "language": job.language,
            },
        )
        answer = self.gateway.call(spec, lambda: self._ask(body))
        findings = Findings.model_validate(answer.data["findings"])
        return ResearchBrief(
            role=job.title,
            location=location,
            motivators=findings.motivators,
            pain_points=findings.pain_points,
            market_notes=findings.market_notes,
            citations=answer.data["citations"],
            # The same words whether fresh or cached: the brief feeds later requests' content address.
            source=f"perplexity ({self.preset})",
        )

    def _ask(self, body: dict[str, Any]) -> Answer:
        call = ProviderCall(provider=PROVIDER, model=self.preset, operation="research", unit="research")
        started = time.monotonic()
        http = ProviderHttp(PROVIDER, KEY_VAR, self.api_key, self.http, bearer(self.api_key))
        answer: Any = None
        try:
            with http.client() as client:
                url = f"{self.base_url.rstrip('/')}/v1/responses"
                answer = http.request_json(client, "POST", url, "the research request", json=body)
            call = _priced(call, answer, self.price_per_research, started)
            findings, citations = _read(answer)
        except ProviderFailure as exc:
            # An answer Perplexity sent (even cut off) is billed; a refused request is not.
            billed = exc.answered or answer is not None
            raise failed_call(
                exc, _priced(call, answer, self.price_per_research if billed else 0.0, started)
            ) from None
        return Answer(call=call, data={"findings": findings.model_dump(mode="json"), "citations": citations})


def _priced(call: ProviderCall, answer: Any, fallback: float, started: float) -> ProviderCall:
    """The answer's own `usage.cost.total_cost` when it reports one, else the price table."""
    cost = fallback
    usage = answer.get("usage") if isinstance(answer, dict) else None
    reported = (usage.get("cost") or {}).get("total_cost") if isinstance(usage, dict) else None
    if isinstance(reported, int | float) and reported >= 0:
        cost = float(reported)
    model = (
        answer.get("model")
        if isinstance(answer, dict) and isinstance(answer.get("model"), str)
        else call.model
    )
    return call.model_copy(
        update={
            "cost_usd": round(cost, 6),
            "model": model,
            "duration_s": round(time.monotonic() - started, 3),
        }
    )


def _invalid(message: str) -> ProviderFailure:
    return ProviderFailure(INVALID_RESPONSE, f"{message}; re-run the step", provider=PROVIDER)


def _read(answer: Any) -> tuple[Findings, list[str]]:
    if not isinstance(answer, dict) or not isinstance(answer.get("output"), list):
        raise _invalid("Perplexity's answer has no output items")
    if answer.get("status") not in (None, "completed"):
        raise _invalid(f"Perplexity's research ended with status {answer.get('status')!r}")
    citations: dict[str, None] = {}
    text = None
    for item in answer["output"]:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "search_results":
            for result in item.get("results") or []:
                if isinstance(result, dict) and isinstance(result.get("url"), str):
                    citations.setdefault(result["url"], None)
        elif item.get("type") == "message":
            for part in item.get("content") or []:
                if isinstance(part, dict) and part.get("type") == "output_text":
                    text = part.get("text")
                    for note in part.get("annotations") or []:
                        if isinstance(note, dict) and isinstance(note.get("url"), str):
                            citations.setdefault(note["url"], None)
    if not isinstance(text, str):
        raise _invalid("Perplexity's answer has no output_text message")
    try:
        data = json.loads(text)
        findings = Findings.model_validate(drop_nulls(data, Findings) if isinstance(data, dict) else data)
    except ValueError as exc:
        detail = describe_validation_error(exc) if isinstance(exc, ValidationError) else "not JSON"
        raise ProviderFailure(
            INVALID_MODEL_OUTPUT,
            f"Perplexity's findings do not fit the requested schema ({detail}); re-run the step",
            provider=PROVIDER,
        ) from None
    return findings, list(citations)
