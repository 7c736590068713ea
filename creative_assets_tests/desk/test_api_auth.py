"""Who may do what, over HTTP against the running desk: nobody reads or writes anonymously, a
viewer reads but cannot decide, a browser session needs its CSRF token to write, a wrong token
or an unconfigured proxy header is refused, and every refusal is coded JSON. Decisions here are
made on variant B and on the campaign's failed creative (the page test decides on C and D)."""

from __future__ import annotations

import re

import dagster as dg

from creative_assets.approvals import FINAL_CREATIVES, decision_history, latest_decisions
from creative_assets_tests.desk.conftest import JOB, REVIEWER, VIEWER, DeskSession

CREATIVE = f"{JOB}-B-job_focus"


def _observations(desk: DeskSession) -> int:
    with desk.instance() as instance:
        return len(
            instance.fetch_observations(dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES), limit=1000).records
        )


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]["message"]


def test_nothing_is_read_or_written_anonymously(desk: DeskSession) -> None:
    before = _observations(desk)
    with desk.client(token=None) as anonymous:
        response = anonymous.get("/api/v1/campaigns")
        _error(response, 401, "not_signed_in")
        assert response.headers["www-authenticate"] == "Bearer"
        _error(anonymous.post(f"/api/v1/creatives/{CREATIVE}/approve", json={}), 401, "not_signed_in")
        _error(anonymous.post("/api/v1/campaigns", json={"job_id": JOB}), 401, "not_signed_in")
        # a proxy's identity header counts only when the desk is configured to trust one
        trusted = anonymous.post(
            f"/api/v1/creatives/{CREATIVE}/approve", json={}, headers={"X-Forwarded-User": "rita"}
        )
        _error(trusted, 401, "not_signed_in")
    assert _observations(desk) == before


def test_a_viewer_reads_but_cannot_decide(desk: DeskSession) -> None:
    before = _observations(desk)
    with desk.client(VIEWER["token"]) as viewer:
        me = viewer.get("/api/v1/me").json()
        assert (me["name"], me["role"], me["via"]) == ("victor", "viewer", "token")
        listed = viewer.get(f"/api/v1/campaigns/{JOB}/creatives").json()
        assert listed["counts"]["creatives"] == 20
        message = _error(viewer.post(f"/api/v1/creatives/{CREATIVE}/approve", json={}), 403, "forbidden")
        assert "reviewer" in message
        _error(viewer.post(f"/api/v1/creatives/{CREATIVE}/reject", json={"note": "no"}), 403, "forbidden")
        _error(viewer.post(f"/api/v1/campaigns/{JOB}/approve-passed", json={}), 403, "forbidden")
    assert _observations(desk) == before


def test_a_wrong_token_is_refused_not_ignored(desk: DeskSession) -> None:
    with desk.client("cad_not_a_configured_token") as stranger:
        _error(stranger.get("/api/v1/campaigns"), 401, "invalid_credentials")


