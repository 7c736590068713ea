"""A person approves or rejects final creatives: the decision is an observation on the creative's
partition, it reaches the A/B-test manifest, and it goes stale when the creative is regenerated.
One zero-key campaign for the sample job, in a temporary instance whose folder is DAGSTER_HOME
(so the command line finds the same instance and storage)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from creative_assets import cli
from creative_assets.approvals import FINAL_CREATIVES, latest_decisions, parse_creative_id, record_decision
from creative_assets.errors import CreativeAssetsError
from creative_assets.models import IMAGE_TYPES, VARIANTS, CreativeSet, GateReport
from creative_assets.partitions import job_partitions, variant_key
from creative_assets_tests.defs.conftest import SharedCampaign
from creative_assets_tests.support.failing_creative import fail_one_creative

JOB = "hoc-4711-pflege"


class Campaign(SharedCampaign):
    """The session's campaign, with what these tests read of it and do to it."""

    def creative(self, variant: str, image_type: str) -> dict:
        record = json.loads((self.storage / "final_creatives" / JOB / variant / "record.json").read_text())
        return next(c for c in record["data"]["creatives"] if c["image_type"] == image_type)

    def rollup(self) -> None:
        result = self.defs.resolve_job_def("campaign_rollup").execute_in_process(
            partition_key=JOB, instance=self.instance
        )
        assert result.success

    def manifest(self) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
        """The manifest's rows by creative id, as CSV, JSON and in the summary's record."""
        folder = self.storage / "campaign_summary" / JOB
        csv_rows = csv.DictReader(io.StringIO((folder / "ab_test_manifest.csv").read_text()))
        json_rows = json.loads((folder / "ab_test_manifest.json").read_text())
        record_rows = json.loads((folder / "record.json").read_text())["data"]["manifest"]
        return tuple({r["creative_id"]: r for r in rows} for rows in (csv_rows, json_rows, record_rows))  # type: ignore[return-value]

    def observations(self) -> int:
        records = self.instance.fetch_observations(
            dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES), limit=1000
        )
        return len(records.records)


@pytest.fixture(scope="module")
def campaign(shared_campaign: SharedCampaign) -> Campaign:
    outcome = shared_campaign.outcome
    assert outcome.success, [r.error for r in outcome.runs if r.error]
    return Campaign(**vars(shared_campaign))


def decide(campaign: Campaign, creative_id: str, decision: str, by: str, note: str = ""):
    job_id, variant, image_type = parse_creative_id(creative_id)
    return record_decision(
        campaign.instance,
        campaign.defs,
        job_id=job_id,
        variant=variant,
        image_type=image_type,
        decision=decision,
        by=by,
        note=note,
    )


def test_creative_ids_split_from_the_right() -> None:
    assert parse_creative_id("hoc-4711-pflege-A-job_focus") == ("hoc-4711-pflege", "A", "job_focus")
    assert parse_creative_id("x_1-E-location") == ("x_1", "E", "location")
    with pytest.raises(CreativeAssetsError) as exc:
        parse_creative_id("job_focus")
    assert exc.value.code == "invalid_creative_id"


@pytest.mark.parametrize(
    ("creative_id", "decision", "by", "note", "code"),
    [
        (f"{JOB}-A-job_focus", "maybe", "Anna", "", "invalid_decision"),
        (f"{JOB}-A-job_focus", "approved", "  ", "", "missing_reviewer"),
        (f"{JOB}-A-job_focus", "rejected", "Anna", " ", "missing_note"),
        (f"{JOB}-F-job_focus", "approved", "Anna", "", "unknown_variant"),
        (f"{JOB}-A-poster", "approved", "Anna", "", "unknown_image_type"),
        ("hoc-0000-unknown-A-job_focus", "approved", "Anna", "", "unknown_job"),
        ("hoc|4711-A-job_focus", "approved", "Anna", "", "invalid_job_id"),
        ("hoc-5120-warehouse-A-job_focus", "approved", "Anna", "", "not_materialized"),
    ],
)
def test_bad_decisions_are_refused_and_record_nothing(
    campaign: Campaign, creative_id: str, decision: str, by: str, note: str, code: str
) -> None:
    # a job that is a partition but has never run: known, yet nothing to review
    campaign.instance.add_dynamic_partitions(job_partitions.name, ["hoc-5120-warehouse"])  # type: ignore[arg-type]
    before = campaign.observations()
    with pytest.raises(CreativeAssetsError) as exc:
        decide(campaign, creative_id, decision, by, note)
    assert exc.value.code == code
    assert campaign.observations() == before


