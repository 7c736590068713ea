"""Settings of the Celery workers on the hosts: `dagster_celery.app` imports this module when it is
on the worker's path (dagster-celery's own mechanism; run_hosts.py puts deploy/hosts there).

A step's task is acknowledged when it finishes, not when a worker takes it, and given back when
its worker is lost: a host whose link is cut mid-step has its step run again on another host
(the broker notices the lost worker by its missed heartbeats). Re-running a step is safe here:
paid provider calls are not repeated (the gateway's cache, single flight and recorded BFL tasks
resume them), and the step's outputs are written whole or not at all.
"""

import os

broker_url = os.environ.get("CREATIVE_ASSETS_CELERY_BROKER", "pyamqp://guest@localhost:5672//")
task_acks_late = True
task_reject_on_worker_lost = True
broker_heartbeat = 10
worker_prefetch_multiplier = 1
