"""Where the suite's CPU goes, per test file: a pytest plugin for measuring (docs/testing.md).

    pytest -p creative_assets_tests.support.cpu_per_file -n 2 --dist loadfile ...

Each process (the xdist workers or a lone pytest) adds up, per file, the wall time and the CPU
time of its own and of the children it reaped while that file's tests ran (setup, call and
teardown, module fixtures included). Children still running when a file ends (a background
build, a server a session fixture keeps) are counted where they are reaped. Each process writes
its lines to `CPU_PER_FILE_DIR` (default: the current folder) as cpu_per_file.<worker>.json;
`python -m creative_assets_tests.support.cpu_per_file <dir>` prints the files, most CPU first.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

_totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))


def _cpu() -> tuple[float, float]:
    """(own, reaped children) CPU seconds, user + system."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    (own, children), wall = _cpu(), time.monotonic()
    yield
    (own_after, children_after), path = _cpu(), item.nodeid.split("::")[0]
    line = _totals[path]
    line["own_s"] += own_after - own
    line["children_s"] += children_after - children
    line["wall_s"] += time.monotonic() - wall
    line["tests"] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _totals:
        return
    folder = Path(os.environ.get("CPU_PER_FILE_DIR", "."))
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    own, children = _cpu()
    out = {"files": _totals, "process": {"own_s": own, "children_s": children, "load": os.getloadavg()}}
    (folder / f"cpu_per_file.{worker}.json").write_text(json.dumps(out, indent=1))


def main(folder: str) -> None:
    files: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for part in sorted(Path(folder).glob("cpu_per_file.*.json")):
        data = json.loads(part.read_text())
        for path, line in data["files"].items():
            for key, value in line.items():
                files[path][key] += value
        process = data["process"]
        print(f"{part.name}: own {process['own_s']:.0f} s, children {process['children_s']:.0f} s")
    print(f"{'cpu_s':>7} {'own_s':>7} {'child_s':>7} {'wall_s':>7} {'tests':>5}  file")
    for path, line in sorted(files.items(), key=lambda kv: -(kv[1]["own_s"] + kv[1]["children_s"])):
        cpu = line["own_s"] + line["children_s"]
        print(
            f"{cpu:7.1f} {line['own_s']:7.1f} {line['children_s']:7.1f} {line['wall_s']:7.1f} "
            f"{line['tests']:5.0f}  {path}"
        )
    total = sum(line["own_s"] + line["children_s"] for line in files.values())
    print(f"{total:7.1f} total over {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
