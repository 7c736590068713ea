"""Ad formats and locales of one variant, end to end on the embedded default: the only campaign
runs in the suite that render several formats (the others configure one, see conftest).

Two variant runs keep it affordable on CI: all four formats in the primary locale, and a job
that asks for de-DE and en-GB in the 9:16 format. The two-locale deck is built by hand with an
en-GB translation (the template writer's English copy), as copy_variants will write it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest

from creative_assets.defs.reports.bundle import bundle_files, selected, zip_bytes
from creative_assets.defs.reports.summary import manifest_rows
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.formats import FORMATS, reframe
from creative_assets.imaging.png import open_image
from creative_assets.models import IMAGE_TYPES, Box, CreativeSet
from creative_assets.resources import CampaignSettings
from creative_assets_tests.support.format_runs import JOB, VARIANT, Run, two_locale_deck, variant_run

ALL_FORMATS = CampaignSettings(formats=list(FORMATS))
STORY = CampaignSettings(formats=["9:16"])
LOCALES = ["de-DE", "en-GB"]


@pytest.fixture(scope="module")
def formats_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """All four formats, the deck's one (primary) locale."""
    yield from variant_run(tmp_path_factory.mktemp("formats"), ALL_FORMATS, None)


@pytest.fixture(scope="module")
def locales_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Two locales, the story format."""
    yield from variant_run(tmp_path_factory.mktemp("locales"), STORY, two_locale_deck())


def _renditions(run: Run) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(c, r) for c in run.record("final_creatives")["creatives"] for r in c["renditions"]]


def _regenerated_bases(run: Run) -> int:
    """New pictures drawn by renditions' retries: a creative's pictures beyond its first (the
    renditions that follow a replaced picture are judged on it again but draw nothing)."""
    pictures: dict[str, set[str]] = {}
    for creative, r in _renditions(run):
        pictures.setdefault(creative["creative_id"], set()).update(a["base_sha256"] for a in r["attempts"])
    return sum(len(shas) - 1 for shas in pictures.values())


def test_every_creative_is_rendered_in_every_format_at_the_formats_pixels(formats_run) -> None:
    pairs = _renditions(formats_run)
    assert len(pairs) == len(IMAGE_TYPES) * len(FORMATS)
    folder = formats_run.storage / "final_creatives" / JOB / VARIANT
    for creative, r in pairs:
        assert creative["creative_id"] == f"{JOB}-{VARIANT}-{creative['image_type']}"
        png = open_image((folder / r["file"]).read_bytes())
        assert png.size == FORMATS[r["format"]].size == (r["width"], r["height"])
    assert len({(c["image_type"], r["format"]) for c, r in pairs}) == len(pairs)
    # the primary rendition (primary locale, first format) is where a creative always was
    for creative in formats_run.record("final_creatives")["creatives"]:
        first = creative["renditions"][0]
        assert (first["locale"], first["format"], first["file"]) == ("de-DE", "1:1", creative["file"])
        assert (creative["width"], creative["height"]) == (1080, 1080)


def test_every_creative_is_rendered_in_every_locale(locales_run) -> None:
    pairs = _renditions(locales_run)
    assert sorted((c["image_type"], r["locale"]) for c, r in pairs) == sorted(
        (t, loc) for t in IMAGE_TYPES for loc in LOCALES
    )
    for creative, r in pairs:
        name = creative["image_type"]
        expected = f"{name}.png" if r["locale"] == "de-DE" else f"{name}/en-GB_9x16.png"
        assert (r["format"], r["file"], r["width"], r["height"]) == ("9:16", expected, 1080, 1920)


def test_each_format_is_a_crop_around_the_subject_scaled_not_stretched(formats_run) -> None:
    base_folder = formats_run.storage / "base_images" / JOB / VARIANT
    final_folder = formats_run.storage / "final_creatives" / JOB / VARIANT
    for creative, r in _renditions(formats_run):
        stored = (base_folder / f"{creative['image_type']}.png").read_bytes()
        if r["attempts"][-1]["base_sha256"] != hashlib.sha256(stored).hexdigest():
            continue  # framed anew on a regenerated base image, not on the stored one
        base = open_image(stored)
        fmt = FORMATS[r["format"]]
        crop = r["crop"]
        # the aspect of what was cut equals the format's: a uniform scale, never a stretch
        assert abs((crop["w"] * base.width) / (crop["h"] * base.height) - fmt.aspect) / fmt.aspect < 0.003
        subject = analyze_image(base).salient
        if subject is not None and subject.w <= crop["w"] and subject.h <= crop["h"]:
            assert crop["x"] - 1e-6 <= subject.x and subject.x + subject.w <= crop["x"] + crop["w"] + 1e-6
            assert crop["y"] - 1e-6 <= subject.y and subject.y + subject.h <= crop["y"] + crop["h"] + 1e-6
        # outside the text block and the logo the rendition is the reframed base image itself
        layout = r["attempts"][-1]["layout"]
        final = open_image((final_folder / r["file"]).read_bytes()).convert("RGB")
        expected = reframe(base, Box(**crop), fmt.size)
        taken = [z["box"] for z in layout["zones"]] + ([layout["logo_box"]] if layout["logo_box"] else [])
        point = _free_point(taken, fmt.size)
        assert final.getpixel(point) == expected.getpixel(point), (creative["creative_id"], r["format"])


def _free_point(boxes: list[dict[str, float]], size: tuple[int, int]) -> tuple[int, int]:
    """A pixel well clear of every text zone and the logo (panels and glyphs draw only there)."""
    for fy in (0.5, 0.7, 0.3, 0.9, 0.1):
        for fx in (0.5, 0.3, 0.7, 0.15, 0.85):
            pad = 0.04
            if not any(
                b["x"] - pad <= fx <= b["x"] + b["w"] + pad and b["y"] - pad <= fy <= b["y"] + b["h"] + pad
                for b in boxes
            ):
                return round(fx * size[0]), round(fy * size[1])
    raise AssertionError("no free pixel found")


def test_layouts_are_planned_per_image_type_format_and_locale_for_the_formats_pixels(
    formats_run, locales_run
) -> None:
    deck = two_locale_deck()
    for run, formats, locales in ((formats_run, list(FORMATS), ["de-DE"]), (locales_run, ["9:16"], LOCALES)):
        layouts = run.record("layouts")["layouts"]
        assert sorted((lay["image_type"], lay["format"], lay["locale"]) for lay in layouts) == sorted(
            (t, f, loc) for t in IMAGE_TYPES for f in formats for loc in locales
        )
        for lay in layouts:
            assert (lay["analysis"]["width"], lay["analysis"]["height"]) == FORMATS[lay["format"]].size
            copy = deck.variant(VARIANT, lay["locale"])
            assert copy.headline in lay["i2i_prompt"]  # the prompt quotes this locale's copy
            for zone in lay["zones"]:
                b = zone["box"]
                assert b["x"] >= 0.05 - 1e-6 and b["x"] + b["w"] <= 0.95 + 1e-6


def _latest_check_statuses(run: Run, check: str) -> dict[str, str]:
    found = run.instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("final_creatives"), check)]
    )
    evaluation = next(iter(found.values())).event.dagster_event.event_specific_data  # type: ignore[union-attr]
    return evaluation.metadata["status"].value


def test_gates_run_on_every_rendition(formats_run) -> None:
    for _, r in _renditions(formats_run):
        assert {g["gate"] for g in r["attempts"][-1]["gates"]} == {"1b", "2", "3", "4"}
    report = formats_run.record("gate_reports")
    assert sorted((row["image_type"], row["format"]) for row in report["rows"]) == sorted(
        (t, f) for t in IMAGE_TYPES for f in FORMATS
    )
    for gate in ("gate_1b_semantic", "gate_2_text_correctness", "gate_3_layout_brand", "gate_4_readability"):
        statuses = _latest_check_statuses(formats_run, gate)
        assert set(statuses) == {f"{t} de-DE {f}" for t in IMAGE_TYPES for f in FORMATS}


def test_gate_2_reads_each_locales_own_copy(locales_run) -> None:
    deck = two_locale_deck()
    for _, r in _renditions(locales_run):
        roles = next(g for g in r["attempts"][-1]["gates"] if g["gate"] == "2")["evidence"]["roles"]
        copy = deck.variant(VARIANT, r["locale"])
        assert (roles["headline"]["expected"], roles["cta"]["expected"]) == (copy.headline, copy.cta)
    statuses = _latest_check_statuses(locales_run, "gate_2_text_correctness")
    assert set(statuses) == {f"{t} {loc} 9:16" for t in IMAGE_TYPES for loc in LOCALES}


def test_a_creatives_status_is_the_worst_of_its_renditions(formats_run) -> None:
    order = {"PASS": 0, "PASS_WITH_WARNINGS": 1, "FAIL": 2}
    for creative in formats_run.record("final_creatives")["creatives"]:
        worst = max((r["verdict"] for r in creative["renditions"]), key=order.__getitem__)
        assert creative["verdict"] == worst


def test_formats_and_a_second_locale_make_no_extra_image_generation_call(formats_run, locales_run) -> None:
    """Base images are shared: one locale in four formats and two locales in one format call the
    image generator equally often — once per base image and Gate 1a regeneration, plus a new
    picture only where a rendition's retry asked for one."""
    generations = [
        sum(len(i["attempts"]) for i in run.record("base_images")["images"])
        for run in (formats_run, locales_run)
    ]
    assert generations[0] == generations[1] >= len(IMAGE_TYPES)
    for run, expected in zip((formats_run, locales_run), generations, strict=True):
        assert run.generator_calls == expected + _regenerated_bases(run)


