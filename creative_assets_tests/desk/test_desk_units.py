"""The desk's parts that need no server: its words, the choice between a new attempt and a new
picture, its settings, and who the Authenticator says is asking (sessions, tokens, the trusted
proxy's header, the zero-key default's local reviewer)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from starlette.requests import Request

from creative_assets.desk.__main__ import _banner
from creative_assets.desk.auth import Authenticator, hash_password, token_digest
from creative_assets.desk.dagster_client import mode_for_note
from creative_assets.desk.settings import DeskSettings, UserConfig
from creative_assets.desk.verdicts import GATE_OUTCOME_LABEL, REVIEW_LABEL, gate_outcome
from creative_assets.errors import CreativeAssetsError
from creative_assets.models.creatives import Status


def _settings(**fields: object) -> DeskSettings:
    """Settings from these fields only, whatever the environment of the test run says."""
    return DeskSettings.model_validate(fields)


def _request(headers: dict[str, str] | None = None, client: str = "127.0.0.1", session: dict | None = None):
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/creatives/x/approve",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": (client, 50000),
        "session": session if session is not None else {},
    }
    return Request(scope)


def test_gate_statuses_are_the_desks_words() -> None:
    """Only a person approves: the records say "passed" for a gate pass, and so does the desk;
    a record stored before the rename (`approved`) reads the same."""
    assert set(GATE_OUTCOME_LABEL) == set(get_args(Status))
    for status in get_args(Status):
        assert gate_outcome(status) == status
    assert gate_outcome("approved") == "passed"
    assert gate_outcome("approved_with_warnings") == "passed_with_warnings"
    with pytest.raises(ValueError, match="unknown_status"):
        gate_outcome("maybe")
    assert GATE_OUTCOME_LABEL["passed"] == "Passed"
    assert GATE_OUTCOME_LABEL["needs_review"] == "Made by a stand-in"
    assert REVIEW_LABEL["approved"] == "Approved by reviewer"
    assert "approved" not in " ".join(GATE_OUTCOME_LABEL.values()).lower()
    assert "approved" not in get_args(Status) and "approved_with_warnings" not in get_args(Status)


@pytest.mark.parametrize(
    ("note", "explicit", "mode"),
    [
        ("the headline is hard to read", None, "new_attempt"),
        ("Please a new picture: the room looks empty", None, "new_picture"),
        ("try a different photo", None, "new_picture"),
        ("Bitte ein anderes Bild, das Motiv passt nicht", None, "new_picture"),
        ("neues Foto bitte", None, "new_picture"),
        ("the picture is fine, fix the CTA", None, "new_attempt"),
        ("a new picture please", "new_attempt", "new_attempt"),
        ("the logo is too small", "new_picture", "new_picture"),
    ],
)
def test_a_note_asking_for_a_new_picture_gets_one(note: str, explicit: str | None, mode: str) -> None:
    assert mode_for_note(note, explicit) == mode  # type: ignore[arg-type]


def test_users_come_from_a_file_and_need_a_session_key(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps({"users": [{"name": "anna", "role": "reviewer", "password_hash": hash_password("pw")}]})
    )
    settings = _settings(users_file=users)
    assert [u.name for u in settings.all_users] == ["anna"] and not settings.embedded
    with pytest.raises(CreativeAssetsError) as exc:
        settings.check_production()
    assert exc.value.code == "invalid_setting" and "SECRET_KEY" in exc.value.message
    _settings(users_file=users, secret_key="k" * 32).check_production()
    with pytest.raises(ValueError, match="SHA-256"):
        UserConfig(name="bot", token_sha256=["cad_plain_token"])


def test_the_zero_key_default_makes_a_local_reviewer_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    settings = _settings()
    assert settings.embedded
    auth = Authenticator(settings)
    creds = auth.embedded
    assert creds is not None
    assert auth.check_password(creds.name, creds.password).role == "reviewer"
    who = auth.identify(_request({"Authorization": f"Bearer {creds.token}"}))
    assert who is not None and (who.role, who.via) == ("reviewer", "token")

    class App:
        state = type("State", (), {"auth": auth})

    _banner(settings, App)
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:3100" in printed
    assert creds.password in printed and creds.token in printed and "local reviewer" in printed


def test_who_is_asking() -> None:
    users = [
        UserConfig(name="anna", role="reviewer", password_hash=hash_password("secret")),
        UserConfig(name="otto", role="viewer", token_sha256=[token_digest("cad_otto")]),
    ]
    auth = Authenticator(_settings(users=users, secret_key="k" * 32))
    assert auth.embedded is None
    with pytest.raises(CreativeAssetsError) as exc:
        auth.check_password("anna", "wrong")
    assert exc.value.code == "invalid_credentials"
    with pytest.raises(CreativeAssetsError):
        auth.check_password("nobody", "secret")
    assert auth.identify(_request()) is None
    assert auth.identify(_request(session={"user": "anna", "csrf": "t"})).role == "reviewer"  # type: ignore[union-attr]
    assert auth.identify(_request(session={"user": "gone"})) is None  # a user taken off the list
    otto = auth.identify(_request({"Authorization": "Bearer cad_otto"}))
    assert otto is not None and otto.role == "viewer"
    with pytest.raises(CreativeAssetsError) as exc:
        auth.reviewer(_request({"Authorization": "Bearer cad_otto"}))
    assert exc.value.code == "forbidden"
    # a session write needs the session's CSRF token, in the form or the header
    session = {"user": "anna", "csrf": "token-1"}
    with pytest.raises(CreativeAssetsError) as exc:
        auth.reviewer(_request(session=session))
    assert exc.value.code == "csrf_failed"
    assert auth.reviewer(_request(session=session), form_token="token-1").name == "anna"
    assert auth.reviewer(_request({"X-CSRF-Token": "token-1"}, session=session)).name == "anna"
    # the identity header is ignored unless configured
    assert auth.identify(_request({"X-Forwarded-User": "anna"})) is None


def test_a_trusted_proxys_identity_header() -> None:
    users = [UserConfig(name="anna", role="reviewer")]
    auth = Authenticator(
        _settings(
            users=users,
            secret_key="k" * 32,
            proxy_user_header="X-Forwarded-User",
            trusted_proxies=["10.0.0.5"],
        )
    )
    anna = auth.identify(_request({"X-Forwarded-User": "anna"}, client="10.0.0.5"))
    assert anna is not None and (anna.role, anna.via) == ("reviewer", "proxy")
    guest = auth.identify(_request({"X-Forwarded-User": "gustav"}, client="10.0.0.5"))
    assert guest is not None and guest.role == "viewer"  # not on the list: the proxy role
    assert auth.identify(_request({"X-Forwarded-User": "anna"}, client="10.0.0.9")) is None  # not the proxy
    with pytest.raises(CreativeAssetsError) as exc:  # a browser behind the proxy still needs CSRF
        auth.reviewer(_request({"X-Forwarded-User": "anna"}, client="10.0.0.5", session={"csrf": "t"}))
    assert exc.value.code == "csrf_failed"


def test_a_run_of_a_jobs_five_variants_is_each_variants_run() -> None:
    """The chain sensor's one run for the five variant partitions (a partition range) is shown as
    the variants' run while it runs; a later run of one variant supersedes it for that variant."""
    import dagster as dg
    from dagster._core.test_utils import create_run_for_test

    from creative_assets.desk.campaigns import purpose, state_of
    from creative_assets.partitions import run_partitions, variants_run_tags

    job = "hoc-4711-pflege"
    tags = variants_run_tags(job)
    assert run_partitions(tags) == [f"{job}|{v}" for v in "ABCDE"]
    assert run_partitions({"dagster/partition": f"{job}|C"}) == [f"{job}|C"]
    with dg.instance_for_test() as instance:
        running = create_run_for_test(
            instance, job_name="campaign_variant", status=dg.DagsterRunStatus.STARTED, tags=tags
        )
        assert purpose(running) == "making the creatives of variant A–E"
        records = instance.get_run_records()
        assert state_of(None, records, creatives=0)[:2] == ("running", "making the creatives of variant A–E")  # type: ignore[arg-type]
        instance.delete_run(running.run_id)
        failed = create_run_for_test(
            instance, job_name="campaign_variant", status=dg.DagsterRunStatus.FAILURE, tags=tags
        )
        for variant in "ABCDE":  # each variant made again on its own, after the failed run
            create_run_for_test(
                instance,
                job_name="regenerate_images",
                status=dg.DagsterRunStatus.SUCCESS,
                tags={"dagster/partition": f"{job}|{variant}"},
            )
        assert failed.run_id in {r.dagster_run.run_id for r in instance.get_run_records()}
        assert state_of(None, instance.get_run_records(), creatives=20)[0] == "done"  # type: ignore[arg-type]


