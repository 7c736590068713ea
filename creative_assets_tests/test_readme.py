"""The README stays a short page for users, and what it and the docs point to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC_PAGES = sorted([README, *(ROOT / "docs").glob("*.md"), *(ROOT / "benchmarks" / "results").glob("*.md")])

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
MAKE_CALL = re.compile(r"(?:^|[\s;&|(])make[ \t]+([A-Za-z_][\w.-]*)\b(?!=)", re.M)
TARGET = re.compile(r"^([A-Za-z_][\w.-]*)\s*:(?!=)", re.M)


def relative_links(page: Path) -> list[str]:
    """Link targets that name a file of this repository: no URL, no in-page anchor."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))  # a link in a code block is not one
    targets = [a or b for a, b in LINK.findall(text)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]


def code_of(text: str) -> str:
    """Fenced blocks and inline code: where a command is written, not prose ("make sure")."""
    return "\n".join([*FENCE.findall(text), *INLINE_CODE.findall(text)])


def test_the_readme_is_a_short_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 260, f"README.md has {len(lines)} lines; move detail to docs/"


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    missing = [
        target
        for target in relative_links(page)
        if not (page.parent / target.split("#", 1)[0]).resolve().exists()
    ]
    assert not missing, f"{page.relative_to(ROOT)} links to files that do not exist: {missing}"


def test_every_make_target_in_the_readme_exists() -> None:
    named = set(MAKE_CALL.findall(code_of(README.read_text(encoding="utf-8"))))
    defined = set(TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    assert {"run", "test"} <= named, "the README names its two commands"
    assert named <= defined, f"README names make targets the Makefile lacks: {sorted(named - defined)}"


def test_the_make_check_reads_commands_not_variables() -> None:
    text = (
        "`make run JOB=x` and `make`\n"
        "```\nCREATIVE_ASSETS_FORMATS=1:1 make test\nmake bench BENCH_ARGS=1\n```"
    )
    assert set(MAKE_CALL.findall(code_of(text))) == {"run", "test", "bench"}


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](page.md) [gone](nowhere.md#x) [web](https://x.org) [here](#a)\n```\n[no](code.md)\n```\n"
    )
    assert relative_links(page) == ["page.md", "nowhere.md#x"]
