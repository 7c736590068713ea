"""The Kubernetes instance file, `deploy/k8s/dagster.yaml`, as Dagster reads it: copied into a
temporary DAGSTER_HOME, loaded with dagster-k8s's own config schema on the real Postgres server,
and asked for the Kubernetes Job it would create for a campaign run. There is no cluster here, so
only the kube-config loading is replaced; everything else is dagster-k8s's code."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.storage.dagster_run import DagsterRun
from dagster_k8s import K8sRunLauncher
from dagster_k8s import launcher as k8s_launcher
from dagster_k8s.job import construct_dagster_k8s_job, get_job_name_from_run_id
from dagster_postgres import PostgresRunStorage

from creative_assets_tests.deploy.conftest import REPO, PgDatabase, dagster_home_with

K8S_YAML = REPO / "deploy" / "k8s" / "dagster.yaml"
IMAGE = "registry.example/creative-assets:1.0"


@pytest.fixture
def k8s_env(pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The environment a pod gets from the ConfigMap/Secret, and a record of how the launcher
    asked for its kube config (in-cluster, as in a pod)."""
    for var, value in pg_database.env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("CREATIVE_ASSETS_IMAGE", IMAGE)
    kube_config_loads: list[dict[str, object]] = []
    monkeypatch.setattr(k8s_launcher, "load_kubernetes_config", lambda **kw: kube_config_loads.append(kw))
    return kube_config_loads


@pytest.fixture
def k8s_instance(k8s_env: list[dict[str, object]], tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """The instance Dagster builds from an exact copy of deploy/k8s/dagster.yaml."""
    with dg.DagsterInstance.from_config(str(dagster_home_with(K8S_YAML, tmp_path / "home"))) as instance:
        yield instance


def test_k8s_instance_loads_with_a_k8s_run_launcher_on_postgres(
    k8s_env: list[dict[str, object]], k8s_instance: dg.DagsterInstance
) -> None:
    launcher = k8s_instance.run_launcher
    assert isinstance(launcher, K8sRunLauncher)
    assert isinstance(k8s_instance.run_storage, PostgresRunStorage)
    assert isinstance(k8s_instance.run_coordinator, dg.QueuedRunCoordinator)
    assert launcher.job_image == IMAGE
    assert launcher.job_namespace == "creative-assets"
    assert launcher.env_config_maps == ["creative-assets-env"]
    assert launcher.env_secrets == ["creative-assets-keys"]
    assert k8s_env and k8s_env[0]["load_incluster_config"] is True


def test_a_campaign_run_becomes_a_kubernetes_job_with_config_and_keys_from_the_cluster(
    k8s_instance: dg.DagsterInstance,
) -> None:
    launcher = k8s_instance.run_launcher
    assert isinstance(launcher, K8sRunLauncher)
    run = DagsterRun(
        job_name="campaign_variant",
        run_id=str(uuid.uuid4()),
        tags={"dagster/partition": "hoc-4711-pflege|A"},
    )
    context = launcher.get_container_context_for_run(run)
    job = construct_dagster_k8s_job(
        job_config=context.get_k8s_job_config(job_image=None, run_launcher=launcher),
        args=["dagster", "api", "execute_run"],
        job_name=get_job_name_from_run_id(run.run_id),
        component="run_worker",
        user_defined_k8s_config=context.run_k8s_config,
        labels={"dagster/job": run.job_name},
    )
    pod = job.spec.template.spec
    container = pod.containers[0]
    assert context.namespace == "creative-assets"
    assert pod.service_account_name == "creative-assets"
    assert container.image == IMAGE
    env_from = {
        (e.config_map_ref.name if e.config_map_ref else None, e.secret_ref.name if e.secret_ref else None)
        for e in container.env_from
    }
    env = {e.name: e.value for e in container.env or []}
    assert env["DAGSTER_HOME"] == "/opt/dagster/dagster_home"  # where the instance ConfigMap is mounted
    assert ("creative-assets-env", None) in env_from
    assert (None, "creative-assets-keys") in env_from
    assert container.resources.limits["memory"] == "2Gi"
    assert job.metadata.labels["app.kubernetes.io/part-of"] == "creative-assets"
    # No key value travels in the manifest: only the names of the ConfigMap and Secret.
    assert "OPENAI_API_KEY" not in yaml.safe_dump(job.to_dict())


def test_a_typo_in_the_launcher_config_is_rejected_by_dagster(
    k8s_env: list[dict[str, object]], tmp_path: Path
) -> None:
    config = yaml.safe_load(K8S_YAML.read_text())
    config["run_launcher"]["config"]["job_namespce"] = "typo"
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    with (
        pytest.raises(dg.DagsterInvalidConfigError, match="job_namespce"),
        dg.DagsterInstance.from_config(str(home)) as instance,
    ):
        _ = instance.run_launcher
