"""Storage on an S3-compatible API, over HTTP against a real S3 server (moto's server mode): the
IO manager, the gateway's response cache and a whole campaign, configured from the environment
exactly as a deployment is, with nothing landing on the local file system."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import dagster as dg
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from creative_assets.campaign import ensure_job_partition, run_campaign
from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.cache import ResponseCache
from creative_assets.gateway.models import CachedResponse
from creative_assets.imaging.png import to_png, validate_png
from creative_assets.io import ObjectStoreIOManager
from creative_assets.io.storage import storage_from_env
from creative_assets.models import IMAGE_TYPES, BrandIdentity, LogoInfo
from creative_assets.partitions import job_partitions
from creative_assets.providers.local import LocalJobSource

BUCKET = "creatives"
KEY, SECRET = "test-key-id", "test-secret-not-for-display"
JOB = "hoc-4711-pflege"
# Dagster's instance (run and schedule storage, compute logs) and the gateway's default state.
INSTANCE_OR_STATE = re.compile(
    r"dagster\.yaml|(history|schedules)/.+|storage/[0-9a-f-]+/compute_logs/[^/]+"
    r"|creative_assets_state\.db(-wal|-shm|-journal)?|slots/[^/]+"
)
LOGO = to_png(Image.new("RGBA", (120, 60), (10, 110, 80, 255)))


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def client(endpoint: str):  # boto3's client types are generated at run time
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )


def objects(endpoint: str, prefix: str) -> dict[str, bytes]:
    s3 = client(endpoint)
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request) -> str:
    """A deployment's environment pointing at the test server; returns the storage URL."""
    url = f"s3://{BUCKET}/{request.node.name.replace('[', '-').rstrip(']')}"
    for name, value in {
        "CREATIVE_ASSETS_STORAGE_URL": url,
        "CREATIVE_ASSETS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_REGION": "us-east-1",
        "DAGSTER_HOME": str(tmp_path / "home"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "CREATIVE_ASSETS_PROVIDERS", "CREATIVE_ASSETS_STATE_URL"):
        monkeypatch.delenv(name, raising=False)
    return url


def test_io_manager_round_trips_a_png_artifact_and_a_json_record(
    s3_env: str, s3_endpoint: str, instance: dg.DagsterInstance
) -> None:
    storage = storage_from_env(os.environ)
    brand = BrandIdentity(
        company_name="Acme",
        primary_color="#0B6E4F",
        secondary_color="#ffffff",
        accent_color="#f2a541",
        source="brand_kit",
        logo=LogoInfo(width=120, height=60, sha256="x", source="test"),
        files={"logo.png": LOGO},
    )
    logo = LogoInfo(width=120, height=60, sha256="y", source="test")

    @dg.asset(partitions_def=job_partitions)
    def brand_identity() -> BrandIdentity:
        return brand

    @dg.asset(partitions_def=job_partitions)
    def logo_info() -> LogoInfo:
        return logo

    @dg.asset(partitions_def=job_partitions)
    def reader(brand_identity: BrandIdentity, logo_info: LogoInfo) -> None:
        assert brand_identity == brand and brand_identity.files == {"logo.png": LOGO}
        assert logo_info == logo

    instance.add_dynamic_partitions("job", ["job-1"])
    result = dg.materialize(
        [brand_identity, logo_info, reader],
        partition_key="job-1",
        instance=instance,
        resources={"io_manager": ObjectStoreIOManager(base_url=storage.url, s3=storage.s3)},
    )
    assert result.success

    prefix = s3_env.removeprefix(f"s3://{BUCKET}/")
    stored = objects(s3_endpoint, prefix)
    assert stored[f"{prefix}/brand_identity/job-1/logo.png"] == LOGO
    record = json.loads(stored[f"{prefix}/logo_info/job-1/record.json"])
    assert record["model"] == "LogoInfo" and record["data"]["sha256"] == "y"
    assert not any(".tmp" in key for key in stored)  # object stores need no temp files
    stored_files = result.asset_materializations_for_node("brand_identity")[0].metadata["stored_files"]
    assert stored_files.value["logo.png"].startswith(f"{s3_env}/brand_identity/job-1/")


def test_response_cache_round_trips_on_s3(s3_env: str, s3_endpoint: str) -> None:
    options = {"endpoint_url": s3_endpoint, "key": KEY, "secret": SECRET}
    cache = ResponseCache(f"{s3_env}/_cache", options)
    key = cache.key_of({"prompt": "a nurse at dawn"})
    response = CachedResponse(created_at=datetime.now(UTC), data={"seed": 7}, blobs={"image.png": LOGO})
    cache.put("bfl_generate", key, response)
    hit = cache.get("bfl_generate", key, ttl_s=None)
    assert hit is not None and hit.data == {"seed": 7} and hit.blobs == {"image.png": LOGO}
    cache.invalidate("bfl_generate", key)
    assert cache.get("bfl_generate", key, ttl_s=None) is None


def test_the_deployments_gateway_caches_on_s3_with_keys_from_the_environment(
    s3_env: str, s3_endpoint: str
) -> None:
    with dg.build_resources({"gateway": deployment_resources()["gateway"]}) as built:
        cache = built.gateway.cache
        key = cache.key_of({"question": "wages in care"})
        cache.put("perplexity_research", key, CachedResponse(created_at=datetime.now(UTC), data=[1]))
    prefix = s3_env.removeprefix(f"s3://{BUCKET}/")
    assert f"{prefix}/_cache/perplexity_research/{key[:2]}/{key}.json" in objects(s3_endpoint, prefix)


def test_secrets_reach_the_definitions_as_variable_names_only(s3_env: str) -> None:
    repo = build_definitions(deployment_resources()).get_repository_def()
    for name in ("io_manager", "gateway"):
        shown = repo.get_top_level_resources()[name].config_schema.default_value_as_json_str
        assert SECRET not in shown and KEY not in shown
        assert "AWS_SECRET_ACCESS_KEY" in shown


def test_s3_storage_without_s3fs_fails_at_load_naming_the_install(
    s3_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if the [s3] extra were not installed
    with pytest.raises(CreativeAssetsError, match=r"\[missing_dependency\].*pip install -e \"\.\[s3\]\""):
        deployment_resources()


def test_half_a_key_pair_fails_at_load(s3_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(CreativeAssetsError, match="invalid_setting"):
        deployment_resources()


def test_a_zero_key_campaign_writes_its_creatives_to_s3_and_nothing_local(
    s3_env: str, s3_endpoint: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        resources = deployment_resources()
        ensure_job_partition(instance, LocalJobSource(), JOB)
        outcome = run_campaign(build_definitions(resources), instance, JOB, variants=["A"])
    assert outcome.success, [r.error for r in outcome.runs if r.error]

    prefix = s3_env.removeprefix(f"s3://{BUCKET}/")
    folder = f"{prefix}/final_creatives/{JOB}/A/"
    stored = {key.removeprefix(folder): data for key, data in objects(s3_endpoint, folder).items()}
    pngs = {name: data for name, data in stored.items() if name.endswith(".png") and "/" not in name}
    assert set(pngs) == {f"{t}.png" for t in IMAGE_TYPES}
    assert {validate_png(data) for data in pngs.values()} == {(1080, 1080)}  # the tests' one format, 1:1

    # Locally there are Dagster's own instance files and, of ours, the gateway's SQLite state only.
    assert resources["gateway"].state_url == f"sqlite:///{home.resolve()}/creative_assets_state.db"
    assert not list(tmp_path.rglob("*.png"))
    assert list(tmp_path.iterdir()) == [home]
    local = [p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()]
    assert [path for path in local if not INSTANCE_OR_STATE.fullmatch(path)] == []