def test_the_two_zips_download_under_names_that_tell_them_apart() -> None:
    """Both selections are stored as `<job>_creatives.zip`; saved under that one name, the ZIP of
    what was approved and the ZIP of all that passed could not be told apart in a Downloads folder."""
    from types import SimpleNamespace

    import dagster as dg
    from dagster._core.test_utils import create_run_for_test

    from creative_assets.desk.bundles import download_name

    job = "hoc-4711-pflege"
    with dg.instance_for_test() as instance:
        approved, passed = (
            create_run_for_test(
                instance,
                job_name="campaign_rollup",
                run_config={"ops": {"export_bundle": {"config": {"only_reviewed": only}}}},
            )
            for only in (True, False)
        )
        desk = SimpleNamespace(instance=instance)
        assert download_name(desk, job, approved.run_id) == f"{job}_approved_only_{approved.run_id[:8]}.zip"  # type: ignore[arg-type]
        assert download_name(desk, job, passed.run_id) == f"{job}_passed_{passed.run_id[:8]}.zip"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example"]
)
def test_a_next_address_never_leaves_the_desk(target: str) -> None:
    """Browsers read a backslash as a slash and drop tabs and newlines, so `/\\host` is `//host`."""
    from creative_assets.desk.rendering import local

    assert local(target) == "/"
    assert local("/campaigns/hoc-4711-pflege?filter=all") == "/campaigns/hoc-4711-pflege?filter=all"


