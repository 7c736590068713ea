"""Which implementation serves each capability, chosen by one environment variable at startup.

    CREATIVE_ASSETS_PROVIDERS="all=real"                       every capability on its real provider
    CREATIVE_ASSETS_PROVIDERS="text=openai,images=bfl,edit=real"  per capability (real or its name)
    CREATIVE_ASSETS_PROVIDERS="all=real,jobs=local,fallback=local" later items override earlier ones
    CREATIVE_ASSETS_PROVIDERS="all=real,review=vision"  Gate 1b also asks the vision model
    CREATIVE_ASSETS_PROVIDERS="all=real,backlog=launch"  the jobs sensor also starts the backlog
    (unset or empty)                                           everything local, no key needed

Capabilities and their real providers: jobs=hoc, research=perplexity, text=openai,
brand=firecrawl, images=bfl, edit=openai, vision=openai. With text=openai the compliance gate
also has the model review each locale's copy (`compliance_reviewer`; docs/compliance.md).

`fallback=none` (the default): a real image provider's final failure fails that one creative.
`fallback=local` is an explicit opt-in: the local painter stands in for BFL and the local
typesetter for gpt-image-1 on outages (`providers/fallback.py`); what they make is flagged
`needs_review` on the creative, its contact sheet tile and manifest row, and ships only when a
person approves it. (The zero-key default's local providers are the providers, not stand-ins.)

`backlog=skip` (the default with the real HOC API): the jobs sensor's first tick records the
open jobs as they are and starts campaigns only for jobs that are new or change afterwards;
`backlog=launch` starts the whole backlog (each campaign is paid). The local jobs folder (the
samples) is always launched as found.

A real provider chosen without its key fails when the definitions load, naming the variable;
it never quietly becomes local. Keys stay out of the definitions: fields hold `dg.EnvVar`s,
which Dagster resolves when a run starts.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any, Literal

import dagster as dg
from pydantic import BaseModel, ConfigDict, ValidationError

from creative_assets.errors import ProviderError
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.providers.fallback import FallbackImageEditor, FallbackImageGenerator
from creative_assets.providers.local import LocalImageEditor, ProceduralImageGenerator
from creative_assets.resources.settings import DeploymentEnv, key_values

ENV_VAR = "CREATIVE_ASSETS_PROVIDERS"
Mode = Literal["local", "real"]
Capability = Literal["jobs", "research", "text", "brand", "images", "edit", "vision"]
CAPABILITIES: tuple[Capability, ...] = ("jobs", "research", "text", "brand", "images", "edit", "vision")
REAL: dict[Capability, str] = {
    "jobs": "hoc",
    "research": "perplexity",
    "text": "openai",
    "brand": "firecrawl",
    "images": "bfl",
    "edit": "openai",
    "vision": "openai",
}
RESOURCE_KEY: dict[Capability, str] = {
    "jobs": "job_source",
    "research": "researcher",
    "text": "text_generator",
    "brand": "brand_extractor",
    "images": "image_generator",
    "edit": "image_editor",
    "vision": "vision_analyzer",
}
KEY_VAR = {
    "openai": "OPENAI_API_KEY",
    "bfl": "BFL_API_KEY",
    "perplexity": "PERPLEXITY_API_KEY",
    "firecrawl": "FIRECRAWL_API_KEY",
    "hoc": "HOC_API_KEY",
}
# Base URL variable; unset, the client's own default (the public host). HOC has no public host,
# so its URL is required.
URL_VAR = {
    "openai": "OPENAI_BASE_URL",
    "bfl": "BFL_BASE_URL",
    "perplexity": "PERPLEXITY_BASE_URL",
    "firecrawl": "FIRECRAWL_BASE_URL",
    "hoc": "HOC_API_URL",
}
URL_REQUIRED = {"hoc"}
# Each real client's module and class. A module is imported only when its capability is chosen
# real: every process that loads the definitions (the code server, each run's worker) would
# otherwise import the SDKs of clients it never builds (the openai SDK alone is the largest).
CLIENT: dict[str, tuple[str, str]] = {
    "jobs": ("hoc", "HocJobSource"),
    "research": ("perplexity", "PerplexityResearcher"),
    "text": ("openai_text", "OpenAITextGenerator"),
    "brand": ("firecrawl", "FirecrawlBrandExtractor"),
    "images": ("bfl", "BflImageGenerator"),
    "edit": ("openai_images", "OpenAIImageEditor"),
    "vision": ("openai_images", "OpenAIVisionAnalyzer"),
    "review": ("openai_compliance", "OpenAIComplianceReviewer"),
}


class ProviderChoice(BaseModel):
    """local or real per capability, and whether image steps fall back to local."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jobs: Mode = "local"
    research: Mode = "local"
    text: Mode = "local"
    brand: Mode = "local"
    images: Mode = "local"
    edit: Mode = "local"
    vision: Mode = "local"
    fallback: Literal["local", "none"] = "none"
    # Gate 1b's vision review of every finished creative: one more vision call per attempt.
    review: Literal["off", "vision"] = "off"
    # What the jobs sensor does with the jobs already open when it first looks at a real HOC API.
    backlog: Literal["skip", "launch"] = "skip"

    def real(self) -> list[Capability]:
        return [c for c in CAPABILITIES if getattr(self, c) == "real"]


