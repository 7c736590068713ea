"""The retry loop of one creative, branch by branch, with editors that misbehave on purpose."""

from __future__ import annotations

from typing import ClassVar

from PIL import ImageDraw

from creative_assets.defs.compose.attempts import Providers, make_creative
from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.layout_rules import restate_zones
from creative_assets.imaging.png import to_png
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import Box, BrandIdentity, CopyVariant, Layout
from creative_assets.providers.base import Generated, ImageEditor
from creative_assets.providers.local import (
    LocalBrandExtractor,
    LocalImageEditor,
    LocalJobSource,
    LocalResearcher,
    LocalVisionAnalyzer,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets.resources import CampaignSettings, OcrReader
from creative_assets_tests.provider_sim.overlay import render_zones, zone_texts

SETTINGS = CampaignSettings(width=768, height=768)


class MisspellingEditor(ImageEditor):
    """An i2i model that keeps mangling one word of the headline."""

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        wrong = copy.model_copy(update={"headline": copy.headline.replace("Deine", "Dieen")})
        img = typeset(canvas.image(), layout, wrong)
        return Generated(
            to_png(img), LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1).made_by
        )


class StrayTextEditor(ImageEditor):
    """An i2i model that renders the copy but also paints words where no zone is planned."""

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        img = typeset(canvas.image(), layout, copy)
        ImageDraw.Draw(img).text((40, 700), "FREE PIZZA", font=load_font(40, bold=True), fill="#ffffff")
        return Generated(
            to_png(img), LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1).made_by
        )


class BiasedEditor(ImageEditor):
    """An i2i model that renders the copy faithfully but adds a few words of its own to the
    subline — words the checked copy never had and an ad must not say (AGG: age)."""

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        biased = copy.model_copy(update={"subline": f"{copy.subline} im jungen Team"})
        img = typeset(canvas.image(), layout, biased)
        return Generated(
            to_png(img), LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1).made_by
        )


class FadedEditor(ImageEditor):
    """An i2i model that renders the copy right, but washed out: pale grey on a pale panel."""

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        faded = layout.model_copy(
            update={
                "zones": [
                    z.model_copy(update={"color": "#9a9a9a", "scrim": "#b4b4b4", "scrim_opacity": 1.0})
                    for z in layout.zones
                ]
            }
        )
        img = typeset(canvas.image(), faded, copy)
        return Generated(
            to_png(img), LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1).made_by
        )


def setup(editor: ImageEditor, settings: CampaignSettings = SETTINGS) -> dict:
    job = LocalJobSource().get_job("hoc-4711-pflege")
    writer = TemplateTextGenerator()
    context = writer.fuse_context(job, LocalResearcher().research(job)).value
    copy = writer.write_copy(context).value[1]  # variant B: "Deine Arbeit zählt"
    brand: BrandIdentity = LocalBrandExtractor().extract(job)
    prompt = writer.direct_images(context, copy).value.prompts[0]
    providers = Providers(
        editor, ProceduralImageGenerator(), LocalVisionAnalyzer(), writer, OcrReader(), settings
    )
    palette = [brand.primary_color, brand.secondary_color, brand.accent_color]
    base, png = generate_clean_base_image(
        generator=providers.generator,
        ocr=providers.ocr,
        settings=settings,
        prompt=prompt,
        palette=palette,
        seed_parts=("t", "B", prompt.image_type),
        file="job_focus.png",
    )
    analysis = providers.vision.analyze(png).value
    layout = writer.design_layout(analysis, copy, brand, prompt.image_type).value
    return {
        "providers": providers,
        "base": base,
        "canvas": Canvas.of(png),
        "layout": layout,
        "prompt": prompt,
        "copy": copy,
        "brand": brand,
        "seed_parts": ("t", "B", prompt.image_type),
        "locale": "de-DE",
    }


def test_good_editor_passes_on_the_first_attempt() -> None:
    outcome = make_creative(**setup(LocalImageEditor()))
    assert [a.trigger for a in outcome.attempts] == ["none"]
    assert outcome.attempts[0].verdict in ("PASS", "PASS_WITH_WARNINGS")


def test_mangled_text_retries_i2i_then_typesets_locally() -> None:
    outcome = make_creative(**setup(MisspellingEditor()))
    assert [a.trigger for a in outcome.attempts] == ["none", "regenerate_i2i", "typeset_locally"]
    first, second, third = outcome.attempts
    assert first.verdict == second.verdict == "FAIL"
    assert [g.gate for g in first.gates if g.status == "FAIL"] == ["2"]
    assert third.verdict != "FAIL" and third.overlay_provider == "local/pillow-typesetter-v1"
    assert third.base_seed == first.base_seed  # same base image: local typesetting costs nothing new
    assert {a.final_file for a in outcome.attempts} <= set(outcome.files)


def test_misplaced_text_retries_i2i_then_typesets_locally() -> None:
    outcome = make_creative(**setup(StrayTextEditor()))
    assert [a.trigger for a in outcome.attempts] == ["none", "regenerate_i2i", "typeset_locally"]
    assert any(g.gate == "1b" and g.status == "FAIL" for g in outcome.attempts[0].gates)
    assert outcome.attempts[-1].verdict != "FAIL"


