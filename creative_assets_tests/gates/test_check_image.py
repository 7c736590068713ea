"""`check-image` on real PNGs: verdicts, exit status, and clear errors for unusable input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from creative_assets.check_image import main
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import to_png
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.imaging.typesetting import typeset
from creative_assets.providers.local import LocalBrandExtractor, LocalJobSource
from creative_assets_tests.providers.test_local import deck_for

GERMAN = "hoc-4711-pflege"


@pytest.fixture(scope="module")
def creative(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("check")
    copy = deck_for(GERMAN).variant("A")
    brand = LocalBrandExtractor().extract(LocalJobSource().get_job(GERMAN))
    base = draw_base_image("location", 7, 1024, 1024)
    layout = plan_layout(analyze_image(base), copy, brand, "location", has_logo=False)
    (folder / "base.png").write_bytes(to_png(base))
    (folder / "creative.png").write_bytes(to_png(typeset(base, layout, copy)))
    spec = {
        "headline": copy.headline,
        "subline": copy.subline,
        "cta": copy.cta,
        "zones": {z.role: z.box.model_dump() for z in layout.zones},
        "brand_colors": [brand.primary_color, brand.accent_color],
    }
    (folder / "spec.json").write_text(json.dumps(spec))
    return folder / "creative.png", folder / "base.png", spec


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_correct_creative_passes_every_gate(creative, capsys) -> None:
    image, _, _ = creative
    spec = str(image.parent / "spec.json")
    code, report = run([str(image), "--spec", spec, "--base-image", str(image.parent / "base.png")], capsys)
    assert code == 0 and report["verdict"] in ("PASS", "PASS_WITH_WARNINGS")
    assert report["skipped"] == []
    assert [g["gate"] for g in report["gates"]] == ["1b", "2", "3", "4"]


def test_wrong_copy_fails_with_what_was_read(creative, capsys) -> None:
    image, _, spec = creative
    code, report = run([str(image), "--headline", "Altenpfleger gesucht", "--subline", spec["subline"],
                        "--cta", spec["cta"]], capsys)  # fmt: skip
    assert code == 1 and report["verdict"] == "FAIL"
    gate_2 = next(g for g in report["gates"] if g["gate"] == "2")
    assert gate_2["status"] == "FAIL" and gate_2["evidence"]["roles"]["headline"]["read"]
    assert "1b: no zones given" in report["skipped"] and "3: no zones given" in report["skipped"]


def test_base_mode_passes_a_clean_picture_and_fails_one_with_text(creative, capsys, tmp_path: Path) -> None:
    _, base, _ = creative
    assert run([str(base), "--base"], capsys)[0] == 0
    img = Image.open(base).convert("RGB")
    ImageDraw.Draw(img).text((100, 500), "OPEN 24 HOURS", font=load_font(70, bold=True), fill="white")
    (tmp_path / "texty.png").write_bytes(to_png(img))
    code, report = run([str(tmp_path / "texty.png"), "--base"], capsys)
    assert code == 1 and report["gates"][0]["gate"] == "1a" and report["gates"][0]["status"] == "FAIL"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"definitely not a png", "not_an_image"),
        (to_png(Image.new("RGB", (300, 300), "blue"))[:400], "corrupt_image"),
        (_jpeg(), "not_png"),
        (to_png(Image.new("1", (30_000, 30_000))), "decompression_bomb"),
    ],
)
def test_unusable_input_is_a_clear_error(payload: bytes, code: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "input.png"
    path.write_bytes(payload)
    exit_code, report = run([str(path), "--base"], capsys)
    assert exit_code == 2 and code in report["error"]


def test_missing_file_and_bad_spec_are_clear_errors(creative, tmp_path: Path, capsys) -> None:
    image, _, _ = creative
    assert "file_not_found" in run([str(tmp_path / "nope.png"), "--base"], capsys)[1]["error"]
    (tmp_path / "spec.json").write_text(json.dumps({"headline": "x", "cta": "y"}))
    exit_code, report = run([str(image), "--spec", str(tmp_path / "spec.json")], capsys)
    assert exit_code == 2 and "bad_spec" in report["error"] and "subline" in report["error"]
