"""The rule-based layout designer: safe, disjoint zones and contrast-safe colours."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from creative_assets.gates.checks import gate_1b_plan
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.color import contrast_ratio, hex_to_rgb, relative_luminance
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.typesetting import planned_lines
from creative_assets.models import BrandIdentity, CopyVariant, ImageAnalysis, Layout, LogoInfo, Region
from creative_assets.models.base import Box

SIZE = 1024
SAFE = 0.04


def make_copy(headline: str, subline: str, cta: str) -> CopyVariant:
    return CopyVariant(
        variant="A",
        angle="test",
        headline=headline,
        subline=subline,
        benefits=["b"],
        cta=cta,
        emotional_anchors=["a"],
        style="calm",
    )


def make_brand(accent: str = "#f97316", primary: str = "#0a4d68", logo: bool = True) -> BrandIdentity:
    info = LogoInfo(width=300, height=100, sha256="0" * 64, source="test") if logo else None
    return BrandIdentity(
        company_name="Acme",
        primary_color=primary,
        secondary_color="#088395",
        accent_color=accent,
        source="defaults",
        logo=info,
    )


COPIES = [
    make_copy(
        "Pflegefachkraft (m/w/d) für unsere Intensivstation gesucht",
        "Faire Bezahlung nach TVöD, 30 Tage Urlaub und ein Team, das zusammenhält.",
        "Jetzt bewerben",
    ),
    make_copy("Drive your career forward", "Flexible shifts in Hamburg.", "Apply now"),
    make_copy(
        "Mehr Zeit für das Wesentliche",
        "Übertarifliche Bezahlung, Jobrad, betriebliche Altersvorsorge und echte Weiterbildung "
        "in einem Team.",
        "Mehr erfahren",
    ),
]


def flat_top_noisy_bottom() -> Image.Image:
    rng = np.random.default_rng(1)
    a = np.full((SIZE, SIZE, 3), 225, np.uint8)
    a[SIZE // 2 :] = rng.integers(0, 256, (SIZE // 2, SIZE, 3), dtype=np.uint8)
    return Image.fromarray(a)


def busy_mid_grey() -> Image.Image:
    rng = np.random.default_rng(2)
    a = np.clip(rng.normal(118, 45, (SIZE // 8, SIZE // 8, 3)), 0, 255).astype(np.uint8)
    return Image.fromarray(a).resize((SIZE, SIZE), Image.Resampling.NEAREST)


def sky_and_shapes() -> Image.Image:
    ys = np.linspace(0, 1, SIZE)[:, None, None]
    a = (np.array([40, 90, 160]) + np.array([210, 100, -40]) * ys) * np.ones((1, SIZE, 1))
    img = Image.fromarray(a.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    rng = np.random.default_rng(3)
    for _ in range(30):
        x, y, r = int(rng.integers(0, SIZE)), int(rng.integers(560, SIZE)), int(rng.integers(20, 110))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return img.filter(ImageFilter.GaussianBlur(1))


IMAGES = {
    "flat_top": flat_top_noisy_bottom,
    "bright": lambda: Image.new("RGB", (SIZE, SIZE), (246, 240, 228)),
    "dark": lambda: Image.new("RGB", (SIZE, SIZE), (18, 26, 44)),
    "busy_grey": busy_mid_grey,
    "sky": sky_and_shapes,
}


def plan(img: Image.Image, copy: CopyVariant, brand: BrandIdentity | None = None, **kw: object) -> Layout:
    brand = brand or make_brand()
    return plan_layout(analyze_image(img), copy, brand, kw.pop("image_type", "job_focus"), has_logo=True)


def effective_contrast(img: Image.Image, layout: Layout, role: str) -> float:
    """Median WCAG contrast of the zone's text colour against its real pixels, scrim blended in."""
    zone = layout.zone(role)
    px = np.asarray(img.convert("RGB").crop(zone.box.to_pixels(*img.size)), dtype=np.float64)
    if zone.scrim is not None:
        px = zone.scrim_opacity * np.array(hex_to_rgb(zone.scrim)) + (1 - zone.scrim_opacity) * px
    c = px / 255
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lum = float(np.median(lin @ np.array([0.2126, 0.7152, 0.0722])))
    return contrast_ratio(lum, relative_luminance(hex_to_rgb(zone.color)))


@pytest.fixture(scope="module")
def layouts() -> list[tuple[str, Image.Image, Layout]]:
    out = []
    for (name, make), (i, copy) in itertools.product(IMAGES.items(), enumerate(COPIES)):
        img = make()
        image_type = ("job_focus", "lifestyle", "artistic", "location")[i % 4]
        out.append((name, img, plan(img, copy, image_type=image_type)))
    return out


