"""Dagster's DefaultRunLauncher with the run-worker health check it lacks, so run monitoring can
fail a run whose worker died instead of leaving it STARTED for ever, holding a run-queue slot.

Dagster 1.13's DefaultRunLauncher (the one `dagster dev` and our instance files use) launches each
run in a worker process of a code server; it does not implement `check_run_worker_health`, so
the monitoring daemon can only watch start timeouts and a max runtime. The code server fails a
run whose worker dies while the server lives — but after a `kill -9` of `dagster dev`, an OOM
kill or a reboot the server is gone too, and nothing ever looks at the run again.

The check here is the one the worker itself makes possible: every run worker writes "Started
process for run (pid: N)" into the run's event log when it starts. If that process no longer
exists (psutil also tells a pid the OS has since given to another process, by its start time)
the run is dead. A worker whose code server is on another machine cannot be seen from here, and
such a run counts as running; a max runtime (`run_monitoring.max_runtime_seconds`, or the
`dagster/max_runtime` tag) is the backstop there. Hand-written because Dagster ships no such
check for this launcher; it is a subclass, so launching and terminating stay Dagster's own.
"""

from __future__ import annotations

import json
import socket

import dagster as dg
import psutil

# Not exported at dagster's top level; Dagster's own launcher libraries (dagster-k8s,
# dagster-docker) import the health-check types from here the same way.
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.tags import GRPC_INFO_TAG

STARTED_PROCESS = "Started process for run (pid: "
# A pid's process created this long after the worker announced itself is another process.
PID_REUSE_TOLERANCE_S = 2.0


def _local_hosts() -> set[str]:
    return {"localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()}


class LocalRunLauncher(dg.DefaultRunLauncher):
    """Launches like DefaultRunLauncher; reports a run whose local worker process is gone."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        grpc_info = json.loads(run.tags.get(GRPC_INFO_TAG) or "{}")
        if grpc_info and not grpc_info.get("socket") and grpc_info.get("host") not in _local_hosts():
            return CheckRunHealthResult(
                WorkerStatus.RUNNING, f"worker on {grpc_info.get('host')}: not checked from here"
            )
        worker = self._worker_of(run)
        if worker is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "the worker has not announced its pid yet")
        pid, announced_at = worker
        try:
            process = psutil.Process(pid)
            alive = (
                process.status() != psutil.STATUS_ZOMBIE
                and process.create_time() <= announced_at + PID_REUSE_TOLERANCE_S
            )
        except psutil.NoSuchProcess:
            alive = False
        if alive:
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"worker process {pid} is alive")
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"the run's worker process {pid} is gone (killed, or its machine or code server "
            "restarted); re-execute the run to finish it",
        )

    def _worker_of(self, run: dg.DagsterRun) -> tuple[int, float] | None:
        """(pid, when it announced itself) of the run's latest worker process."""
        found = None
        for entry in self._instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
            if entry.message.startswith(STARTED_PROCESS):
                digits = entry.message.removeprefix(STARTED_PROCESS).split(")", 1)[0]
                if digits.isdigit():
                    found = (int(digits), entry.timestamp)
        return found
