"""BFL's tasks as the simulator keeps them: submitted, timed, and their samples drawn ahead.

Kept apart from the routes so the simulator's shared state (state.py) holds them without
importing a route module.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from creative_assets_tests.provider_sim import images

PRERENDERED = 64  # samples drawn ahead and not yet downloaded, at most (oldest dropped first)


@dataclass(frozen=True)
class BflTask:
    id: str
    model: str
    key: str
    prompt: str
    seed: int
    width: int
    height: int
    output_format: str
    created: float
    duration: float
    outcome: str  # "Ready", "Request Moderated" or "Content Moderated"
    text_in_image: bool

    @property
    def done_at(self) -> float:
        return self.created + self.duration


class BflState:
    """Tasks by id; the lock makes the active-task check and the insert one step.

    BFL limits active tasks (submitted, not yet finished), not HTTP requests: a submit returns at
    once while its task keeps counting. The peak is taken on insert, under the lock, since a
    task only ever leaves the active set by time passing: no peak can fall between submits.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tasks: dict[str, BflTask] = {}
        self.max_active_tasks = 0
        # The real service makes the picture during the task and its storage host only sends
        # bytes; drawing it in the download request (0.2-0.3 s of CPU here) added that time to
        # every delivery on top of its configured latency, and to every BFL slot's hold.
        self._drawing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bfl-draw")
        self._drawn: OrderedDict[str, Future[tuple[bytes, str]]] = OrderedDict()

    def clear(self) -> None:
        with self.lock:
            self.tasks.clear()
            self._drawn.clear()
            self.max_active_tasks = 0

    def draw_ahead(self, task: BflTask) -> None:
        """Start drawing a task's sample while the task runs. Call under the lock."""
        self._drawn[task.id] = self._drawing.submit(render_task, task)
        while len(self._drawn) > PRERENDERED:
            self._drawn.popitem(last=False)

    def sample(self, task: BflTask) -> tuple[bytes, str]:
        """The task's sample: drawn ahead when it could be, else now (and cached for a retry)."""
        with self.lock:
            drawn = self._drawn.pop(task.id, None)
        return drawn.result() if drawn is not None else render_task(task)

    def active(self, key: str | None, now: float) -> int:
        """Active tasks of one key, or of every key when `key` is None. Call under the lock."""
        return sum(1 for t in self.tasks.values() if (key is None or t.key == key) and t.done_at > now)

    def add(self, task: BflTask) -> None:
        """Insert a task and update the peak. Call under the lock."""
        self.tasks[task.id] = task
        self.max_active_tasks = max(self.max_active_tasks, self.active(None, task.created))

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {"active_tasks": self.active(None, time.time()), "max_active_tasks": self.max_active_tasks}


@functools.lru_cache(maxsize=32)
def _render(prompt: str, seed: int, width: int, height: int, fmt: str, with_text: bool) -> tuple[bytes, str]:
    return images.encode(images.base_image(prompt, seed, width, height, with_text=with_text), fmt)


def render_task(task: BflTask) -> tuple[bytes, str]:
    return _render(task.prompt, task.seed, task.width, task.height, task.output_format, task.text_in_image)
