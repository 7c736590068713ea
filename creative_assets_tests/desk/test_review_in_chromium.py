"""A reviewer's pass over a campaign in a real Chromium (Debian's, driven by Playwright): sign in,
find the campaign, see its 20 creatives at full size, approve two, reject one with a note,
approve the one that failed its gates with the override, download the ZIP of what was approved
and check what is inside (the override included), send one creative back twice — a new attempt
on its picture, then a new picture — and see each new image arrive on the page by itself while
its three siblings stay byte-identical, with the requests in its history on earlier images; then
approve the rest in bulk. Decides on variants C and D (the API tests decide on A and B) and on
the campaign's failed creative (which the API and command-line tests approve with the override).

Screenshots of every page go to the test's tmp folder (printed); CREATIVE_ASSETS_UI_SCREENSHOTS=1
also copies them to creative_assets_tests/ui/screenshots/desk/. The page load time of the campaign
and the times from "request changes" to the launched run and to the new image on the page are
printed, not asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from creative_assets.defs.reports.summary import ad_name
from creative_assets.desk.dagster_client import CHANGE_MODE_TAG, CHANGE_REQUEST_TAG, PIPELINE_MODE
from creative_assets_tests.desk.conftest import JOB, REVIEWER, DeskSession
from creative_assets_tests.support.chromium import SCREENSHOTS_VAR, Shots, chromium

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TITLE = "Pflegefachkraft (m/w/d) Intensivstation"
APPROVE = [f"{JOB}-C-job_focus", f"{JOB}-C-lifestyle"]
REJECT = f"{JOB}-C-artistic"
SEND_BACK = f"{JOB}-D-job_focus"
REQUESTS = [  # (mode, note, what the decision line says)
    ("new_attempt", "The headline is hard to read: set it again", "a new attempt"),
    ("new_picture", "Please a new picture: the room looks empty", "a new picture"),
]
RUN_TIMEOUT_S = 420.0  # a safeguard for two loaded cores, not a measurement
UI_TIMEOUT_MS = 60_000
ALL_IMAGES_LOADED = (
    "() => Array.from(document.querySelectorAll('article.card img'))"
    ".every(img => img.complete && img.naturalWidth > 0)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium(ARGS) as launched:
        yield launched


@pytest.fixture
def shots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Shots]:
    taken = Shots(tmp_path / "screenshots")
    try:
        yield taken
    finally:
        if os.environ.get(SCREENSHOTS_VAR):
            target = Path(__file__).parents[1] / "ui" / "screenshots" / "desk"
            shutil.copytree(taken.folder, target, dirs_exist_ok=True)
        with capsys.disabled():
            print(f"\ndesk screenshots: {taken.folder}")


def _card(page: Page, creative_id: str) -> Locator:
    return page.locator(f"article.card[data-creative='{creative_id}']")


def test_a_reviewer_judges_decides_and_ships(
    desk: DeskSession, browser: Browser, shots: Shots, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(UI_TIMEOUT_MS)
    expect.set_options(timeout=UI_TIMEOUT_MS)  # two loaded cores; reset below
    figures: dict[str, float] = {}
    try:
        # Sign in: nothing is shown to an anonymous visitor.
        page.goto(f"{desk.desk_url}/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        shots.take(page, "sign_in")
        page.get_by_label("Name").fill(REVIEWER["name"])
        page.get_by_label("Password").fill(REVIEWER["password"])
        page.get_by_role("button", name="Sign in").click()

        # The campaigns, in a recruiter's words.
        row = page.get_by_role("row").filter(has_text=JOB)
        expect(row).to_contain_text("Done")
        expect(row).to_contain_text("passed")
        expect(row).to_contain_text("Klinikum am See")
        expect(page.get_by_text("Rita Reviewer")).to_be_visible()
        shots.take(page, "campaigns")

        # The campaign: all 20 creatives, every image loaded.
        started = time.perf_counter()
        page.goto(f"{desk.desk_url}/campaigns/{JOB}?filter=all")
        cards = page.locator("article.card")
        expect(cards).to_have_count(20)
        page.wait_for_function(ALL_IMAGES_LOADED)
        figures["campaign page with its 20 images, s"] = round(time.perf_counter() - started, 2)
        assert page.evaluate(ALL_IMAGES_LOADED)
        expect(page.locator(".badge.outcome-passed").first).to_have_text("Passed")
        expect(page.locator(".badge.review-needs_review").first).to_have_text("Needs review")
        expect(page.get_by_role("link", name=re.compile(r"^Lineage")).first).to_have_attribute(
            "href", re.compile(rf"{re.escape(desk.dagster_url)}/assets/final_creatives\?view=partitions")
        )
        shots.take(page, "campaign")
        shots.take(page, "campaign_full", full_page=True)

        # Zoom to full size.
        _card(page, APPROVE[0]).locator(".frame a").click()
        zoomed = page.locator("dialog#zoom img")
        expect(zoomed).to_be_visible()
        page.wait_for_function("() => document.querySelector('dialog#zoom img').naturalWidth > 0")
        assert zoomed.evaluate("img => img.naturalWidth") == 1080  # the stored PNG, not a thumbnail
        shots.take(page, "zoom")
        page.keyboard.press("Escape")
        expect(zoomed).to_be_hidden()

        # Approve two.
        for creative_id in APPROVE:
            card = _card(page, creative_id)
            card.get_by_role("button", name="Approve").click()
            expect(_card(page, creative_id).locator(".badge.review-approved")).to_have_text(
                "Approved by reviewer"
            )
            expect(_card(page, creative_id).locator(".decision")).to_contain_text("Approved by Rita Reviewer")

        # Reject one, with a note (the form will not go without one).
        card = _card(page, REJECT)
        card.locator("details.reject summary").click()
        card.locator("details.reject textarea").fill("the hands look odd")
        card.locator("details.reject").get_by_role("button", name="Reject").click()
        rejected = _card(page, REJECT)
        expect(rejected.locator(".badge.review-rejected")).to_have_text("Rejected by reviewer")
        expect(rejected.locator(".decision")).to_contain_text("the hands look odd")
        expect(page.locator("#flashes")).to_contain_text(f"{REJECT} rejected")
        # The numbers above the grid follow decisions made in place, without a reload: the
        # tallies, the filters' counts and what each ZIP would hold.
        counts = desk.client().get(f"/api/v1/campaigns/{JOB}").json()["counts"]
        expect(page.locator(".status-line .t-approved")).to_have_text(f"{counts['approved']} approved")
        expect(page.locator(".status-line .t-rejected")).to_have_text(f"{counts['rejected']} rejected")
        expect(page.locator("nav.filters .filter", has_text="Rejected").locator(".count")).to_have_text(
            str(counts["rejected"])
        )
        expect(page.locator("#ship")).to_contain_text(f"approved only ({len(_approved(desk))})")

        # A creative that failed its gates says so, and approving it asks for an override.
        page.goto(f"{desk.desk_url}/campaigns/{JOB}?filter=failed")
        failed = page.locator("article.card").first
        expect(failed.locator(".badge.outcome-failed")).to_have_text("Failed")
        expect(failed.locator(".reasons .gate-failed").first).to_be_visible()
        if failed.locator(".badge.review-approved").count() == 0:  # the API tests may have
            override = failed.get_by_text("approve it anyway (override)")
            expect(override).to_be_visible()
            expect(failed).to_contain_text("it ships in the export ZIP")
            shots.take(page, "failed_filter")
            override.check()
            failed.get_by_role("button", name="Approve").click()
        overridden = page.locator("article.card").first
        expect(overridden.locator(".badge.review-approved")).to_have_text("Approved by reviewer")
        expect(overridden.locator(".decision")).to_contain_text("with an override")
        overridden_id = overridden.get_attribute("data-creative")

        # Ship: build the ZIP of what was approved, wait for it on the page, download it.
        page.goto(f"{desk.desk_url}/campaigns/{JOB}?filter=approved")
        approved = [c for c in _creatives(desk) if c["review"] == "approved"]  # overrides included
        expect(page.locator("article.card")).to_have_count(len(approved))
        page.locator("#ship").get_by_label(re.compile("approved only")).check()
        page.locator("#ship").get_by_role("button", name="Build a new ZIP").click()
        expect(page.locator("#flashes")).to_contain_text("building the ZIP (approved only)")
        newest = page.locator("#ship .bundle").first
        expect(newest).to_have_class(re.compile("bundle-ready"), timeout=RUN_TIMEOUT_S * 1000)
        expect(newest).to_contain_text("approved only")
        shots.take(page, "bundle_ready")
        with page.expect_download() as download:
            newest.get_by_role("link", name="Download ZIP").click()
        names = zipfile.ZipFile(download.value.path()).namelist()
        expected = {
            f"1x1/{ad_name(JOB, cid.split('-')[-2], cid.split('-')[-1], 'de-DE', '1:1')}.png"
            for cid in _approved(desk)
        }
        assert {n for n in names if n.endswith(".png")} == expected
        assert not any("C_artistic" in n for n in names)
        # approved with the override although it failed its gates: it ships
        _, variant, image_type = overridden_id.rsplit("-", 2)
        assert f"1x1/{ad_name(JOB, variant, image_type, 'de-DE', '1:1')}.png" in names
        assert "ab_test_manifest.json" in names and any(n.startswith("captions/") for n in names)

        # Send one back twice: a new attempt on its picture, then a new picture. Each request
        # regenerates that creative alone (through Dagster), into a new image the page shows by
        # itself; its three siblings come back byte-identical, their decisions still standing.
        page.goto(f"{desk.desk_url}/campaigns/{JOB}?filter=all")
        siblings = [f"{JOB}-D-{t}" for t in ("lifestyle", "artistic", "location")]
        _card(page, siblings[0]).get_by_role("button", name="Approve").click()
        expect(_card(page, siblings[0]).locator(".badge.review-approved")).to_be_visible()
        before = {cid: _creative(desk, cid)["sha256"] for cid in [SEND_BACK, *siblings]}
        seen = [before[SEND_BACK]]
        shots.take_card(_card(page, SEND_BACK), "before_the_requests")
        for round_no, (mode, note, label) in enumerate(REQUESTS, start=1):
            card = _card(page, SEND_BACK)
            card.locator("details.changes summary").click()
            card.locator("details.changes textarea").fill(note)
            card.locator("details.changes select").select_option(mode)
            started = time.perf_counter()
            card.locator("details.changes").get_by_role("button", name="Request changes").click()
            sent = _card(page, SEND_BACK)
            expect(sent.locator(".badge.review-changes_requested")).to_have_text("Changes requested")
            figures[f"{mode}: click → run launched (card updated), s"] = round(
                time.perf_counter() - started, 2
            )
            expect(sent.locator(".decision")).to_contain_text(label)
            run_id = _creative(desk, SEND_BACK)["decision"]["run_id"]
            expect(sent.locator(".decision a")).to_have_attribute("href", f"{desk.dagster_url}/runs/{run_id}")
            with desk.instance() as instance:
                run = instance.get_run_by_id(run_id)
            assert run is not None and run.job_name == "regenerate_creatives"
            assert run.tags["dagster/partition"] == f"{JOB}|D"
            assert (run.tags[CHANGE_REQUEST_TAG], run.tags[CHANGE_MODE_TAG]) == (SEND_BACK, mode)
            assert run.run_config["ops"]["image_chains"]["config"] == {
                "image_types": ["job_focus"],
                "mode": PIPELINE_MODE[mode],
                "round": round_no,
            }
            shots.take_card(_card(page, SEND_BACK), f"changes_requested_{mode}")

            # The page follows the run and shows the new image when it is stored.
            new_image = _card(page, SEND_BACK).locator(".frame img")
            expect(new_image).to_have_attribute(
                "src", re.compile(rf"run={run_id}"), timeout=RUN_TIMEOUT_S * 1000
            )
            figures[f"{mode}: click → new image on the page, s"] = round(time.perf_counter() - started, 2)
            assert _wait_for_run(desk, run_id) == "SUCCESS"
            now = {cid: _creative(desk, cid) for cid in [SEND_BACK, *siblings]}
            assert now[SEND_BACK]["sha256"] not in seen, f"{mode}: the image came back unchanged"
            seen.append(now[SEND_BACK]["sha256"])
            for sibling in siblings:  # byte-identical (same SHA-256), made by the same run
                assert now[sibling]["sha256"] == before[sibling], sibling
                assert now[sibling]["run_id"] == run_id
            assert now[siblings[0]]["review"] == "approved"  # its decision stands on the same image
            back = _card(page, SEND_BACK)
            expect(back.locator(".badge.review-needs_review")).to_have_text("Needs review")
            expect(back.locator(".decision")).to_contain_text("Changes requested by Rita Reviewer")
            expect(back.locator(".decision .earlier")).to_have_text("on an earlier image")
            expect(back.locator(".decision img")).to_be_visible()  # the image it was made on
            history = now[SEND_BACK]["history"]
            assert [d["action"] for d in history] == ["changes_requested"] * round_no
            assert not any(d["on_current_image"] for d in history)
            assert history[-1]["sha256"] == before[SEND_BACK]
            shots.take_card(_card(page, SEND_BACK), f"new_version_{mode}")

        # One creative on its own page: every rendition, its copy and its decisions.
        page.goto(f"{desk.desk_url}/campaigns/{JOB}/creatives/{SEND_BACK}")
        expect(page.get_by_role("heading", name="Every rendition (1)")).to_be_visible()
        expect(page.locator(".history-full li")).to_have_count(len(REQUESTS))
        expect(page.locator(".history-full")).to_contain_text("on an earlier image")
        shots.take(page, "creative", full_page=True)

        # Approve all that passed, in one go.
        page.goto(f"{desk.desk_url}/campaigns/{JOB}?filter=needs_review")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name=re.compile("^Approve all that passed")).click()
        expect(page.locator("#flashes")).to_contain_text(re.compile(r"approved \d+ creatives"))
        listed = _creatives(desk)
        passed = [c for c in listed if c["gate_outcome"] in ("passed", "passed_with_warnings")]
        assert all(c["review"] != "needs_review" for c in passed)
        shots.take(page, "after_bulk_approval")
    except Exception:
        shots.take(page, "failure", full_page=True)
        with capsys.disabled():
            print((desk.logs / "desk.log").read_text()[-3000:])
        raise
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default, for the tests after this one
        with capsys.disabled():
            print("\ndesk figures: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


def _creatives(desk: DeskSession) -> list[dict]:
    with desk.client() as client:
        return client.get(f"/api/v1/campaigns/{JOB}/creatives").json()["items"]


def _creative(desk: DeskSession, creative_id: str) -> dict:
    with desk.client() as client:
        return client.get(f"/api/v1/creatives/{creative_id}").json()


def _approved(desk: DeskSession) -> list[str]:
    """What ships in "approved only": what a reviewer approved, a creative that failed its gates
    and was approved with the override included."""
    return [c["creative_id"] for c in _creatives(desk) if c["review"] == "approved"]


def _wait_for_run(desk: DeskSession, run_id: str) -> str:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    with desk.client() as client:
        while time.monotonic() < deadline:
            status = client.get(f"/api/v1/runs/{run_id}").json()["status"]
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                return status
            time.sleep(2)
    return "TIMEOUT"
