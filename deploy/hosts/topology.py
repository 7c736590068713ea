"""Hosts on this machine: network namespaces `ca-h1`, `ca-h2`, … on a bridge `ca-br0`, and the
processes started in them, all undone by `Topology.close()`.

    root namespace   10.231.0.1   the services host: PostgreSQL (a server of its own), RabbitMQ
                                   and the provider simulator (relayed from loopback), moto's S3,
                                   and the run processes
    ca-h1            10.231.0.11  a worker host
    ca-h2            10.231.0.12  a worker host …

Plain `ip` commands (iproute2) rather than a library: they are what an operator would type, and
pyroute2 would be one more dependency for a dozen calls.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BRIDGE = "ca-br0"
SUBNET = "10.231.0"
SERVICES_ADDRESS = f"{SUBNET}.1"
PREFIX = "ca-h"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def host_name(index: int) -> str:
    return f"{PREFIX}{index}"


def host_address(index: int) -> str:
    return f"{SUBNET}.{10 + index}"


def remove_leftovers() -> None:
    """Delete namespaces and the bridge of an earlier session that died before its teardown."""
    for line in _ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(PREFIX) and name[len(PREFIX) :].isdigit():
            _ip("link", "delete", f"{name}-v", check=False)
            _ip("netns", "delete", name, check=False)
    for line in _ip("-o", "link", "show", check=False).stdout.splitlines():
        link = line.split(": ")[1].split("@")[0] if ": " in line else ""
        if link.startswith(PREFIX) and link.endswith("-v"):
            _ip("link", "delete", link, check=False)
    _ip("link", "delete", BRIDGE, check=False)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    stop_signal: int = signal.SIGTERM


@dataclass
class Topology:
    hosts: int
    logs: Path
    processes: list[Process] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def open(self) -> Topology:
        remove_leftovers()
        _ip("link", "add", BRIDGE, "type", "bridge")
        _ip("addr", "add", f"{SERVICES_ADDRESS}/24", "dev", BRIDGE)
        _ip("link", "set", BRIDGE, "up")
        for index in range(1, self.hosts + 1):
            name, veth = host_name(index), f"{host_name(index)}-v"
            _ip("netns", "add", name)
            self.names.append(name)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name)
            _ip("link", "set", veth, "master", BRIDGE)
            _ip("link", "set", veth, "up")
            _ip("-n", name, "addr", "add", f"{host_address(index)}/24", "dev", "eth0")
            _ip("-n", name, "link", "set", "eth0", "up")
            _ip("-n", name, "link", "set", "lo", "up")
        return self

    def cut(self, index: int) -> None:
        """Take the host's link down: its packets go nowhere, as when a machine's cable is pulled
        (its processes go on, unaware, until their connections time out)."""
        _ip("link", "set", f"{host_name(index)}-v", "down")

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        netns: str | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> Process:
        """Start `argv` (in `netns`, or here), its output in logs/<name>.log, in its own process
        group so that closing stops its children too."""
        log = self.logs / f"{name}.log"
        command = ["ip", "netns", "exec", netns, *argv] if netns else list(argv)
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command, env=dict(env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log, stop_signal)
        self.processes.append(process)
        return process

    def stop(self, process: Process, grace_s: float = 10.0) -> None:
        if process.popen.poll() is None:
            os.killpg(process.popen.pid, process.stop_signal)
            try:
                process.popen.wait(grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
        if process in self.processes:
            self.processes.remove(process)

    def close(self) -> None:
        for process in reversed(list(self.processes)):
            with contextlib.suppress(ProcessLookupError):
                self.stop(process)
        for name in self.names:
            # The veth first: a namespace lives on while its sockets do (a cut host's, retrying),
            # and its interfaces with it.
            _ip("link", "delete", f"{name}-v", check=False)
            _ip("netns", "delete", name, check=False)
        self.names.clear()
        _ip("link", "delete", BRIDGE, check=False)


def wait_for_port(host: str, port: int, netns: str | None = None, timeout_s: float = 60.0) -> None:
    """Until something accepts TCP connections at host:port (seen from `netns`)."""
    probe = ["python3", "-c", f"import socket; socket.create_connection(({host!r}, {port}), 2).close()"]
    command = ["ip", "netns", "exec", netns, *probe] if netns else probe
    deadline = time.monotonic() + timeout_s
    while subprocess.run(command, capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {host}:{port}" + (f" in {netns}" if netns else ""))
        time.sleep(0.3)
