"""The deployed stack the `deployed` benchmark measures: a throwaway PostgreSQL database, a fresh
DAGSTER_HOME with `deploy/dagster.postgres.yaml`, `dagster-daemon run` and `dagster-webserver`
as separate processes (as a deployment runs them), and a sampler of their process tree.

Where the code location runs (`code_server`): "managed" is what `workspace.yaml` gives, each of
the daemon and the webserver starting code servers of its own (the daemon a new one every 60 s,
when it refreshes its workspace: Dagster's RELOAD_WORKSPACE_INTERVAL); "separate" is one
`dagster code-server start` that both reach over gRPC (`grpc_server` in the workspace), as
Dagster's own deployment guides and its Helm chart run a code location.

The sampler is hand-written because neither Dagster nor psutil sums CPU over a tree whose
processes come and go (each run is a worker process of its own): it reads every process of the
tree every half second and keeps each one's last CPU reading, so a run worker that has exited
still counts with what it had used at its last sample.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import psycopg2

REPO = Path(__file__).resolve().parent.parent
POSTGRES_YAML = REPO / "deploy" / "dagster.postgres.yaml"
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "password": "", "admin_db": "test"}


def _admin() -> psycopg2.extensions.connection:
    conn = psycopg2.connect(
        host=PG["host"], port=PG["port"], user=PG["user"], password=PG["password"], dbname=PG["admin_db"]
    )
    conn.autocommit = True
    return conn


def _kind(proc: psutil.Process) -> str:
    """What a process of the tree is, from its command line."""
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return "gone"
    for needle, kind in (
        ("multiprocessing", "run workers"),  # the code server spawns each run's worker
        ("execute_run", "run workers"),
        ("api grpc", "code servers"),
        ("code-server", "code servers"),
        ("dagster-daemon", "daemon"),
        ("dagster_daemon", "daemon"),
        ("dagster-webserver", "webserver"),
        ("dagster_webserver", "webserver"),
    ):
        if needle in cmd:
            return kind
    return "other"


class TreeSampler:
    """CPU seconds and memory of every process under `roots`, sampled in a thread."""

    def __init__(self, roots: list[int], interval_s: float = 0.5) -> None:
        self.roots, self.interval_s = roots, interval_s
        self.cpu: dict[tuple[int, float], tuple[str, float]] = {}  # (pid, created) → (kind, cpu)
        self.peak_total_mib = self.peak_one_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._lock = threading.Lock()

    def _procs(self) -> list[psutil.Process]:
        found = []
        for pid in self.roots:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                found += [root, *root.children(recursive=True)]
        return found

    def sample(self) -> None:
        total = 0.0
        for proc in self._procs():
            with contextlib.suppress(psutil.Error):
                with proc.oneshot():
                    times, rss = proc.cpu_times(), proc.memory_info().rss / 2**20
                    key = (proc.pid, proc.create_time())
                kind = self.cpu[key][0] if key in self.cpu else _kind(proc)
                with self._lock:
                    self.cpu[key] = (kind, times.user + times.system)
                total += rss
                self.peak_one_mib = max(self.peak_one_mib, rss)
        self.peak_total_mib = max(self.peak_total_mib, total)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def mark(self) -> dict[str, float]:
        """CPU seconds per kind of process so far; `since(mark)` subtracts it."""
        self.sample()
        self.peak_total_mib = self.peak_one_mib = 0.0
        return self.by_kind()

    def by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        with self._lock:
            for kind, cpu in self.cpu.values():
                out[kind] = out.get(kind, 0.0) + cpu
        return out

    def since(self, mark: dict[str, float]) -> dict[str, float]:
        self.sample()
        now = self.by_kind()
        return {k: round(v - mark.get(k, 0.0), 2) for k, v in now.items() if v - mark.get(k, 0.0) > 0.005}


class DeployedStack:
    """Postgres database, DAGSTER_HOME, daemon and webserver; a context manager that removes them."""

    def __init__(self, workdir: Path, env: dict[str, str], name: str, code_server: str = "separate") -> None:
        if code_server not in ("separate", "managed"):
            raise ValueError(f"code_server is separate or managed, not {code_server!r}")
        self.code_server = code_server
        self.db = f"bench_{os.getpid()}_{name}".replace("-", "_").lower()
        self.home = workdir / f"home-{name}"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = workdir
        self.name = name
        self.env = {
            **os.environ,
            **env,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "DAGSTER_HOME": str(self.home),
            "DAGSTER_PG_HOST": PG["host"],
            "DAGSTER_PG_PORT": PG["port"],
            "DAGSTER_PG_USER": PG["user"],
            "DAGSTER_PG_PASSWORD": PG["password"],
            "DAGSTER_PG_DB": self.db,
            # As `make dev` and docs/deployment say: the daemon's launch of a run waits for the
            # code server to spawn and import the run's worker, which on a busy machine takes
            # longer than gRPC's default 60 s; the run would be failed unstarted.
            "DAGSTER_GRPC_TIMEOUT_SECONDS": os.environ.get("DAGSTER_GRPC_TIMEOUT_SECONDS", "300"),
            "CREATIVE_ASSETS_STORAGE_URL": str(self.home / "storage"),
            "CREATIVE_ASSETS_STATE_URL": f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{self.db}",
        }
        self.procs: list[subprocess.Popen[bytes]] = []
        self.sampler: TreeSampler | None = None

    def __enter__(self) -> DeployedStack:
        with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {self.db}")
        self.home.mkdir(parents=True)
        shutil.copyfile(POSTGRES_YAML, self.home / "dagster.yaml")
        try:
            bin_dir = Path(sys.executable).parent
            workspace = str(REPO / "workspace.yaml")
            if self.code_server == "separate":
                workspace = self._start_code_server(bin_dir)
            self._spawn("daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", workspace])
            self._spawn(
                "webserver",
                [
                    str(bin_dir / "dagster-webserver"),
                    "-w",
                    workspace,
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
            )
            self.sampler = TreeSampler([p.pid for p in self.procs]).start()
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start_code_server(self, bin_dir: Path) -> str:
        """`dagster code-server start` on a free port; returns a workspace file pointing at it."""
        port = _free_port()
        location = "-m creative_assets.definitions -a defs --location-name creative_assets"
        serve = ["code-server", "start", "-h", "127.0.0.1", "-p", str(port), *location.split()]
        self._spawn("code-server", [str(bin_dir / "dagster"), *serve])
        workspace = self.home / "workspace.yaml"
        workspace.write_text(
            "load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
            f"      port: {port}\n      location_name: creative_assets\n",
            encoding="utf-8",
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.procs[-1].poll() is not None:
                raise RuntimeError(f"the code server exited; logs in {self.log_dir}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return str(workspace)
            time.sleep(1)
        raise RuntimeError("the code server did not listen within 240 s")

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = (self.log_dir / f"{self.name}-{name}.log").open("w")
        self.procs.append(
            subprocess.Popen(cmd, cwd=self.home, env=self.env, stdout=log, stderr=log, start_new_session=True)
        )

    def _wait_ready(self, timeout_s: float = 240) -> None:
        """The webserver answers and has loaded the code location."""
        query = "{workspaceOrError{... on Workspace{locationEntries{name loadStatus}}}}"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{proc.args[0]} exited with {proc.returncode}; see logs in {self.log_dir}"
                    )
            with contextlib.suppress(httpx.HTTPError, KeyError, TypeError):
                data = httpx.post(f"{self.url}/graphql", json={"query": query}, timeout=5).json()
                entries = data["data"]["workspaceOrError"]["locationEntries"]
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    return
            time.sleep(1)
        raise RuntimeError(f"the webserver did not load the code location within {timeout_s:.0f} s")

    def instance(self):  # dagster is imported here, once this stack's environment is set
        """A DagsterInstance on this stack's home (the benchmark reads the runs' records)."""
        for key in [k for k in self.env if k.startswith("DAGSTER_PG_")]:
            os.environ[key] = self.env[key]
        import dagster as dg

        return dg.DagsterInstance.from_config(str(self.home))

    def __exit__(self, *exc: object) -> None:
        if self.sampler is not None:
            self.sampler.stop()
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
