"""Starting and stopping the servers the desk's tests talk to (each in its own process group)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest

START_TIMEOUT_S = 240.0  # a safeguard for a loaded two-core machine, not a measurement
INSTANCE_YAML = """\
telemetry:
  enabled: false
# No "Join the Dagster community" dialog over a page a test clicks on.
nux:
  enabled: false
# Launch runs at once. Our dagster.yaml (and Dagster's default) queue them for a dagster-daemon to
# dequeue; the default coordinator spares the tests a second process.
run_coordinator:
  module: dagster.core.run_coordinator
  class: DefaultRunCoordinator
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def start_server(
    command: list[str], *, env: dict[str, str], cwd: Path, log: Path, ready_url: str
) -> subprocess.Popen[bytes]:
    """Start `command` and wait until `ready_url` answers 200 (no proxy: loopback only)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{command[0]} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with opener.open(ready_url, timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    pytest.fail(f"{command[0]} did not answer {ready_url} in {START_TIMEOUT_S:.0f} s:\n{_tail(log)}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM first (the webserver stops its code server); then whatever is left of the process
    group (run workers) is killed."""
    if proc.poll() is None:
        proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
