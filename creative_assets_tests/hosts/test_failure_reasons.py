"""The hosts report says why each creative that did not pass failed, read from the event log
(deploy/hosts/evidence.py: failed_creatives), as `final_creatives` and its gate checks record it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from creative_assets.defs.compose.assets import GATE_CHECKS
from creative_assets.partitions import job_variant_partitions, variant_key

HOSTS = Path(__file__).resolve().parents[2] / "deploy" / "hosts"
JOB = "hoc-1-c01"
GATE_2_SUMMARY = "the headline reads 'Pfege' where the copy says 'Pflege' (similarity 0.80)"


@dg.multi_asset(
    partitions_def=job_variant_partitions,
    outs={"final_creatives": dg.AssetOut()},
    check_specs=[
        dg.AssetCheckSpec(name, asset="final_creatives", partitions_def=job_variant_partitions)
        for name in GATE_CHECKS.values()
    ],
)
def compose_like():
    """What defs/compose/assets.py records for variant B: job_focus passed, lifestyle failed
    Gate 2 in one of its renditions, artistic lost to a provider call, location a stand-in's."""
    yield dg.Output(
        None,
        output_name="final_creatives",
        metadata={
            "passed": 1,
            "failed": 2,
            "needs_review": 1,
            "status": dg.MetadataValue.json(
                {
                    "job_focus": "passed",
                    "lifestyle": "failed",
                    "artistic": "failed",
                    "location": "needs_review",
                }
            ),
            "call_failures": dg.MetadataValue.json(
                {f"{JOB}-B-artistic": "image edit (openai) failed in compose: [server_error] 503"}
            ),
            "fallbacks": dg.MetadataValue.json({f"{JOB}-B-location": "typeset locally: editor down"}),
        },
    )
    for gate, name in GATE_CHECKS.items():
        status = {
            "job_focus de-DE 1:1": "PASS",
            "lifestyle de-DE 1:1": "PASS",
            "lifestyle de-DE 9:16": "PASS",
        }
        if gate == "2":
            status["lifestyle de-DE 9:16"] = "FAIL"
        yield dg.AssetCheckResult(
            asset_key="final_creatives",
            check_name=name,
            passed="FAIL" not in status.values(),
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "status": dg.MetadataValue.json(status),
                "summaries": dg.MetadataValue.md(
                    "\n".join(
                        f"- **{t}**: {GATE_2_SUMMARY if s == 'FAIL' else 'fine'}" for t, s in status.items()
                    )
                ),
            },
        )


@pytest.fixture
def evidence(monkeypatch):
    monkeypatch.syspath_prepend(str(HOSTS))  # the scripts import each other by file name
    import evidence

    return evidence


def test_each_creative_that_did_not_pass_is_listed_with_its_gate_and_reason(evidence) -> None:
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("job", [JOB])
        runs = [
            dg.materialize([compose_like], instance=instance, partition_key=variant_key(JOB, v)).run_id
            for v in ("A", "B")
        ]
        rows = evidence.failed_creatives(instance, runs)
    by_id = {row["creative_id"]: row for row in rows}
    assert set(by_id) == {f"{JOB}-{v}-{t}" for v in "AB" for t in ("lifestyle", "artistic", "location")}
    assert by_id[f"{JOB}-B-lifestyle"]["reasons"] == [f"Gate 2 (de-DE 9:16): {GATE_2_SUMMARY}"]
    assert by_id[f"{JOB}-B-artistic"]["reasons"] == [
        "image edit (openai) failed in compose: [server_error] 503"
    ]
    assert by_id[f"{JOB}-B-location"]["status"] == "needs_review"
    lines = evidence.failure_lines(rows)
    assert f"{JOB}-B-lifestyle failed: Gate 2 (de-DE 9:16): {GATE_2_SUMMARY}" in lines
    assert any(
        line.startswith(f"{JOB}-B-location needs_review: made by a stand-in: typeset") for line in lines
    )


def test_a_report_with_failed_creatives_prints_one_line_for_each(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(HOSTS))
    from run_hosts import summary

    report = {
        "job": "hoc-1",
        "hosts": 2,
        "logs": "/tmp/x",
        "creatives": {"passed": 19, "failed": 1},
        "failed_creatives": [
            {"creative_id": f"{JOB}-B-lifestyle", "status": "failed", "reasons": ["Gate 2 (de-DE 1:1): x"]}
        ],
    }
    assert (
        f"  failed creative {JOB}-B-lifestyle failed: Gate 2 (de-DE 1:1): x" in summary(report).splitlines()
    )
