"""The gateway's in-flight limits hold across OS processes, against the provider simulator.

Two jobs' `campaign_variant` runs go at once, each in a process of its own, wired only through
the environment (`deployment_resources()`, `DagsterInstance.get()`), sharing one Dagster instance,
one storage root and one gateway state database. The simulator's own caps sit far above ours, so
an overrun of our limits would show as a peak in its stats instead of being hidden by its 429s.
Then a run is killed with SIGKILL while it holds a BFL slot: the slot must come back at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition, first_step_error
from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.gateway.slots import SlotPool, slots_for
from creative_assets.gateway.store import StateStore
from creative_assets.gateway.tasks import TaskStore
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator

ROOT = Path(__file__).resolve().parents[2]
KEYS = {p: f"{p}-key-PROCS-4c1d" for p in ("openai", "bfl", "perplexity", "firecrawl", "hoc")}
# The two shipped samples, which the simulator's HOC API serves: two processes are enough to show
# a limit that holds per process only (each alone takes both slots: two would take four).
JOBS = ["hoc-4711-pflege", "hoc-5120-warehouse"]
LIMIT = 2  # for BFL and OpenAI: small, so the processes must queue for it
TIME_SCALE = 0.001  # fast_config's: one provider second is a millisecond
SIM_CAP = 16  # the simulator's own caps, far above ours
BFL_TASK_S = 1.0  # real seconds a BFL task stays active (it polls every 0.5 s)
STUCK_TASK_S = 120.0  # the killed run's task: still active when the run dies
RUN_TIMEOUT_S = 600.0  # a safeguard against a hung worker, not a measurement: CI may be loaded


def _provider_s(real_s: float) -> float:
    return real_s / TIME_SCALE


def _sim_config(bfl_task_s: float) -> Any:
    return fast_config(
        api_keys=KEYS,
        # fast_config's zero latency everywhere, but a concurrency cap well above ours; image
        # edits take a moment so that OpenAI calls of different processes can overlap.
        endpoints={
            "*": {"latency": {"kind": "fixed", "seconds": 0.0}, "max_concurrency": SIM_CAP},
            "openai.images_edits": {"latency": {"kind": "fixed", "seconds": _provider_s(0.1)}},
        },
        bfl={
            "task_duration": {"kind": "fixed", "seconds": _provider_s(bfl_task_s)},
            "max_active_tasks": SIM_CAP,
            # Samples stay downloadable even when a CPU-starved process polls late.
            "sample_expiry_s": _provider_s(120.0),
        },
        hoc={"include_samples": True},
    )


@dataclass
class Deployment:
    sim: Simulator
    env: dict[str, str]
    state_url: str
    home: Path
    text_run_ids: list[str]

    @property
    def slots(self) -> SlotPool:
        return slots_for(self.state_url, None)


@dataclass
class Worker:
    job_id: str
    variant: str
    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def finish(self, timeout_s: float = RUN_TIMEOUT_S) -> dict[str, Any]:
        """Wait for the process; its run's outcome, asserting it exited 0 and the run succeeded."""
        try:
            code = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"worker {self.job_id}/{self.variant} still running after {timeout_s} s{self.logs()}")
        lines = self.stdout.read_text().strip().splitlines()
        assert code == 0 and lines, f"worker {self.job_id}/{self.variant} exited {code}{self.logs()}"
        outcome = json.loads(lines[-1])
        assert outcome["success"], f"{self.job_id}/{self.variant}: {outcome['error']}{self.logs()}"
        return outcome

    def logs(self) -> str:
        stderr = self.stderr.read_text()[-6000:]
        return f"\n--- stdout ---\n{self.stdout.read_text()}\n--- stderr (tail) ---\n{stderr}"


