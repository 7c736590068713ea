"""The parts of the several-hosts setup that need no namespaces: the TCP relay in front of the
services, the code location that puts the campaign jobs on Celery, and the campaigns' copies."""

from __future__ import annotations

import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dagster._core.definitions.reconstruct import ReconstructableRepository

from creative_assets.defs.jobs import CAMPAIGN_JOBS
from creative_assets_tests.provider_sim.testing import fast_config, running_simulator

HOSTS = Path(__file__).resolve().parents[2] / "deploy" / "hosts"


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_relay_carries_bytes_both_ways_and_counts_its_peers(echo_port: int) -> None:
    listen = f"127.0.0.1:{_free_port()}"
    relay = subprocess.Popen(
        [sys.executable, str(HOSTS / "relay.py"), f"{listen}=127.0.0.1:{echo_port}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert relay.stdout.readline().startswith("relaying ")
        payload = bytes(range(256)) * 1000  # more than one read's worth
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", int(listen.rpartition(":")[2])), 5) as conn:
                conn.sendall(payload)
                conn.shutdown(socket.SHUT_WR)
                received = b""
                while chunk := conn.recv(65536):
                    received += chunk
            assert received == payload
    finally:
        relay.send_signal(signal.SIGTERM)
        out, _ = relay.communicate(timeout=10)
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    assert json.loads(lines["peers"]) == {f"{listen} <- 127.0.0.1": 2}
    assert json.loads(lines["open"]) == {}  # both connections were closed on both sides


def test_the_relay_refuses_bad_arguments_with_status_2() -> None:
    done = subprocess.run([sys.executable, str(HOSTS / "relay.py"), "127.0.0.1:1"], capture_output=True)
    assert done.returncode == 2


def test_the_hosts_location_runs_every_campaign_job_on_celery(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("CREATIVE_ASSETS_CELERY_QUEUE", "ca-hosts-test")
    repo = ReconstructableRepository.for_file(str(HOSTS / "location.py"), "defs").get_definition()
    for job in CAMPAIGN_JOBS:
        celery_job = repo.get_job(job.name)
        assert celery_job.executor_def.name == "celery_hosts"
        assert set(celery_job.asset_layer.executable_asset_keys) == set(
            job.selection.resolve(repo.asset_graph)
        )
    chain = repo.get_sensor_def("campaign_chain_sensor")
    assert {j.executor_def.name for j in chain.jobs} == {"celery_hosts"}


def test_campaign_copies_are_served_by_the_hoc_api_under_ids_of_their_own(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(HOSTS))  # the scripts import each other by file name
    from chain import campaign_copies

    with running_simulator(fast_config()) as sim:
        assert campaign_copies(sim.base_url, "hoc-4711-pflege", 1) == ["hoc-4711-pflege"]
        ids = campaign_copies(sim.base_url, "hoc-4711-pflege", 3)
        assert ids == ["hoc-4711-pflege-c01", "hoc-4711-pflege-c02", "hoc-4711-pflege-c03"]
        headers = {"Authorization": f"Bearer {sim.env()['HOC_API_KEY']}"}
        for job_id in ids:
            served = httpx.get(f"{sim.url_for('hoc')}/jobs/{job_id}", headers=headers).json()
            assert served["job_id"] == job_id
            assert served["title"]  # the sample's posting, not an empty shell


def test_a_worker_host_confined_to_a_core_runs_celery_under_taskset(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(HOSTS))
    from run_hosts import worker_command

    shell = worker_command(tmp_path, "ca-h2", "q", core=1)[-1]
    assert "exec taskset -c 1 " in shell and shell.index("taskset") < shell.index("celery")
    assert "taskset" not in worker_command(tmp_path, "ca-h2", "q")[-1]


class _Recorded:
    """Stands in for chain.py's run processes, recording when each started and what it was told."""

    def __init__(self, fail: set[str]) -> None:
        self.log: list[str] = []
        self.fail = fail
        recorded = self

        class Ahead:
            def __init__(self, env: dict[str, str], *args: str) -> None:
                self.name = " ".join(args[1:])
                recorded.log.append(f"start {self.name}")

            def go(self, go: bool = True) -> dict[str, object]:
                recorded.log.append(f"{'go' if go else 'stop'} {self.name}")
                return {"success": go and self.name not in recorded.fail}

        self.Ahead = Ahead

    def driver(self, env: dict[str, str], *args: str) -> dict[str, object]:
        name = " ".join(args[1:]) if args[0] == "run" else args[0]
        self.log.append(f"ran {name}")
        return {"success": name not in self.fail}


@pytest.mark.parametrize("fail", [set(), {"prepare"}, {"campaign_text j"}, {"campaign_variant j|C"}])
def test_each_phases_runs_start_while_the_phase_before_runs_and_go_only_after_it(
    monkeypatch, fail: set[str]
) -> None:
    monkeypatch.syspath_prepend(str(HOSTS))
    import chain

    recorded = _Recorded(fail)
    monkeypatch.setattr(chain, "driver", recorded.driver)
    monkeypatch.setattr(chain, "Ahead", recorded.Ahead)
    runs = chain.run_campaign({}, "j")
    log = recorded.log
    variants = [f"campaign_variant j|{v}" for v in chain.VARIANTS]
    # the text and variant runs' processes load while the partition is added, and are told after it
    assert all(log.index(f"start {r}") < log.index("ran prepare") for r in ["campaign_text j", *variants])
    if "prepare" in fail:
        assert {"stop campaign_text j", *(f"stop {v}" for v in variants)} <= set(log)
        assert not any(line.startswith("go") for line in log) and len(runs) == 1
        return
    assert log.index("go campaign_text j") > log.index("ran prepare")
    if "campaign_text j" in fail:
        assert {f"stop {v}" for v in variants} <= set(log)
        assert not any(line.startswith("go campaign_variant") for line in log)
        assert len(runs) == 1
        return
    assert all(log.index(f"go {v}") > log.index("go campaign_text j") for v in variants)
    assert log.index("start campaign_rollup j") < min(log.index(f"go {v}") for v in variants)
    told = "stop" if fail else "go"
    assert log[-1] == f"{told} campaign_rollup j" and len(runs) == (6 if fail else 7)


def test_a_campaign_of_fewer_variants_runs_those_and_no_roll_up(monkeypatch) -> None:
    """The roll-up reads all five variants: a smaller campaign (the hosts test's) leaves it out."""
    monkeypatch.syspath_prepend(str(HOSTS))
    import chain

    recorded = _Recorded(set())
    monkeypatch.setattr(chain, "driver", recorded.driver)
    monkeypatch.setattr(chain, "Ahead", recorded.Ahead)
    runs = chain.run_campaign({}, "j", ("A", "B"))
    assert [line for line in recorded.log if line.startswith("go")] == [
        "go campaign_text j",
        "go campaign_variant j|A",
        "go campaign_variant j|B",
    ]
    assert not any("campaign_rollup" in line or "j|C" in line for line in recorded.log)
    assert len(runs) == chain.expected_runs(("A", "B")) == 3


def test_run_hosts_reads_the_variants_in_the_campaigns_order(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(HOSTS))
    import argparse

    from run_hosts import _variants

    assert _variants("b, a") == ("A", "B")
    for bad in ("", "A,F"):
        with pytest.raises(argparse.ArgumentTypeError):
            _variants(bad)


def test_a_run_process_told_to_stop_runs_nothing(tmp_path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CREATIVE_ASSETS_")},
        "DAGSTER_HOME": str(tmp_path),
        "CREATIVE_ASSETS_CELERY_QUEUE": "ca-hosts-test",
        "PYTHONPATH": f"{HOSTS.parents[1]}{os.pathsep}{HOSTS}",
    }
    done = subprocess.run(
        [sys.executable, str(HOSTS / "driver.py"), "run", "campaign_rollup", "nope", "--when-told"],
        input="stop\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "{" not in done.stdout  # no run, so no outcome line
