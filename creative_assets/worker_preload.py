"""What the campaign workers load before their first run.

The forkserver the workers fork from (`campaign._worker_context`) imports this module once:
Dagster's storage modules (~290 of them, imported by a worker's first `DagsterInstance.from_ref`,
which every run needs at once) and the image codecs are then shared copy-on-write by every
worker. `warm()` runs in each worker, on a thread, as soon as it starts: the OCR models (three
onnxruntime sessions, over a second to load) and the German hyphenation dictionary (~0.5 s)
load while the campaign's text run, which needs neither, waits on its providers, instead of
at the same moment in every worker when the variant runs start (py-spy over the zero-latency
benchmark). Loading them in the forkserver instead delayed the text run by their load time.
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


def warm() -> None:
    warm_dictionaries(DICTIONARIES)
    ocr.warm()
