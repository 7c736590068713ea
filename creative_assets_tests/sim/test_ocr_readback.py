"""The simulated images carry real pixels: the project's OCR reads what the gates must check."""

from __future__ import annotations

import base64
import io
import re

import httpx
from PIL import Image

from creative_assets.imaging.ocr import read_text
from creative_assets_tests.provider_sim import fast_config, running_simulator
from creative_assets_tests.provider_sim.images import STRAY_TEXTS
from creative_assets_tests.sim.conftest import png_bytes
from creative_assets_tests.sim.test_bfl import KEY, poll_until_done


def _ocr(data: bytes, *, lower_half: bool = False) -> str:
    image = Image.open(io.BytesIO(data))
    if lower_half:  # the overlay panel sits there; reading less keeps the test fast
        image = image.crop((0, image.height // 2, image.width, image.height))
    lines = read_text(image)
    return re.sub(r"\s+", " ", " ".join(line.text for line in lines)).strip().lower()


def test_ocr_reads_overlays_typos_and_text_in_base_images(http: httpx.Client) -> None:
    config = fast_config(
        seed=2,
        endpoints={
            "openai.images_edits": {"faults": {"misspelt_overlay": 0.5}},
            "bfl.submit": {"faults": {"text_in_image": 0.5}},
        },
    )
    with running_simulator(config) as sim:
        texts = []
        for _ in range(4):  # seed 2 serves both a clean and a misspelt edit among these
            files = [("image", ("a.png", png_bytes((1024, 1024)), "image/png"))]
            data = {"model": "gpt-image-1", "prompt": 'Render "Jetzt bewerben" as the CTA.', "quality": "low"}
            resp = http.post(sim.url_for("openai") + "/images/edits", data=data, files=files)
            rendered = sim.requests()[-1]["rendered_texts"][0]
            texts.append((rendered, base64.b64decode(resp.json()["data"][0]["b64_json"])))
        clean = next(image for rendered, image in texts if rendered == "Jetzt bewerben")
        typo, typo_image = next((r, image) for r, image in texts if r != "Jetzt bewerben")
        assert "jetzt bewerben" in _ocr(clean, lower_half=True)
        read_typo = _ocr(typo_image, lower_half=True)
        assert typo.lower() in read_typo and "jetzt bewerben" not in read_typo

        samples = {}
        for _ in range(4):
            task = http.post(
                sim.url_for("bfl") + "/v1/flux-pro-1.1",
                json={"prompt": "a calm city skyline", "width": 512, "height": 384, "output_format": "png"},
                headers=KEY,
            )
            flagged = sim.requests()[-1]["text_in_image"]
            sample = poll_until_done(http, task.json()["polling_url"])["result"]["sample"]  # type: ignore[index]
            samples[flagged] = http.get(sample).content
        assert set(samples) == {True, False}
        assert any(word.lower() in _ocr(samples[True]) for word in STRAY_TEXTS)
        assert _ocr(samples[False]) == ""  # clean base images hold no text for Gate 1a to find