def _invalid(message: str) -> ProviderError:
    return ProviderError("invalid_provider_choice", f"{ENV_VAR}: {message}")


def parse_choice(text: str) -> ProviderChoice:
    return choice_of(key_values(text))  # type: ignore[arg-type]


def choice_from_env(environ: Mapping[str, str]) -> ProviderChoice:
    return choice_of(DeploymentEnv.of(environ).providers)


def choice_of(items: list[tuple[str, str, str]]) -> ProviderChoice:
    """The choice from CREATIVE_ASSETS_PROVIDERS's items (`resources.settings.key_values`)."""
    values: dict[str, str] = {}
    for item, key, value in items:
        if not value:
            raise _invalid(f"{item!r} is not key=value (e.g. all=real or text=openai)")
        if key in ("fallback", "review", "backlog"):
            values[key] = value
            continue
        if key != "all" and key not in CAPABILITIES:
            known = ", ".join(("all", "fallback", "review", "backlog", *CAPABILITIES))
            raise _invalid(f"unknown capability {key!r}; known: {known}")
        for capability in CAPABILITIES if key == "all" else (key,):
            if value in ("real", REAL[capability]):  # type: ignore[index]
                values[capability] = "real"
            elif value == "local":
                values[capability] = "local"
            else:
                raise _invalid(f"{item!r}: {capability} is local or real ({REAL[capability]})")  # type: ignore[index]
    try:
        choice = ProviderChoice.model_validate(values)
    except ValidationError as exc:
        raise _invalid(
            f"fallback is none or local (not {values.get('fallback')!r}), "
            f"review is off or vision (not {values.get('review')!r}), "
            f"backlog is skip or launch (not {values.get('backlog')!r})"
        ) from exc
    if choice.review == "vision" and choice.vision != "real":
        raise _invalid("review=vision needs the vision model: add vision=openai")
    return choice


def _check_keys(choice: ProviderChoice, environ: Mapping[str, str]) -> None:
    missing = []
    for capability in choice.real():
        provider = REAL[capability]
        for var in (KEY_VAR[provider], *([URL_VAR[provider]] if provider in URL_REQUIRED else [])):
            if not environ.get(var, "").strip():
                missing.append(f"{var} is not set but {capability}={provider} was chosen")
    if missing:
        raise ProviderError("missing_key", "; ".join(missing) + f" (set it, or choose local in {ENV_VAR})")


def _client(kind: str, **fields: Any) -> Any:
    """The real client `CLIENT[kind]`, its module imported now."""
    module, name = CLIENT[kind]
    return getattr(importlib.import_module(f"creative_assets.providers.{module}"), name)(**fields)


def provider_resources(
    choice: ProviderChoice, gateway: ProviderGateway, environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The resources of the capabilities chosen real, to merge over `local_resources(...)`; every
    paid client goes through `gateway`. Raises `[missing_key]` for a chosen provider whose key
    (or HOC URL) is not set."""
    env = os.environ if environ is None else environ
    _check_keys(choice, env)

    def connection(provider: str) -> dict[str, Any]:
        """The key, and the base URL when its variable is set (or required)."""
        url = {"base_url": dg.EnvVar(URL_VAR[provider])} if env.get(URL_VAR[provider], "").strip() else {}
        return {"api_key": dg.EnvVar(KEY_VAR[provider]), **url}

    resources: dict[str, object] = {}
    for capability in choice.real():
        fields = connection(REAL[capability])
        if capability != "jobs":  # the jobs API is read for free, not through the gateway
            fields["gateway"] = gateway
        if capability == "vision":
            fields["review_creatives"] = choice.review == "vision"
        resource = _client(capability, **fields)
        if choice.fallback == "local" and capability == "images":
            resource = FallbackImageGenerator(primary=resource, fallback=ProceduralImageGenerator())
        elif choice.fallback == "local" and capability == "edit":
            resource = FallbackImageEditor(primary=resource, fallback=LocalImageEditor())
        resources[RESOURCE_KEY[capability]] = resource
    if choice.text == "real":  # the copywriter's model also reviews the copy for the compliance gate
        resources["compliance_reviewer"] = _client("review", **connection("openai"), gateway=gateway)
    return resources