def test_lineage_lists_every_rendition(formats_run, locales_run) -> None:
    for run in (formats_run, locales_run):
        record = run.instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey("final_creatives"), asset_partitions=[f"{JOB}|{VARIANT}"]
            ),
            limit=1,
        ).records[0]
        metadata = record.asset_materialization.metadata
        for _, r in _renditions(run):
            assert f"`final_creatives/{JOB}/{VARIANT}/{r['file']}`" in metadata["lineage"].value
        assert metadata["renditions"].value == len(_renditions(run))
        assert metadata["pictures_replaced"].value == _regenerated_bases(run)
    assert "**Copy en-GB**" in metadata["lineage"].value and "**Copy de-DE**" in metadata["lineage"].value


def _bundle(run: Run, locales: list[str]) -> tuple[zipfile.ZipFile, set[str], dict[str, str]]:
    stored = run.record("final_creatives")
    folder = run.storage / "final_creatives" / JOB / VARIANT
    files = {r["file"]: (folder / r["file"]).read_bytes() for _, r in _renditions(run)}
    creative_set = CreativeSet.model_validate({**stored, "files": files})
    rows, left_out = selected(manifest_rows([creative_set]), only_reviewed=False)
    data, entries = zip_bytes(bundle_files([creative_set], rows, locales))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == sorted(e.path for e in entries)
    shipped = {c["creative_id"] for c in stored["creatives"] if c["status"] != "failed"}
    assert {r.creative_id for r in rows} == shipped
    assert set(left_out) == {c["creative_id"] for c in stored["creatives"]} - shipped
    return archive, shipped, left_out