def test_the_tally_says_how_many_passed_with_warnings() -> None:
    """The contact sheet and the command line count the creatives that passed with warnings
    apart ("18 passed · 2 warnings", "20 passed their gates (2 with warnings)"); the desk's
    "20 passed" alone did not add up with them."""
    from types import SimpleNamespace

    from creative_assets.desk.rendering import templates
    from creative_assets.desk.views import counts_of

    outcomes = ["passed"] * 17 + ["passed_with_warnings"] * 2 + ["failed"]
    views = [SimpleNamespace(gate_outcome=o, review="needs_review", made_by_fallback=None) for o in outcomes]
    counts = counts_of(views)  # type: ignore[arg-type]
    assert (counts.passed, counts.with_warnings, counts.failed) == (19, 2, 1)
    tally = templates.env.get_template("_state.html").module.tally  # type: ignore[attr-defined]
    text = " ".join(str(tally(counts)).split())
    assert "19 passed (2 with warnings)" in text


def test_approving_in_bulk_says_why_some_were_skipped() -> None:
    """The flash said "approved 16 creatives; 4 skipped", which read like a failure when the four
    were decided already."""
    from creative_assets.desk.pages import bulk_message
    from creative_assets.desk.schemas import BulkResult

    result = BulkResult(
        approved=["a", "b"],
        skipped={
            "c": "already decided: approved by reviewer",
            "d": "already decided: rejected by reviewer",
            "e": "failed its gates: approve it on its own, with an override",
        },
    )
    assert bulk_message(result) == "approved 2 creatives; skipped 2 already decided, 1 failed its gates"
    assert bulk_message(BulkResult(approved=["a"], skipped={})) == "approved 1 creative"


def test_starting_a_started_campaign_names_the_run_that_started_it() -> None:
    """The roll-up and the variant runs carry the job version's tags too; "started already (run
    …)" named the newest of them, a roll-up, which the campaign's runs list calls "summing up"."""
    from types import SimpleNamespace

    import dagster as dg
    from dagster._core.test_utils import create_run_for_test

    from creative_assets.defs.automation.sensors import CAMPAIGN_TAG, JOB_VERSION_TAG
    from creative_assets.desk.auth import Principal
    from creative_assets.desk.campaigns import start
    from creative_assets.providers.local.jobs import LocalJobSource

    source = LocalJobSource()
    job = source.get_job("hoc-4711-pflege")
    tags = {CAMPAIGN_TAG: job.job_id, JOB_VERSION_TAG: job.updated_at.isoformat()}
    with dg.instance_for_test() as instance:
        text, _ = (
            create_run_for_test(instance, job_name=name, tags=tags)
            for name in ("campaign_text", "campaign_rollup")
        )
        who = Principal(name="rita", label="Rita", role="reviewer", via="token")
        result = start(SimpleNamespace(instance=instance, job_source=source), who, job.job_id)  # type: ignore[arg-type]
    assert (result.started, result.run_id) == (False, text.run_id)
    assert text.run_id[:8] in result.message
