"""Nothing is paid twice (#19), with the real BFL client and gateway in processes of their own
against the simulator, on SQLite and on Postgres:
- a process killed with SIGKILL while its BFL tasks are in flight, then the same request again:
  the tasks are resumed, not submitted again, and the ledger equals what BFL billed;
- two processes asking for the same images at the same moment: each image is paid once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.store import StateStore
from creative_assets.gateway.tasks import TaskStore
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator

ROOT = Path(__file__).resolve().parents[2]
SEEDS = "11,12,13,14"
TASK_S = 1.5  # real seconds a BFL task stays active: long enough to kill a process mid-task


@pytest.fixture
def sim() -> Iterator[Simulator]:
    bfl = {"task_duration": {"kind": "fixed", "seconds": TASK_S / 0.001}, "sample_expiry_s": 600_000}
    config = fast_config(bfl=bfl)
    with running_simulator(config) as simulator:
        yield simulator


def start(
    sim: Simulator, state_url: str, cache: Path, seeds: str = SEEDS, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "creative_assets_tests.gateway._bfl_worker",
            sim.url_for("bfl"),
            state_url,
            str(cache),
            seeds,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-4000:]
    return json.loads(out.strip().splitlines()[-1])


def kill_once_recorded(proc: subprocess.Popen[str], tasks: TaskStore, count: int = 4) -> None:
    """SIGKILL the worker once its `count` tasks are recorded: a task BFL accepted whose answer
    had not arrived yet when the process died cannot be known to anyone (BFL takes no
    idempotency key), so the kill waits for the records."""
    deadline = time.monotonic() + 60
    while tasks.count() < count:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, f"the worker never submitted its {count} tasks"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def submitted(sim: Simulator) -> int:
    return sim.stats()["endpoints"]["bfl.submit"]["responses"].get("200", 0)


def test_a_killed_process_s_tasks_are_resumed_not_paid_again(
    sim: Simulator, state_url: str, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = start(sim, state_url, cache)
    tasks = ProviderGateway(cache_url=str(cache), state_url=state_url).tasks
    kill_once_recorded(first, tasks)
    assert sim.stats()["bfl"]["active_tasks"] == 4  # killed with all four tasks still running
    rows = StateStore(state_url).entries()
    assert [r.outcome for r in rows] == ["reserved"] * 4  # paid, recorded, then the process died
    assert tasks.reserved(older_than_s=0.0)

    again = finish(start(sim, state_url, cache))
    assert len(again["images"]) == 4 and not any(again["cached"].values())
    sim.wait_idle()
    rows = StateStore(state_url).entries()
    assert submitted(sim) == 4, [(r.outcome, r.error_code, r.cost_usd, r.flight_key[:6]) for r in rows]
    assert not [r for r in rows if r.outcome == "reserved"]
    abandoned = [r for r in rows if r.error_code == "abandoned"]
    assert len(abandoned) == 4 and all(r.cost_usd == 0.05 and not r.cost_estimated for r in abandoned)
    assert [r.cost_usd for r in rows if r.outcome == "ok"] == [0.0] * 4  # a task's cost is on one row
    billed = sim.stats()["providers"]["bfl"]["billed_usd"]
    assert round(sum(r.cost_usd for r in rows), 6) == billed == 0.2


def test_twin_processes_asking_the_same_thing_pay_once(
    sim: Simulator, state_url: str, tmp_path: Path
) -> None:
    cache, go = tmp_path / "cache", tmp_path / "go"
    twins = [start(sim, state_url, cache, BFL_WORKER_GO_FILE=str(go)) for _ in range(2)]
    time.sleep(3.0)  # both load (the go file holds them until then)
    go.touch()
    results = [finish(proc) for proc in twins]
    assert results[0]["images"] == results[1]["images"] and len(results[0]["images"]) == 4
    sim.wait_idle()
    assert submitted(sim) == 4  # four images, four tasks: each paid once
    rows = StateStore(state_url).entries()
    paid = [r for r in rows if not r.cached]
    assert len(paid) == 4 and len([r for r in rows if r.cached]) == 4
    assert round(sum(r.cost_usd for r in rows), 6) == sim.stats()["providers"]["bfl"]["billed_usd"] == 0.2


@pytest.fixture
def expiring_sim() -> Iterator[Simulator]:
    bfl = {"task_duration": {"kind": "fixed", "seconds": TASK_S / 0.001}, "sample_expiry_s": 500.0}
    with running_simulator(fast_config(bfl=bfl)) as simulator:
        yield simulator


def test_a_resumed_task_whose_sample_expired_is_paid_again_once_and_says_so(
    expiring_sim: Simulator, tmp_path: Path
) -> None:
    """Resuming is only worth it within BFL's sample expiry: a re-run after it finds the signed URL
    refused (403), records that as `task_lost` (not a server error), and pays one new task per
    image — the old task stays on the ledger at its cost, so the ledger still equals the bill."""
    sim, state_url, cache = expiring_sim, f"sqlite:///{tmp_path / 'state.db'}", tmp_path / "cache"
    first = start(sim, state_url, cache)
    kill_once_recorded(first, ProviderGateway(cache_url=str(cache), state_url=state_url).tasks)
    time.sleep(TASK_S + 0.5 + 1.0)  # the tasks finish, then their samples expire

    again = finish(start(sim, state_url, cache))
    assert len(again["images"]) == 4
    sim.wait_idle()
    rows = StateStore(state_url).entries()
    assert submitted(sim) == 8  # each image paid twice: once lost to the kill and the expiry
    lost = [r for r in rows if r.error_code == "task_lost"]
    assert len(lost) == 4 and all(r.cost_usd == 0.0 for r in lost)  # the resume itself paid nothing
    assert not [r for r in rows if r.outcome == "reserved" or r.error_code == "server_error"]
    billed = sim.stats()["providers"]["bfl"]["billed_usd"]
    assert round(sum(r.cost_usd for r in rows), 6) == billed == 0.4
