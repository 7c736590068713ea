"""Deployment-wide knobs of a campaign (base image size, ad formats, retry bounds), and the code
location's settings from the environment in one typed place (prefix `CREATIVE_ASSETS_`):

    CREATIVE_ASSETS_FORMATS            ad formats, e.g. "1:1,9:16" (the first is the primary one)
    CREATIVE_ASSETS_PROVIDERS          e.g. "all=real,fallback=local" (providers/select.py)
    CREATIVE_ASSETS_PROVIDER_LIMITS    e.g. "bfl=5,openai=50,bfl.rpm=120" (gateway/config.py)
    CREATIVE_ASSETS_STATE_URL, CREATIVE_ASSETS_JOB_BUDGET_USD, CREATIVE_ASSETS_MONTHLY_BUDGET_USD

The two `key=value` lists are split here, once; what their keys mean is up to their readers. A
value that does not parse stops the code location from loading, naming its variable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Annotated

import dagster as dg
from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from creative_assets.errors import CreativeAssetsError
from creative_assets.imaging.formats import FORMATS, AdFormat

PREFIX = "CREATIVE_ASSETS_"
FORMATS_VAR = f"{PREFIX}FORMATS"


def key_values(text: object) -> object:
    """`a=b, c.d=e` → [("a=b", "a", "b"), ("c.d=e", "c.d", "e")]: each item as written, then its
    key and value in lower case ("" when missing), in order (later items override earlier ones)."""
    if not isinstance(text, str):
        return text
    items = [part.strip() for part in text.split(",") if part.strip()]
    return [(item, *(s.strip().lower() for s in item.partition("=")[::2])) for item in items]


def _comma_list(text: object) -> object:
    return [part.strip() for part in text.split(",") if part.strip()] if isinstance(text, str) else text


def _blank_is_none(text: object) -> object:
    return None if isinstance(text, str) and not text.strip() else text


KeyValues = Annotated[list[tuple[str, str, str]], NoDecode, BeforeValidator(key_values)]
Usd = Annotated[Annotated[float, Field(ge=0, allow_inf_nan=False)] | None, BeforeValidator(_blank_is_none)]


class DeploymentEnv(BaseSettings):
    """The variables above, validated (module docstring)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    formats: Annotated[list[str], NoDecode, BeforeValidator(_comma_list)] = []
    providers: KeyValues = []
    provider_limits: KeyValues = []
    state_url: str = ""
    job_budget_usd: Usd = None
    monthly_budget_usd: Usd = None

    @classmethod
    def of(cls, environ: Mapping[str, str]) -> DeploymentEnv:
        """The settings `environ` holds (the process environment, or a test's mapping) and only
        those; raises `[invalid_setting]` naming the variable whose value does not parse."""
        # Every field given, defaults included: the process environment must not fill a gap.
        given = {
            name: environ.get(f"{PREFIX}{name.upper()}", f.default) for name, f in cls.model_fields.items()
        }
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            error = exc.errors()[0]
            var = f"{PREFIX}{str(error['loc'][0]).upper()}"
            raise CreativeAssetsError("invalid_setting", f"{var}={environ[var]!r}: {error['msg']}") from None


class CampaignSettings(dg.ConfigurableResource):
    width: int = Field(default=1024, ge=256, le=2048, description="base image width in px")
    height: int = Field(default=1024, ge=256, le=2048, description="base image height in px")
    # Plain strings: Dagster config has no Literal type; the validator holds them to FORMATS.
    formats: list[str] = Field(
        default=list(FORMATS),
        min_length=1,
        description="ad formats every creative is rendered in (imaging/formats.py); the first is "
        "the primary one, shown in previews and the contact sheet and approved by id",
    )
    max_creative_attempts: int = Field(
        default=3, ge=1, le=5, description="i2i → logo → gates passes per creative (the design's 3)"
    )
    max_base_image_attempts: int = Field(
        default=3, ge=1, le=5, description="generations per base image until Gate 1a passes"
    )
    renditions_at_once: int = Field(
        default=2,
        ge=1,
        le=8,
        description="renditions of one creative made side by side (defs/compose/renditions.py); "
        "each holds a provider call in flight, which on a Postgres-backed gateway holds two "
        "sessions (its single flight and its slot), so a variant run holds up to "
        "4 × this × 2 (docs/deployment.md)",
    )

    @field_validator("formats")
    @classmethod
    def _known_once_each(cls, formats: list[str]) -> list[str]:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"[unknown_format] {', '.join(unknown)}: use {', '.join(FORMATS)}")
        if len(set(formats)) != len(formats):
            raise ValueError(f"[duplicate_format] formats lists one twice: {', '.join(formats)}")
        return formats

    @property
    def ad_formats(self) -> list[AdFormat]:
        return [FORMATS[f] for f in self.formats]  # type: ignore[index]

    def seed_for(self, *parts: object) -> int:
        """A stable seed per (job, variant, image type, generation): re-running a partition with
        unchanged inputs draws the same picture; a new generation draws a new one."""
        digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
        return int.from_bytes(digest[:4], "big") % 2_147_483_647


def settings_from_env(env: Mapping[str, str]) -> CampaignSettings:
    """The deployment's settings: `CREATIVE_ASSETS_FORMATS="1:1,9:16"` picks the ad formats (the
    first is the primary one); unset or empty, all four. An unknown format stops the code
    location from loading, naming it, like a missing key does."""
    formats = DeploymentEnv.of(env).formats
    if not formats:
        return CampaignSettings()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(
            f"[unknown_format] {FORMATS_VAR} names {', '.join(unknown)}: use {', '.join(FORMATS)}"
        )
    return CampaignSettings(formats=formats)
