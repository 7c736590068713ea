"""`check-image`: run the quality gates on any PNG and print a JSON report.

    check-image creative.png --headline "…" --subline "…" --cta "…" [--zones zones.json]
    check-image creative.png --spec spec.json        # {"headline", "subline", "cta", "zones", …}
    check-image base.png --base                      # Gate 1a only: a base image must hold no text

Exit status: 0 PASS / PASS_WITH_WARNINGS, 1 FAIL, 2 unusable input (corrupt, truncated, not a PNG,
too large, a decompression bomb, a bad spec). Without zones, the zone-based gates (1b, 3) are
skipped and say so; without `--overlay` (the creative before its logo) the logo is not judged, and
without `--base-image` (the picture before its text) neither is text over the picture's subject.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import Field, ValidationError

from creative_assets.errors import describe_validation_error
from creative_assets.gates.checks import (
    gate_1a_base_image_text,
    gate_1b_semantic,
    gate_2_text_correctness,
    gate_3_layout_brand,
    gate_4_readability,
    logo_present,
)
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.ocr import read_text
from creative_assets.imaging.png import InvalidImageError, open_image
from creative_assets.imaging.text_search import find_text
from creative_assets.models import Box, CopyVariant, GateResult, Layout, Model, TextZone, verdict_of

MAX_INPUT_BYTES = 40 * 1024 * 1024


class CheckSpec(Model):
    """What the creative should say and where (the JSON file of `--spec`)."""

    headline: str = Field(min_length=1)
    subline: str = Field(min_length=1)
    cta: str = Field(min_length=1)
    zones: dict[str, Box] = Field(
        default_factory=dict, description="headline/subline/cta boxes, image fractions"
    )
    logo_box: Box | None = None
    brand_colors: list[str] = Field(default_factory=list)


class InputError(ValueError):
    pass


def _read_png(path: str, what: str):
    file = Path(path)
    if not file.is_file():
        raise InputError(f"[file_not_found] {what} {path} does not exist")
    if file.stat().st_size > MAX_INPUT_BYTES:
        raise InputError(f"[image_too_large] {what} {path} is larger than {MAX_INPUT_BYTES} bytes")
    try:
        return open_image(file.read_bytes(), what=f"{what} {path}", require_png=True).convert("RGB")
    except InvalidImageError as exc:
        raise InputError(str(exc)) from exc


def _spec(args: argparse.Namespace) -> CheckSpec:
    try:
        if args.spec:
            return CheckSpec.model_validate_json(Path(args.spec).read_bytes())
        zones = json.loads(Path(args.zones).read_text()) if args.zones else {}
        return CheckSpec(
            headline=args.headline or "", subline=args.subline or "", cta=args.cta or "", zones=zones
        )
    except ValidationError as exc:
        raise InputError(f"[bad_spec] {describe_validation_error(exc)}") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"[bad_spec] cannot read the spec or zones file: {exc}") from exc


def run_gates(args: argparse.Namespace) -> dict:
    img = _read_png(args.image, "image")
    lines = find_text(img) if args.base else read_text(img)
    report: dict = {"image": args.image, "width": img.width, "height": img.height}
    report["ocr_lines"] = [{"text": ln.text, "confidence": round(ln.confidence, 3)} for ln in lines]
    if args.base:
        gates: list[GateResult] = [gate_1a_base_image_text(lines)]
        skipped: list[str] = []
    else:
        spec = _spec(args)
        copy = CopyVariant(
            variant="A",
            angle="check-image",
            headline=spec.headline[:60],
            subline=spec.subline[:110],
            benefits=["-"],
            cta=spec.cta[:30],
            emotional_anchors=["-"],
            style="-",
        )
        # The subject is found on the picture without its text; on the finished creative the
        # text itself would look like the subject.
        if args.base_image:
            analysis = analyze_image(_read_png(args.base_image, "base image"))
        else:
            analysis = analyze_image(img).model_copy(update={"salient": None})
        zones = [TextZone(role=role, box=box, color="#ffffff") for role, box in spec.zones.items()]  # type: ignore[arg-type]
        layout = Layout(
            image_type="job_focus",
            zones=zones,
            logo_position=None,
            logo_box=spec.logo_box,
            i2i_prompt="-",
            analysis=analysis,
        )
        expected = {"headline": spec.headline, "subline": spec.subline, "cta": spec.cta}
        glyphs = glyph_damage(img, lines, expected, spec.zones)
        gates = [
            gate_2_text_correctness(lines, copy, layout, glyphs=glyphs, img=img),
            gate_4_readability(img, lines, layout),
        ]
        skipped = [] if args.base_image else ["1b subject overlap: no --base-image given"]
        if zones:
            logo_found = False
            if args.overlay and spec.logo_box:
                box = spec.logo_box.to_pixels(img.width, img.height)
                logo_found = logo_present(img, _read_png(args.overlay, "overlay"), box)
            expected_logo = bool(args.overlay and spec.logo_box)
            gates.insert(0, gate_1b_semantic(lines, layout, logo_box=spec.logo_box))
            gates.insert(
                2,
                gate_3_layout_brand(
                    lines,
                    layout,
                    expected_logo=expected_logo,
                    logo_found=logo_found,
                    brand_colors=spec.brand_colors,
                    img=img,
                ),
            )
        else:
            skipped += ["1b: no zones given", "3: no zones given"]
    report["verdict"] = verdict_of(gates)
    report["gates"] = [g.model_dump(mode="json") for g in gates]
    report["skipped"] = skipped
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check-image", description=__doc__.split("\n\n")[0])
    parser.add_argument("image", help="the PNG to judge")
    parser.add_argument("--base", action="store_true", help="judge a base image (Gate 1a: no text at all)")
    parser.add_argument("--headline")
    parser.add_argument("--subline")
    parser.add_argument("--cta")
    parser.add_argument("--zones", help="JSON file: {role: {x, y, w, h}} in image fractions")
    parser.add_argument("--spec", help="JSON file with headline, subline, cta, zones, logo_box, brand_colors")
    parser.add_argument("--overlay", help="the same creative before its logo, to check the logo")
    parser.add_argument("--base-image", help="the picture before any text, to check text against its subject")
    args = parser.parse_args(argv)
    if not args.base and not args.spec and not (args.headline and args.subline and args.cta):
        parser.error("give --headline, --subline and --cta, or --spec, or --base")
    try:
        report = run_gates(args)
    except InputError as exc:
        print(json.dumps({"image": args.image, "error": str(exc)}), file=sys.stdout)
        print(f"check-image: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if report["verdict"] == "FAIL" else 0


if __name__ == "__main__":
    sys.exit(main())
