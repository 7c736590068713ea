"""A fault across hosts: cut one worker host's link while it executes a step that pays a provider
(`image_chains`: BFL, the base images first), then let the campaign go on without it."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg2
from topology import Topology, host_name

STEP = "image_chains"


class LinkCut(threading.Thread):
    """Watches the event log (Postgres) for the host's worker starting `STEP`; `delay_s` later
    takes the host's link down. `record` says when, and during which step."""

    def __init__(self, topology: Topology, index: int, dsn: str, delay_s: float = 3.0) -> None:
        super().__init__(daemon=True, name=f"cut-{host_name(index)}")
        self.topology, self.index, self.dsn, self.delay_s = topology, index, dsn, delay_s
        self.stopping = threading.Event()
        self.record: dict[str, Any] = {"host": host_name(index), "step": STEP, "at": None}

    def run(self) -> None:
        worker = f"worker@{host_name(self.index)}"
        while not self.stopping.wait(1.0):
            try:
                started = self._step_started(worker)
            except psycopg2.Error:  # the instance's tables are created by the first run
                continue
            if started:
                time.sleep(self.delay_s)
                self.topology.cut(self.index)
                self.record["at"] = time.time()
                return

    def _step_started(self, worker: str) -> bool:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT EXISTS (SELECT 1 FROM event_logs WHERE dagster_event_type = 'ENGINE_EVENT' "
                    "AND step_key = %s AND event LIKE %s)",
                    (STEP, f"%{worker}%"),
                )
                return bool(cur.fetchone()[0])
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)
