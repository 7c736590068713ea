"""`run_campaigns`, the path of `creative-assets campaign --parallel N` and of the benchmark: the
job-level run in this process, the variant runs in worker processes forked from the forkserver
(which imported the definitions first), all writing to the instance in DAGSTER_HOME."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition, quiet_run_config, run_campaigns
from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.config import STATE_URL_VAR
from creative_assets.io.storage import STORAGE_URL_VAR
from creative_assets.providers.local import LocalJobSource

JOB = "hoc-4711-pflege"


@pytest.fixture
def started_as_a_background_job() -> Iterator[None]:
    """SIGINT ignored, as a script's background job (and some CI runners) start a process, and
    SIGTERM ignored, as Dagster leaves such a process after any run on its main thread."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in saved:
        signal.signal(sig, signal.SIG_IGN)
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_the_text_run_goes_here_and_the_variant_runs_to_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started_as_a_background_job: None
) -> None:
    # The workers read the deployment from the environment they inherit (the forkserver starts
    # with the first pool, here).
    monkeypatch.setenv(STORAGE_URL_VAR, str(tmp_path / "storage"))
    monkeypatch.setenv(STATE_URL_VAR, f"sqlite:///{tmp_path / 'gateway.db'}")
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        ensure_job_partition(instance, LocalJobSource(), JOB)
        (outcome,) = run_campaigns(
            instance, [JOB], ["A", "B"], max_concurrent_runs=2, run_config=quiet_run_config()
        )
        assert outcome.success, [r.error for r in outcome.runs]
        text, *variants = outcome.runs
        assert [r.job_name for r in outcome.runs] == ["campaign_text", "campaign_variant", "campaign_variant"]
        assert text.worker_pid is None  # in this process, while the workers started
        # Its compute-log tails could be stopped: it did not wait 2 × 30 s for them at its end.
        engine = [
            e.user_message for e in instance.all_logs(text.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
        ]
        assert not [m for m in engine if "compute log capture" in m], engine
        pids = {r.worker_pid for r in variants}
        assert None not in pids and os.getpid() not in pids and len(pids) == 2
        assert all(r.worker_cpu_s and r.worker_cpu_s > 0 for r in variants)
        made = instance.get_latest_materialization_event(dg.AssetKey("final_creatives"))
        assert made is not None and made.run_id in {r.run_id for r in variants}
        # Only the five variants together make a campaign: no roll-up for two.
        assert instance.get_latest_materialization_event(dg.AssetKey("campaign_summary")) is None


def test_runs_side_by_side_need_the_instance_in_dagster_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with (
        dg.instance_for_test(set_dagster_home=False) as instance,
        pytest.raises(CreativeAssetsError, match=r"\[no_dagster_home\]"),
    ):
        run_campaigns(instance, [JOB], ["A"], max_concurrent_runs=1)
