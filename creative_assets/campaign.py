"""Launching a whole campaign for one job: job-level run → one run per variant → roll-up.

Used by the command line; the same three jobs are what the UI and (later) the sensor launch.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import forkserver
from typing import Any

import dagster as dg

from creative_assets.defs.automation.sensors import SELF_CHAINED_TAG, compliance_block, compliance_verdicts
from creative_assets.errors import CreativeAssetsError
from creative_assets.imaging import ocr
from creative_assets.models import VARIANTS
from creative_assets.partitions import job_partitions, validate_job_id, variant_key
from creative_assets.providers.base import JobSource


@dataclass
class RunOutcome:
    job_name: str
    partition: str
    run_id: str
    success: bool
    seconds: float
    error: str | None = None
    # Set when the run went to a worker process: its pid, and its CPU seconds and peak RSS so far
    # (a forked worker is not our child, so our rusage never sees it).
    worker_pid: int | None = None
    worker_cpu_s: float | None = None
    worker_peak_rss_mib: float | None = None


@dataclass
class CampaignOutcome:
    job_id: str
    runs: list[RunOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return bool(self.runs) and all(r.success for r in self.runs)


def ensure_job_partition(instance: dg.DagsterInstance, job_source: JobSource, job_id: str) -> None:
    """Fetch and validate the job before it becomes a partition, so an unknown or malformed
    job never leaves a partition (or artifacts) behind."""
    validate_job_id(job_id)
    job_source.get_job(job_id)
    if not instance.has_dynamic_partition(job_partitions.name, job_id):  # type: ignore[arg-type]
        instance.add_dynamic_partitions(job_partitions.name, [job_id])  # type: ignore[arg-type]


_CODED = re.compile(r"\[[a-z_]+\]")
_EXCEPTION_NAME = re.compile(r"^[\w.]+: (?=\[[a-z_]+\])")  # "module.SomeError: [code] …"


def first_step_error(result: dg.ExecuteInProcessResult) -> str | None:
    """The failed step and the error a person can act on: Dagster wraps the user's exception,
    so walk the cause chain to the first error that carries one of our codes."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            chain = [event.step_failure_data.error]
            while chain[-1].cause is not None:
                chain.append(chain[-1].cause)
            coded = [e for e in chain if _CODED.search(e.message)]
            error = coded[0] if coded else chain[min(1, len(chain) - 1)]
            return f"{event.step_key}: {_EXCEPTION_NAME.sub('', error.message.strip())}"
    return None


def _run(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_name: str,
    partition: str,
    run_config: Mapping[str, Any] | None = None,
) -> RunOutcome:
    started = time.perf_counter()
    result = defs.resolve_job_def(job_name).execute_in_process(
        partition_key=partition,
        instance=instance,
        raise_on_error=False,
        run_config=dict(run_config) if run_config else None,
        # This call runs every phase itself; the chain sensor must not launch them again.
        tags={SELF_CHAINED_TAG: "cli"},
    )
    return RunOutcome(
        job_name=job_name,
        partition=str(partition),
        run_id=result.run_id,
        success=result.success,
        seconds=round(time.perf_counter() - started, 2),
        error=None if result.success else first_step_error(result),
    )


def quiet_run_config(log_level: str = "WARNING") -> dict[str, Any]:
    """Run config that keeps the console logger to warnings: a campaign's DEBUG event stream is
    thousands of lines (the events are stored either way)."""
    return {"loggers": {"console": {"config": {"log_level": log_level}}}}


def run_campaign(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_id: str,
    variants: Sequence[str] = VARIANTS,
    *,
    run_config: Mapping[str, Any] | None = None,
) -> CampaignOutcome:
    """Run the campaign's phases in order, one run at a time, in this process; stop at the first
    failed phase so nothing downstream runs on a broken input. The roll-up runs only when all
    five variants are in this call. `run_campaigns` runs the variants side by side."""
    outcome = CampaignOutcome(job_id)
    text = _run(defs, instance, "campaign_text", job_id, run_config)
    outcome.runs.append(text)
    if not text.success:
        # The compliance gate's verdict says more than Dagster's "blocking check failed".
        verdict = compliance_verdicts(instance, text.run_id).get(job_id)
        if verdict is not None and not verdict.passed:
            text.error = compliance_block(instance, text.run_id, job_id)
        return outcome
    for variant in variants:
        key = variant_key(job_id, variant)
        outcome.runs.append(_run(defs, instance, "campaign_variant", key, run_config))
    if set(variants) == set(VARIANTS) and all(r.success for r in outcome.runs):
        outcome.runs.append(_run(defs, instance, "campaign_rollup", job_id, run_config))
    return outcome


# --- several runs at once -----------------------------------------------------------------------
# Dagster's in-process execution is not thread-safe on one instance (two runs in threads of one
# process deadlock between the logging handlers' lock and the SQLite event log's), so runs that
# go side by side each get a worker process, as the run launcher would give them. The workers
# are started once and reused: a fresh Python with Dagster and the definitions costs seconds.
# Launching the runs on the instance instead needs a code server and the daemon's queue: that
# is the deployed path (`make dev`, the chain sensor); this command runs without either.
_worker: dict[str, Any] = {}


