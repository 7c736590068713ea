"""What a script that sends a broken body is told: the desk's own app in-process (no campaign, no
Dagster), signed in as the zero-key default's local reviewer. A body that is not JSON at all is
400 with a sentence saying what to send, as the OpenAPI schema declares; JSON of the wrong shape
is 422 naming the field."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from creative_assets.desk.app import create_app
from creative_assets.desk.settings import DeskSettings

REJECT = "/api/v1/creatives/hoc-4711-pflege-A-job_focus/reject"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # A body is checked before anything is looked up: no backend is needed.
    app = create_app(DeskSettings.model_validate({}), backend_factory=lambda s: contextlib.nullcontext(None))
    with TestClient(app) as c:
        c.headers["Authorization"] = f"Bearer {app.state.auth.embedded.token}"
        yield c


@pytest.mark.parametrize(
    ("content", "content_type", "says"),
    [
        ("{not json", "application/json", "not valid JSON"),
        (None, None, "needs a JSON body"),
        ("", "application/json", "needs a JSON body"),
        ("note=why", "application/x-www-form-urlencoded", "needs a JSON body"),
    ],
)
def test_a_body_that_is_not_json_is_400_and_says_what_to_send(
    client: TestClient, content: str | None, content_type: str | None, says: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(REJECT, content=content, headers=headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert says in error["message"] and "application/json" in error["message"]


def test_json_of_the_wrong_shape_is_422_and_names_the_field(client: TestClient) -> None:
    response = client.post(REJECT, json=[1, 2])
    assert (response.status_code, response.json()["error"]["message"]) == (
        422,
        "the body should be a JSON object",
    )
    response = client.post(REJECT, json={"note": 5})
    assert (response.status_code, response.json()["error"]["message"]) == (
        422,
        "note: Input should be a valid string",
    )
