"""The job posting, as the HOC jobs API (or the local job folder) delivers it."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import AnyHttpUrl, Field, field_validator

from creative_assets.models.base import Language, Model

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
