"""The export bundle of the shared campaign (one format, see conftest), opened as a ZIP, and its
selection and storage on their own. Four formats × two locales: defs/test_formats.py."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import dagster as dg
from upath import UPath

from creative_assets.defs.reports.bundle import selected, zip_bytes
from creative_assets.imaging.png import sha256
from creative_assets.io import ObjectStoreIOManager
from creative_assets.models import ExportBundle, ManifestRow
from creative_assets.partitions import job_partitions
from creative_assets_tests.defs.conftest import SharedCampaign

JOB = "hoc-4711-pflege"
BULK_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(png|csv|json)$")


def _summary(shared: SharedCampaign) -> dict:
    return json.loads((shared.storage / "campaign_summary" / JOB / "record.json").read_text())["data"]


def test_the_bundle_ships_every_creative_in_its_test_cell_with_captions_and_manifest(
    shared_campaign: SharedCampaign,
) -> None:
    folder = shared_campaign.storage / "export_bundle" / JOB
    record = json.loads((folder / "record.json").read_text())
    assert record["files"] == [f"{JOB}_creatives.zip"]
    archive = zipfile.ZipFile(folder / f"{JOB}_creatives.zip")
    names = archive.namelist()
    manifest = _summary(shared_campaign)["manifest"]
    shipped = [row for row in manifest if row["test_cell"] != "excluded"]
    assert shipped, "the sample campaign should have creatives in their cells"
    pngs = sorted(n for n in names if n.endswith(".png"))
    assert pngs == sorted(f"1x1/{row['ad_name']}.png" for row in shipped)
    for name in names:
        assert name.isascii() and BULK_NAME.match(name.rsplit("/", 1)[-1]), name
    # each image is the stored final creative, byte for byte
    for row in shipped:
        stored = (shared_campaign.storage / row["storage_key"]).read_bytes()
        assert archive.read(f"1x1/{row['ad_name']}.png") == stored
        assert row["ad_name"] == f"{JOB}_{row['variant']}_{row['image_type'].replace('_', '-')}_de-DE_1x1"
    # one captions file per shipped variant and locale
    variants = sorted({row["variant"] for row in shipped})
    assert sorted(n for n in names if n.startswith("captions/")) == [
        f"captions/{JOB}_{v}_de-DE.csv" for v in variants
    ]
    caption = next(
        csv.DictReader(io.StringIO(archive.read(f"captions/{JOB}_{variants[0]}_de-DE.csv").decode()))
    )
    row = next(r for r in shipped if r["variant"] == variants[0])
    assert (caption["headline"], caption["cta"], caption["locale"]) == (row["headline"], row["cta"], "de-DE")
    assert caption["benefits"] and "#" not in caption["caption"]
    # the manifest lists exactly what is inside
    inside = json.loads(archive.read("ab_test_manifest.json"))
    assert sorted(m["bundle_path"] for m in inside) == pngs
    table = list(csv.DictReader(io.StringIO(archive.read("ab_test_manifest.csv").decode())))
    assert len(table) == len(pngs)
    for column in ("creative_id", "variant", "image_type", "format", "locale", "headline", "cta", "status"):
        assert column in table[0]
    assert {"cost_usd", "test_cell"} <= set(table[0])


def test_the_bundles_materialization_lists_its_files(shared_campaign: SharedCampaign) -> None:
    event = shared_campaign.instance.get_latest_materialization_event(dg.AssetKey("export_bundle"))
    metadata = event.asset_materialization.metadata  # type: ignore[union-attr]
    data = (shared_campaign.storage / "export_bundle" / JOB / f"{JOB}_creatives.zip").read_bytes()
    assert metadata["zip_bytes"].value == len(data)
    assert metadata["file_count"].value == len(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert "ab_test_manifest.csv" in metadata["listing"].value
    assert f"{JOB}_creatives.zip" in json.dumps(metadata["stored_files"].value)


def _row(creative_id: str, **update: object) -> ManifestRow:
    base = {
        "creative_id": creative_id,
        "job_id": JOB,
        "variant": "A",
        "image_type": "job_focus",
        "locale": "de-DE",
        "format": "1:1",
        "width": 1080,
        "height": 1080,
        "angle": "benefits",
        "headline": "H",
        "subline": "S",
        "cta": "C",
        "status": "approved",
        "verdict": "PASS",
        "creative_status": "approved",
        "attempts": 1,
        "cost_usd": 0.0,
        "storage_key": f"final_creatives/{JOB}/A/job_focus.png",
        "ad_name": f"{JOB}_A_job-focus_de-DE_1x1",
        "test_cell": "cell-A",
    }
    return ManifestRow.model_validate({**base, **update})


def test_only_reviewed_ships_what_a_person_approved_and_a_creative_goes_whole() -> None:
    rows = [
        _row("a", review="approved"),
        _row("a", format="9:16", review="approved"),
        _row("b"),
        _row("c", test_cell="excluded", review="rejected"),
        _row("d", test_cell="excluded"),
    ]
    keep, left_out = selected(rows, only_reviewed=False)
    assert [r.creative_id for r in keep] == ["a", "a", "b"]
    assert left_out == {"c": "a person rejected it", "d": "a rendition failed its gates"}
    keep, left_out = selected(rows, only_reviewed=True)
    assert [(r.creative_id, r.format) for r in keep] == [("a", "1:1"), ("a", "9:16")]
    assert left_out["b"] == "not approved by a person yet"


def test_the_zip_is_deterministic_and_stored_through_the_io_manager_on_any_fsspec_url(
    instance: dg.DagsterInstance,
) -> None:
    files = {"1x1/x.png": b"\x89PNG not really", "ab_test_manifest.csv": b"a,b\n1,2\n"}
    data, entries = zip_bytes(files)
    assert zip_bytes(files)[0] == data  # fixed timestamps: same contents, same bytes
    assert [(e.path, e.size, e.sha256) for e in entries] == [
        (p, len(files[p]), sha256(files[p])) for p in sorted(files)
    ]
    bundle = ExportBundle(
        job_id="job-1",
        file="job-1_creatives.zip",
        selection="test",
        creatives=[],
        left_out={},
        formats=["1:1"],
        locales=["de-DE"],
        entries=entries,
        zip_bytes=len(data),
        files={"job-1_creatives.zip": data},
    )

    @dg.asset(partitions_def=job_partitions)
    def export_bundle() -> ExportBundle:
        return bundle

    instance.add_dynamic_partitions("job", ["job-1"])
    result = dg.materialize(
        [export_bundle],
        partition_key="job-1",
        instance=instance,
        resources={"io_manager": ObjectStoreIOManager(base_url="memory://bundle-test")},
    )
    assert result.success
    stored = (UPath("memory://bundle-test") / "export_bundle" / "job-1" / "job-1_creatives.zip").read_bytes()
    assert zipfile.ZipFile(io.BytesIO(stored)).read("ab_test_manifest.csv") == files["ab_test_manifest.csv"]