def test_zones_inside_safe_margin_and_disjoint(layouts: list[tuple[str, Image.Image, Layout]]) -> None:
    for name, _, layout in layouts:
        assert [z.role for z in layout.zones] == ["headline", "subline", "cta"], name
        for z in layout.zones:
            b = z.box
            assert b.x >= SAFE and b.y >= SAFE, (name, z)
            assert b.x + b.w <= 1 - SAFE + 1e-9 and b.y + b.h <= 1 - SAFE + 1e-9, (name, z)
        for a, b in itertools.combinations(layout.zones, 2):
            assert a.box.overlap(b.box) < 1e-9, (name, a.role, b.role)
        head, sub, cta = (layout.zone(r).box for r in ("headline", "subline", "cta"))
        assert head.y < sub.y < cta.y, name
        assert head.h > cta.h, name


def test_colours_reach_wcag_aa_on_the_real_pixels(layouts: list[tuple[str, Image.Image, Layout]]) -> None:
    for name, img, layout in layouts:
        for role in ("headline", "subline", "cta"):
            assert effective_contrast(img, layout, role) >= 4.5, (name, role, layout.zone(role))


def test_cta_is_a_solid_accent_button(layouts: list[tuple[str, Image.Image, Layout]]) -> None:
    for _, _, layout in layouts:
        cta = layout.zone("cta")
        assert cta.scrim == "#f97316" and cta.scrim_opacity == 1.0


def test_flat_top_is_chosen_over_noise() -> None:
    layout = plan(flat_top_noisy_bottom(), COPIES[0])
    for zone in layout.zones:
        assert zone.box.y + zone.box.h <= 0.5


def test_bright_image_gets_dark_text_without_scrim() -> None:
    layout = plan(Image.new("RGB", (SIZE, SIZE), (250, 248, 240)), COPIES[1])
    head = layout.zone("headline")
    assert head.color == "#111111" and head.scrim is None


def test_busy_mid_grey_gets_a_scrim() -> None:
    img = busy_mid_grey()
    layout = plan(img, COPIES[0])
    for role in ("headline", "subline"):
        zone = layout.zone(role)
        assert zone.scrim is not None and 0.55 <= zone.scrim_opacity <= 0.85
        assert effective_contrast(img, layout, role) >= 4.5


@pytest.mark.parametrize("accent", ["#767676", "#ffcc00", "#1d3557", "#f97316"])
def test_cta_label_contrast_on_any_accent(accent: str) -> None:
    layout = plan(Image.new("RGB", (SIZE, SIZE), (30, 30, 30)), COPIES[1], make_brand(accent=accent))
    cta = layout.zone("cta")
    lum = relative_luminance(hex_to_rgb(accent))
    assert contrast_ratio(lum, relative_luminance(hex_to_rgb(cta.color))) >= 4.5


def test_logo_goes_to_the_calmest_free_corner() -> None:
    a = np.full((SIZE, SIZE, 3), 235, np.uint8)
    a[-220:, :220] = np.random.default_rng(4).integers(0, 256, (220, 220, 3), dtype=np.uint8)
    layout = plan(Image.fromarray(a), COPIES[1])
    assert layout.logo_position == "bottom_right"
    box = layout.logo_box
    assert box is not None
    left, top, right, bottom = box.to_pixels(SIZE, SIZE)
    assert bottom - top <= 80 and (SIZE - right, SIZE - bottom) == (20, 20)
    assert right - left == 3 * (bottom - top)  # the brand logo's 3:1 aspect
    assert all(z.box.overlap(box) == 0 for z in layout.zones)


def test_no_logo_when_the_brand_has_none() -> None:
    analysis = analyze_image(Image.new("RGB", (SIZE, SIZE), (200, 200, 200)))
    layout = plan_layout(analysis, COPIES[1], make_brand(logo=False), "lifestyle", has_logo=False)
    assert layout.logo_position is None and layout.logo_box is None
    assert "corner clear" not in layout.i2i_prompt


def test_i2i_prompt_quotes_copy_and_forbids_extras() -> None:
    copy = COPIES[0]
    layout = plan(busy_mid_grey(), copy)
    prompt = layout.i2i_prompt
    for text in (copy.headline, copy.subline, copy.cta):
        assert f'"{text}"' in prompt
    for zone in layout.zones:
        assert zone.color in prompt
    assert "#f97316" in prompt and "opacity" in prompt
    assert "Do not add a logo or any other text" in prompt
    assert "unchanged outside the zones" in prompt