def _init_worker(environment: dict[str, str], load_defs: Callable[[], dg.Definitions], workers: int) -> None:
    # The forkserver, and so this fork of it, may predate the caller's settings (DAGSTER_HOME,
    # storage, providers): the worker takes the caller's environment as it is now.
    os.environ.clear()
    os.environ.update(environment)
    _worker["instance"] = dg.DagsterInstance.get()
    _worker["defs"] = load_defs()
    # The workers share the machine's cores: one OCR engine each unless there are more cores
    # than workers. Another engine per worker would cost CPU to load and add no throughput.
    ocr.limit_engines((os.cpu_count() or 1) // workers)


def _run_in_worker(job_name: str, partition: str, run_config: Mapping[str, Any] | None) -> RunOutcome:
    outcome = _run(_worker["defs"], _worker["instance"], job_name, partition, run_config)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    outcome.worker_pid = os.getpid()
    outcome.worker_cpu_s = round(usage.ru_utime + usage.ru_stime, 3)
    outcome.worker_peak_rss_mib = round(usage.ru_maxrss / 1024, 1)
    return outcome


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a forkserver that has imported the definitions (and so Dagster) once: a
    spawned worker imports them itself, all at once when the variant runs start, while a fork of
    the server is ready at once and shares its pages. Never a plain fork of this process, which
    may hold threads and locks. The server also loads what every worker would load for itself
    (`worker_preload`), so the workers share it instead of each paying for it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["creative_assets.definitions", "creative_assets.worker_preload"])
    return context


def _ready() -> int:
    return os.getpid()


def _let_children_be_stopped() -> None:
    """Undo a side effect of Dagster's interrupt handling. Each run on the main thread maps
    SIGTERM to SIGINT's handler and, when it ends, back to SIGINT's original one. A process
    that started with SIGINT ignored (a background job of a script, some CI runners) is left
    ignoring SIGTERM too, and every process it starts inherits that: Dagster's compute-log
    `tail`s of the text runs here could then not be stopped, and each run waited 2 × 30 s for
    them at its end ("Exception while cleaning up compute log capture"). Only the main thread
    may set handlers; elsewhere the disposition is left as it is."""
    ignored = signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    if ignored and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def deployment_definitions() -> dg.Definitions:
    """What a worker loads: the deployment's definitions, from the environment it inherited."""
    from creative_assets.definitions import build_definitions, deployment_resources

    return build_definitions(deployment_resources())


def run_campaigns(
    instance: dg.DagsterInstance,
    job_ids: Sequence[str],
    variants: Sequence[str] = VARIANTS,
    *,
    max_concurrent_runs: int = 5,
    run_config: Mapping[str, Any] | None = None,
    load_defs: Callable[[], dg.Definitions] = deployment_definitions,
) -> list[CampaignOutcome]:
    """Campaigns chained like the sensor chains them (text → the variants side by side →
    roll-up), with at most `max_concurrent_runs` variant and roll-up runs executing at once —
    the worker pool is the run queue. The job-level (text) runs execute in this process, one at
    a time: they need no OCR and mostly wait on their providers, so the first one starts at once
    instead of after the workers' forkserver has imported the definitions, and one after another
    they still feed the variant runs faster than BFL's slots can take their images. `instance`
    must be the one in DAGSTER_HOME, which the workers open (`DagsterInstance.get`). Outcomes
    list each campaign's runs in order (text, the variants, roll-up)."""
    if max_concurrent_runs < 1:
        raise ValueError("max_concurrent_runs must be at least 1")
    dagster_home = os.environ.get("DAGSTER_HOME", "")
    if not dagster_home:
        raise CreativeAssetsError(
            "no_dagster_home", "runs side by side need DAGSTER_HOME: the instance their workers open"
        )
    here = threading.Lock()  # in-process runs in threads of one process deadlock (above)
    defs: list[dg.Definitions] = []
    _let_children_be_stopped()
    context = _worker_context()
    # Started before a run here redirects this process's stdout and stderr into its compute
    # log, so the workers' output never lands in the log of whichever text run was capturing.
    forkserver.ensure_running()
    with ProcessPoolExecutor(
        max_concurrent_runs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(dict(os.environ), load_defs, max_concurrent_runs),
    ) as pool:
        # Start every worker now, while the text run waits on its providers, instead of paying a
        # worker's start-up on the critical path when the variant runs are submitted. On a
        # thread: starting the first one blocks until the forkserver has done its imports.
        starting = threading.Thread(
            target=lambda: [pool.submit(_ready) for _ in range(max_concurrent_runs)], name="start-workers"
        )
        starting.start()

        def run(job_name: str, partition: str) -> RunOutcome:
            return pool.submit(_run_in_worker, job_name, partition, run_config).result()

        def run_here(job_name: str, partition: str) -> RunOutcome:
            with here:
                if not defs:
                    defs.append(load_defs())
                return _run(defs[0], instance, job_name, partition, run_config)

        def one(job_id: str) -> CampaignOutcome:
            outcome = CampaignOutcome(job_id)
            text = run_here("campaign_text", job_id)
            outcome.runs.append(text)
            if not text.success:
                return outcome
            keys = [variant_key(job_id, v) for v in variants]
            with ThreadPoolExecutor(len(keys)) as waiting:  # threads only wait on the workers
                outcome.runs += list(waiting.map(lambda key: run("campaign_variant", key), keys))
            if set(variants) == set(VARIANTS) and all(r.success for r in outcome.runs):
                outcome.runs.append(run("campaign_rollup", job_id))
            return outcome

        with ThreadPoolExecutor(len(job_ids)) as campaigns:
            outcomes = list(campaigns.map(one, job_ids))
        starting.join()
        return outcomes
