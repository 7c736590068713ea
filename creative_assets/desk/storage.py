"""What the desk reads from the project's storage: the records and files the IO manager wrote
(`io/artifact_store.py`), in the same local folder or bucket (`io/storage.py`), by version.

A materialization's files stay unchanged under `<partition>/_versions/<run_id>/`, so the desk
reads a creative's record and its PNGs from the version of the run that made it: a page and the
images on it always belong together, even while a regeneration writes the next version. Only
`record.json` is parsed (not every PNG, as loading the asset value would).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from upath import UPath

from creative_assets.errors import CreativeAssetsError
from creative_assets.io.artifact_store import RECORD_FILE, VERSIONS_DIR
from creative_assets.io.registry import model_named
from creative_assets.io.storage import S3Connection, fsspec_options, storage_from_env
from creative_assets.models import Model


class Storage:
    """The storage root, and reads of one asset partition's stored version."""

    def __init__(self, url: str, options: Mapping[str, Any] | None = None) -> None:
        self.url = url
        self.root = UPath(url, **dict(options or {}))
        self._immutable = functools.lru_cache(maxsize=64)(self._load)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Storage:
        """The deployment's storage, as the code location resolves it. The S3 connection holds
        environment variable names (`dg.EnvVar`) until a run resolves them; the desk resolves
        them here, from the same environment."""
        storage = storage_from_env(environ)
        s3 = None
        if storage.s3 is not None:
            names = storage.s3.model_dump(exclude_none=True)
            s3 = S3Connection(**{field: environ[var] for field, var in names.items() if environ.get(var)})
        return cls(storage.url, fsspec_options(s3))

    def folder(self, asset: str, partition: str, run_id: str | None = None) -> UPath:
        """`<root>/<asset>/<job>[/<variant>]`, or its version written by `run_id` when it has one."""
        base = self.root / asset
        for part in partition.split("|"):
            base = base / part
        if run_id:
            version = base / VERSIONS_DIR / run_id
            if (version / RECORD_FILE).exists():
                return version
        return base

    def version(self, asset: str, partition: str, run_id: str) -> Model:
        """The record `run_id` wrote, from its version folder only (never the current one)."""
        folder = self.folder(asset, partition, run_id)
        if VERSIONS_DIR not in folder.parts:
            raise CreativeAssetsError("not_found", f"run {run_id} stored no {asset} for {partition}")
        return self._immutable(str(folder))

    def record(self, asset: str, partition: str, run_id: str | None = None) -> Model:
        """The stored value (without its files) of one partition, as the IO manager wrote it. A
        version folder never changes, so its parsed record is kept in memory."""
        folder = self.folder(asset, partition, run_id)
        if VERSIONS_DIR in folder.parts:
            return self._immutable(str(folder))
        return self._load(str(folder))

    def read(self, asset: str, partition: str, name: str, run_id: str | None = None) -> bytes:
        if any(part in ("", ".", "..") for part in name.split("/")) or name.startswith(VERSIONS_DIR):
            raise CreativeAssetsError("not_found", f"{name!r} is not a stored file name")
        path = self.folder(asset, partition, run_id) / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise CreativeAssetsError(
                "not_found", f"{asset} {partition} has no file {name} in storage (was it cleaned up?)"
            ) from None

    def _load(self, folder: str) -> Model:
        path = UPath(folder, **self.root.storage_options) / RECORD_FILE
        try:
            record = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise CreativeAssetsError(
                "not_materialized", f"{folder} holds no stored record: materialize it first"
            ) from None
        try:
            return model_named(record["model"]).model_validate(record["data"])
        except ValueError as exc:
            raise CreativeAssetsError(
                "stale_record", f"{path} no longer fits its model ({str(exc)[:200]})"
            ) from None
