"""The job posting, as the HOC jobs API (or the local job folder) delivers it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import AnyHttpUrl, Field, field_validator, model_validator

from creative_assets.models.base import Language, Model
from creative_assets.models.text import DEFAULT_LOCALE, Locale, language_of

JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class Location(Model):
    city: str = Field(min_length=1, max_length=80)
    region: str | None = Field(default=None, max_length=80)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    remote: bool = False


class JobPosting(Model):
    """A HOC job. Validated strictly: a malformed field is an error that names it."""

    job_id: str = Field(description="HOC job id; also the Dagster partition key")
    title: str = Field(min_length=2, max_length=120)
    company_name: str = Field(min_length=1, max_length=120)
    company_website: AnyHttpUrl | None = None
    location: Location
    employment_type: str = Field(min_length=2, max_length=40)
    description: str = Field(min_length=20, max_length=20_000)
    requirements: list[str] = Field(default_factory=list, max_length=30)
    benefits: list[str] = Field(min_length=1, max_length=30)
    salary: str | None = Field(default=None, max_length=80)
    language: Language
    logo_url: AnyHttpUrl | None = None
    updated_at: datetime
    locales: list[Locale] = Field(
        default_factory=list,
        max_length=6,
        description="locales to write the copy in, primary first (its language is `language`); "
        "absent or empty: the language's default locale",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_locale(cls, data: Any) -> Any:
        # Filled in before validation so the stored posting always names its locales.
        if isinstance(data, dict) and not data.get("locales") and data.get("language") in DEFAULT_LOCALE:
            return {**data, "locales": [DEFAULT_LOCALE[data["language"]]]}
        return data

    @model_validator(mode="after")
    def _locales_fit_language(self) -> JobPosting:
        if self.locales and language_of(self.locales[0]) != self.language:
            raise ValueError(
                f"locales: the first locale ({self.locales[0]}) is the primary one and must be in the "
                f"job's language {self.language!r}, e.g. {DEFAULT_LOCALE[self.language]}"
            )
        if len(set(self.locales)) != len(self.locales):
            raise ValueError(f"locales: {', '.join(self.locales)} lists a locale twice")
        return self

    @field_validator("job_id")
    @classmethod
    def _job_id_is_partition_safe(cls, value: str) -> str:
        if not JOB_ID_PATTERN.match(value):
            raise ValueError(
                "job_id must be 1-64 characters of letters, digits, '-' or '_' "
                "(it becomes a Dagster partition key and a storage path)"
            )
        return value

    @field_validator("benefits", "requirements")
    @classmethod
    def _no_blank_items(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value]
        if any(not item for item in cleaned):
            raise ValueError("items must not be blank")
        return cleaned


class JobRef(Model):
    """A job in a listing: enough to decide whether its campaign must (re)run."""

    job_id: str
    updated_at: datetime