def test_decisions_reach_the_manifest_with_who_and_when(campaign: Campaign) -> None:
    rejected = next(
        f"{JOB}-{v}-{t}"
        for v in "BCDE"
        for t in ("lifestyle", "artistic", "location", "job_focus")
        if campaign.creative(v, t)["status"] != "failed"
    )
    started = datetime.now(UTC).replace(microsecond=0)
    decide(campaign, f"{JOB}-A-job_focus", "rejected", "Anna", "first look: too dark")
    approval = decide(campaign, f"{JOB}-A-job_focus", "approved", "Anna Berg", "brightness is fine after all")
    rejection = decide(campaign, rejected, "rejected", "Ben", "hands look odd")
    assert approval.sha256 == campaign.creative("A", "job_focus")["sha256"]
    assert started <= approval.at <= datetime.now(UTC)

    # the decision is an observation on the creative's partition, with its fields as metadata
    partition = str(variant_key(JOB, "A"))
    records = campaign.instance.fetch_observations(
        dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES, asset_partitions=[partition]), limit=1
    ).records
    assert records[0].partition_key == partition and records[0].run_id == ""
    metadata = {k: v.value for k, v in records[0].asset_observation.metadata.items()}
    assert metadata == {
        "creative_id": f"{JOB}-A-job_focus",
        "decision": "approved",
        "by": "Anna Berg",
        "at": approval.at.isoformat().replace("+00:00", "Z"),
        "note": "brightness is fine after all",
        "sha256": approval.sha256,
    }
    assert latest_decisions(campaign.instance, JOB) == {approval.creative_id: approval, rejected: rejection}

    campaign.rollup()
    for rows in campaign.manifest():
        assert rows[approval.creative_id]["review"] == "approved"
        assert rows[approval.creative_id]["reviewed_by"] == "Anna Berg"
        assert rows[approval.creative_id]["test_cell"] == "cell-A"
        assert rows[rejected]["review"] == "rejected"
        assert rows[rejected]["reviewed_by"] == "Ben"
        assert rows[rejected]["test_cell"] == "excluded"  # its gates passed, a person said no
        pending = [r for cid, r in rows.items() if cid not in (approval.creative_id, rejected)]
        assert {r["review"] for r in pending} == {"pending"}
        assert {r["reviewed_by"] or None for r in pending} == {None}
    csv_rows, json_rows, _ = campaign.manifest()
    assert csv_rows[rejected]["reviewed_at"] == json_rows[rejected]["reviewed_at"]
    assert datetime.fromisoformat(json_rows[rejected]["reviewed_at"]) == rejection.at
    # Only a person approves: the gates' count is "passed", a reviewer's one count per creative.
    event = campaign.instance.get_latest_materialization_event(dg.AssetKey("campaign_summary"))
    metadata = event.asset_materialization.metadata
    counts = ("approved_by_reviewer", "rejected_by_reviewer", "pending_review")
    assert {key: metadata[key].value for key in counts} == dict(zip(counts, (1, 1, 18), strict=True))
    assert "approved" not in metadata and "approval_rate" not in metadata
    assert "gate_pass_rate" in metadata and "passed" in metadata
    summary = json.loads((campaign.storage / "campaign_summary" / JOB / "record.json").read_text())["data"]
    assert (summary["approved_by_reviewer"], summary["rejected_by_reviewer"]) == (1, 1)
    cells = [v for r in metadata["ab_test_manifest"].records for v in r.data.values()]
    assert "nan" not in cells and None in cells  # not reviewed yet: an empty cell


def test_the_command_line_approves_and_rejects(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(campaign.home))
    for name in ("CREATIVE_ASSETS_STORAGE_URL", "CREATIVE_ASSETS_PROVIDERS", "CREATIVE_ASSETS_STATE_URL"):
        monkeypatch.delenv(name, raising=False)
    creative_id = f"{JOB}-C-artistic"

    assert cli.main(["approve", creative_id, "--by", "Cleo"]) == 0
    out = capsys.readouterr().out
    assert f"approved {creative_id} by Cleo at " in out
    assert campaign.creative("C", "artistic")["sha256"] in out
    assert latest_decisions(campaign.instance, JOB)[creative_id].by == "Cleo"

    assert cli.main(["reject", creative_id, "--by", "Dana", "--note", "logo too small"]) == 0
    assert f"rejected {creative_id} by Dana" in capsys.readouterr().out
    decision = latest_decisions(campaign.instance, JOB)[creative_id]
    assert (decision.decision, decision.by, decision.note) == ("rejected", "Dana", "logo too small")

    before = campaign.observations()
    with pytest.raises(SystemExit) as exit_info:  # argparse: a rejection needs --note
        cli.main(["reject", creative_id, "--by", "Dana"])
    assert exit_info.value.code == 2
    assert cli.main(["approve", f"{JOB}-F-artistic", "--by", "Dana"]) == 2
    assert "[unknown_variant]" in capsys.readouterr().err
    assert cli.main(["approve", "hoc-0000-unknown-A-artistic", "--by", "Dana"]) == 2
    assert "[unknown_job]" in capsys.readouterr().err
    assert campaign.observations() == before


