"""HOC jobs from a folder of JSON files, one `<job_id>.json` per job."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from creative_assets.errors import ProviderError, describe_validation_error
from creative_assets.models import JobPosting, JobRef
from creative_assets.partitions import validate_job_id
from creative_assets.providers.base import JobSource
from creative_assets.providers.local.paths import SAMPLE_JOBS_DIR


class LocalJobSource(JobSource):
    """Reads jobs from `folder` (the shipped samples by default)."""

    folder: str = Field(default=str(SAMPLE_JOBS_DIR), description="folder of <job_id>.json files")

    def _path(self, job_id: str) -> Path:
        return Path(self.folder) / f"{validate_job_id(job_id)}.json"

    def get_job(self, job_id: str) -> JobPosting:
        path = self._path(job_id)
        if not path.is_file():
            raise ProviderError("job_not_found", f"job {job_id!r} does not exist: no file {path}")
        return parse_job(path.read_bytes(), expected_id=job_id, source=str(path))

    def list_jobs(self, updated_since: datetime | None = None) -> list[JobRef]:
        refs = []
        for path in sorted(Path(self.folder).glob("*.json")):
            try:
                job = parse_job(path.read_bytes(), expected_id=path.stem, source=str(path))
            except ProviderError:
                # A malformed file must not hide the valid ones; it is reported when fetched.
                refs.append(JobRef(job_id=path.stem, updated_at=datetime.fromtimestamp(path.stat().st_mtime)))
                continue
            if updated_since is None or job.updated_at > updated_since:
                refs.append(JobRef(job_id=job.job_id, updated_at=job.updated_at))
        return refs


def parse_job(raw: bytes, *, expected_id: str, source: str) -> JobPosting:
    """Validate one job file strictly; every problem names the field it is in."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProviderError(
            "malformed_job", f"job {expected_id!r} ({source}) is not valid JSON: {exc}"
        ) from exc
    return validated_job(data, expected_id=expected_id, source=source)


def validated_job(data: Any, *, expected_id: str, source: str, keep_extra: bool = False) -> JobPosting:
    """One job document as a JobPosting, its job_id the one asked for; unknown fields are refused,
    or with `keep_extra` (a newer API) kept aside in `extra_fields`."""
    if not isinstance(data, dict):
        raise ProviderError("malformed_job", f"job {expected_id!r} ({source}) must be a JSON object")
    try:
        job = JobPosting.with_extra_fields(data) if keep_extra else JobPosting.model_validate(data)
    except ValidationError as exc:
        raise ProviderError(
            "malformed_job", f"job {expected_id!r} ({source}) is malformed: {describe_validation_error(exc)}"
        ) from None
    if job.job_id != expected_id:
        raise ProviderError(
            "malformed_job", f"job {expected_id!r} ({source}) has job_id {job.job_id!r}; they must match"
        )
    return job
