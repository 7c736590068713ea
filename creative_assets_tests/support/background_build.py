"""Runs one shared build's command in the background for a pytest worker (see
shared_state.start_building): the command's output goes to its log, then the runner leaves
`<name>.done`, or `<name>.failed` with the end of the log, for every worker to see. If the worker
that started it dies, the runner stops the command: nobody would wait for it any more.

    python -m creative_assets_tests.support.background_build <spec.json>
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text())
    parent, deadline = spec["parent_pid"], time.monotonic() + spec["timeout_s"]
    with open(spec["log"], "wb") as out:
        command = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], stdout=out, stderr=out)
        while True:
            try:
                status: int | str = command.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                if os.getppid() != parent or time.monotonic() > deadline:
                    command.kill()
                    command.wait()
                    status = "killed: its pytest worker died" if os.getppid() != parent else "timed out"
                    break
    if status == 0:
        Path(spec["done"]).touch()
        return 0
    tail = Path(spec["log"]).read_text(errors="replace")[-3000:]
    Path(spec["failed"]).write_text(f"{spec['what']} failed ({status}):\n{tail}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
