"""The UI as a user sees it: `dagster-webserver` on loopback against a temporary instance, driven by
headless Chromium through Playwright.

The click path is the README's: on the asset graph of job `campaign_text`, **Materialize all…** →
pick partition `hoc-4711-pflege` → **Launch 1 run** → the toast's **View** → *Success* on the run
page once the run has ended (the test waits for that off the page); the same on `campaign_variant`
for `hoc-4711-pflege|A` (one variant keeps it short). Then `final_creatives` for that partition
must show its preview thumbnails (data-URI images in the `preview` markdown), its copy and calls,
and its upstream lineage.

Chromium is Debian's (`.ci/run` installs it; Playwright cannot download browsers here), so a missing
/usr/bin/chromium is a failure, not a skip. Screenshots go to the test's tmp dir, which the test
prints; set CREATIVE_ASSETS_UI_SCREENSHOTS=1 to also copy them to creative_assets_tests/ui/screenshots/.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from creative_assets.campaign import ensure_job_partition
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.desk.servers import INSTANCE_YAML, free_port, start_server, stop_server
from creative_assets_tests.support.chromium import SCREENSHOTS_VAR, chromium
from creative_assets_tests.support.sample_campaign import clean_env

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
JOB = "hoc-4711-pflege"
VARIANT = "A"
# A variant run (images, OCR, gates) takes 1–2 minutes on two busy cores; the limit is generous
# so that load does not fail the test, and the timings it logs show where the time went.
RUN_TIMEOUT_MS = 300_000
UI_TIMEOUT_MS = 60_000
EMPTY_PICKER = "Select a partition or create one"


@dataclass
class Evidence:
    """Screenshots and step timings of one test, kept together so a failure reports both."""

    folder: Path
    timings: list[tuple[str, float]] = field(default_factory=list)

    def shot(self, page: Page, name: str) -> Path:
        path = self.folder / f"{len(list(self.folder.glob('*.png'))) + 1:02d}_{name}.png"
        page.screenshot(path=path)
        return path

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((step, round(time.perf_counter() - started, 1)))
            log.info("%s: %.1f s", step, self.timings[-1][1])

    def summary(self) -> str:
        return ", ".join(f"{step} {seconds} s" for step, seconds in self.timings)


@dataclass(frozen=True)
class Webserver:
    url: str
    home: Path
    log_file: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Evidence]:
    found = Evidence(tmp_path / "screenshots")
    found.folder.mkdir()
    try:
        yield found
    finally:
        copies = ""
        if os.environ.get(SCREENSHOTS_VAR):
            target = Path(__file__).parent / "screenshots"
            shutil.copytree(found.folder, target, dirs_exist_ok=True)
            copies = f" (copied to {target})"
        with capsys.disabled():
            print(f"\nUI screenshots: {found.folder}{copies}\nUI timings: {found.summary()}")


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium(["--no-proxy-server"]) as launched:
        yield launched


@pytest.fixture
def webserver(tmp_path: Path, evidence: Evidence) -> Iterator[Webserver]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML)
    # A dynamic partition exists only once added; the UI's partition picker lists what is there.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        ensure_job_partition(instance, LocalJobSource(), JOB)
    server = Webserver(f"http://127.0.0.1:{free_port()}", home, tmp_path / "webserver.log")
    port = server.url.rsplit(":", 1)[1]
    command = [str(Path(sys.executable).with_name("dagster-webserver")), "-h", "127.0.0.1", "-p", port]
    with evidence.timed("webserver start"):
        proc = start_server(
            [*command, "-w", "workspace.yaml"],
            # The zero-key local default in the tests' one format (four would quadruple the
            # variant run's rendering and gates; the page checks what one format shows as well).
            env=clean_env(home),
            cwd=REPO,
            log=server.log_file,
            ready_url=f"{server.url}/server_info",
        )
    try:
        yield server
    finally:
        stop_server(proc)


def _pick_partition(page: Page, dialog: Locator, key: str, dimension: str | None = None) -> None:
    """Choose `key` in the launch dialog's partition picker (the one of `dimension` when the asset
    is multi-partitioned: the innermost block holding the dimension's label and an empty picker)."""
    scope = dialog
    if dimension:
        scope = (
            dialog.locator("div")
            .filter(has=page.get_by_text(dimension, exact=True))
            .filter(has=page.get_by_text(EMPTY_PICKER))
            .last
        )
    scope.get_by_text(EMPTY_PICKER).click()
    # Menu items are named "<key> <key>" (label and title).
    page.get_by_role("menuitem", name=re.compile(rf"^{re.escape(key)}( {re.escape(key)})?$")).click()
    dialog.get_by_text("Launch runs to materialize").click()  # closes the picker's popover
    expect(page.get_by_role("menu")).to_have_count(0)