def test_records_stored_before_the_rename_still_load_in_todays_words(campaign: Campaign) -> None:
    """A deployment's stored records said `approved` for a gate pass; they load as `passed`."""
    stored = json.loads((campaign.storage / "final_creatives" / JOB / "B" / "record.json").read_text())[
        "data"
    ]
    old = json.loads(
        json.dumps(stored).replace('"passed"', '"approved"').replace('"passed_with', '"approved_with')
    )
    assert '"approved"' in json.dumps(old)
    assert CreativeSet.model_validate(old) == CreativeSet.model_validate(stored)
    report = json.loads((campaign.storage / "gate_reports" / JOB / "B" / "record.json").read_text())["data"]
    old_report = {("approved" if k == "passed" else k): v for k, v in report.items()}
    assert GateReport.model_validate(old_report).passed == report["passed"]


def test_the_campaign_command_says_what_passed_and_where_to_look(
    campaign: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    storage = str(campaign.storage)
    cli.report_campaign(campaign.instance, JOB, VARIANTS, storage, rolled_up=True)
    out = capsys.readouterr().out
    statuses = Counter(campaign.creative(v, t)["status"] for v in VARIANTS for t in IMAGE_TYPES)
    passed = statuses["passed"] + statuses["passed_with_warnings"]
    assert f"20 made: {passed} passed their gates" in out
    assert f"{statuses['failed']} failed, {statuses['needs_review']} need review" in out
    for line in out.splitlines():
        if line.startswith(("contact sheet:", "ZIP:")):
            assert Path(line.split(":", 1)[1].split()[0]).is_file(), line
    assert f"review desk:   http://127.0.0.1:3100/campaigns/{JOB}" in out
    assert "approved" not in out.split("review desk")[0].replace("were approved", "")


def test_a_decision_on_a_regenerated_creative_is_pending(campaign: Campaign) -> None:
    """The creative gets a new picture as the desk's "request changes" draws one, for it alone:
    what makes its decision pending is its new image, whichever regeneration made it (a new
    generation of all four of the variant's pictures would make three more for nothing)."""
    old = decide(campaign, f"{JOB}-E-lifestyle", "approved", "Eva")
    result = campaign.defs.resolve_job_def("regenerate_creatives").execute_in_process(
        partition_key=variant_key(JOB, "E"),
        instance=campaign.instance,
        run_config={"ops": {"image_chains": {"config": {"image_types": ["lifestyle"], "mode": "picture"}}}},
    )
    assert result.success
    assert campaign.creative("E", "lifestyle")["sha256"] != old.sha256

    campaign.rollup()
    for rows in campaign.manifest():
        row = rows[old.creative_id]
        assert (row["review"], row["reviewed_by"] or None, row["reviewed_at"] or None) == (
            "pending",
            None,
            None,
        )
    # the old decision stays in the history, for the image it was made on
    assert latest_decisions(campaign.instance, JOB)[old.creative_id] == old


def test_an_approval_with_the_override_ships_a_creative_that_failed_its_gates(campaign: Campaign) -> None:
    fail_one_creative(campaign.instance, campaign.storage, JOB, "C", "location")
    failed = [
        (v, t)
        for v in VARIANTS
        for t in IMAGE_TYPES
        if campaign.creative(v, t)["status"] == "failed" and campaign.creative(v, t)["sha256"]
    ]
    assert failed, "the sample campaign has a creative that failed its gates"
    variant, image_type = failed[0]
    creative_id = f"{JOB}-{variant}-{image_type}"
    with pytest.raises(CreativeAssetsError) as exc:
        decide(campaign, creative_id, "approved", "Olga")
    assert exc.value.code == "override_required"
    approval = record_decision(
        campaign.instance,
        campaign.defs,
        job_id=JOB,
        variant=variant,
        image_type=image_type,
        decision="approved",
        by="Olga",
        note="the warning is a false alarm",
        override=True,
    )
    assert approval.override

    only_approved = {"ops": {"export_bundle": {"config": {"only_reviewed": True}}}}
    result = campaign.defs.resolve_job_def("campaign_rollup").execute_in_process(
        partition_key=JOB, instance=campaign.instance, run_config=only_approved
    )
    assert result.success
    for rows in campaign.manifest():
        row = rows[creative_id]
        assert (row["creative_status"], row["review"], row["test_cell"]) == (
            "failed",
            "approved",
            f"cell-{variant}",
        )
    bundle = json.loads((campaign.storage / "export_bundle" / JOB / "record.json").read_text())["data"]
    assert creative_id in bundle["creatives"] and creative_id not in bundle["left_out"]
    assert bundle["selection"] == "approved by a person"
    campaign.rollup()  # the default bundle (other modules read it) ships it too: it is in its cell
    bundle = json.loads((campaign.storage / "export_bundle" / JOB / "record.json").read_text())["data"]
    assert creative_id in bundle["creatives"] and bundle["selection"].startswith("passed its gates")