def start_worker(deployment: Deployment, job_id: str, variant: str) -> Worker:
    out = deployment.home / f"worker-{job_id}-{variant}"
    stdout, stderr = out.with_suffix(".out"), out.with_suffix(".err")
    with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "creative_assets_tests.gateway._variant_worker", job_id, variant],
            cwd=ROOT,
            env=deployment.env,
            stdout=out_file,
            stderr=err_file,
        )
    return Worker(job_id, variant, proc, stdout, stderr)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    storage = tmp_path_factory.mktemp("storage")
    state_url = f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.db'}"
    with running_simulator(_sim_config(BFL_TASK_S)) as sim, pytest.MonkeyPatch.context() as patch:
        env = {
            **os.environ,
            **sim.env(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DAGSTER_HOME": str(home),
            "CREATIVE_ASSETS_PROVIDERS": "all=real",
            "CREATIVE_ASSETS_STORAGE_URL": str(storage),
            "CREATIVE_ASSETS_STATE_URL": state_url,
            "CREATIVE_ASSETS_PROVIDER_LIMITS": f"bfl={LIMIT},openai={LIMIT}",
        }
        for name, value in env.items():
            patch.setenv(name, value)
        # The job-level phase of both jobs, in this process, on the same wiring.
        resources = deployment_resources()
        defs = build_definitions(resources)
        text_run_ids = []
        with dg.DagsterInstance.get() as instance:
            with dg.build_resources({"job_source": resources["job_source"]}) as built:
                for job_id in JOBS:
                    ensure_job_partition(instance, built.job_source, job_id)
            for job_id in JOBS:
                result = defs.resolve_job_def("campaign_text").execute_in_process(
                    partition_key=job_id, instance=instance, raise_on_error=False
                )
                assert result.success, f"campaign_text {job_id}: {first_step_error(result)}"
                text_run_ids.append(result.run_id)
        yield Deployment(sim, env, state_url, home, text_run_ids)


def test_processes_side_by_side_never_exceed_the_limits(deployment: Deployment) -> None:
    sim = deployment.sim
    workers = [start_worker(deployment, job_id, "A") for job_id in JOBS]
    outcomes = [worker.finish() for worker in workers]
    assert sim.wait_idle()
    stats = sim.stats()
    peaks = {
        "bfl.max_active_tasks": stats["bfl"]["max_active_tasks"],
        "bfl.max_in_flight": stats["providers"]["bfl"]["max_in_flight"],
        "openai.max_in_flight": stats["providers"]["openai"]["max_in_flight"],
    }
    print(f"peaks with {len(JOBS)} processes and limits {LIMIT}: {peaks}")
    assert peaks["bfl.max_active_tasks"] <= LIMIT, peaks
    assert peaks["bfl.max_in_flight"] <= LIMIT, peaks
    assert peaks["openai.max_in_flight"] <= LIMIT, peaks
    # Not vacuous: the processes did compete for BFL, and the limit was what held them back.
    assert peaks["bfl.max_active_tasks"] == LIMIT, peaks
    for name, endpoint in stats["endpoints"].items():
        assert not endpoint["limited"], (name, endpoint)
        assert "429" not in endpoint["responses"], (name, endpoint)
    # Every BFL task of every run was sent: 4 base images per variant run.
    assert stats["endpoints"]["bfl.submit"]["responses"].get("200", 0) >= 4 * len(JOBS)

    entries = StateStore(deployment.state_url).entries()
    run_ids = {outcome["run_id"] for outcome in outcomes}
    assert len(run_ids) == len(JOBS)
    variant_rows = [e for e in entries if e.run_id in run_ids]
    assert {e.run_id for e in variant_rows} == run_ids
    assert {(e.job_id, e.variant) for e in variant_rows} == {(job_id, "A") for job_id in JOBS}
    assert {e.provider for e in variant_rows} >= {"bfl", "openai"}
    assert {e.run_id for e in entries} == run_ids | set(deployment.text_run_ids)
    assert all(e.outcome not in ("reserved", "refused") for e in entries), [
        e for e in entries if e.outcome in ("reserved", "refused")
    ]
    # The text runs (this process) and the variant runs (two others) all wrote one ledger,
    # and it holds exactly what the providers billed.
    ledger_usd = sum(e.cost_usd for e in entries)
    assert round(ledger_usd, 6) == round(stats["totals"]["billed_usd"], 6), (ledger_usd, stats["totals"])
    assert deployment.slots.in_use("bfl", LIMIT) == 0
    assert deployment.slots.in_use("openai", LIMIT) == 0


def test_a_killed_run_gives_its_slot_back(deployment: Deployment) -> None:
    # Runs after the test above (file order): it leaves a reserved row and a stuck BFL task behind.
    sim = deployment.sim
    sim.apply_config(_sim_config(STUCK_TASK_S))
    before = sim.stats()
    worker = start_worker(deployment, JOBS[0], "B")  # a variant not run yet: nothing cached

    def submitted() -> int:  # its BFL tasks accepted (so billed); they stay active, holding slots
        now = sim.stats()["endpoints"]["bfl.submit"]["responses"].get("200", 0)
        return now - before["endpoints"]["bfl.submit"]["responses"].get("200", 0)

    # base_images generates the four image types side by side, so the run fills both slots.
    slots = deployment.slots
    deadline = time.monotonic() + RUN_TIMEOUT_S
    tasks = TaskStore(deployment.state_url)
    while not (submitted() == LIMIT and slots.in_use("bfl", LIMIT) == LIMIT and tasks.count("bfl") == LIMIT):
        assert worker.proc.poll() is None, f"worker exited {worker.proc.returncode}{worker.logs()}"
        assert time.monotonic() < deadline, f"worker never took a BFL slot{worker.logs()}"
        time.sleep(0.05)
    os.kill(worker.proc.pid, signal.SIGKILL)
    assert worker.proc.wait(10) == -signal.SIGKILL

    killed_at = time.monotonic()
    while slots.in_use("bfl", LIMIT) and time.monotonic() - killed_at < 5.0:
        time.sleep(0.01)
    recovered_s = time.monotonic() - killed_at
    print(f"BFL slot free {recovered_s:.3f} s after SIGKILL")
    assert slots.in_use("bfl", LIMIT) == 0, f"slot still held {recovered_s:.1f} s after the kill"
    # The whole capacity is back: both slots can be taken at once, quickly.
    started = time.monotonic()
    with slots.hold("bfl", LIMIT, timeout_s=5), slots.hold("bfl", LIMIT, timeout_s=5):
        assert slots.in_use("bfl", LIMIT) == LIMIT
    assert time.monotonic() - started < 5

    # The killed calls' ledger rows were never settled: they stay `reserved` until the next holder
    # of their request (or the gateway's sweep) settles them. Rows are reserved just before a
    # request is sent, so the image types still waiting for a slot have none; each sent task's
    # cost was written on its row when BFL accepted it, so the ledger already holds what BFL billed.
    rows = [e for e in StateStore(deployment.state_url).entries(JOBS[0]) if e.variant == "B"]
    stuck = [e for e in rows if e.outcome == "reserved"]
    assert len(stuck) == LIMIT, rows
    assert {(e.provider, e.operation) for e in stuck} == {("bfl", "text_to_image")}, rows
    (price,) = {e.expected_cost_usd for e in stuck}  # one model and size: one price per task
    assert price > 0 and all(e.cost_usd == price for e in stuck), stuck
    billed = sim.stats()["totals"]["billed_usd"] - before["totals"]["billed_usd"]
    settled = sum(e.cost_usd for e in rows)
    assert round(billed - settled, 6) == 0, (billed, settled, stuck)