def test_a_browser_session_writes_only_with_its_csrf_token(desk: DeskSession) -> None:
    before = _observations(desk)
    with desk.client(token=None) as browser:
        login_page = browser.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)  # type: ignore[union-attr]
        wrong = browser.post(
            "/login", data={"username": REVIEWER["name"], "password": "guess", "csrf_token": csrf}
        )
        assert wrong.status_code == 401 and "do not match" in wrong.text
        assert browser.get("/api/v1/me").status_code == 401
        signed_in = browser.post(
            "/login",
            data={
                "username": REVIEWER["name"],
                "password": REVIEWER["password"],
                "csrf_token": csrf,
                "next": "/",
            },
        )
        assert signed_in.status_code == 303
        assert browser.get("/api/v1/me").json()["via"] == "session"
        refused = browser.post(f"/api/v1/creatives/{CREATIVE}/reject", json={"note": "forged"})
        _error(refused, 403, "csrf_failed")
        assert _observations(desk) == before
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', browser.get("/").text).group(1)  # type: ignore[union-attr]
        accepted = browser.post(
            f"/api/v1/creatives/{CREATIVE}/reject",
            json={"note": "logo too small"},
            headers={"X-CSRF-Token": token},
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["decision"]["by"] == "Rita Reviewer"
    assert _observations(desk) == before + 1


def test_a_reviewer_token_decides_and_the_event_is_the_clis(desk: DeskSession) -> None:
    with desk.client() as reviewer:
        response = reviewer.post(f"/api/v1/creatives/{CREATIVE}/approve", json={"note": "good light"})
        assert response.status_code == 200, response.text
        shown = reviewer.get(f"/api/v1/creatives/{CREATIVE}").json()
    assert (shown["review"], shown["review_label"]) == ("approved", "Approved by reviewer")
    with desk.instance() as instance:
        decision = latest_decisions(instance, JOB)[CREATIVE]
    assert (decision.decision, decision.by, decision.note) == ("approved", "Rita Reviewer", "good light")
    assert decision.sha256 == shown["renditions"][0]["sha256"]


def test_approving_a_failed_creative_needs_an_explicit_override(desk: DeskSession) -> None:
    with desk.client() as reviewer:
        failed = reviewer.get(f"/api/v1/campaigns/{JOB}/creatives", params={"filter": "failed"}).json()[
            "items"
        ]
        assert failed, "the sample campaign has a creative that failed its gates"
        creative_id = failed[0]["creative_id"]
        before = _observations(desk)
        message = _error(
            reviewer.post(f"/api/v1/creatives/{creative_id}/approve", json={}), 409, "override_required"
        )
        assert "failed its quality gates" in message
        assert _observations(desk) == before
        bulk = reviewer.post(
            f"/api/v1/campaigns/{JOB}/approve-passed", json={"creative_ids": [creative_id]}
        ).json()
        assert bulk["approved"] == [] and "override" in bulk["skipped"][creative_id]
        response = reviewer.post(f"/api/v1/creatives/{creative_id}/approve", json={"override": True})
        assert response.status_code == 200, response.text
        assert response.json()["decision"]["override"] is True
    with desk.instance() as instance:
        newest = decision_history(instance, JOB)[creative_id][0]
    assert (newest.decision, newest.override) == ("approved", True)


def test_errors_carry_the_codes_the_command_line_prints(desk: DeskSession) -> None:
    with desk.client() as reviewer:
        _error(reviewer.post(f"/api/v1/creatives/{JOB}-F-job_focus/approve", json={}), 422, "unknown_variant")
        _error(reviewer.post(f"/api/v1/creatives/{JOB}-A-poster/approve", json={}), 422, "unknown_image_type")
        _error(
            reviewer.post("/api/v1/creatives/hoc-0000-none-A-job_focus/approve", json={}), 404, "unknown_job"
        )
        _error(
            reviewer.post(f"/api/v1/creatives/{CREATIVE}/reject", json={"note": "  "}), 422, "missing_note"
        )
        _error(
            reviewer.post(f"/api/v1/creatives/{CREATIVE}/request-changes", json={"note": ""}),
            422,
            "missing_note",
        )
        _error(
            reviewer.post(f"/api/v1/creatives/{CREATIVE}/approve", json={"overide": True}),
            422,
            "invalid_request",
        )
        _error(reviewer.get("/api/v1/campaigns/hoc-0000-none"), 404, "unknown_job")
        _error(reviewer.post("/api/v1/campaigns", json={"job_id": "hoc|4711"}), 422, "invalid_job_id")
        unknown = _error(
            reviewer.post("/api/v1/campaigns", json={"job_id": "hoc-0000-none"}), 404, "unknown_job"
        )
        assert "hoc-0000-none" in unknown and "/" not in unknown  # no server folder in a user's error
        no_campaign = reviewer.post("/api/v1/creatives/hoc-0000-none-A-job_focus/approve", json={})
        assert "Start on the review desk" in _error(no_campaign, 404, "unknown_job")  # not only the CLI's way


def test_starting_a_campaign_is_idempotent_per_job_version(desk: DeskSession) -> None:
    """The sample job's current version was made by the command line: starting it again from the
    desk launches nothing and says so."""
    with desk.instance() as instance:
        runs_before = len(instance.get_run_records())
    with desk.client() as reviewer:
        for _ in range(2):
            response = reviewer.post("/api/v1/campaigns", json={"job_id": JOB})
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["started"] is False and body["run_id"]
            assert "has a campaign already" in body["message"]
    with desk.instance() as instance:
        assert len(instance.get_run_records()) == runs_before
