"""The desk's tests share one zero-key campaign and the servers around it, made once per session:

- a DAGSTER_HOME whose instance launches runs at once (the default run coordinator: no daemon,
  so no sensor starts other campaigns on two busy cores), its storage inside;
- the campaign of the sample job, made by the command line as `make run` makes it (one format);
- the Dagster webserver on that instance (the desk launches runs through its GraphQL API);
- the desk itself as `python -m creative_assets.desk serve`, with a reviewer and a viewer
  configured (hashed passwords, API tokens) and a session key, as a production desk would be.

Modules that change decisions use creatives the others do not (see each module's docstring).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import httpx
import pytest

from creative_assets.desk.auth import hash_password, token_digest
from creative_assets_tests.desk.servers import free_port, start_server, stop_server

REPO = Path(__file__).resolve().parents[2]
JOB = "hoc-4711-pflege"
INSTANCE_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: DefaultRunCoordinator
"""
COPY_CAMPAIGN_VAR = "CREATIVE_ASSETS_DESK_TEST_CAMPAIGN"
REVIEWER = {
    "name": "rita",
    "display_name": "Rita Reviewer",
    "password": "rita-review-2026",
    "token": "cad_test_rita",
}
VIEWER = {
    "name": "victor",
    "display_name": "Victor Viewer",
    "password": "victor-look-2026",
    "token": "cad_test_victor",
}


@dataclass(frozen=True)
class DeskSession:
    home: Path
    env: dict[str, str]
    dagster_url: str
    desk_url: str
    logs: Path

    @property
    def storage(self) -> Path:
        return self.home / "storage"

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.home))

    def client(self, token: str | None = REVIEWER["token"]) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.desk_url, headers=headers, timeout=60, trust_env=False)


def _user(spec: dict[str, str], role: str) -> dict[str, object]:
    return {
        "name": spec["name"],
        "display_name": spec["display_name"],
        "role": role,
        "password_hash": hash_password(spec["password"]),
        "token_sha256": [token_digest(spec["token"])],
    }


def _clean_env(home: Path) -> dict[str, str]:
    """The inherited environment minus whatever could pick a real provider, a bucket or another
    instance: the zero-key default with every piece of state under `home`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CREATIVE_ASSETS_", "DAGSTER_", "AWS_")) and not name.endswith("_API_KEY")
    }
    return env | {
        "DAGSTER_HOME": str(home),
        "CREATIVE_ASSETS_STORAGE_URL": str(home / "storage"),
        "CREATIVE_ASSETS_FORMATS": "1:1",
    }


@pytest.fixture(scope="session")
def desk_campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """(home, environment, log folder) after `creative-assets campaign hoc-4711-pflege`.

    While working on the desk, CREATIVE_ASSETS_DESK_TEST_CAMPAIGN=<a DAGSTER_HOME> copies a
    campaign made before (`CREATIVE_ASSETS_FORMATS=1:1 make run`, nothing decided yet) instead
    of making one; CI makes it."""
    root = tmp_path_factory.mktemp("desk")
    home = root / "dagster_home"
    logs = root / "logs"
    logs.mkdir()
    if made := os.environ.get(COPY_CAMPAIGN_VAR):
        shutil.copytree(made, home)
        (home / "dagster.yaml").write_text(INSTANCE_YAML)
        return home, _clean_env(home), logs
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML)
    env = _clean_env(home)
    with (logs / "campaign.log").open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "creative_assets.cli", "campaign", JOB],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=900,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(
            f"the campaign failed ({done.returncode}):\n{(logs / 'campaign.log').read_text()[-3000:]}"
        )
    return home, env, logs


@pytest.fixture(scope="session")
def desk(desk_campaign: tuple[Path, dict[str, str], Path]) -> Iterator[DeskSession]:
    home, env, logs = desk_campaign
    dagster_url = f"http://127.0.0.1:{free_port()}"
    desk_url = f"http://127.0.0.1:{free_port()}"
    desk_env = env | {
        "CREATIVE_ASSETS_DESK_HOST": "127.0.0.1",
        "CREATIVE_ASSETS_DESK_PORT": desk_url.rsplit(":", 1)[1],
        "CREATIVE_ASSETS_DESK_DAGSTER_URL": dagster_url,
        "CREATIVE_ASSETS_DESK_SECRET_KEY": "test-session-key-not-for-production",
        "CREATIVE_ASSETS_DESK_USERS": json.dumps([_user(REVIEWER, "reviewer"), _user(VIEWER, "viewer")]),
    }
    webserver = start_server(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-h",
            "127.0.0.1",
            "-p",
            dagster_url.rsplit(":", 1)[1],
            "-w",
            "workspace.yaml",
        ],
        env=env,
        cwd=REPO,
        log=logs / "webserver.log",
        ready_url=f"{dagster_url}/server_info",
    )
    try:
        server = start_server(
            [sys.executable, "-m", "creative_assets.desk", "serve"],
            env=desk_env,
            cwd=REPO,
            log=logs / "desk.log",
            ready_url=f"{desk_url}/healthz",
        )
        try:
            yield DeskSession(home, desk_env, dagster_url, desk_url, logs)
        finally:
            stop_server(server)
    finally:
        stop_server(webserver)
