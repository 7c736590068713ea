"""Measure the desk as a reviewer meets it, on a campaign made before (not a test; prints figures):

    CREATIVE_ASSETS_FORMATS= DAGSTER_HOME=/tmp/home4f CREATIVE_ASSETS_STORAGE_URL=/tmp/home4f/storage \\
        .venv/bin/creative-assets campaign hoc-4711-pflege          # 20 creatives × 4 formats
    .venv/bin/python -m creative_assets_tests.desk.measure --home /tmp/home4f [--rounds 3]

It starts the desk on that instance (a copy of the environment with DAGSTER_HOME and the storage
pointed at it), signs in with Chromium and loads the campaign page `rounds` times: the first load
makes the 20 grid images (cold), later loads find them cached (warm). "Loaded" is the browser's
load event, which waits for every image on the page. Then it opens every creative's own page,
which shows all of its renditions, so every rendition of the campaign has been seen once.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from creative_assets_tests.desk.servers import free_port, start_server, stop_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, required=True, help="a DAGSTER_HOME with a finished campaign")
    parser.add_argument("--job", default="hoc-4711-pflege")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    home = args.home.resolve()
    url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CREATIVE_ASSETS_", "DAGSTER_"))}
    env |= {
        "DAGSTER_HOME": str(home),
        "CREATIVE_ASSETS_STORAGE_URL": str(home / "storage"),
        "CREATIVE_ASSETS_DESK_PORT": url.rsplit(":", 1)[1],
    }
    log = home / "measure_desk.log"
    server = start_server(
        [sys.executable, "-m", "creative_assets.desk", "serve"],
        env=env,
        cwd=REPO,
        log=log,
        ready_url=f"{url}/healthz",
    )
    try:
        password = re.search(r"password '([^']+)'", log.read_text()).group(1)  # type: ignore[union-attr]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(300_000)
            page.goto(f"{url}/login")
            page.get_by_label("Name").fill("reviewer")
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{url}/")
            loads = []
            for _ in range(args.rounds):
                page.goto("about:blank")
                started = time.perf_counter()
                page.goto(f"{url}/campaigns/{args.job}?filter=all", wait_until="load")
                loads.append(time.perf_counter() - started)
                cards = page.locator("article.card").count()
                chips = page.locator(".renditions .chip").count()
            print(f"campaign page: {cards} creatives, {chips} rendition chips")
            print(
                f"  load (HTML + all grid images): cold {loads[0]:.2f} s, warm "
                + ", ".join(f"{t:.2f}" for t in loads[1:])
                + " s"
            )
            ids = page.eval_on_selector_all("article.card", "cards => cards.map(c => c.dataset.creative)")
            pages = []
            renditions = 0
            for creative_id in ids:
                started = time.perf_counter()
                page.goto(f"{url}/campaigns/{args.job}/creatives/{creative_id}", wait_until="load")
                pages.append(time.perf_counter() - started)
                renditions += page.locator("figure.rendition").count()
            print(
                f"creative pages: {len(ids)} pages, {renditions} renditions at 640 px; per page median "
                f"{statistics.median(pages):.2f} s, max {max(pages):.2f} s, all {sum(pages):.1f} s"
            )
            browser.close()
    finally:
        stop_server(server)
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
