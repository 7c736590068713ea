"""Research and brand identity in one step (defs/text/lookups.py): side by side, each under its own
ledger phase, either one alone on request, and a failed lookup keeps the other's result."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition
from creative_assets.gateway.scope import current_scope
from creative_assets.models import BrandIdentity, JobPosting, ResearchBrief
from creative_assets.providers.base import BrandExtractor, Researcher
from creative_assets.providers.local import LocalBrandExtractor, LocalJobSource, LocalResearcher
from creative_assets_tests.conftest import make_defs

JOB = "hoc-4711-pflege"
# Both lookups wait here for each other: one after the other, the first would time out.
MEETING = threading.Barrier(2, timeout=20)
PHASES: list[str | None] = []


class MeetingResearcher(Researcher):
    fail: bool = False
    calls: ClassVar[list[str]] = []

    def research(self, job: JobPosting) -> ResearchBrief:
        MeetingResearcher.calls.append(job.job_id)
        PHASES.append(current_scope().phase)
        MEETING.wait()
        if self.fail:
            raise RuntimeError("[server_error] Perplexity answered 503 three times")
        return LocalResearcher().research(job)


class MeetingBrand(BrandExtractor):
    def extract(self, job: JobPosting) -> BrandIdentity:
        PHASES.append(current_scope().phase)
        MEETING.wait()
        return LocalBrandExtractor().extract(job)


class LonelyBrand(BrandExtractor):
    """Alone in its step: nothing to wait for."""

    def extract(self, job: JobPosting) -> BrandIdentity:
        return LocalBrandExtractor().extract(job)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    MEETING.reset()
    PHASES.clear()
    MeetingResearcher.calls.clear()


def materialize(tmp_path: Path, selection: list[str], **resources: object) -> dg.ExecuteInProcessResult:
    defs = make_defs(tmp_path / "storage", **resources)
    with dg.instance_for_test() as instance:
        ensure_job_partition(instance, LocalJobSource(), JOB)
        job = defs.resolve_implicit_global_asset_job_def().get_subset(
            asset_selection={dg.AssetKey(k) for k in ["job_posting", *selection]}
        )
        return job.execute_in_process(partition_key=JOB, instance=instance, raise_on_error=False)


def stored(tmp_path: Path, asset: str) -> bool:
    return (tmp_path / "storage" / asset / JOB / "record.json").exists()


def test_research_and_brand_are_looked_up_side_by_side_each_in_its_own_phase(tmp_path: Path) -> None:
    result = materialize(
        tmp_path,
        ["research", "brand_identity"],
        researcher=MeetingResearcher(),
        brand_extractor=MeetingBrand(),
    )
    assert result.success
    assert sorted(PHASES) == ["brand_identity", "research"]  # the ledger books each to its asset
    keys = {m.asset_key.to_user_string() for m in result.asset_materializations_for_node("posting_lookups")}
    assert keys == {"research", "brand_identity"}
    assert stored(tmp_path, "research") and stored(tmp_path, "brand_identity")


def test_either_lookup_runs_alone(tmp_path: Path) -> None:
    result = materialize(
        tmp_path, ["brand_identity"], researcher=MeetingResearcher(), brand_extractor=LonelyBrand()
    )
    assert result.success and MeetingResearcher.calls == []
    assert stored(tmp_path, "brand_identity") and not stored(tmp_path, "research")


def test_a_failed_research_keeps_the_brand_identity_and_fails_the_step_with_its_error(
    tmp_path: Path,
) -> None:
    result = materialize(
        tmp_path,
        ["research", "brand_identity"],
        researcher=MeetingResearcher(fail=True),
        brand_extractor=MeetingBrand(),
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "Perplexity answered 503" in str(failure.event_specific_data.error)  # type: ignore[union-attr]
    assert stored(tmp_path, "brand_identity") and not stored(tmp_path, "research")