def test_vision_regions_at_the_edge_are_pulled_inside_the_margin() -> None:
    analysis = ImageAnalysis(
        width=SIZE,
        height=SIZE,
        regions=[Region(box=Box(x=0, y=0, w=1, h=0.4), detail=0.0, luminance=0.9)],
        salient=Box(x=0.2, y=0.5, w=0.6, h=0.5),
        sha256="0" * 64,
        provider="vision",
    )
    layout = plan_layout(analysis, COPIES[0], make_brand(), "location", has_logo=True)
    for zone in layout.zones:
        assert zone.box.x >= 0.05 - 1e-9 and zone.box.y >= 0.05 - 1e-9
        assert zone.box.y + zone.box.h <= 0.45 + 1e-9
    assert layout.zone("headline").align == "center"  # location images centre their type


def test_deterministic() -> None:
    img = sky_and_shapes()
    assert plan(img, COPIES[2]) == plan(img, COPIES[2])


def test_a_subject_over_every_measured_region_gets_the_copy_in_the_band_beside_it() -> None:
    # From a benchmark run: the vision answer's subject covers 80 % × 69 % of a location picture
    # and every calm region it measured; the plan put all three texts on the subject, so the
    # picture was replaced before its edit (a new image, analysis and layout on the critical
    # path). The band under the subject holds the copy.
    regions = [
        Region(box=Box(x=0.05, y=y, w=0.9, h=h), detail=0.005 + y / 50, luminance=0.7)
        for y, h in ((0.05, 0.24), (0.05, 0.32), (0.15, 0.32), (0.35, 0.24), (0.5, 0.3))
    ] + [Region(box=Box(x=0.05, y=0.05, w=0.45, h=0.45), detail=0.004, luminance=0.74)]
    analysis = ImageAnalysis(
        width=1080,
        height=1080,
        regions=regions,
        salient=Box(x=0.062, y=0.077, w=0.796, h=0.691),
        sha256="0" * 64,
        provider="vision",
    )
    copy = make_copy("Typeset subline benefits", "Characters visual Headline", "Anchors benefits growth")
    layout = plan_layout(analysis, copy, make_brand(), "location", has_logo=True)
    subject_bottom = 0.077 + 0.691
    for zone in layout.zones:
        assert zone.box.y >= subject_bottom - 1e-9, (zone.role, zone.box)
        assert zone.box.y + zone.box.h <= 0.95 + 1e-9
    assert layout.zone("headline").scrim is not None  # an unmeasured band gets a panel
    assert gate_1b_plan(layout, planned_lines(layout, copy)).status == "PASS"
    # A picture with a calm region clear of its subject is planned there, as before.
    calm_sky = Region(box=Box(x=0.05, y=0.05, w=0.9, h=0.3), detail=0.003, luminance=0.8)
    low_subject = analysis.model_copy(
        update={"regions": [calm_sky], "salient": Box(x=0.2, y=0.45, w=0.6, h=0.5)}
    )
    kept = plan_layout(low_subject, copy, make_brand(), "location", has_logo=True)
    assert all(z.box.y + z.box.h <= 0.35 + 1e-9 for z in kept.zones)


def test_a_block_reaching_into_a_big_subject_is_not_taken_for_clear() -> None:
    """The subject fills the lower half (a row of sheds); a tall calm region reaches a little
    into it. A block hugging that region's top ran its CTA onto the subject and still counted as
    clear, because its overlap was measured as a share of the subject, not of the zone."""
    subject = Box(x=0.0, y=0.5, w=1.0, h=0.5)
    analysis = ImageAnalysis(
        width=1080,
        height=1080,
        regions=[
            Region(box=Box(x=0.05, y=0.0983, w=0.9, h=0.465), detail=0.004, luminance=0.7),
            Region(box=Box(x=0.05, y=0.05, w=0.45, h=0.45), detail=0.0045, luminance=0.7),
            Region(box=Box(x=0.5, y=0.05, w=0.45, h=0.45), detail=0.0045, luminance=0.7),
        ],
        salient=subject,
        sha256="0" * 64,
        provider="test",
    )
    copy = make_copy(
        "Warehouse Operative wanted",
        "£13.80 per hour plus night premium and weekly pay at Northbridge Logistics",
        "Apply now",
    )
    layout = plan_layout(analysis, copy, make_brand(logo=False), "location", has_logo=False)
    assert all(subject.overlap(z.box) <= 0.05 for z in layout.zones), [z.box for z in layout.zones]
