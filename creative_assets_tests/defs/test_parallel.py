"""side_by_side: the image types of a step run concurrently, in the step's context, in order."""

from __future__ import annotations

import contextvars
import threading

import pytest

from creative_assets.defs.parallel import side_by_side

STEP: contextvars.ContextVar[str | None] = contextvars.ContextVar("step", default=None)


def test_tasks_run_at_the_same_time_see_the_steps_context_and_keep_their_order() -> None:
    items = ["job_focus", "lifestyle", "artistic", "location"]
    # Passes only if all four wait at the barrier together: one after another would time out.
    barrier = threading.Barrier(len(items), timeout=30)
    STEP.set("hoc-4711-pflege|A")

    def task(item: str) -> tuple[str, str | None, str]:
        barrier.wait()
        return item, STEP.get(), threading.current_thread().name

    results = side_by_side(task, items)
    assert [r[0] for r in results] == items
    assert {r[1] for r in results} == {"hoc-4711-pflege|A"}  # the gateway's ledger scope arrives
    assert all(r[2].startswith("image-type") for r in results)


def test_a_failure_is_raised_after_every_task_finished() -> None:
    finished: list[str] = []

    def task(item: str) -> str:
        if item == "bad":
            raise ValueError("[provider_failed] bad")
        finished.append(item)
        return item

    with pytest.raises(ValueError, match="provider_failed"):
        side_by_side(task, ["a", "bad", "b"])
    assert sorted(finished) == ["a", "b"]


def test_one_item_runs_in_the_callers_thread() -> None:
    assert side_by_side(lambda _: threading.current_thread().name, ["only"]) == [
        threading.current_thread().name
    ]
