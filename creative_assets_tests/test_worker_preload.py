"""`worker_preload`, which the campaign workers' forkserver imports after the definitions: what a
fresh process holds after importing it, so that a worker forked from it does not load it again."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys, threading
import creative_assets.definitions
threads = threading.active_count()
import creative_assets.worker_preload
from creative_assets.imaging import hyphenation, ocr
assert ocr._idle.qsize() == 1, "one OCR engine waits in the pool"
assert hyphenation._load_dictionary.cache_info().currsize == len(hyphenation.DICTIONARIES)
for module in ("creative_assets.providers.openai_images", "creative_assets.providers.bfl", "alembic.script",
               "dagster._core.storage.event_log.sqlite.sqlite_event_log"):
    assert module in sys.modules, module
assert threading.active_count() == threads, "no thread left running in the process that forks"
print("preloaded")
"""


def test_a_process_that_imported_it_holds_what_every_worker_needs() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "preloaded" in done.stdout
    assert "worker preload incomplete" not in done.stderr