def test_the_bundle_holds_a_folder_per_format(formats_run) -> None:
    archive, shipped, _ = _bundle(formats_run, ["de-DE"])
    pngs = [n for n in archive.namelist() if n.endswith(".png")]
    assert len(pngs) == len(shipped) * len(FORMATS)
    for name in pngs:
        slug, file = name.split("/")
        fmt = next(f for f in FORMATS.values() if f.slug == slug)
        assert file.isascii() and " " not in file
        assert file.startswith(f"{JOB}_{VARIANT}_") and file.endswith(f"_de-DE_{slug}.png")
        assert open_image(archive.read(name)).size == fmt.size
    manifest = json.loads(archive.read("ab_test_manifest.json"))
    assert {m["bundle_path"] for m in manifest} == set(pngs)
    assert "ab_test_manifest.csv" in archive.namelist()


def test_the_bundle_holds_every_locale_and_its_captions(locales_run) -> None:
    archive, shipped, _ = _bundle(locales_run, LOCALES)
    names = archive.namelist()
    pngs = [n for n in names if n.endswith(".png")]
    assert len(pngs) == len(shipped) * len(LOCALES)
    for creative_id in shipped:
        kind = creative_id.rsplit("-", 1)[-1].replace("_", "-")
        for locale in LOCALES:
            assert f"9x16/{JOB}_{VARIANT}_{kind}_{locale}_9x16.png" in names
    deck = two_locale_deck()
    for locale in LOCALES:
        text = archive.read(f"captions/{JOB}_{VARIANT}_{locale}.csv").decode()
        assert deck.variant(VARIANT, locale).headline in text and "#" not in text
