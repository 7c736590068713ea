"""Shared fixtures: a temporary Dagster instance, temporary storage, the local resources."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.definitions import build_definitions, local_resources
from creative_assets.providers.local.paths import SAMPLE_JOBS_DIR


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """A writable copy of the sample jobs, so tests can add broken ones."""
    target = tmp_path / "jobs"
    shutil.copytree(SAMPLE_JOBS_DIR, target)
    return target


def make_defs(storage: Path, jobs_dir: Path | None = None, **overrides: object) -> dg.Definitions:
    from creative_assets.providers.local import LocalJobSource

    resources = local_resources(str(storage))
    if jobs_dir is not None:
        resources["job_source"] = LocalJobSource(folder=str(jobs_dir))
    resources.update(overrides)
    return build_definitions(resources)
