"""Every run's worker process loads the definitions before its first step: what they import is
paid again by each run. A client's SDK is imported only when its capability is chosen real,
and pandas only where the roll-up builds its tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WATCHED = (
    "openai",
    "pandas",
    "creative_assets.providers.openai_client",
    "creative_assets.providers.bfl",
    "creative_assets.providers.hoc",
    "creative_assets.providers.perplexity",
    "creative_assets.providers.firecrawl",
)
LOAD = f"""
import json, sys
from creative_assets.definitions import defs
defs()
print(json.dumps([m for m in {WATCHED!r} if m in sys.modules]))
"""


def load_in_a_fresh_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A process that loads the definitions, as a run's worker does, and prints which of the
    watched modules it then holds."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CREATIVE_ASSETS_", "OPENAI_"))}
    environ |= {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DAGSTER_HOME": str(tmp_path),
        "CREATIVE_ASSETS_STORAGE_URL": str(tmp_path / "storage"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", LOAD], env=environ, cwd=REPO, capture_output=True, text=True
    )


def loaded_by_the_definitions(tmp_path: Path, **env: str) -> list[str]:
    proc = load_in_a_fresh_process(tmp_path, **env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_zero_key_default_imports_no_client_sdk_and_no_pandas(tmp_path: Path) -> None:
    assert loaded_by_the_definitions(tmp_path) == []


def test_a_capability_chosen_real_imports_its_client_only(tmp_path: Path) -> None:
    loaded = loaded_by_the_definitions(
        tmp_path, CREATIVE_ASSETS_PROVIDERS="text=openai", OPENAI_API_KEY="sk-test"
    )
    assert loaded == ["openai", "creative_assets.providers.openai_client"]


def test_a_real_provider_without_its_key_still_fails_when_the_definitions_load(tmp_path: Path) -> None:
    proc = load_in_a_fresh_process(tmp_path, CREATIVE_ASSETS_PROVIDERS="edit=openai")
    assert proc.returncode != 0
    assert "[missing_key] OPENAI_API_KEY is not set but edit=openai was chosen" in proc.stderr
