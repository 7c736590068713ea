"""Paid provider responses kept on object storage, keyed by what was asked, so a re-run never pays
twice for the same request:

    <base>/<namespace>/<key[:2]>/<key>.json          the record: created_at, data, call, blob names
    <base>/<namespace>/<key[:2]>/<key>.<blob name>   each blob (an image, say), beside its record

`base` is any fsspec URL: a local folder, `memory://…` in tests, `s3://bucket/prefix` in production.
Blobs are written before the record that lists them, each write lands whole (local files through a
temp file and a rename), and a reader misses on any record that is unreadable, corrupt or lists a
blob that is not there: the cache may cost a repeated call, it must never break a campaign.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from upath import UPath

from creative_assets.gateway.models import CachedResponse
from creative_assets.io.atomic import write_atomically

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
RECORD_SUFFIX = "json"
_NAMESPACE = re.compile(r"[a-z0-9_]+")
_KEY = re.compile(r"[0-9a-f]{64}")  # a key_of digest; the fixed length keeps `<key>.` prefixes unique
_BLOB_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class ResponseCache:
    """Content-addressed responses under `base_url`; see the module docstring for the layout."""

    def __init__(self, base_url: str, storage_options: Mapping[str, Any] | None = None) -> None:
        self.base = UPath(base_url, **dict(storage_options or {}))

    @staticmethod
    def key_of(payload: Mapping[str, Any]) -> str:
        """sha256 hex of the payload as canonical JSON: equal payloads give equal keys, whatever
        the order of their dict keys. Images go in as hashes: bytes raise TypeError."""
        _reject_bytes(payload, "payload", "pass a hash of the bytes (e.g. their sha256 hex)")
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def get(self, namespace: str, key: str, ttl_s: float | None) -> CachedResponse | None:
        """The stored response, or None when it is missing, older than `ttl_s` seconds (None:
        never expires), unreadable or incomplete. Storage trouble is logged, never raised."""
        record_path = self._path(namespace, key, RECORD_SUFFIX)
        try:
            raw = record_path.read_bytes()
        except FileNotFoundError:
            return None
        except Exception as exc:  # whatever the backend raises: a miss costs one paid call, no more
            log.warning(
                "response cache: cannot read %s (%s: %s); treated as a miss", record_path, _name(exc), exc
            )
            return None
        try:
            response, blob_names = _decode(raw)
            if _expired(response.created_at, ttl_s):
                return None
            # Only now fetch the blobs: an expired entry's images are not worth downloading.
            blobs = {name: self._path(namespace, key, name).read_bytes() for name in blob_names}
        except Exception as exc:
            log.warning(
                "response cache: entry %s is corrupt or incomplete (%s: %s); treated as a miss",
                record_path,
                _name(exc),
                exc,
            )
            return None
        return response.model_copy(update={"blobs": blobs})

    def put(self, namespace: str, key: str, response: CachedResponse) -> None:
        """Store a response. Everything is checked before the first write; blobs land before the
        record, so a concurrent reader sees the old entry, no entry, or the whole new one."""
        record_path = self._path(namespace, key, RECORD_SUFFIX)
        blob_paths = {name: self._path(namespace, key, _checked_blob_name(name)) for name in response.blobs}
        _reject_bytes(response.data, "data", "put binary parts in blobs")
        record = {
            "format_version": FORMAT_VERSION,
            "blobs": sorted(response.blobs),
            **response.model_dump(mode="json"),
        }
        encoded = json.dumps(record, ensure_ascii=False).encode()
        for name, path in blob_paths.items():
            write_atomically(path, response.blobs[name])
        write_atomically(record_path, encoded)

    def invalidate(self, namespace: str, key: str) -> None:
        """Forget an entry. The record goes first, so from then on every reader misses."""
        record_path = self._path(namespace, key, RECORD_SUFFIX)
        record_path.unlink(missing_ok=True)
        folder = record_path.parent
        try:
            leftovers = [p for p in folder.iterdir() if p.name.startswith(f"{key}.")]
        except (FileNotFoundError, NotADirectoryError):  # local and fsspec paths say "no folder" apart
            return
        for path in leftovers:
            path.unlink(missing_ok=True)

    def _path(self, namespace: str, key: str, suffix: str) -> UPath:
        if not _NAMESPACE.fullmatch(namespace):
            raise ValueError(f"[invalid_cache_namespace] {namespace!r}: use lowercase letters, digits and _")
        if not _KEY.fullmatch(key):
            raise ValueError(f"[invalid_cache_key] {key!r} is not a sha256 hex digest from key_of()")
        return self.base / namespace / key[:2] / f"{key}.{suffix}"


def _checked_blob_name(name: str) -> str:
    # `json` would overwrite the record; a leading dot would collide with the temp files.
    if not _BLOB_NAME.fullmatch(name) or ".." in name or name.startswith(".") or name == RECORD_SUFFIX:
        raise ValueError(
            f"[invalid_blob_name] {name!r}: use letters, digits, _ . - (no '..', no leading dot, not 'json')"
        )
    return name


def _decode(raw: bytes) -> tuple[CachedResponse, list[str]]:
    record = json.loads(raw)
    if record.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unknown format_version {record.get('format_version')!r}")
    blob_names = record["blobs"]
    if not isinstance(blob_names, list):
        raise ValueError("'blobs' is not a list")
    for name in blob_names:
        _checked_blob_name(name)  # a tampered name must not lead the read outside the entry
    fields = {k: v for k, v in record.items() if k not in ("format_version", "blobs")}
    return CachedResponse.model_validate(fields), blob_names


def _expired(created_at: datetime, ttl_s: float | None) -> bool:
    if ttl_s is None:
        return False
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)  # the gateway writes UTC; naive means UTC
    return datetime.now(UTC) - created_at > timedelta(seconds=ttl_s)


def _reject_bytes(value: Any, where: str, hint: str) -> None:
    """Raise TypeError naming the first bytes value found in a JSON-like structure."""
    if isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"[bytes_in_cache_payload] {where} is bytes: {hint}")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _reject_bytes(v, f"{where}.{k}", hint)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _reject_bytes(v, f"{where}[{i}]", hint)


def _name(exc: BaseException) -> str:
    return type(exc).__name__
