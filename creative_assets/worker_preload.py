"""Imported once by the campaign workers' forkserver (`campaign._worker_context`), before any
worker is forked from it: what each worker would otherwise load for itself on its first run is
loaded here once, and every worker gets it copy-on-write with its fork.

Measured with py-spy over the zero-latency benchmark (five workers on two cores): Dagster's
storage modules (~290 of them, imported by the first `DagsterInstance.from_ref`), the OCR
models (three onnxruntime sessions, ~1.3 s each engine) and the German hyphenation dictionary
(~0.5 s to parse) were each loaded five times, all at once, when the variant runs started.

Only what is safe to share across fork belongs here: imports, parsed read-only data, and one
OCR engine whose onnxruntime sessions run on the calling thread (`ocr._new_engine`: no thread
pool exists to be lost in the child). Nothing that holds a connection, a file lock or a thread.
"""

from __future__ import annotations

import contextlib

from PIL import Image

import dagster._core.instance.factory  # noqa: F401
import dagster._core.storage.event_log.sqlite  # noqa: F401
import dagster._core.storage.runs.sqlite  # noqa: F401
import dagster._core.storage.schedules.sqlite  # noqa: F401
import dagster._core.storage.sqlite_storage  # noqa: F401
from creative_assets.imaging import ocr
from creative_assets.imaging.hyphenation import DICTIONARIES, warm_dictionaries
from creative_assets.providers.http import tls_context

with contextlib.suppress(ImportError):  # the production instance's storage, where installed
    import dagster_postgres  # noqa: F401

Image.init()  # every PIL codec plugin, instead of on the first image of each kind per worker
warm_dictionaries(DICTIONARIES)
ocr.warm()
tls_context()
