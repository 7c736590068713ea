"""The desk's tests share one zero-key campaign and the servers around it, made once per worker
(the campaign once per session for all workers, see support/shared_state.py):

- a DAGSTER_HOME whose instance launches runs at once (the default run coordinator: no daemon,
  so no sensor starts other campaigns on two busy cores), its storage inside;
- the campaign of the sample job, made by the command line as `make run` makes it (one format;
  the defs modules read the same one, support/sample_campaign.py), then A·artistic regenerated
  by an editor that misspells its headline, so it fails its gates (support/failing_creative.py);
- the Dagster webserver on that instance (the desk launches runs through its GraphQL API);
- the desk itself as `python -m creative_assets.desk serve`, with a reviewer and a viewer
  configured (hashed passwords, API tokens) and a session key, as a production desk would be.

Modules that change decisions use creatives the others do not (see each module's docstring).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import httpx
import pytest

from creative_assets.desk.auth import hash_password, token_digest
from creative_assets_tests.desk.servers import free_port, start_server, stop_server
from creative_assets_tests.support.failing_creative import fail_one_creative
from creative_assets_tests.support.sample_campaign import COPY_CAMPAIGN_VAR, INSTANCE_YAML, JOB, LOG, REPO
from creative_assets_tests.support.sample_campaign import clean_env as _clean_env
from creative_assets_tests.support.shared_state import built_once, private_copy

FAILED_VARIANT, FAILED_IMAGE_TYPE = "A", "artistic"
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


def _fail_one_creative(sample: Path, folder: Path) -> None:
    """`folder`/home: the sample campaign after A·artistic's regeneration that fails its gates."""
    home = folder / "home"
    shutil.copytree(sample / "home", home, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:  # the instance and storage of that campaign
        for name, value in _clean_env(home).items():
            patch.setenv(name, value)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            fail_one_creative(instance, home / "storage", JOB, FAILED_VARIANT, FAILED_IMAGE_TYPE)


@pytest.fixture(scope="session")
def desk_campaign(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, str], Path]:
    """(home, environment, log folder): this worker's copy of the session's sample campaign
    (made by `creative-assets campaign hoc-4711-pflege`, see support/sample_campaign.py) with
    its failed creative, which is made once for all workers too.

    While working on the desk, CREATIVE_ASSETS_DESK_TEST_CAMPAIGN=<a DAGSTER_HOME> copies a
    campaign made before (`CREATIVE_ASSETS_FORMATS=1:1 make run`, nothing decided yet) instead
    of making one; CI makes it."""
    logs = tmp_path_factory.mktemp("desk_logs")
    if made := os.environ.get(COPY_CAMPAIGN_VAR):
        home = private_copy(tmp_path_factory, Path(made), "dagster_home")
        (home / "dagster.yaml").write_text(INSTANCE_YAML)
        return home, _clean_env(home), logs
    sample: Path = request.getfixturevalue("sample_campaign_home")
    failed = built_once(tmp_path_factory, "desk_campaign", lambda folder: _fail_one_creative(sample, folder))
    home = private_copy(tmp_path_factory, failed / "home", "dagster_home")
    shutil.copyfile(sample / LOG, logs / LOG)
    return home, _clean_env(home), logs


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
