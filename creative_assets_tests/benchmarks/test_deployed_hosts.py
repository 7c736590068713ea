"""The several-hosts part of the deployed benchmark reads run_hosts.py's reports into its figures
(the scripts themselves are exercised by creative_assets_tests/hosts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import deployed_hosts
from benchmarks.deployed_report import Out


def _report(wall_s: float, campaigns: int, hosts: int) -> dict[str, Any]:
    return {
        "success": True,
        "exit_status": 0,
        "wall_s": wall_s,
        "campaigns_per_hour": round(campaigns * 3600 / wall_s, 2),
        "creatives": {"passed": 20 * campaigns},
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [2.0, 2.0, 2.0],
        "per_host": {f"worker@ca-h{i}": {"steps": 10, "step_seconds": 50.0} for i in range(1, hosts + 1)},
        "postgres": {"ledger": [{"cost_usd": 1.25}, {"cost_usd": 0.5}], "advisory_locks_held": 0},
        "simulator": {"billed_usd": 1.75, "max_in_flight": {"bfl": 5}},
    }


def test_scale_compares_campaigns_per_hour_on_two_hosts_with_one(monkeypatch, tmp_path: Path) -> None:
    calls: list[tuple[str, ...]] = []

    def fake(workdir: Path, name: str, *args: str) -> dict[str, Any]:
        calls.append(args)
        return _report(300.0 if name == "one" else 160.0, 3, 1 if name == "one" else 2)

    monkeypatch.setattr(deployed_hosts, "run_hosts", fake)
    out = Out()
    deployed_hosts.scale(out, tmp_path, 3, "1:1")
    assert [c[:2] for c in calls] == [("--hosts", "1"), ("--hosts", "2")]
    assert all(c[2:4] == ("--campaigns", "3") and "--core-per-host" in c for c in calls)
    text = "\n".join(out.lines)
    assert "1.88 ×" in text  # 67.5 against 36.0 campaigns per hour
    assert "ledger $1.7500 / billed $1.7500" in text


def test_cut_says_when_the_cut_hosts_sessions_ended(monkeypatch, tmp_path: Path) -> None:
    cut = {"step": "image_chains", "at": 1.0, "postgres_ends_s": [10.2, 11.4]}
    report = _report(400.0, 1, 2) | {"cut": cut}
    monkeypatch.setattr(deployed_hosts, "run_hosts", lambda *a: report)
    out = Out()
    deployed_hosts.cut(out, tmp_path, "1:1")
    text = "\n".join(out.lines)
    assert "during image_chains; before the campaign ended, Postgres had ended 2 of" in text
    assert "(10.2–11.4 s after the cut)" in text


@pytest.mark.parametrize("scenario", ["scale", "cut"])
def test_a_machine_without_hosts_is_skipped_with_the_reason(monkeypatch, tmp_path: Path, scenario) -> None:
    skipped = {"exit_status": 2, "skipped": "[unsupported_machine] needs root (network namespaces)"}
    monkeypatch.setattr(deployed_hosts, "run_hosts", lambda *a: skipped)
    out = Out()
    if scenario == "scale":
        deployed_hosts.scale(out, tmp_path, 3, "1:1")
    else:
        deployed_hosts.cut(out, tmp_path, "1:1")
    assert "skipped: [unsupported_machine] needs root" in out.lines[-1]


def test_each_failed_creative_is_printed_with_why_it_failed(monkeypatch, tmp_path: Path) -> None:
    failed = {
        "creative_id": "hoc-1-c01-B-lifestyle",
        "status": "failed",
        "reasons": ["Gate 2 (de-DE 1:1): x"],
    }
    report = _report(400.0, 1, 2) | {"creatives": {"passed": 19, "failed": 1}, "failed_creatives": [failed]}
    monkeypatch.setattr(deployed_hosts, "run_hosts", lambda *a: report)
    out = Out()
    deployed_hosts.cut(out, tmp_path, "1:1")
    assert any(line.strip() == "hoc-1-c01-B-lifestyle failed: Gate 2 (de-DE 1:1): x" for line in out.lines)
