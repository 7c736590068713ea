"""The services host of the several-hosts setup (the root namespace, 10.231.0.1): a PostgreSQL
server of this session's own, listening on the bridge, for the Dagster instance and the gateway's
state (the machine's shared server has other work's connections and its limit of 100), RabbitMQ as
Celery's broker (a queue of this session's own), moto's S3 server with a bucket, and the provider
simulator; the environment every host's processes get; and the evidence read back afterwards."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import evidence
from topology import SERVICES_ADDRESS, Process, Topology, wait_for_port

HERE = Path(__file__).resolve().parent
PG_PORT, AMQP_PORT = 5432, 5672
PG_DATABASE = "postgres"
S3_KEY = "testing"  # moto accepts any key pair


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def simulator_module(repo: Path) -> str:
    """The provider simulator, wherever this checkout keeps it (it is moving into the tests)."""
    sys.path.insert(0, str(repo))
    for module in ("creative_assets_tests.provider_sim", "creative_assets.sim"):
        try:
            if importlib.util.find_spec(module) is not None:
                return module
        except ModuleNotFoundError:
            continue
    raise RuntimeError("no provider simulator in this checkout")


class Services:
    def __init__(self, topology: Topology, session: str, scratch: Path, repo: Path) -> None:
        self.topology, self.repo, self.scratch = topology, repo, scratch
        self.database = PG_DATABASE
        self.pg_dir = Path(tempfile.mkdtemp(prefix=f"ca-hosts-pg-{session}-"))
        self.queue = f"ca-hosts-{session}"
        self.bucket = f"ca-hosts-{session}"
        self.run_home = scratch / "run-host" / "home"
        self.sim_port = free_port("127.0.0.1")
        self.s3_port = 0
        self.relays: list[Process] = []
        self._sim_env: dict[str, str] = {}

    # --- up -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.run_home.mkdir(parents=True)
        shutil.copyfile(HERE / "dagster.yaml", self.run_home / "dagster.yaml")
        base = self._process_env()
        self._start_postgres(base)
        sim = self.topology.start(
            "simulator",
            [
                sys.executable,
                "-m",
                simulator_module(self.repo),
                "--port",
                str(self.sim_port),
                "--time-scale",
                "0.01",
            ],
            base,
        )
        self.s3_port = free_port(SERVICES_ADDRESS)
        self.topology.start(
            "moto",
            [sys.executable, "-m", "moto.server", "-H", SERVICES_ADDRESS, "-p", str(self.s3_port)],
            base,
        )
        self.relays.append(
            self.topology.start(
                "relay-services",
                [
                    sys.executable,
                    str(HERE / "relay.py"),
                    *(f"{SERVICES_ADDRESS}:{p}=127.0.0.1:{p}" for p in (AMQP_PORT, self.sim_port)),
                ],
                base,
            )
        )
        for port in (PG_PORT, AMQP_PORT, self.sim_port, self.s3_port):
            wait_for_port(SERVICES_ADDRESS, port)
        self._wait_postgres()
        wait_for_port("127.0.0.1", self.sim_port)
        self._sim_env = {
            key: value
            for line in sim.log.read_text().splitlines()
            if line.strip().startswith("export ")
            for key, _, value in [line.strip().removeprefix("export ").partition("=")]
        }
        self._s3().create_bucket(Bucket=self.bucket)

    def _start_postgres(self, env: dict[str, str]) -> None:
        """initdb and start the newest PostgreSQL installed, as the `postgres` user, on the bridge
        address only, trusting the hosts' subnet; fsync off (a throwaway cluster)."""
        binaries = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        data = self.pg_dir / "data"
        shutil.chown(self.pg_dir, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [
                *as_postgres,
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SERVICES_ADDRESS.rpartition('.')[0]}.0/24 trust\n")
        settings = {
            "listen_addresses": SERVICES_ADDRESS,
            "port": PG_PORT,
            "unix_socket_directories": self.pg_dir,
            "max_connections": 300,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "log_connections": "on",  # which host opened each session: the evidence reads them
            "log_disconnections": "on",  # and when a cut host's sessions ended (fault.py)
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        self.topology.start(
            "postgres",
            [*as_postgres, str(binaries / "postgres"), "-D", str(data), *options],
            env,
            stop_signal=signal.SIGINT,  # fast shutdown: SIGTERM would wait for every session
        )

    def _wait_postgres(self, timeout_s: float = 60.0) -> None:
        """Until the server takes sessions (it listens before it has finished starting up)."""
        import psycopg2

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                psycopg2.connect(self.local_dsn, connect_timeout=5).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def start_host_relay(self, netns: str) -> None:
        """The simulator at 127.0.0.1 inside the host too: its URLs (BFL's polling URLs) name
        loopback, as a provider's name its own host."""
        self.relays.append(
            self.topology.start(
                f"relay-{netns}",
                [
                    sys.executable,
                    str(HERE / "relay.py"),
                    f"127.0.0.1:{self.sim_port}={SERVICES_ADDRESS}:{self.sim_port}",
                ],
                self._process_env(),
                netns=netns,
            )
        )
        wait_for_port("127.0.0.1", self.sim_port, netns=netns)

    # --- what every host's processes are given --------------------------------------------------
    def _process_env(self) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "TZ")
        return {k: os.environ[k] for k in keep if k in os.environ} | {
            "PYTHONPATH": str(self.repo),
            "PYTHONUNBUFFERED": "1",  # logs as they happen; the simulator's exports are read from its log
        }

    @property
    def local_dsn(self) -> str:
        """The session's database from the services host itself (loopback)."""
        return f"dbname={self.database} user=postgres host={SERVICES_ADDRESS} port={PG_PORT}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{SERVICES_ADDRESS}:{self.s3_port}"

    def env(self, formats: str) -> dict[str, str]:
        pg = f"postgresql://postgres@{SERVICES_ADDRESS}:{PG_PORT}/{self.database}"
        return {
            **self._process_env(),
            **self._sim_env,
            "CREATIVE_ASSETS_PROVIDERS": "all=real",
            "CREATIVE_ASSETS_FORMATS": formats,
            "CREATIVE_ASSETS_STORAGE_URL": f"s3://{self.bucket}/campaign",
            "CREATIVE_ASSETS_S3_ENDPOINT_URL": self.s3_endpoint,
            "AWS_ACCESS_KEY_ID": S3_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_KEY,
            "AWS_REGION": "us-east-1",
            "CREATIVE_ASSETS_STATE_URL": pg,
            "DAGSTER_PG_HOST": SERVICES_ADDRESS,
            "DAGSTER_PG_PORT": str(PG_PORT),
            "DAGSTER_PG_USER": "postgres",
            "DAGSTER_PG_PASSWORD": "",
            "DAGSTER_PG_DB": self.database,
            "CREATIVE_ASSETS_CELERY_BROKER": f"pyamqp://guest:guest@{SERVICES_ADDRESS}:{AMQP_PORT}//",
            "CREATIVE_ASSETS_CELERY_QUEUE": self.queue,
            "DAGSTER_CELERY_BROKER_HOST": SERVICES_ADDRESS,  # the workers' app (dagster_celery.app)
        }

    # --- evidence -------------------------------------------------------------------------------
    def evidence(self, run_ids: list[str]) -> dict[str, Any]:
        import dagster as dg

        env = self.env("1:1")
        os.environ.update({k: v for k, v in env.items() if k.startswith("DAGSTER_PG_")})
        with dg.DagsterInstance.from_config(str(self.run_home)) as instance:
            steps = evidence.step_hosts(instance, run_ids)
            creatives = evidence.creative_counts(instance, run_ids)
            # why each creative that did not pass failed, while the event log is still there
            why = evidence.each(failed_creatives=lambda: evidence.failed_creatives(instance, run_ids))
        return {
            "steps": steps,
            "creatives": creatives,
            **why,
            "per_host": evidence.per_host(steps),
            **evidence.each(
                bucket=lambda: evidence.bucket_contents(self.s3_endpoint, self.bucket),
                postgres=lambda: evidence.postgres_state(self.local_dsn),
                simulator=lambda: evidence.simulator_stats(f"http://127.0.0.1:{self.sim_port}"),
            ),
        }

    # --- down -----------------------------------------------------------------------------------
    def close(self) -> None:
        try:
            from kombu import Connection

            with Connection(f"pyamqp://guest:guest@127.0.0.1:{AMQP_PORT}//", connect_timeout=5) as conn:
                conn.default_channel.queue_delete(self.queue)
        except Exception as exc:  # teardown goes on; the queue is empty after a finished campaign
            print(f"could not delete the queue {self.queue}: {exc}", file=sys.stderr)
        shutil.rmtree(self.pg_dir, ignore_errors=True)  # the server was stopped with the hosts

    def _s3(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_KEY,
            region_name="us-east-1",
        )
