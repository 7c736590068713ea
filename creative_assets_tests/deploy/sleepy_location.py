"""A code location whose one job runs until it is killed: a stand-in for a long campaign run in
the run-monitoring test (test_dead_runs.py)."""

import time

import dagster as dg


@dg.op
def wait_until_killed() -> None:
    time.sleep(3600)


@dg.job(executor_def=dg.in_process_executor)  # the worker is the process the campaign jobs use too
def long_run() -> None:
    wait_until_killed()


defs = dg.Definitions(jobs=[long_run])
