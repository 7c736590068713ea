"""The IO manager: readable paths, round trips, validation before any write, atomic files."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest
from PIL import Image

from creative_assets.campaign import first_step_error
from creative_assets.imaging.png import to_png
from creative_assets.io import ObjectStoreIOManager
from creative_assets.models import BrandIdentity, LogoInfo
from creative_assets.partitions import job_partitions

LOGO = to_png(Image.new("RGBA", (120, 60), (10, 110, 80, 255)))


def brand(logo: bytes = LOGO) -> BrandIdentity:
    return BrandIdentity(
        company_name="Acme",
        primary_color="#0B6E4F",
        secondary_color="#ffffff",
        accent_color="#f2a541",
        source="brand_kit",
        logo=LogoInfo(width=120, height=60, sha256="x", source="test"),
        files={"logo.png": logo},
    )


def materialize(storage: Path | str, value: BrandIdentity, instance: dg.DagsterInstance, key: str = "job-1"):
    @dg.asset(partitions_def=job_partitions)
    def brand_identity() -> BrandIdentity:
        return value

    @dg.asset(partitions_def=job_partitions)
    def reader(brand_identity: BrandIdentity) -> None:
        assert brand_identity == value
        assert brand_identity.files == value.files

    instance.add_dynamic_partitions("job", [key])
    return dg.materialize(
        [brand_identity, reader],
        partition_key=key,
        instance=instance,
        resources={"io_manager": ObjectStoreIOManager(base_url=str(storage))},
        raise_on_error=False,
    )


def test_round_trip_under_a_readable_partition_path(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    result = materialize(tmp_path, brand(), instance)
    assert result.success
    folder = tmp_path / "brand_identity" / "job-1"
    record = json.loads((folder / "record.json").read_text())
    assert record["model"] == "BrandIdentity" and record["files"] == ["logo.png"]
    assert record["data"]["primary_color"] == "#0b6e4f"
    assert (folder / "logo.png").read_bytes() == LOGO
    assert not list(folder.glob(".*tmp"))  # no temp files left behind


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"not an image at all", "not_an_image"),
        (LOGO[: len(LOGO) // 2], "corrupt_image"),
        (to_png(Image.new("RGB", (8, 8))), "image_too_small"),
    ],
)
def test_invalid_png_fails_the_step_and_keeps_the_previous_artifact(
    tmp_path: Path, instance: dg.DagsterInstance, payload: bytes, code: str
) -> None:
    assert materialize(tmp_path, brand(), instance).success
    folder = tmp_path / "brand_identity" / "job-1"
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    result = materialize(tmp_path, brand(payload), instance)
    assert not result.success
    assert code in (first_step_error(result) or "")
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_every_materialization_stays_browsable_under_its_run(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    newer = to_png(Image.new("RGBA", (120, 60), (200, 30, 30, 255)))
    first, second = materialize(tmp_path, brand(), instance), materialize(tmp_path, brand(newer), instance)
    assert first.success and second.success
    folder = tmp_path / "brand_identity" / "job-1"
    assert (folder / "logo.png").read_bytes() == newer  # the current one, which downstream reads
    for result, logo in ((first, LOGO), (second, newer)):
        kept = folder / "_versions" / result.run_id
        assert (kept / "logo.png").read_bytes() == logo
        assert json.loads((kept / "record.json").read_text())["files"] == ["logo.png"]
        (event,) = [
            e for e in result.get_asset_materialization_events() if e.asset_key.path == ["brand_identity"]
        ]
        assert event.materialization.metadata["this_version"].value == str(kept)


def test_jpeg_disguised_as_png_is_refused(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, format="JPEG")
    result = materialize(tmp_path, brand(buffer.getvalue()), instance)
    assert not result.success
    assert "not_png" in (first_step_error(result) or "")


def test_decompression_bomb_is_refused_without_decoding(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    huge = to_png(Image.new("1", (20_000, 20_000)))  # tiny file, 400 megapixels
    result = materialize(tmp_path, brand(huge), instance)
    assert not result.success
    message = first_step_error(result) or ""
    assert "image_too_large" in message or "decompression_bomb" in message


def test_any_fsspec_url_works_not_only_local_folders(instance: dg.DagsterInstance) -> None:
    from upath import UPath

    result = materialize("memory://creatives-test", brand(), instance)  # type: ignore[arg-type]
    assert result.success
    folder = UPath("memory://creatives-test") / "brand_identity" / "job-1"
    assert (folder / "logo.png").read_bytes() == LOGO
    assert json.loads((folder / "record.json").read_bytes())["files"] == ["logo.png"]


def test_a_record_stored_by_an_older_model_says_how_to_renew_it(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    """E.g. final_creatives stored before creatives had renditions: a coded error, not a dump."""
    from upath import UPath

    from creative_assets.io.artifact_store import ArtifactStore, StaleRecordError

    assert materialize(tmp_path, brand(), instance).success
    folder = tmp_path / "brand_identity" / "job-1"
    record = json.loads((folder / "record.json").read_text())
    record["data"]["attempts"] = []  # a field the model no longer has
    (folder / "record.json").write_text(json.dumps(record))
    store = ArtifactStore(base_path=UPath(tmp_path))
    # As a context manager: an unclosed input context leaves its ephemeral instance "current"
    # for every later Definitions load in the session.
    with (
        dg.build_input_context(asset_key=dg.AssetKey("brand_identity"), instance=instance) as context,
        pytest.raises(StaleRecordError) as info,
    ):
        store.load_from_path(context, UPath(folder))
    assert info.value.code == "stale_record"
    assert "materialize brand_identity again" in str(info.value) and "attempts" in str(info.value)
