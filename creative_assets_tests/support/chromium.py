"""Debian's Chromium under Playwright for the browser tests (Playwright cannot download browsers
here, so a missing /usr/bin/chromium is a failure, not a skip), and their screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS_VAR = "CREATIVE_ASSETS_UI_SCREENSHOTS"  # set: screenshots are also kept in the repo


@contextmanager
def chromium(args: list[str]) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium and Playwright cannot "
            "download one here. Install it with `apt-get install -y chromium` (.ci/run does)."
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            yield launched
        finally:
            launched.close()


class Shots:
    """Numbered screenshots in one folder, in the order they were taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()

    def take(self, page: Page, name: str, *, full_page: bool = False) -> Path:
        path = self._next(name)
        page.screenshot(path=path, full_page=full_page)
        return path

    def take_card(self, card: Locator, name: str) -> None:
        card.evaluate("el => el.scrollIntoView({block: 'center'})")  # clear of the sticky top bar
        card.screenshot(path=self._next(name))

    def _next(self, name: str) -> Path:
        return self.folder / f"{len(list(self.folder.iterdir())) + 1:02d}_{name}.png"
