"""A campaign across two worker hosts (network namespaces on this machine) with dagster-celery:
`deploy/hosts/run_hosts.py` builds the hosts, runs the sample job against the provider simulator
and tears everything down; this test runs it once and checks what it reports and what it left
behind. Needs root and `ip netns` (CI runs as root), PostgreSQL's binaries (the script starts a
server of its own) and RabbitMQ on loopback; skipped with the reason otherwise.

It runs the text phase and variants A and B only (`--variants A,B`; the roll-up needs all five):
two variant runs at once still put steps on both hosts that read the text phase's artifacts from
S3 and pay through one ledger and shared slots, so each check below fails as it did with five."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from creative_assets.models import IMAGE_TYPES

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "hosts" / "run_hosts.py"
JOB = "hoc-4711-pflege"
VARIANTS = ("A", "B")
VARIANT_STEPS = ("image_prompts", "image_chains", "gate_reports")

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create network namespaces (CI runs as root)"
    try:
        if subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
            return "`ip netns` is not available on this machine"
    except FileNotFoundError:
        return "iproute2's `ip` is not installed"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        return "needs PostgreSQL's server binaries: the script starts a server of its own"
    try:
        socket.create_connection(("127.0.0.1", 5672), 3).close()
    except OSError:
        return "RabbitMQ (Celery's broker) is not on 127.0.0.1:5672; start it: rabbitmq-server -detached"
    return None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if reason := _missing():
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("hosts")
    done = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "--hosts", "2", "--variants", ",".join(VARIANTS)),
            *("--json", str(out / "report.json"), "--logs", str(out)),
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert (out / "report.json").exists(), done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads((out / "report.json").read_text())
    data["exit_status"] = done.returncode
    data["stdout"] = done.stdout
    return data


def test_the_campaign_completes(report) -> None:
    assert report["exit_status"] == 0, report["stdout"]
    assert [(r["job"], r["success"]) for r in report["runs"]] == [
        ("campaign_text", True),
        *[("campaign_variant", True)] * len(VARIANTS),
    ]
    assert [r["partition"] for r in report["runs"][1:]] == [f"{JOB}|{v}" for v in VARIANTS]
    assert report["postgres"]["runs"] == {"SUCCESS": 1 + len(VARIANTS)}
    # Every creative has its verdict, read back from the event log (each variant × 4 image types).
    assert sum(report["creatives"].values()) == len(VARIANTS) * len(IMAGE_TYPES), report["creatives"]


def test_steps_ran_on_both_worker_hosts(report) -> None:
    steps = report["steps"]
    # Every step of every run went through a Celery worker, named after the host it ran on.
    assert {s["worker"] for s in steps} == {"worker@ca-h1", "worker@ca-h2"}
    variant_steps = Counter(s["step"] for s in steps if s["job"] == "campaign_variant")
    assert variant_steps == {step: len(VARIANTS) for step in VARIANT_STEPS}
    assert all(figures["steps"] >= 3 for figures in report["per_host"].values())
    # And the hosts reached the broker and the database over their own addresses.
    peers = report["relay_peers"]["relay-services"]
    for address in ("10.231.0.11", "10.231.0.12"):
        assert peers.get(f"10.231.0.1:5672 <- {address}", 0) > 0
        assert report["postgres_peers"].get(address, 0) > 0


def test_outputs_are_in_the_bucket_and_state_in_postgres(report) -> None:
    bucket = report["bucket"]
    # each variant × 4 image types, at least one rendition each
    assert bucket["final_pngs"] >= len(VARIANTS) * len(IMAGE_TYPES)
    text = {"job_posting", "research", "brand_identity", "copy_variants"}
    variant = {"image_prompts", "base_images", "layouts", "final_creatives", "gate_reports"}
    assert text | variant <= set(bucket["by_prefix"])
    pg = report["postgres"]
    assert pg["paid_calls"] > 0
    assert {row["provider"] for row in pg["ledger"]} >= {"bfl", "openai"}
    assert pg["advisory_locks_held"] == 0  # every slot and flight was given back
    # What the ledger says was paid is what the simulator billed: nothing paid twice or lost.
    ledger_usd = sum(row["cost_usd"] for row in pg["ledger"])
    assert ledger_usd == pytest.approx(report["simulator"]["billed_usd"], abs=1e-6)
    assert report["simulator"]["max_in_flight"]["bfl"] <= 5


def test_no_host_keeps_what_a_run_needs(report) -> None:
    # Each worker host saw an empty tmpfs over the session's folder (its HOME, TMPDIR and
    # DAGSTER_HOME): afterwards it holds machine-local caches and scratch at most (onnxruntime
    # keeps a device id under ~/.cache), no artifact, record or state of a run.
    files = report["files_on_worker_hosts"]
    assert set(files) == {"ca-h1", "ca-h2"}
    for host, paths in files.items():
        assert [p for p in paths if not p.startswith(("home/.cache/", "tmp/"))] == [], host
        assert [p for p in paths if p.endswith((".png", ".json", ".zip", ".csv"))] == [], host
    # The run host holds only the instance's configuration file.
    assert report["files_on_run_host"] == ["run-host/home/dagster.yaml"]


def test_everything_is_torn_down(report) -> None:
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert "ca-h1" not in names and "ca-h2" not in names
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    assert "ca-br0" not in links and "ca-h1-v" not in links and "ca-h2-v" not in links
    # The session's Postgres server (its data folder is named after the session), workers, moto …
    session = f"ca-hosts-.*{report['session']}|ca-hosts-pg-{report['session']}"
    left = subprocess.run(["pgrep", "-af", session], capture_output=True, text=True).stdout
    assert [line for line in left.splitlines() if "pgrep" not in line] == []
    assert list(Path(tempfile.gettempdir()).glob(f"ca-hosts-*{report['session']}*")) == []
