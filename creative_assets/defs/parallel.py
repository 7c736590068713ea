"""The image types of one variant side by side inside a step.

Dagster has no threaded executor, and a step per image type would add about a second of
orchestration each (DAGSTER_NOTES.md), so a step overlaps its own provider I/O instead: four BFL
generations, vision analyses or i2i loops in flight at once, held to each provider's limit by
the gateway's shared slots. Local CPU work overlaps up to the core count (imaging/ocr.py keeps
one OCR engine per core).

Every task runs in a copy of the step's contextvars, taken in the step's thread: the gateway
finds the Dagster step (job, variant, phase, run) through `AssetExecutionContext.get()`, a
ContextVar, and a bare worker thread would write ledger rows without a job and escape its budget.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def side_by_side(
    fn: Callable[[T], R], items: Sequence[T], *, name: str = "image-type", at_once: int | None = None
) -> list[R]:
    """`[fn(item) for item in items]`, concurrently (at most `at_once` at a time; default all),
    in order; the first failure is raised after every task has finished (nothing is left
    running behind the step)."""
    workers = min(len(items), at_once or len(items))
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) as pool:
        futures = [pool.submit(contextvars.copy_context().run, fn, item) for item in items]
        return [future.result() for future in futures]
