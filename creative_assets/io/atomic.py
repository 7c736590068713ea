"""One way to put bytes on storage so that a reader sees the old file or the new one, never half."""

from __future__ import annotations

import uuid

from upath import UPath

LOCAL_PROTOCOLS = ("", "file", "local")


def write_atomically(target: UPath, data: bytes) -> None:
    if target.protocol in LOCAL_PROTOCOLS:
        # Local files: write aside, then rename, so readers never see half a file. The temp name
        # is unique per write, so concurrent writers of one target never share a temp file.
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        temp.write_bytes(data)
        temp.fs.mv(temp.path, target.path)
    else:
        # Object stores publish a PUT whole or not at all, and have no folders to make: s3fs's
        # mkdir would cost a request per write and create the bucket if it looked missing.
        target.write_bytes(data)
