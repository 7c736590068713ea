"""The export bundle's contents, as plain functions: which creatives go in, the captions files,
the manifest of what is inside, and the ZIP itself (byte-identical for identical contents)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable

from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import sha256
from creative_assets.models import BundleEntry, CreativeSet, ManifestRow

# A fixed timestamp, so the same creatives always give the same ZIP (and the same SHA-256).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CAPTION_COLUMNS = ("variant", "locale", "angle", "headline", "subline", "cta", "benefits", "caption")
_HASHTAG = re.compile(r"(?<!\w)#\w+")


def selected(rows: list[ManifestRow], *, only_reviewed: bool) -> tuple[list[ManifestRow], dict[str, str]]:
    """The rows of the creatives that ship, and why each other creative does not. A creative
    ships in all its renditions or not at all: it is in its A/B-test cell (every rendition
    passed the gates and nobody rejected it; a stand-in's work, or a creative that failed its
    gates, only once a person approved it, the latter with the explicit override) and, with
    `only_reviewed`, a person approved it."""
    keep, left_out = [], {}
    for row in rows:
        if row.test_cell == "excluded":
            left_out[row.creative_id] = _why_not(row)
        elif only_reviewed and row.review != "approved":
            left_out[row.creative_id] = "not approved by a person yet"
        else:
            keep.append(row)
    return [r for r in keep if r.creative_id not in left_out], left_out


def _why_not(row: ManifestRow) -> str:
    if row.review == "rejected":
        return "a person rejected it"
    if row.failure:
        return f"it failed: {row.failure}"
    if row.fallback:
        return f"a stand-in made it ({row.fallback}); it ships once a person approves it"
    return "a rendition failed its gates; it ships only if a person approves it with the override"


def bundle_path(row: ManifestRow) -> str:
    """A folder per format, as bulk uploads are done per placement."""
    return f"{ad_format(row.format).slug}/{row.ad_name}.png"


def _no_hashtags(text: str) -> str:
    return " ".join(_HASHTAG.sub("", text).split())


def captions_csv(sets: Iterable[CreativeSet], variant: str, locale: str) -> bytes:
    """One row: the texts of a variant in one locale, for the ad's primary text and headline
    fields. `caption` is the suggested post text; no hashtags (recruiting ads read as spam
    with them, and several platforms' job-ad policies discourage them)."""
    s = next(s for s in sets if s.variant == variant)
    copy = s.copy_for(locale)
    benefits = [_no_hashtags(b) for b in copy.benefits]
    caption = " ".join([_no_hashtags(copy.subline), *(f"✓ {b}" for b in benefits), _no_hashtags(copy.cta)])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CAPTION_COLUMNS)
    cells = (variant, locale, copy.angle, copy.headline, copy.subline, copy.cta, "; ".join(benefits))
    writer.writerow([_no_hashtags(c) for c in cells] + [caption])
    return buffer.getvalue().encode("utf-8")


def manifest_files(rows: list[ManifestRow]) -> dict[str, bytes]:
    """The A/B-test manifest of what is in the bundle, with each file's path inside it."""
    records = [{"bundle_path": bundle_path(r), **r.model_dump(mode="json")} for r in rows]
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return {
        "ab_test_manifest.csv": buffer.getvalue().encode("utf-8"),
        "ab_test_manifest.json": json.dumps(records, indent=1, ensure_ascii=False).encode("utf-8"),
    }


def bundle_files(sets: list[CreativeSet], rows: list[ManifestRow], locales: list[str]) -> dict[str, bytes]:
    """Path inside the ZIP → bytes: the renditions, one captions file per variant and locale
    (for the variants that ship), and the manifest."""
    by_variant = {s.variant: s for s in sets}
    files: dict[str, bytes] = {}
    for row in rows:
        stored = row.storage_key.split("/", 3)[3]  # final_creatives/<job>/<variant>/<file>
        files[bundle_path(row)] = by_variant[row.variant].files[stored]
    for variant in sorted({r.variant for r in rows}):
        for locale in locales:
            files[f"captions/{rows[0].job_id}_{variant}_{locale}.csv"] = captions_csv(sets, variant, locale)
    return {**files, **manifest_files(rows)}


def zip_bytes(files: dict[str, bytes]) -> tuple[bytes, list[BundleEntry]]:
    """The ZIP and its listing. PNGs are stored (they are compressed already), text deflated."""
    buffer = io.BytesIO()
    entries = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            data = files[path]
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if path.endswith(".png") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
            entries.append(BundleEntry(path=path, size=len(data), sha256=sha256(data)))
    return buffer.getvalue(), entries