def _materialize_from_job_graph(
    page: Page, server: Webserver, evidence: Evidence, job: str, picks: list[tuple[str | None, str]]
) -> str:
    """Materialize all assets of `job`'s asset graph for one partition; return the run's id."""
    page.goto(f"{server.url}/locations/creative_assets/jobs/{job}")
    expect(page.get_by_role("checkbox", name="View as Asset Graph")).to_be_checked()
    expect(page.get_by_text("(fetching statuses)")).to_have_count(0)
    evidence.shot(page, f"{job}_asset_graph")
    page.get_by_role("button", name="Materialize all").click()
    dialog = page.get_by_role("dialog").filter(has_text="Launch runs to materialize")
    for dimension, key in picks:
        _pick_partition(page, dialog, key, dimension)
    expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
    evidence.shot(page, f"{job}_launch_dialog")
    dialog.get_by_role("button", name="Launch 1 run").click()
    page.get_by_role("link", name="View", exact=True).click()  # in the "Launched run …" toast
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]{36}"))
    return page.url.split("/runs/", 1)[1].split("?", 1)[0]


def _step_errors(server: Webserver, run_id: str) -> str:
    with dg.DagsterInstance.from_config(str(server.home)) as instance:
        failures = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    return "\n".join(
        f"{e.step_key}: {e.dagster_event.step_failure_data.error.message.strip()}"  # type: ignore[union-attr]
        for e in failures
        if e.dagster_event and e.dagster_event.step_failure_data and e.dagster_event.step_failure_data.error
    )


def _wait_for_run_end(server: Webserver, run_id: str) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    with dg.DagsterInstance.from_config(str(server.home)) as instance:
        while not (run := instance.get_run_by_id(run_id)) or not run.is_finished:
            if time.monotonic() > deadline:
                pytest.fail(f"run {run_id} did not end in {RUN_TIMEOUT_MS / 1000} s")
            time.sleep(1)


def _wait_for_success(page: Page, server: Webserver, evidence: Evidence, job: str, run_id: str) -> None:
    """Wait off the run page while the run runs, then open it and read its status tag: a page
    left open streams every event of the run into the browser and the webserver, which took
    their CPU from the run on two cores. The status shown is still the UI's, so a run the UI
    launched but did not finish, or shows as failed, fails here as before."""
    evidence.shot(page, f"{job}_run_started")
    page.goto("about:blank")
    _wait_for_run_end(server, run_id)
    page.goto(f"{server.url}/runs/{run_id}")
    status = page.get_by_text(re.compile(r"^(Success|Failure|Canceled)$")).first
    status.wait_for(timeout=UI_TIMEOUT_MS)
    shot = evidence.shot(page, f"{job}_run")
    outcome = status.inner_text()
    if outcome != "Success":
        pytest.fail(f"{job} run {run_id} ended {outcome} (see {shot}):\n{_step_errors(server, run_id)}")


def _metadata_row(page: Page, key: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=key, exact=True))


def test_materialize_a_partition_from_the_ui_and_see_its_creatives(
    browser: Browser, webserver: Webserver, evidence: Evidence
) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(UI_TIMEOUT_MS)
    # Assertions wait as long as actions: the code location may still be loading on two busy
    # cores when the first page asks for its asset graph (Playwright's own default is 5 s).
    expect.set_options(timeout=UI_TIMEOUT_MS)
    variant_partition = f"{JOB}|{VARIANT}"
    try:
        for job, picks, label in [
            ("campaign_text", [(None, JOB)], f"text run {JOB}"),
            ("campaign_variant", [("job", JOB), ("variant", VARIANT)], f"variant run {variant_partition}"),
        ]:
            with evidence.timed(label):
                run_id = _materialize_from_job_graph(page, webserver, evidence, job, picks)
                _wait_for_success(page, webserver, evidence, job, run_id)

        with evidence.timed("final_creatives page"):
            page.goto(
                f"{webserver.url}/assets/final_creatives?view=partitions&partition={quote(variant_partition)}"
            )
            expect(page.get_by_text("Materialized", exact=True)).to_be_visible()
            for key in ("headline", "cta", "calls", "provider_calls"):
                expect(_metadata_row(page, key)).to_be_visible()
            evidence.shot(page, "final_creatives_metadata")

            _metadata_row(page, "preview").get_by_text("[Show Markdown]").click()
            preview = page.get_by_role("dialog").filter(has_text="preview")
            thumbnails = preview.locator('img[src^="data:image/jpeg"]')
            expect(thumbnails.first).to_be_visible()
            for i in range(thumbnails.count()):
                expect(thumbnails.nth(i)).to_be_visible()
                assert thumbnails.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), (
                    f"preview thumbnail {i} of final_creatives {variant_partition} did not decode"
                )
            evidence.shot(page, "final_creatives_preview")
            preview.get_by_role("button", name="Close").click()

            page.get_by_role("tab", name="Lineage").click()
            page.get_by_role("button", name="Upstream").click()
            page.get_by_role("button", name="All", exact=True).click()
            for upstream in ("text_overlays", "base_images", "layouts", "copy_variants"):
                expect(page.get_by_text(upstream, exact=True)).to_be_visible()
            for _ in range(2):  # the graph opens zoomed on final_creatives; show all of it
                page.get_by_role("button", name="zoom_out").click()
            page.wait_for_timeout(500)  # the zoom animates; let the screenshot catch its end
            evidence.shot(page, "final_creatives_lineage")
    except Exception:
        evidence.shot(page, "failure")
        log.error("dagster-webserver log tail:\n%s", webserver.log_tail())
        raise
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default, for the tests after this one
