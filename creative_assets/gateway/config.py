"""The gateway of a deployment, from environment variables read when the definitions load:

    CREATIVE_ASSETS_STATE_URL          sqlite:///… (default: beside the Dagster instance) or postgresql://…
    CREATIVE_ASSETS_JOB_BUDGET_USD     cap per HOC job over all its runs (unset: no cap)
    CREATIVE_ASSETS_MONTHLY_BUDGET_USD cap per calendar month, UTC (unset: no cap)
    CREATIVE_ASSETS_PROVIDER_LIMITS    e.g. "bfl=5,openai=50,bfl.rpm=120,perplexity.burst=3"

Read by `resources/settings.py` (one place for the code location's variables); a value that does
not parse fails the load with its name, like a missing key does. Where the
response cache lives (URL, S3 endpoint and key pair) comes from `creative_assets/io/storage.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg

from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.models import ProviderLimit
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.shared import DEFAULT_LIMITS
from creative_assets.io.storage import S3Connection
from creative_assets.resources.settings import DeploymentEnv

STATE_URL_VAR = "CREATIVE_ASSETS_STATE_URL"
LIMITS_VAR = "CREATIVE_ASSETS_PROVIDER_LIMITS"
LIMIT_FIELDS = {
    "": "max_in_flight",
    "in_flight": "max_in_flight",
    "rpm": "requests_per_minute",
    "burst": "burst",
}


def _invalid(message: str) -> CreativeAssetsError:
    return CreativeAssetsError("invalid_setting", message)


def limits_of(items: list[tuple[str, str, str]]) -> dict[str, ProviderLimit]:
    """The defaults, changed by CREATIVE_ASSETS_PROVIDER_LIMITS's items (`key_values`)."""
    limits = {name: limit.model_dump() for name, limit in DEFAULT_LIMITS.items()}
    for item, target, value in items:
        provider, _, knob = target.partition(".")
        if "=" not in item or not provider or knob not in LIMIT_FIELDS:
            raise _invalid(f"{LIMITS_VAR}: {item!r} is not provider=N or provider.rpm|burst=N")
        try:
            number = float(value) if knob == "rpm" else int(value)
        except ValueError:
            raise _invalid(f"{LIMITS_VAR}: {item!r} needs a number") from None
        limits.setdefault(provider, {"max_in_flight": 4})[LIMIT_FIELDS[knob]] = number
    try:
        return {name: ProviderLimit(**fields) for name, fields in limits.items()}
    except Exception as exc:  # pydantic's message names the field and the bound
        raise _invalid(f"{LIMITS_VAR}: {exc}") from None


def gateway_from_env(
    environ: Mapping[str, str], cache_url: str, cache_s3: S3Connection | None = None
) -> ProviderGateway:
    """`cache_url` and `cache_s3` come from `io.storage.storage_from_env`, like the IO manager's."""
    env = DeploymentEnv.of(environ)
    fields: dict[str, Any] = {
        "cache_url": cache_url,
        "cache_s3": cache_s3,
        "limits": limits_of(env.provider_limits),
        "job_budget_usd": env.job_budget_usd,
        "monthly_budget_usd": env.monthly_budget_usd,
    }
    if env.state_url.strip():
        # Resolved when a run starts: a Postgres URL may carry a password.
        fields["state_url"] = dg.EnvVar(STATE_URL_VAR)
    return ProviderGateway(**fields)
