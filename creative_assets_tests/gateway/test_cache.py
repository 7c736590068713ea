"""The response cache on a local folder and on fsspec's memory filesystem."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsspec
import pytest

from creative_assets.gateway import CachedResponse
from creative_assets.gateway.cache import ResponseCache

KEY = ResponseCache.key_of({"model": "gpt-image-1", "prompt": "a calm scene", "image_sha256": "ab" * 32})
NS = "image_edit"


def response(created_at: datetime | None = None, **blobs: bytes) -> CachedResponse:
    return CachedResponse(
        created_at=created_at or datetime.now(UTC),
        data={"revised_prompt": "a calm scene, Größe 1024", "n": 1},
        blobs=blobs,
        call={"provider": "openai", "model": "gpt-image-1", "cost_usd": 0.04},
    )


@pytest.fixture(params=["local", "memory"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ResponseCache]:
    if request.param == "local":
        yield ResponseCache(str(tmp_path / "cache"))
        return
    root = f"/cache-tests/{uuid.uuid4().hex}"  # the memory filesystem is one per process
    yield ResponseCache(f"memory://{root}")
    fsspec.filesystem("memory").rm(root, recursive=True)


def test_round_trip_with_data_and_blobs(cache: ResponseCache) -> None:
    assert cache.get(NS, KEY, ttl_s=None) is None
    stored = response(image=b"\x89PNG fake bytes", **{"mask.png": b"\x00" * 10})
    cache.put(NS, KEY, stored)
    loaded = cache.get(NS, KEY, ttl_s=3600)
    assert loaded == stored
    assert loaded is not None and loaded.blobs == {"image": b"\x89PNG fake bytes", "mask.png": b"\x00" * 10}
    record = cache.base / NS / KEY[:2] / f"{KEY}.json"
    assert record.exists() and (record.parent / f"{KEY}.mask.png").exists()
    assert b"PNG" not in record.read_bytes()  # blobs live beside the record, not in it


def test_entries_older_than_the_ttl_are_misses(cache: ResponseCache) -> None:
    cache.put(NS, KEY, response(created_at=datetime.now(UTC) - timedelta(hours=2), image=b"x"))
    assert cache.get(NS, KEY, ttl_s=3600) is None
    assert cache.get(NS, KEY, ttl_s=3 * 3600) is not None
    assert cache.get(NS, KEY, ttl_s=None) is not None  # None: never expires


def test_a_corrupt_record_is_a_logged_miss(cache: ResponseCache, caplog: pytest.LogCaptureFixture) -> None:
    cache.put(NS, KEY, response(image=b"x"))
    record = cache.base / NS / KEY[:2] / f"{KEY}.json"
    good = record.read_bytes()
    for broken in (good[: len(good) // 2], b"[1, 2]", good.replace(b'"created_at"', b'"made_at"')):
        record.write_bytes(broken)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="creative_assets.gateway.cache"):
            assert cache.get(NS, KEY, ttl_s=None) is None
        assert "corrupt or incomplete" in caplog.text
    cache.put(NS, KEY, response(image=b"x"))  # a later put repairs it
    assert cache.get(NS, KEY, ttl_s=None) is not None


def test_a_record_whose_blob_is_missing_is_a_miss(cache: ResponseCache) -> None:
    cache.put(NS, KEY, response(image=b"x", mask=b"y"))
    (cache.base / NS / KEY[:2] / f"{KEY}.mask").unlink()
    assert cache.get(NS, KEY, ttl_s=None) is None


def test_invalidate_removes_the_record_and_its_blobs(cache: ResponseCache) -> None:
    other = ResponseCache.key_of({"other": True})
    cache.put(NS, KEY, response(image=b"x"))
    cache.put(NS, other, response())
    cache.invalidate(NS, KEY)
    assert cache.get(NS, KEY, ttl_s=None) is None
    assert not (cache.base / NS / KEY[:2] / f"{KEY}.image").exists()
    assert cache.get(NS, other, ttl_s=None) is not None
    cache.invalidate(NS, KEY)  # twice is fine
    cache.invalidate("never_written", KEY)


def test_keys_are_stable_across_dict_order_and_refuse_bytes() -> None:
    first = {"model": "flux-pro-1.1", "params": {"width": 1024, "height": 768}, "prompt": "Pflege – ein Tag"}
    second = {"prompt": "Pflege – ein Tag", "params": {"height": 768, "width": 1024}, "model": "flux-pro-1.1"}
    assert ResponseCache.key_of(first) == ResponseCache.key_of(second)
    assert len(ResponseCache.key_of(first)) == 64
    assert ResponseCache.key_of(first) != ResponseCache.key_of({**first, "prompt": "Pflege"})
    with pytest.raises(TypeError, match=r"payload\.inputs\[1\]\.image"):
        ResponseCache.key_of({"inputs": [{"text": "a"}, {"image": b"\x89PNG"}]})


def test_names_are_validated_before_anything_is_written(tmp_path: Path) -> None:
    cache = ResponseCache(str(tmp_path))
    for bad_namespace in ("Image", "a/b", "", "../x"):
        with pytest.raises(ValueError, match="invalid_cache_namespace"):
            cache.put(bad_namespace, KEY, response())
    with pytest.raises(ValueError, match="invalid_cache_key"):
        cache.get(NS, "../" + KEY[3:], ttl_s=None)
    for bad_blob in ("../up", "a..b", "a/b", "json", ".hidden", ""):
        with pytest.raises(ValueError, match="invalid_blob_name"):
            cache.put(NS, KEY, response(ok=b"1", **{bad_blob: b"x"}))
    with pytest.raises(TypeError, match=r"data\.raw"):
        cache.put(NS, KEY, CachedResponse(created_at=datetime.now(UTC), data={"raw": b"x"}))
    assert list(tmp_path.iterdir()) == []


def test_concurrent_puts_of_one_key_leave_a_readable_entry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="creative_assets.gateway.cache")
    cache = ResponseCache(str(tmp_path))
    image = bytes(range(256)) * 4096  # 1 MiB: big enough for a torn write to show
    writers, stop = 12, threading.Event()
    barrier = threading.Barrier(writers + 1)
    seen: list[CachedResponse | None] = []

    def write() -> None:
        barrier.wait()
        for _ in range(5):
            cache.put(NS, KEY, response(image=image))

    def read() -> None:
        barrier.wait()
        while not stop.is_set():
            seen.append(cache.get(NS, KEY, ttl_s=None))

    threads = [threading.Thread(target=write) for _ in range(writers)]
    reader = threading.Thread(target=read)
    for t in [*threads, reader]:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    reader.join()
    loaded = cache.get(NS, KEY, ttl_s=None)
    assert loaded is not None and loaded.blobs == {"image": image}
    assert all(hit.blobs["image"] == image for hit in seen if hit is not None)  # never half a blob
    assert not caplog.records  # and never half a record
    leftovers = sorted(p.name for p in (tmp_path / NS / KEY[:2]).iterdir())
    assert leftovers == [f"{KEY}.image", f"{KEY}.json"]  # every temp file was renamed into place
