"""Inputs from the HOC API (#19 section 5): strict types and required fields, tolerant of fields
the API adds (kept in `extra_fields`), no number taken for a timestamp, a malformed listing item
skipped with its reason while the good jobs are still listed, and hostile job ids refused with a
coded error and exit status 2 on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from creative_assets.cli import main
from creative_assets.errors import ProviderError
from creative_assets.models import JobPosting
from creative_assets.providers.hoc import HocJobSource
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import FAST, JOB_ID, configure

ROOT = Path(__file__).resolve().parents[2]


def hoc(sim: Simulator) -> HocJobSource:
    return HocJobSource(api_key="hoc-test", base_url=sim.url_for("hoc"), http=FAST)


def test_fields_the_api_adds_are_kept_not_refused(sim: Simulator, job: JobPosting) -> None:
    grown = {
        **job.model_dump(mode="json"),
        "job_id": "hoc-grown",
        "remote_policy": {"days": 2},
        "tags": ["x"],
    }
    configure(sim, hoc={"jobs": [grown], "listing_fields": ["title", "remote_policy"]})
    fetched = hoc(sim).get_job("hoc-grown")
    assert fetched.extra_fields == {"remote_policy": {"days": 2}, "tags": ["x"]}
    assert fetched.model_dump(exclude={"extra_fields", "job_id"}) == job.model_dump(
        exclude={"extra_fields", "job_id"}
    )
    listed = hoc(sim).list_jobs()  # listing items that carry more fields are fine too
    assert "hoc-grown" in {r.job_id for r in listed} and not listed.skipped


def test_types_and_required_fields_stay_strict(sim: Simulator, job: JobPosting) -> None:
    broken = {**job.model_dump(mode="json"), "job_id": "hoc-typed", "benefits": "free coffee", "extra": 1}
    configure(sim, hoc={"jobs": [broken]})
    with pytest.raises(ProviderError) as info:
        hoc(sim).get_job("hoc-typed")
    assert info.value.code == "malformed_job" and "benefits" in str(info.value)


@pytest.mark.parametrize("stamp", [12345, "12345", "yesterday", "2026-11-18T09:30:00"])
def test_a_timestamp_that_is_not_one_is_refused(sim: Simulator, job: JobPosting, stamp: object) -> None:
    configure(sim, hoc={"jobs": [{**job.model_dump(mode="json"), "job_id": "hoc-when", "updated_at": stamp}]})
    with pytest.raises(ProviderError) as info:
        hoc(sim).get_job("hoc-when")
    assert info.value.code == "malformed_job" and "updated_at" in str(info.value)
    listed = hoc(sim).list_jobs()
    assert "hoc-when" not in {r.job_id for r in listed}
    assert any("hoc-when" in reason and "updated_at" in reason for reason in listed.skipped)
    assert all(r.updated_at.year > 2000 for r in listed)  # never 1970


def test_a_malformed_listing_item_is_skipped_and_the_good_jobs_stay(sim: Simulator, job: JobPosting) -> None:
    bad = [
        {**job.model_dump(mode="json"), "job_id": "../x"},
        {**job.model_dump(mode="json"), "job_id": "hoc-bad-stamp", "updated_at": 12345},
    ]
    configure(sim, hoc={"jobs": bad})
    listed = hoc(sim).list_jobs()
    assert {r.job_id for r in listed} == {JOB_ID, "hoc-5120-warehouse", "hoc-6230-pflege-bilingual"}
    assert len(listed.skipped) == 2 and any("invalid_job_id" in reason for reason in listed.skipped)


def cli(*args: str, env: dict[str, str] | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home), **(env or {})}
    environ.pop("CREATIVE_ASSETS_PROVIDERS", None)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "creative_assets.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


HOSTILE_IDS = ["../x", "a/b", "j" * 300]


@pytest.mark.parametrize("job_id", HOSTILE_IDS)
def test_a_hostile_job_id_is_a_coded_error_with_status_2(
    job_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command's main() here: the same parsing and refusal as the command, without a new
    # Python importing Dagster for each id (the next test runs the command itself once).
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.delenv("CREATIVE_ASSETS_PROVIDERS", raising=False)
    assert main(["campaign", job_id]) == 2  # an exception escaping main() fails the test too
    assert "[invalid_job_id]" in capsys.readouterr().err


def test_the_command_exits_with_status_2_on_a_hostile_job_id(tmp_path: Path) -> None:
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    done = cli("campaign", HOSTILE_IDS[0], home=tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "[invalid_job_id]" in done.stderr and "Traceback" not in done.stderr


def test_jobs_lists_the_good_jobs_and_says_what_it_skipped(
    sim: Simulator, job: JobPosting, tmp_path: Path
) -> None:
    configure(sim, hoc={"jobs": [{**job.model_dump(mode="json"), "job_id": "hoc-odd", "updated_at": 12345}]})
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**sim.env(), "CREATIVE_ASSETS_PROVIDERS": "jobs=hoc"}
    done = cli("jobs", env=env, home=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert JOB_ID in done.stdout and "hoc-odd" not in done.stdout
    assert "skipped: job 'hoc-odd'" in done.stderr
