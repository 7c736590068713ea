"""Images for the browser: the stored PNG at full size, or a JPEG scaled for the grid.

A campaign page shows 20 creatives whose PNGs are 1–3 MB each (up to 1920 px); scaled to the
grid's width they are a few dozen kB. Thumbnails are made on first request and kept in memory
by the PNG's SHA-256 and width (a stored PNG never changes), so a page seen twice costs nothing
but the lookup; browsers cache them too (their URLs name the run that made them).
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image

from creative_assets.approvals import parse_creative_id
from creative_assets.desk.backend import Backend
from creative_assets.desk.views import find_creative
from creative_assets.errors import CreativeAssetsError
from creative_assets.imaging.formats import ad_format
from creative_assets.models import CreativeSet

WIDTHS = (320, 480, 640, 960, 1080)
_CACHED = 600  # thumbnails kept: 80 renditions × a few widths × a few campaigns, ~40 kB each


@dataclass(frozen=True)
class StoredImage:
    partition: str
    file: str
    sha256: str
    run_id: str


def locate(
    backend: Backend, creative_id: str, format_slug: str, locale: str, run_id: str | None
) -> StoredImage:
    """Where one rendition's PNG is stored: in the version `run_id` made (read from that version
    alone: a grid of 20 images asks nothing of the instance), or the current one."""
    if run_id:
        job_id, variant, image_type = parse_creative_id(creative_id)
        partition = f"{job_id}|{variant}"
        stored = backend.storage.version("final_creatives", partition, run_id)
        if not isinstance(stored, CreativeSet) or image_type not in {c.image_type for c in stored.creatives}:
            raise CreativeAssetsError("unknown_creative", f"run {run_id} made no {creative_id}")
        creative = stored.creative(image_type)  # type: ignore[arg-type]
    else:
        current, creative = find_creative(backend, creative_id)
        partition, run_id = f"{current.creative_set.job_id}|{current.creative_set.variant}", current.run_id
    for r in creative.renditions:
        if ad_format(r.format).slug == format_slug and r.locale == locale:
            return StoredImage(partition, r.file, r.sha256, run_id)
    raise CreativeAssetsError("missing_rendition", f"{creative_id} has no rendition {format_slug} {locale}")


def png(backend: Backend, image: StoredImage) -> bytes:
    return backend.storage.read("final_creatives", image.partition, image.file, image.run_id)


class Thumbnails:
    """A bounded in-memory cache of scaled JPEGs, shared by the server's threads."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, backend: Backend, image: StoredImage, width: int) -> bytes:
        width = next((w for w in WIDTHS if w >= width), WIDTHS[-1])
        key = (image.sha256, width)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        data = scaled_jpeg(png(backend, image), width)
        with self._lock:
            self._cache[key] = data
            while len(self._cache) > _CACHED:
                self._cache.popitem(last=False)
        return data


def scaled_jpeg(data: bytes, width: int) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
    if rgb.width > width:
        height = round(rgb.height * width / rgb.width)
        rgb = rgb.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=85, progressive=True)
    return out.getvalue()
