"""The IO manager: one folder per asset partition, `record.json` plus the value's files.

    <base>/<asset>/<job>/record.json                 job-level values
    <base>/<asset>/<job>/<variant>/<image_type>.png  job × variant images, beside their record
    <partition folder>/_versions/<run_id>/…          every materialization, kept unchanged

`base` is a local folder by default and any fsspec URL (`s3://bucket/prefix`) by configuration
(`io/storage.py` reads it from the environment).
Every PNG is decoded and size-checked before anything is written, files are written before the
record that lists them, and each file lands atomically — so a failed or invalid output never
replaces what an earlier materialization stored.
"""

from __future__ import annotations

import json
from typing import Any

import dagster as dg
from pydantic import Field, ValidationError
from upath import UPath

from creative_assets.errors import CreativeAssetsError, describe_validation_error
from creative_assets.imaging.png import validate_png
from creative_assets.io.atomic import write_atomically
from creative_assets.io.registry import model_named
from creative_assets.io.storage import S3Connection, fsspec_options
from creative_assets.models import Artifact, Model

RECORD_FILE = "record.json"
VERSIONS_DIR = "_versions"
FORMAT_VERSION = 1


class StaleRecordError(CreativeAssetsError):
    """A stored record no longer fits its model."""


class ArtifactStore(dg.UPathIOManager):
    extension = None  # each partition is a folder, not a file

    def make_safe_partition_path(self, base_path: UPath, partition: str) -> UPath:
        # Job ids are validated before they become partitions; this is the last line of defence.
        if any(part in ("", ".", "..") for part in partition.split("/")):
            raise ValueError(f"[unsafe_partition_key] {partition!r} cannot be a storage path")
        return base_path / partition

    def make_directory(self, path: UPath) -> None:
        # write_atomically makes local folders itself; on an object store a mkdir is a wasted
        # request per output, and s3fs would create the bucket if it looked missing.
        return None

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        """A run over several partitions (a job's variants in one run, defs/variants.py) hands
        over a dict keyed by partition: each partition is stored in its own folder, with its own
        metadata, exactly as a run of that partition alone would store it."""
        if not context.has_asset_partitions or len(context.asset_partition_keys) == 1:
            return super().handle_output(context, obj)
        paths = self._get_paths_for_partitions(context)
        if not isinstance(obj, dict) or set(obj) != set(paths):
            raise TypeError(
                f"{context.asset_key.to_user_string()} ran for {len(paths)} partitions and must "
                "return a dict keyed by partition"
            )
        for key, path in paths.items():
            self.dump_to_path(context=context, obj=obj[key], path=path)
            context.step_context.add_asset_metadata(
                {"path": dg.MetadataValue.path(str(path)), **self._metadata_for(context, obj[key], path)},
                asset_key=context.asset_key,
                partition_key=key,
            )

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        if not isinstance(obj, Model):
            raise TypeError(
                f"{context.asset_key.to_user_string()} must return a pydantic Model, got {type(obj)}"
            )
        files = obj.files if isinstance(obj, Artifact) else {}
        for name, data in files.items():
            _check_file_name(name)
            if name.endswith(".png"):
                validate_png(data, what=f"{context.asset_key.to_user_string()}/{name}")
        record = {
            "format_version": FORMAT_VERSION,
            "model": type(obj).__name__,
            "files": sorted(files),
            "data": obj.model_dump(mode="json"),
        }
        encoded = json.dumps(record, ensure_ascii=False, indent=1).encode()
        # Each run's output is kept under its run id and never rewritten, so an earlier
        # materialization (a regenerated job, a regeneration backfill) stays browsable from its
        # metadata; the partition folder itself holds the current one, which downstream loads.
        for folder in (version_folder(path, context.run_id), path):
            for name, data in files.items():
                write_atomically(folder / name, data)
            write_atomically(folder / RECORD_FILE, encoded)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Model:
        record_path = path / RECORD_FILE
        if not record_path.exists():
            asset = context.asset_key.to_user_string() if context.has_asset_key else "the upstream asset"
            raise FileNotFoundError(
                f"[missing_upstream] {record_path} does not exist: materialize {asset} first"
            )
        record = json.loads(record_path.read_bytes())
        model = model_named(record["model"])
        data = record["data"]
        if issubclass(model, Artifact):
            data = {**data, "files": {name: (path / name).read_bytes() for name in record["files"]}}
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            # A record written before its model changed (e.g. creatives before ad formats gave
            # them renditions): say which and how to renew it rather than fail with pydantic's dump.
            asset = context.asset_key.to_user_string() if context.has_asset_key else "the upstream asset"
            raise StaleRecordError(
                "stale_record",
                f"{record_path} was stored by an older version of {model.__name__} "
                f"({describe_validation_error(exc)[:300]}): materialize {asset} again for this "
                "partition (for final_creatives: the regenerate_creatives job)",
            ) from None

    def get_metadata(self, context: dg.OutputContext, obj: Any) -> dict[str, dg.RawMetadataValue]:
        folder = (
            next(iter(self._get_paths_for_partitions(context).values()))
            if context.has_asset_partitions
            else self._get_path(context)
        )
        return self._metadata_for(context, obj, folder)

    def _metadata_for(
        self, context: dg.OutputContext, obj: Any, folder: UPath
    ) -> dict[str, dg.RawMetadataValue]:
        files = obj.files if isinstance(obj, Artifact) else {}
        return {
            "stored_bytes": sum(len(d) for d in files.values()),
            "stored_files": dg.MetadataValue.json(
                {name: str(folder / name) for name in [RECORD_FILE, *sorted(files)]}
            ),
            "this_version": dg.MetadataValue.path(str(version_folder(folder, context.run_id))),
        }


def version_folder(path: UPath, run_id: str) -> UPath:
    return path / VERSIONS_DIR / run_id


def _check_file_name(name: str) -> None:
    parts = name.split("/")
    if name == RECORD_FILE or parts[0] == VERSIONS_DIR or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"[unsafe_file_name] artifact file name {name!r} is not allowed")


class ObjectStoreIOManager(dg.ConfigurableIOManagerFactory):
    """Stores asset values under `base_url`: a local folder (default) or an fsspec URL."""

    base_url: str = Field(description="local folder or fsspec URL, e.g. s3://bucket/creatives")
    s3: S3Connection | None = Field(
        default=None, description="endpoint and key pair of an s3:// base_url, as env var references"
    )
    storage_options: dict[str, str] = Field(
        default_factory=dict, description="other fsspec options; the UI shows them, so no secrets here"
    )

    def create_io_manager(self, context: dg.InitResourceContext) -> ArtifactStore:
        return ArtifactStore(base_path=UPath(self.base_url, **fsspec_options(self.s3, self.storage_options)))
