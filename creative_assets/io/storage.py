"""Where asset values and cached provider responses live, read from the environment in one place:

    CREATIVE_ASSETS_STORAGE_URL      a local folder (default <DAGSTER_HOME>/storage) or s3://bucket/prefix
    CREATIVE_ASSETS_S3_ENDPOINT_URL  an S3-compatible API (MinIO, Ceph, R2, moto …); unset: AWS S3
    AWS_ACCESS_KEY_ID                the key pair; both unset: botocore's own chain (instance role,
    AWS_SECRET_ACCESS_KEY            ~/.aws, web identity)
    AWS_SESSION_TOKEN                for temporary credentials
    AWS_REGION                       the bucket's region, for APIs that sign per region

The S3 settings become `S3Connection` fields that hold `dg.EnvVar` references: the UI and the run
config show the variables' names, never a secret, and Dagster resolves them when a run starts.
The IO manager and the gateway's response cache get the same `S3Connection`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dagster as dg
from fsspec.registry import known_implementations
from fsspec.utils import get_protocol
from pydantic import ConfigDict, Field

from creative_assets.errors import CreativeAssetsError
from creative_assets.io.atomic import LOCAL_PROTOCOLS

STORAGE_URL_VAR = "CREATIVE_ASSETS_STORAGE_URL"
S3_ENDPOINT_VAR = "CREATIVE_ASSETS_S3_ENDPOINT_URL"
S3_PROTOCOLS = ("s3", "s3a")
# S3Connection field -> the variable it is read from.
S3_VARS = {
    "endpoint_url": S3_ENDPOINT_VAR,
    "key": "AWS_ACCESS_KEY_ID",
    "secret": "AWS_SECRET_ACCESS_KEY",
    "token": "AWS_SESSION_TOKEN",
    "region": "AWS_REGION",
}


class S3Connection(dg.Config):
    """How to reach an S3-compatible API. An unset field leaves botocore's default in place."""

    model_config = ConfigDict(extra="forbid")

    endpoint_url: str | None = Field(default=None, description=S3_ENDPOINT_VAR)
    key: str | None = Field(default=None, description="AWS_ACCESS_KEY_ID")
    secret: str | None = Field(default=None, description="AWS_SECRET_ACCESS_KEY")
    token: str | None = Field(default=None, description="AWS_SESSION_TOKEN")
    region: str | None = Field(default=None, description="AWS_REGION")

    def storage_options(self) -> dict[str, Any]:
        """s3fs options. Only meaningful on a built resource: before that an EnvVar field holds
        the variable's name, not its value."""
        options: dict[str, Any] = {
            name: value
            for name in ("endpoint_url", "key", "secret", "token")
            if (value := getattr(self, name))
        }
        if self.region:
            options["client_kwargs"] = {"region_name": self.region}
        return options


def fsspec_options(s3: S3Connection | None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a storage URL is opened with: non-secret extras, then the S3 connection's options."""
    return {**(extra or {}), **(s3.storage_options() if s3 else {})}


@dataclass(frozen=True)
class ObjectStorage:
    url: str
    s3: S3Connection | None = None

    def child(self, name: str) -> str:
        return f"{self.url.rstrip('/')}/{name}"


def default_storage_url(environ: Mapping[str, str] = os.environ) -> str:
    """Artifacts live beside the instance unless CREATIVE_ASSETS_STORAGE_URL says otherwise."""
    return str(Path(environ.get("DAGSTER_HOME", ".dagster_home")).resolve() / "storage")


def storage_from_env(environ: Mapping[str, str]) -> ObjectStorage:
    """The deployment's storage, checked when the definitions load: an s3:// URL without s3fs,
    without a bucket or with half a key pair fails here, naming what to fix."""
    url = environ.get(STORAGE_URL_VAR, "").strip() or default_storage_url(environ)
    require_backend(url)
    if get_protocol(url) not in S3_PROTOCOLS:
        return ObjectStorage(url)
    if not urlsplit(url).netloc:
        raise CreativeAssetsError(
            "invalid_setting", f"{STORAGE_URL_VAR}={url} names no bucket: s3://bucket/prefix"
        )
    present = {field: var for field, var in S3_VARS.items() if environ.get(var, "").strip()}
    if ("key" in present) != ("secret" in present):
        raise CreativeAssetsError(
            "invalid_setting",
            "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither to use the machine's role",
        )
    return ObjectStorage(url, S3Connection(**{field: dg.EnvVar(var) for field, var in present.items()}))


def require_backend(url: str) -> None:
    """Fail at load, not at the first write of a run, when the URL's fsspec backend is missing."""
    protocol = get_protocol(url)
    if protocol in LOCAL_PROTOCOLS:
        return
    known = known_implementations.get(protocol)
    if known is None:
        raise CreativeAssetsError(
            "invalid_setting", f"{STORAGE_URL_VAR}={url}: use a local folder or s3://bucket/prefix"
        )
    try:
        importlib.import_module(known["class"].rsplit(".", 1)[0])
    except ImportError:
        hint = 'install it with pip install -e ".[s3]"' if protocol in S3_PROTOCOLS else known.get("err", "")
        module = known["class"].split(".", 1)[0]
        raise CreativeAssetsError(
            "missing_dependency", f"{STORAGE_URL_VAR}={url} needs the package {module}: {hint}"
        ) from None
