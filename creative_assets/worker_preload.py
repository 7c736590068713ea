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
import importlib

import dagster._core.instance.factory
import dagster._core.storage.event_log.sqlite
import dagster._core.storage.runs.sqlite
import dagster._core.storage.schedules.sqlite
import dagster._core.storage.sqlite_storage  # noqa: F401
import openai
from PIL import Image

from creative_assets.imaging import ocr
from creative_assets.imaging.hyphenation import DICTIONARIES, warm_dictionaries
from creative_assets.providers.http import HttpSettings, http_client, tls_context

with contextlib.suppress(ImportError):  # the production instance's storage, where installed
    import dagster_postgres  # noqa: F401

# What each worker's first run still imported after the above (sys.modules before and after a
# variant run in a worker: 111 modules, a few tenths of a second of CPU in each of five workers
# at once, between the text run's end and the variants' first chats): Dagster's run execution
# and compute-log modules, the OpenAI SDK's JSON parser, `tabulate` for the calls tables.
# Names inside Dagster and the SDK can move between releases; a missing one only costs the time.
for _module in (
    "dagster._core.definitions.external_asset",
    "dagster._core.definitions.repository_definition.repository_data_builder",
    "dagster._core.execution.execute_in_process",
    "dagster._core.execution.plan.active",
    "dagster._core.executor.in_process",
    "dagster._core.instance.runs.run_domain",
    "dagster._core.storage.local_compute_log_manager",
    "dagster._core.system_config.composite_descent",
    "watchdog.observers.polling",
    "jiter",
    "tabulate",
    "encodings.idna",
    "pandas.core.methods.to_dict",  # the roll-up's tables and manifest CSV
    "pandas.io.formats.csvs",
):
    with contextlib.suppress(ImportError):
        importlib.import_module(_module)

Image.init()  # every PIL codec plugin, instead of on the first image of each kind per worker
tls_context()
# A client's transport imports its HTTP stack (httpcore, h11, anyio; the SDK's own copy, and
# truststore) on construction, and the SDK its resources on first use; these clients hold no
# connection and are closed at once.
http_client(HttpSettings()).close()
with openai.OpenAI(api_key="preload", http_client=openai.DefaultHttpxClient(verify=tls_context())) as _sdk:
    _sdk.chat.completions, _sdk.images  # noqa: B018
warm_dictionaries(DICTIONARIES)
ocr.warm()
