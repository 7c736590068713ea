"""What the campaign workers load before their first run, once, in the forkserver they fork
from (`campaign._worker_context` preloads this module): every worker then has it copy-on-write
from its fork instead of loading it again.

Measured with py-spy over the zero-latency benchmark (five workers on two cores): Dagster's
storage modules (~290 of them, imported by a worker's first `DagsterInstance.from_ref`), the
OCR models (three onnxruntime sessions, over a second per engine) and the German hyphenation
dictionary (~0.5 s to parse) were each loaded five times, all at once, when the variant runs
started. The forkserver does this while the campaign's text run, which needs none of it, runs
in the calling process (`run_campaigns`).

Only what is safe to share across fork belongs here: imports, parsed read-only data, and one
OCR engine whose onnxruntime sessions run on the calling thread (`ocr._new_engine`: no thread
pool exists to be lost in the child). Nothing that holds a connection, a file lock or a thread.
"""

from __future__ import annotations

import contextlib

import dagster._core.instance.factory
import dagster._core.storage.event_log.sqlite
import dagster._core.storage.runs.sqlite
import dagster._core.storage.schedules.sqlite
import dagster._core.storage.sqlite_storage  # noqa: F401
from PIL import Image

from creative_assets.imaging import ocr
from creative_assets.imaging.hyphenation import DICTIONARIES, warm_dictionaries
from creative_assets.providers.http import tls_context

with contextlib.suppress(ImportError):  # the production instance's storage, where installed
    import dagster_postgres  # noqa: F401

Image.init()  # every PIL codec plugin, instead of on the first image of each kind per worker
tls_context()
warm_dictionaries(DICTIONARIES)
ocr.warm()
