"""The provider simulator as a benchmark's subprocess: its config from a latency profile, the
jobs it serves, its start-up, re-configuration, CPU time and stop; and the machine's load average
that every benchmark prints beside its figures."""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.model import Profile

REPO = Path(__file__).resolve().parent.parent
SAMPLE_JOB = REPO / "creative_assets" / "sample_jobs" / "jobs" / "hoc-4711-pflege.json"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sim_config(profile: Profile, jobs: list[dict[str, Any]], *, zero_latency: bool = False) -> dict[str, Any]:
    """The profile in the simulator's terms, with its limits set to the gateway's: a request
    beyond them would be refused with a 429, as the real provider would."""
    endpoints: dict[str, Any] = {"*": {"latency": {"kind": "fixed", "seconds": 0.0}}}
    if not zero_latency:
        for name, latency in profile.latency.items():
            if name != "bfl.task":
                endpoints[name] = {"latency": latency.simulator()}
    for provider in ("openai", "perplexity", "firecrawl"):
        endpoints.setdefault(provider, {})["max_concurrency"] = profile.limits[provider]
    task = {"kind": "fixed", "seconds": 0.0} if zero_latency else profile.latency["bfl.task"].simulator()
    return {
        "seed": profile.seed,
        "time_scale": profile.time_scale,
        "endpoints": endpoints,
        "bfl": {"task_duration": task, "max_active_tasks": profile.limits["bfl"]},
        "hoc": {"include_samples": True, "jobs": jobs},
    }


def bench_jobs(ids: list[str]) -> list[dict[str, Any]]:
    sample = json.loads(SAMPLE_JOB.read_text(encoding="utf-8"))
    return [{**copy.deepcopy(sample), "job_id": job_id} for job_id in ids]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimProcess:
    def __init__(self, config: dict[str, Any], workdir: Path) -> None:
        path = workdir / "sim.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "creative_assets_tests.provider_sim",
                "--port",
                port,
                "--config",
                str(path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "sim.log").open("w"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/_sim/health", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the simulator did not come up within 30 s; see sim.log")

    def configure(self, config: dict[str, Any]) -> None:
        httpx.post(f"{self.url}/_sim/config", json=config, timeout=10).raise_for_status()

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())
