"""What each run worker of `campaign.run_campaigns` would otherwise load for itself, loaded once
in the forkserver the workers fork from (`campaign._worker_context` preloads this module after
the definitions). A worker forked from the server starts with all of it in memory it shares.

Loaded here: the real provider clients' modules (`providers.select` imports one only when it is
chosen), the modules a worker imports when it opens a SQLite instance and stores a run's events
(Dagster's storage, alembic), one OCR engine (the pool keeps it: a worker's first borrow takes
it) and the hyphenation dictionaries. Nothing here starts a thread or keeps a connection open:
the server forks after it.
"""

from __future__ import annotations

import importlib
import logging
import tempfile

import dagster as dg

from creative_assets.campaign import quiet_run_config
from creative_assets.imaging import hyphenation, ocr
from creative_assets.providers.select import CLIENT


@dg.asset
def _preload_probe() -> None:
    """Materialized once on a throwaway instance (below); not part of the definitions."""


def _run_once_on_sqlite() -> None:
    """One run on a throwaway SQLite instance: the imports of every module a worker needs to open
    its instance, store a run's events and check the event log's migrations."""
    with tempfile.TemporaryDirectory(prefix="worker-preload-") as home:
        quiet = {"telemetry": {"enabled": False}}
        with dg.DagsterInstance.local_temp(tempdir=home, overrides=quiet) as instance:
            dg.materialize([_preload_probe], instance=instance, run_config=quiet_run_config())


def preload() -> None:
    """Everything above; a part that fails is left to the workers, as without this module."""
    try:
        _preload()
    except Exception:  # only a head start: the workers load what is missing themselves
        logging.getLogger(__name__).warning("worker preload incomplete", exc_info=True)


def _preload() -> None:
    for module, _ in CLIENT.values():
        importlib.import_module(f"creative_assets.providers.{module}")
    _run_once_on_sqlite()
    with ocr.borrow_engine():
        pass
    for language in hyphenation.DICTIONARIES:
        hyphenation.break_points("Silbentrennung", language)


preload()