def test_biased_words_added_by_the_editor_fail_gate_2_then_the_copy_is_typeset_locally() -> None:
    # At the feed size: on a 768 px image the subline is small enough for OCR to drop the gaps
    # between words now and then ("imjungenTeam"), which no phrase rule can match.
    outcome = make_creative(**setup(BiasedEditor(), CampaignSettings(width=1080, height=1080)))
    assert [a.trigger for a in outcome.attempts] == ["none", "regenerate_i2i", "typeset_locally"]
    gate_2 = next(g for g in outcome.attempts[0].gates if g.gate == "2")
    assert gate_2.status == "FAIL" and "jungen Team" in gate_2.summary
    found = gate_2.evidence["compliance"]
    assert [(f["category"], f["field"]) for f in found] == [("age", "creative")]
    last = outcome.attempts[-1]
    assert last.verdict != "FAIL"
    assert "compliance" not in next(g for g in last.gates if g.gate == "2").evidence


def test_repeated_unreadable_result_regenerates_the_base_image_and_stops_after_three_attempts() -> None:
    args = setup(FadedEditor())
    outcome = make_creative(**args)
    assert [a.trigger for a in outcome.attempts] == ["none", "regenerate_i2i", "regenerate_bfl"]
    assert all(a.verdict == "FAIL" for a in outcome.attempts)  # the editor never stops; 3 is the cap
    assert any(g.gate == "4" and g.status == "FAIL" for g in outcome.attempts[0].gates)
    assert outcome.attempts[2].base_seed != args["base"].seed
    assert "attempts/job_focus-3-base.png" in outcome.files
    assert outcome.attempts[-1].next_action == "none"


class CountingEditor(ImageEditor):
    """The local typesetter, noting each edit it was asked for (a resource is frozen, so the
    tally lives outside the instance)."""

    edits: ClassVar[list[int]] = []

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        CountingEditor.edits.append(attempt)
        return LocalImageEditor().overlay_text(canvas, layout, copy, attempt=attempt)


def _subject_everywhere(layout: Layout) -> Layout:
    """The plan as the planner makes it when the subject fills the picture: no calm space clear
    of it, so the copy has to go on it."""
    analysis = layout.analysis.model_copy(update={"salient": Box(x=0.0, y=0.0, w=1.0, h=1.0)})
    return layout.model_copy(update={"analysis": analysis})


def test_a_plan_that_puts_the_copy_on_the_subject_gets_a_new_picture_before_any_edit() -> None:
    editor, CountingEditor.edits[:] = CountingEditor(), []
    args = setup(editor)
    args["layout"] = _subject_everywhere(args["layout"])
    outcome = make_creative(**args)
    assert [a.trigger for a in outcome.attempts] == ["none", "regenerate_bfl"]
    planned, second = outcome.attempts
    (check,) = planned.gates
    assert (check.gate, check.status, check.action) == ("1b", "FAIL", "regenerate_bfl")
    assert check.evidence["planned"] is True and "before an edit" in check.summary
    assert planned.overlay_file is planned.final_file is planned.overlay_provider is None
    assert planned.cost_usd == 0.0 and planned.next_action == "regenerate_bfl"
    # One edit in all, on the new picture, planned again on its own analysis.
    assert CountingEditor.edits == [2]
    assert second.base_seed != args["base"].seed and second.verdict != "FAIL"
    assert second.layout.analysis.salient != Box(x=0.0, y=0.0, w=1.0, h=1.0)


def test_on_the_last_attempt_a_failed_plan_is_still_edited_and_reported() -> None:
    editor, CountingEditor.edits[:] = CountingEditor(), []
    args = setup(editor)
    args["layout"] = _subject_everywhere(args["layout"])
    args["providers"].settings = SETTINGS.model_copy(update={"max_creative_attempts": 1})
    outcome = make_creative(**args)
    (only,) = outcome.attempts
    assert CountingEditor.edits == [1] and only.overlay_provider is not None
    assert only.verdict == "FAIL" and any(g.gate == "1b" and g.status == "FAIL" for g in only.gates)


class PromptEditor(ImageEditor):
    """An i2i model that paints exactly what the layout prompt names (the simulator's edit):
    each text in its box and colour, on a panel only where the prompt asks for one."""

    prompts: ClassVar[list[str]] = []

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        PromptEditor.prompts.append(layout.i2i_prompt)
        img = render_zones(canvas.image().convert("RGB"), zone_texts(layout.i2i_prompt), None)
        return Generated(
            to_png(img), LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1).made_by
        )


def test_a_plan_whose_colours_the_picture_defeats_gets_its_panel_before_the_edit() -> None:
    """Dark text planned over a dark patch (a plan made from region averages can do that): the
    editor is asked for a light panel behind it in the first prompt, so one edit passes Gate 4
    instead of failing it and being retried."""
    editor, PromptEditor.prompts[:] = PromptEditor(), []
    args = setup(editor)
    layout: Layout = args["layout"]
    dark = {"color": "#111111", "scrim": None, "scrim_opacity": 0.0}
    zones = [z if z.role == "cta" else z.model_copy(update=dark) for z in layout.zones]
    args["layout"] = restate_zones(layout, zones, args["copy"])
    base = args["canvas"].image().copy()
    for zone in zones[:2]:
        ImageDraw.Draw(base).rectangle(zone.box.to_pixels(*base.size), fill="#262626")
    args["canvas"] = Canvas.of(to_png(base))

    outcome = make_creative(**args)
    (only,) = outcome.attempts
    assert only.verdict != "FAIL"
    assert next(g for g in only.gates if g.gate == "4").status != "FAIL"
    (prompt,) = PromptEditor.prompts
    assert prompt.count("panel at") >= 2  # headline and subline, as the stored layout says
    assert all(z.scrim for z in only.layout.zones if z.role != "cta")
