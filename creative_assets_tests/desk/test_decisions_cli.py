"""The command line writes the same decisions as the desk: approving a creative that failed its
gates needs `--override` there too, and the desk shows a decision made on the command line. Uses
the campaign's failed creative and variant E (the other modules decide on A–D)."""

from __future__ import annotations

import pytest

from creative_assets import cli
from creative_assets.approvals import decision_history
from creative_assets_tests.desk.conftest import JOB, DeskSession


@pytest.fixture
def cli_env(desk: DeskSession, monkeypatch: pytest.MonkeyPatch) -> DeskSession:
    for name in ("DAGSTER_HOME", "CREATIVE_ASSETS_STORAGE_URL", "CREATIVE_ASSETS_FORMATS"):
        monkeypatch.setenv(name, desk.env[name])
    for name in ("CREATIVE_ASSETS_PROVIDERS", "CREATIVE_ASSETS_STATE_URL", "CREATIVE_ASSETS_JOBS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return desk


def test_the_command_line_needs_an_override_for_a_failed_creative(
    cli_env: DeskSession, capsys: pytest.CaptureFixture[str]
) -> None:
    with cli_env.client() as client:
        failed = client.get(f"/api/v1/campaigns/{JOB}/creatives", params={"filter": "failed"}).json()["items"]
    creative_id = failed[0]["creative_id"]
    with cli_env.instance() as instance:
        before = len(decision_history(instance, JOB).get(creative_id, []))

    assert cli.main(["approve", creative_id, "--by", "Cleo"]) == 2
    assert "[override_required]" in capsys.readouterr().err
    with cli_env.instance() as instance:
        assert len(decision_history(instance, JOB).get(creative_id, [])) == before

    assert cli.main(["approve", creative_id, "--by", "Cleo", "--override"]) == 0
    assert "override: it failed its gates" in capsys.readouterr().out
    with cli_env.client() as client:
        shown = client.get(f"/api/v1/creatives/{creative_id}").json()
    assert shown["review"] == "approved"
    assert (shown["decision"]["by"], shown["decision"]["override"]) == ("Cleo", True)


def test_a_decision_made_on_the_command_line_shows_in_the_desk(
    cli_env: DeskSession, capsys: pytest.CaptureFixture[str]
) -> None:
    creative_id = f"{JOB}-E-location"
    assert cli.main(["reject", creative_id, "--by", "Dana", "--note", "skyline is too dark"]) == 0
    with cli_env.client() as client:
        shown = client.get(f"/api/v1/creatives/{creative_id}").json()
    assert (shown["review"], shown["review_label"]) == ("rejected", "Rejected by reviewer")
    assert (shown["decision"]["by"], shown["decision"]["note"]) == ("Dana", "skyline is too dark")
    assert shown["decision"]["on_current_image"] is True
