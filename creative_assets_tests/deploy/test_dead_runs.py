"""A run killed with kill -9 does not stay STARTED for ever holding a run-queue slot: with the
instance file `make dev` uses (SQLite, the queue's two slots, our run launcher), the monitoring
daemon finds the dead worker and fails the run, and the next queued run starts.

The deadly case is the whole `dagster dev` (daemon, code server, run workers) killed at once:
with the code server gone nobody is left to notice the runs it launched. The test kills the
daemon's process group with two long runs in flight, starts a new daemon, and submits a third
run to the full queue. The runs are a stand-in code location's (sleepy_location.py): the run
machinery is what is under test, not a campaign.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from creative_assets_tests.deploy.conftest import TOP_LEVEL_YAML, dagster_home_with

DEADLINE_S = 240.0  # a safeguard for a loaded CI machine, not a measurement
BIN = Path(sys.executable).parent
LOCATION = Path(__file__).with_name("sleepy_location.py")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = dagster_home_with(TOP_LEVEL_YAML, tmp_path / "home")  # byte for byte what make dev uses
    (tmp_path / "workspace.yaml").write_text(
        f"load_from:\n  - python_file:\n      relative_path: {LOCATION}\n      location_name: sleepy\n"
    )
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


class Daemon:
    def __init__(self, home: Path) -> None:
        self.log = home / f"daemon-{time.monotonic_ns()}.log"  # a file: a full pipe would stall it
        self.process = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-w", str(home.parent / "workspace.yaml")],
            cwd=home.parent,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,  # its code server and run workers share its process group
        )

    def kill_everything(self) -> None:
        """kill -9 of the daemon, its code server and every run worker they started."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def daemons(home: Path) -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    for daemon in started:
        daemon.stop()


def launch(home: Path) -> None:
    """Submit a run to the queue, as the UI's Launch button does."""
    workspace = str(home.parent / "workspace.yaml")
    command = [str(BIN / "dagster"), "job", "launch", "-w", workspace, "-j", "long_run"]
    done = subprocess.run(command, cwd=home.parent, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]


def wait_for(instance: dg.DagsterInstance, daemon: Daemon, what: str, done) -> list[dg.DagsterRun]:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        assert daemon.process.poll() is None, f"the daemon exited: {daemon.log.read_text()[-3000:]}"
        runs = list(reversed(instance.get_runs()))  # oldest first
        if done(runs):
            return runs
        time.sleep(2)
    statuses = [r.status for r in instance.get_runs()]
    raise AssertionError(f"{what}: {statuses}\n{daemon.log.read_text()[-3000:]}")


def test_runs_whose_workers_were_killed_are_failed_and_free_their_queue_slots(
    home: Path, daemons: list[Daemon]
) -> None:
    started = dg.DagsterRunStatus.STARTED
    with dg.DagsterInstance.get() as instance:
        daemons.append(first := Daemon(home))
        launch(home)
        launch(home)
        wait_for(instance, first, "two runs started", lambda runs: [r.status for r in runs] == [started] * 2)
        first.kill_everything()
        time.sleep(1)
        dead = instance.get_runs()
        assert [r.status for r in dead] == [started] * 2  # what a killed dagster dev leaves behind

        daemons.append(second := Daemon(home))
        launch(home)  # the queue holds two: it only starts if the dead runs give their slots back
        runs = wait_for(
            instance,
            second,
            "the dead runs failed and the third started",
            lambda runs: (
                len(runs) == 3 and [r.status for r in runs] == [dg.DagsterRunStatus.FAILURE] * 2 + [started]
            ),
        )
        for run in runs[:2]:
            failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
            assert failure and "worker process" in (failure[-1].message or ""), failure
