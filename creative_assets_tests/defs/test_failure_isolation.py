"""A campaign whose provider calls fail for good here and there (after their own retries):
each failure ends one creative (or, for the art direction all four need, its variant's four),
recorded with the call, the code and the message; every run succeeds, the roll-up runs and
lists them. What a stand-in made after a real provider failed (a deployment that opted in to
`fallback=local`) is flagged `needs_review`, not passed, and ships only once a person approves.

Faults (faults.py), on variants A–C of the sample job:
    A job_focus  BFL 500 → the opted-in painter stands in      → needs_review
    A artistic   gpt-image-1 429 → the local typesetter stands in → needs_review
    A lifestyle  BFL moderates every prompt, softened too       → failed [moderated]
    B artistic   gpt-image-1 400                               → failed [bad_request]
    B location   the layout design answer unusable             → failed [invalid_response]
    C *          the art direction (meta-analysis) 500          → all four failed

The campaign starts from a private copy of the session's sample campaign (its text phase and
five fault-free variants, made once per session): the faulty variants run again on it, then the
roll-up over all five. D and E stay as the sample made them, fault-free, so the roll-up, the
bundle, the contact sheet and the desk still see 20 creatives, of which the faults spoil some
and must spoil no others; each fault is a call of a creative or a variant and behaves the same
whichever variant it is in (stand-ins beside failures in one variant, as in A, is the harder
case). Running D and E again and the text phase would cost two variant runs and a text run and
check nothing more.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from creative_assets.approvals import record_decision
from creative_assets.campaign import (
    CampaignOutcome,
    RunOutcome,
    ensure_job_partition,
    first_step_error,
    run_campaign,
)
from creative_assets.errors import ProviderFailure
from creative_assets.models import (
    IMAGE_TYPES,
    VARIANTS,
    CampaignContext,
    JobPosting,
    ProviderCall,
    ResearchBrief,
)
from creative_assets.providers.base import Generated
from creative_assets.providers.fallback import FallbackImageEditor, FallbackImageGenerator
from creative_assets.providers.local import (
    LocalImageEditor,
    LocalJobSource,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.defs.faults import FaultyEditor, FaultyGenerator, FaultyWriter
from creative_assets_tests.support.shared_state import private_copy

JOB = "hoc-4711-pflege"
FAULTY_VARIANTS = ("A", "B", "C")
FAILED = {
    f"{JOB}-A-lifestyle": ("base_images", "text-to-image", "bfl", "moderated"),
    **{f"{JOB}-C-{t}": ("image_prompts", "meta-analysis", "openai", "server_error") for t in IMAGE_TYPES},
    f"{JOB}-B-artistic": ("compose", "text overlay", "openai", "bad_request"),
    f"{JOB}-B-location": ("layouts", "layout design", "openai", "invalid_response"),
}
STAND_INS = {f"{JOB}-A-job_focus": "text-to-image", f"{JOB}-A-artistic": "text overlay"}


@dataclass
class Faulty:
    outcome: CampaignOutcome
    defs: dg.Definitions
    instance: dg.DagsterInstance
    storage: Path

    def record(self, asset: str, *parts: str) -> dict[str, Any]:
        path = self.storage / asset / JOB / Path(*parts) / "record.json"
        return json.loads(path.read_text())["data"]


def _run(defs: dg.Definitions, instance: dg.DagsterInstance, job_name: str, partition: str) -> RunOutcome:
    result = defs.resolve_job_def(job_name).execute_in_process(
        partition_key=partition, instance=instance, raise_on_error=False
    )
    error = None if result.success else first_step_error(result)
    return RunOutcome(job_name, partition, result.run_id, result.success, 0.0, error)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory, sample_campaign_home: Path) -> Iterator[Faulty]:
    """The sample campaign, then variants A–C again with the faults, then the roll-up."""
    home = private_copy(tmp_path_factory, sample_campaign_home / "home", "faulty_home")
    storage = home / "storage"
    generator = FaultyGenerator(faults=["A:job_focus:server_error", "A:lifestyle:moderated"])
    editor = FaultyEditor(faults=["A:artistic:rate_limited", "B:artistic:bad_request"])
    defs = make_defs(
        storage,
        image_generator=FallbackImageGenerator(primary=generator, fallback=ProceduralImageGenerator()),
        image_editor=FallbackImageEditor(primary=editor, fallback=LocalImageEditor()),
        text_generator=FaultyWriter(faults=["C:*:server_error", "B:location:invalid_response"]),
    )
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        outcome = CampaignOutcome(JOB)
        for variant in FAULTY_VARIANTS:
            outcome.runs.append(_run(defs, instance, "campaign_variant", f"{JOB}|{variant}"))
        outcome.runs.append(_run(defs, instance, "campaign_rollup", JOB))
        yield Faulty(outcome, defs, instance, storage)


def test_every_run_succeeds_and_the_roll_up_runs(faulty: Faulty) -> None:
    runs = [(r.job_name, r.success) for r in faulty.outcome.runs]
    assert runs == [
        *[("campaign_variant", True)] * len(FAULTY_VARIANTS),
        ("campaign_rollup", True),
    ], [r.error for r in faulty.outcome.runs if r.error]


def test_each_variants_report_lists_its_failed_creatives_with_call_code_and_message(faulty: Faulty) -> None:
    for variant in VARIANTS:
        report = faulty.record("gate_reports", variant)
        failures = report["call_failures"]
        expected = {cid: want for cid, want in FAILED.items() if cid.startswith(f"{JOB}-{variant}-")}
        found = {cid: (f["step"], f["call"], f["provider"], f["code"]) for cid, f in failures.items()}
        assert found == expected
        assert all("injected" in f["message"] for f in failures.values())
        # The others of the variant finished and were judged.
        judged = {row["creative_id"] for row in report["rows"]}
        assert judged == {f"{JOB}-{variant}-{t}" for t in IMAGE_TYPES} - set(expected)
    moderated = faulty.record("gate_reports", "A")["call_failures"][f"{JOB}-A-lifestyle"]
    assert "new seed" in moderated["message"] and "softened prompt" in moderated["message"]


def test_the_summary_and_its_manifest_list_every_creative_none_silently_missing(faulty: Faulty) -> None:
    summary = faulty.record("campaign_summary")
    assert summary["creatives_total"] == 20
    assert set(summary["call_failures"]) == set(FAILED)
    assert set(summary["fallbacks"]) == set(STAND_INS)
    ids = {row["creative_id"] for row in summary["manifest"]}
    assert ids == {f"{JOB}-{v}-{t}" for v in VARIANTS for t in IMAGE_TYPES}
    for row in summary["manifest"]:
        if row["creative_id"] in FAILED:
            assert row["test_cell"] == "excluded" and row["failure"] and row["status"] == "failed"
        elif row["creative_id"] in STAND_INS:
            assert row["status"] == "needs_review" and row["test_cell"] == "excluded"
            assert STAND_INS[row["creative_id"]] in row["fallback"]
    # A stand-in's work is not counted as passing.
    assert summary["creatives_passed"] <= 20 - len(FAILED) - len(STAND_INS)


def test_stand_in_work_is_flagged_on_the_creative_and_in_the_ui(faulty: Faulty) -> None:
    creatives = {c["creative_id"]: c for c in faulty.record("final_creatives", "A")["creatives"]}
    for cid, call in STAND_INS.items():
        attempts = [a for r in creatives[cid]["renditions"] for a in r["attempts"]]
        gates = [g["summary"] for a in attempts for g in a["gates"]]
        assert creatives[cid]["status"] == "needs_review", gates
        assert call in creatives[cid]["fallback"] and "after" in creatives[cid]["fallback"]
    base = {i["image_type"]: i for i in faulty.record("base_images", "A")["images"]}
    assert base["job_focus"]["fallback"] and base["job_focus"]["provider"] == "local"
    records = faulty.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("final_creatives"), asset_partitions=[f"{JOB}|A"]),
        limit=1,
    ).records
    metadata = records[0].asset_materialization.metadata  # type: ignore[union-attr]
    assert set(metadata["fallbacks"].value) == set(STAND_INS)  # type: ignore[arg-type]
    assert metadata["needs_review"].value == 2


def test_the_bundle_ships_neither_failed_nor_stand_in_creatives_until_a_person_approves(
    faulty: Faulty,
) -> None:
    bundle = faulty.record("export_bundle")
    shipped = set(bundle["creatives"])
    assert not shipped & (set(FAILED) | set(STAND_INS))
    assert all("failed" in bundle["left_out"][cid] for cid in FAILED)
    assert all("stand-in" in bundle["left_out"][cid] for cid in STAND_INS)
    with zipfile.ZipFile(faulty.storage / "export_bundle" / JOB / bundle["file"]) as archive:
        names = archive.namelist()
    assert not any("_C_" in n and n.endswith(".png") for n in names)

    # A person looks at the stand-in's picture and approves it: now it ships.
    record_decision(
        faulty.instance,
        faulty.defs,
        job_id=JOB,
        variant="A",
        image_type="job_focus",
        decision="approved",
        by="anna",
        note="the drawn picture is fine for this test",
    )
    rollup = faulty.defs.resolve_job_def("campaign_rollup").execute_in_process(
        partition_key=JOB, instance=faulty.instance
    )
    assert rollup.success
    assert f"{JOB}-A-job_focus" in faulty.record("export_bundle")["creatives"]
    assert f"{JOB}-A-artistic" not in faulty.record("export_bundle")["creatives"]


def test_the_contact_sheet_marks_failed_and_stand_in_tiles(faulty: Faulty) -> None:
    from creative_assets.imaging.png import open_image

    sheet = open_image((faulty.storage / "campaign_summary" / JOB / "contact_sheet.png").read_bytes())
    violet = (0x7B, 0x3F, 0xC4)
    pixels = sheet.convert("RGB").getdata()
    assert sum(p == violet for p in pixels) > 1000  # the needs-review frames and badges


def test_the_review_desk_shows_failed_and_stand_in_creatives_as_such(faulty: Faulty) -> None:
    """The desk's view of the same campaign: a creative a failure stopped before any image is a
    placeholder with its coded reason (and nothing to approve); a stand-in's work is "made by a
    stand-in", under the "made by a fallback" filter, never among those that passed."""
    from creative_assets.desk.auth import Principal
    from creative_assets.desk.backend import Backend
    from creative_assets.desk.rendering import templates
    from creative_assets.desk.settings import DeskSettings
    from creative_assets.desk.storage import Storage
    from creative_assets.desk.views import counts_of, creative_views, matches

    # The views read the instance and the storage only; nothing is launched or billed here.
    backend = Backend(
        settings=DeskSettings.model_validate({}),
        instance=faulty.instance,
        storage=Storage(str(faulty.storage)),
        job_source=None,  # type: ignore[arg-type]
        gateway=None,  # type: ignore[arg-type]
        launcher=None,  # type: ignore[arg-type]
    )
    shown = {v.creative_id: v for v in creative_views(backend, JOB)}
    assert len(shown) == 20
    for creative_id, (step, call, provider, code) in FAILED.items():
        view = shown[creative_id]
        assert view.gate_outcome == "failed" and view.failure is not None
        assert (view.failure.step, view.failure.code, view.failure.provider) == (step, code, provider)
        assert matches(view, "failed") and not matches(view, "passed")
        if view.sha256 is None:  # nothing rendered: a placeholder that says why, no decisions
            reviewer = Principal("rita", "Rita", "reviewer", "session")
            html = templates.env.get_template("card_fragment.html").render(
                v=view, who=reviewer, csrf="", next="/", flashes=[]
            )
            assert "No image" in html and f"[{code}]" in html and call.capitalize() in html
            assert "<img" not in html and "All quality gates passed" not in html
            assert "Approve" not in html and "campaign_variant" in html  # how to try it again
    assert any(shown[cid].sha256 is None for cid in FAILED)
    for creative_id, call in STAND_INS.items():
        view = shown[creative_id]
        assert view.gate_outcome == "needs_review" and view.gate_label == "Made by a stand-in"
        assert view.made_by_fallback and call in view.made_by_fallback
        assert matches(view, "fallback") and not matches(view, "passed") and not matches(view, "failed")
    counts = counts_of(list(shown.values()))
    stand_ins = sum(v.gate_outcome == "needs_review" for v in shown.values())
    assert counts.failed >= len(FAILED) and stand_ins == len(STAND_INS)
    assert counts.passed + counts.failed + stand_ins == 20 and counts.made_by_fallback >= len(STAND_INS)


class FailingFusion(TemplateTextGenerator):
    """The context fusion call fails for good, as a real client reports it after its retries."""

    def fuse_context(self, job: JobPosting, research: ResearchBrief) -> Generated[CampaignContext]:
        call = ProviderCall(provider="openai", model="gpt-4o", operation="context_fusion", outcome="error")
        raise ProviderFailure(
            "server_error",
            "openai answered chat completions with HTTP 503; the provider is having trouble; re-run "
            "the step later (gave up after 3 attempts)",
            provider="openai",
            call=call,
        )


def test_the_text_run_is_the_only_campaign_wide_stop_and_says_which_call_and_why(tmp_path: Path) -> None:
    defs = make_defs(tmp_path / "storage", text_generator=FailingFusion())
    with dg.instance_for_test() as instance:
        ensure_job_partition(instance, LocalJobSource(), JOB)
        outcome = run_campaign(defs, instance, JOB)
    (text,) = outcome.runs  # nothing after it ran: no image was paid for
    assert not text.success and text.error is not None
    assert text.error.startswith("copy_variants: [server_error] context fusion (openai) failed")
    assert "HTTP 503" in text.error and "campaign stops" in text.error
