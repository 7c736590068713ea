"""The zero-key providers: copy in the job's language from its real data, brand kits, defaults."""

from __future__ import annotations

import json
from pathlib import Path

from creative_assets.models import IMAGE_TYPES, VARIANTS, CopyDeck
from creative_assets.providers.local import (
    LocalBrandExtractor,
    LocalJobSource,
    LocalResearcher,
    TemplateTextGenerator,
)
from creative_assets.providers.local.writer import short_title

GERMAN = "hoc-4711-pflege"
ENGLISH = "hoc-5120-warehouse"


def deck_for(job_id: str) -> CopyDeck:
    job = LocalJobSource().get_job(job_id)
    writer = TemplateTextGenerator()
    context = writer.fuse_context(job, LocalResearcher().research(job)).value
    return CopyDeck(
        job_id=job_id, language=job.language, context=context, variants=writer.write_copy(context).value
    )


def test_german_job_gets_german_copy_built_from_its_data() -> None:
    deck = deck_for(GERMAN)
    assert [v.variant for v in deck.variants] == list(VARIANTS)
    assert deck.variant("A").cta == "Jetzt bewerben"
    text = " ".join(f"{v.headline} {v.subline}" for v in deck.variants)
    assert "Pflegefachkraft" in text and "Konstanz" in text and "Klinikum am See" in text
    assert "30 Tage Urlaub" in " ".join(b for v in deck.variants for b in v.benefits)
    assert len({v.headline for v in deck.variants}) == 5  # five different angles, not one text five times


def test_english_job_gets_english_copy() -> None:
    deck = deck_for(ENGLISH)
    assert deck.variant("A").headline == "Warehouse Operative wanted"
    assert deck.variant("E").headline == "Manchester needs you"
    assert all(v.cta and len(v.headline) <= 42 for v in deck.variants)


def test_copy_is_deterministic() -> None:
    assert deck_for(GERMAN) == deck_for(GERMAN)


def test_short_title_drops_gender_marker_and_shift_suffix() -> None:
    assert short_title("Pflegefachkraft (m/w/d) Intensivstation") == "Pflegefachkraft Intensivstation"
    assert short_title("Warehouse Operative - Night Shift") == "Warehouse Operative"


def test_art_direction_gives_one_prompt_per_image_type_without_text() -> None:
    deck = deck_for(GERMAN)
    direction = TemplateTextGenerator().direct_images(deck.context, deck.variant("B")).value
    assert tuple(p.image_type for p in direction.prompts) == IMAGE_TYPES
    assert all("No text" in p.prompt for p in direction.prompts)


def test_brand_kit_with_logo() -> None:
    brand = LocalBrandExtractor().extract(LocalJobSource().get_job(GERMAN))
    assert brand.source == "brand_kit" and brand.primary_color == "#0b6e4f"
    assert brand.logo is not None and brand.logo_png is not None


def test_missing_brand_kit_falls_back_to_defaults_and_says_why() -> None:
    brand = LocalBrandExtractor().extract(LocalJobSource().get_job(ENGLISH))
    assert brand.source == "defaults" and brand.logo is None
    assert "no brand kit" in (brand.fallback_reason or "")


def test_unusable_brand_kit_falls_back_to_defaults(tmp_path: Path) -> None:
    kit = tmp_path / "klinikum-am-see"
    kit.mkdir()
    (kit / "brand.json").write_text(json.dumps({"company_name": "Klinikum am See", "primary_color": "green"}))
    brand = LocalBrandExtractor(folder=str(tmp_path)).extract(LocalJobSource().get_job(GERMAN))
    assert brand.source == "defaults"
    assert "primary_color" in (brand.fallback_reason or "")


def test_corrupt_logo_falls_back_to_defaults(tmp_path: Path) -> None:
    kit = tmp_path / "klinikum-am-see"
    kit.mkdir()
    (kit / "brand.json").write_text(
        json.dumps(
            {
                "company_name": "Klinikum am See",
                "primary_color": "#0b6e4f",
                "secondary_color": "#ffffff",
                "accent_color": "#f2a541",
            }
        )
    )
    (kit / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    brand = LocalBrandExtractor(folder=str(tmp_path)).extract(LocalJobSource().get_job(GERMAN))
    assert brand.source == "defaults" and "logo" in (brand.fallback_reason or "")


def test_job_listing_sees_every_sample() -> None:
    samples = {GERMAN, ENGLISH, "hoc-6230-pflege-bilingual"}  # the last one asks for de-DE and en-GB
    assert {r.job_id for r in LocalJobSource().list_jobs()} == samples
