"""Bad input fails with a message that names the problem and loses nothing already produced."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition, run_campaign
from creative_assets.errors import ProviderError
from creative_assets.partitions import InvalidJobIdError
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.conftest import make_defs

JOB = "hoc-5120-warehouse"


def test_malformed_job_names_the_field_and_keeps_earlier_artifacts(
    tmp_path: Path, jobs_dir: Path, instance: dg.DagsterInstance
) -> None:
    storage = tmp_path / "storage"
    defs = make_defs(storage, jobs_dir)
    ensure_job_partition(instance, LocalJobSource(folder=str(jobs_dir)), JOB)
    first = defs.resolve_job_def("campaign_text").execute_in_process(partition_key=JOB, instance=instance)
    assert first.success
    stored = {p: p.read_bytes() for p in storage.rglob("*") if p.is_file()}

    job_file = jobs_dir / f"{JOB}.json"
    data = json.loads(job_file.read_text())
    del data["location"]["city"]
    data["benefits"] = []
    job_file.write_text(json.dumps(data))

    outcome = run_campaign(defs, instance, JOB, variants=["A"])
    assert not outcome.success
    assert len(outcome.runs) == 1  # nothing downstream ran on the broken job
    error = outcome.runs[0].error or ""
    assert "malformed_job" in error and "location.city" in error and "benefits" in error
    assert {p: p.read_bytes() for p in storage.rglob("*") if p.is_file()} == stored


def test_unknown_job_is_refused_before_it_becomes_a_partition(
    jobs_dir: Path, instance: dg.DagsterInstance
) -> None:
    with pytest.raises(ProviderError, match="job_not_found"):
        ensure_job_partition(instance, LocalJobSource(folder=str(jobs_dir)), "hoc-does-not-exist")
    assert not instance.has_dynamic_partition("job", "hoc-does-not-exist")


@pytest.mark.parametrize("job_id", ["a|b", "../etc", "x,y", "", "job/1", "ü" * 3, "a" * 65])
def test_hostile_job_ids_never_become_partitions(
    job_id: str, jobs_dir: Path, instance: dg.DagsterInstance
) -> None:
    with pytest.raises(InvalidJobIdError, match="invalid_job_id"):
        ensure_job_partition(instance, LocalJobSource(folder=str(jobs_dir)), job_id)
    assert instance.get_dynamic_partitions("job") == []


def test_job_file_that_is_not_json_is_a_clear_error(jobs_dir: Path) -> None:
    (jobs_dir / "hoc-broken.json").write_text("{not json")
    with pytest.raises(ProviderError, match=r"malformed_job.*hoc-broken.*not valid JSON"):
        LocalJobSource(folder=str(jobs_dir)).get_job("hoc-broken")


def test_job_id_must_match_its_file(jobs_dir: Path) -> None:
    data = json.loads((jobs_dir / f"{JOB}.json").read_text())
    (jobs_dir / "hoc-other.json").write_text(json.dumps(data))
    with pytest.raises(ProviderError, match="must match"):
        LocalJobSource(folder=str(jobs_dir)).get_job("hoc-other")
