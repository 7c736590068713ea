"""The parts of the several-hosts setup that need no namespaces: the TCP relay in front of the
services, the code location that puts the campaign jobs on Celery, and the campaigns' copies."""

from __future__ import annotations

import json
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
