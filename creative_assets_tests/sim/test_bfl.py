"""BFL FLUX: submit → poll the returned polling_url → download the signed, expiring sample."""

from __future__ import annotations

import io
import threading
import time
from urllib.parse import urlparse

import httpx
import pytest
from PIL import Image

from creative_assets_tests.provider_sim import Simulator, fast_config, images, running_simulator

KEY = {"x-key": "bfl-test"}


def submit(http: httpx.Client, sim: Simulator, **body: object) -> httpx.Response:
    payload = {"prompt": "a calm lifestyle scene at sunset", "width": 512, "height": 384, **body}
    return http.post(sim.url_for("bfl") + "/v1/flux-pro-1.1", json=payload, headers=KEY)


def poll_until_done(http: httpx.Client, polling_url: str, timeout_s: float = 5.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    statuses = []
    while time.monotonic() < deadline:
        body = http.get(polling_url, headers=KEY).json()
        statuses.append(body["status"])
        if body["status"] != "Pending":
            return {**body, "seen": statuses}
        time.sleep(0.02)
    raise AssertionError(f"task still pending: {statuses[-3:]}")


def test_submit_poll_download_and_expiry(http: httpx.Client) -> None:
    # time_scale 0.01: a 20 s task takes 0.2 s, a 60 s URL lifetime 0.6 s.
    config = fast_config(
        time_scale=0.01,
        api_keys={"bfl": "bfl-test"},
        bfl={"task_duration": {"kind": "fixed", "seconds": 20.0}, "sample_expiry_s": 60.0},
    )
    with running_simulator(config) as sim:
        resp = submit(http, sim, output_format="png", seed=42)
        assert resp.status_code == 200
        task = resp.json()
        polling = urlparse(task["polling_url"])
        assert polling.hostname == "localhost" != urlparse(sim.base_url).hostname  # another host spelling
        result = poll_until_done(http, task["polling_url"])
        assert result["seen"][0] == "Pending" and result["status"] == "Ready"  # type: ignore[index]
        sample = result["result"]["sample"]  # type: ignore[index]
        assert result["result"]["seed"] == 42  # type: ignore[index]
        first = http.get(sample)
        assert first.status_code == 200 and first.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(first.content)).size == (512, 384)
        assert http.get(sample.replace("sig=", "sig=0")).status_code == 403  # tampered signature
        time.sleep(0.65)
        expired = http.get(sample)
        assert expired.status_code == 403 and b"AuthenticationFailed" in expired.content  # Azure-style XML
        again = submit(http, sim, output_format="png", seed=42)
        same = http.get(poll_until_done(http, again.json()["polling_url"])["result"]["sample"])  # type: ignore[index]
        assert same.content == first.content  # deterministic in seed and prompt


def test_default_output_is_jpeg_and_unknown_tasks_are_not_found(sim: Simulator, http: httpx.Client) -> None:
    task = submit(http, sim).json()
    sample = poll_until_done(http, task["polling_url"])["result"]["sample"]  # type: ignore[index]
    assert http.get(sample).headers["content-type"] == "image/jpeg"
    missing = http.get(sim.url_for("bfl") + "/v1/get_result", params={"id": "nope"}).json()
    assert missing["status"] == "Task not found" and missing["result"] is None


def test_validation_auth_and_unknown_models() -> None:
    with running_simulator(fast_config(api_keys={"bfl": "bfl-test"})) as sim, httpx.Client() as http:
        bad = submit(http, sim, width=1000, height=2048)
        assert bad.status_code == 422
        details = {tuple(d["loc"]): d["type"] for d in bad.json()["detail"]}
        assert details == {("body", "width"): "multiple_of", ("body", "height"): "less_than_equal"}
        denied = http.post(
            sim.url_for("bfl") + "/v1/flux-pro-1.1", json={"prompt": "x"}, headers={"x-key": "no"}
        )
        assert denied.status_code == 403 and denied.json() == {
            "detail": "Not authenticated - Invalid Authentication"
        }
        assert http.post(sim.url_for("bfl") + "/v1/flux-pro-9", json={}, headers=KEY).status_code == 404


def test_active_task_limit_answers_429_until_a_task_finishes(http: httpx.Client) -> None:
    config = fast_config(
        time_scale=0.01, bfl={"max_active_tasks": 2, "task_duration": {"kind": "fixed", "seconds": 30.0}}
    )
    with running_simulator(config) as sim:
        assert [submit(http, sim).status_code for _ in range(3)] == [200, 200, 429]
        limited = submit(http, sim)
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        time.sleep(0.35)
        assert submit(http, sim).status_code == 200
        assert sim.stats()["endpoints"]["bfl.submit"]["limited"] == {"active_tasks": 2}


def test_moderation_and_text_in_image_faults(http: httpx.Client) -> None:
    config = fast_config(
        seed=1, endpoints={"bfl.submit": {"faults": {"moderated": 0.5, "text_in_image": 0.5}}}
    )
    with running_simulator(config) as sim:
        statuses = [
            poll_until_done(http, submit(http, sim).json()["polling_url"])["status"] for _ in range(8)
        ]
        assert set(statuses) <= {"Ready", "Request Moderated", "Content Moderated"}
        assert "Ready" in statuses and set(statuses) != {"Ready"}
        faults = sim.stats()["endpoints"]["bfl.submit"]["faults"]
        assert faults["text_in_image"] == statuses.count("Ready")
        assert faults["moderated"] == len(statuses) - statuses.count("Ready")
        billed = sim.stats()["endpoints"]["bfl.submit"]["billed_usd"]
        assert billed == pytest.approx(0.05 * statuses.count("Ready"))  # moderated tasks bill nothing


def test_the_sample_is_drawn_while_the_task_runs_not_in_the_download(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real service makes the picture during the task; its storage host only sends bytes. A
    # sample drawn in the download request made every delivery (and every BFL slot's hold, in
    # the benchmark) slower by the drawing than the latency profile says.
    drawn_on: list[str] = []
    base_image = images.base_image

    def recording(*args: object, **kwargs: object) -> object:
        drawn_on.append(threading.current_thread().name)
        return base_image(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(images, "base_image", recording)
    config = fast_config(
        api_keys={"bfl": "bfl-test"}, bfl={"task_duration": {"kind": "fixed", "seconds": 0.3}}
    )
    with running_simulator(config) as sim:
        task = submit(http, sim, output_format="png", seed=7, prompt="a sample drawn ahead").json()
        sample = poll_until_done(http, task["polling_url"])["result"]["sample"]  # type: ignore[index]
        first, again = http.get(sample), http.get(sample)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert drawn_on and all(name.startswith("bfl-draw") for name in drawn_on), drawn_on
