"""One creative in every locale and ad format: a retry loop per rendition, all on one picture.

Renditions are a loop inside the `compose` step rather than partitions or assets of their
own: a rendition costs no image generation (the base image is shared), only layout, typesetting
or i2i and the gates, so a Dagster step each would multiply the run overhead (≈ 1 s a step with
the multiprocess executor) by locales × formats for work that takes a fraction of that.

A creative's renditions are made side by side (their i2i edits are latency, not CPU), up to
`renditions_at_once` at a time, in rounds on one picture. A creative is one visual: when a
rendition's retry draws a new picture (only one per round may: `picture.PictureClaims`), the
renditions still on the old one stop at their next attempt, and in the next round every
rendition but the one that drew is made again on the new picture (its earlier attempts stay in
its record). A creative draws at most `max_creative_attempts` pictures in all; after that a
failure that would earn a new picture gets another edit instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from creative_assets.defs.compose.attempts import CreativeOutcome, Providers, make_creative
from creative_assets.defs.compose.picture import Picture, PictureClaims, draw_picture
from creative_assets.defs.failures import CreativeFailed
from creative_assets.defs.parallel import side_by_side
from creative_assets.gateway.scope import call_scope
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import sha256
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyDeck,
    Creative,
    CreativeAttempt,
    DesignerPrompt,
    LayoutSet,
    Overlay,
    Rendition,
)
from creative_assets.models.base import CallFailure
from creative_assets.models.creatives import Regeneration, Status, status_of
from creative_assets.models.gates import Action, Verdict

SEVERITY: dict[Verdict, int] = {"PASS": 0, "PASS_WITH_WARNINGS": 1, "FAIL": 2}
STATUS_ORDER: dict[Status, int] = {"passed": 0, "passed_with_warnings": 1, "needs_review": 2, "failed": 3}
# A regeneration round's attempt numbers start at round × this: far above any round's own
# (max_creative_attempts per picture, a few pictures), so no round reuses another's number.
ROUND_STRIDE = 100

Key = tuple[str, str]  # (locale, format)


def rendition_file(image_type: str, locale: str, format_id: str, *, primary: bool) -> str:
    """`<image_type>.png` for the primary rendition (where a single-format campaign always put
    its creative), `<image_type>/<locale>_<format>.png` for the others."""
    if primary:
        return f"{image_type}.png"
    return f"{image_type}/{locale}_{ad_format(format_id).slug}.png"


def worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=SEVERITY.__getitem__)


@dataclass
class RenderedCreative:
    """A creative and the files its renditions add to text_overlays and final_creatives (what it
    cost is on the gateway's ledger under its scope: `defs.ledger.priced`)."""

    creative: Creative
    overlays: list[Overlay]
    overlay_files: dict[str, bytes]
    final_files: dict[str, bytes]
    pictures_drawn: int = 0


def failed_creative(job_id: str, variant: str, image_type: str, failure: CallFailure) -> Creative:
    """A creative that never got as far as a rendition: an upstream call failed for good."""
    return Creative(
        creative_id=f"{job_id}-{variant}-{image_type}",
        image_type=image_type,  # type: ignore[arg-type]
        file=None,
        status="failed",
        verdict="FAIL",
        failure=failure,
    )


def render_creative(
    *,
    providers: Providers,
    job_id: str,
    variant: str,
    base: BaseImage,
    base_png: bytes,
    layouts: LayoutSet,
    prompt: DesignerPrompt,
    deck: CopyDeck,
    brand: BrandIdentity,
    regeneration: Regeneration | None = None,
) -> RenderedCreative:
    """Every locale of the deck × every configured format of one creative, primary first, on
    one picture (module docstring). In a regeneration round the attempts are numbered from the
    round's own start, and in `picture` mode the creative starts on a new picture of its own."""
    regeneration = regeneration or Regeneration()
    settings = providers.settings
    name = base.image_type
    keys: list[Key] = [(locale, f) for locale in deck.locales for f in settings.formats]
    picture = Picture(base=base, png=base_png)
    for locale, format_id in keys:
        picture.layouts[format_id, locale] = layouts.layout(name, format_id, locale)  # type: ignore[arg-type]
    round_no = regeneration.round
    seed_parts: tuple[object, ...] = (job_id, variant, name)
    if round_no:
        seed_parts = (*seed_parts, "round", round_no, base.seed)
    first_trigger: Action = "none"
    if round_no:
        first_trigger = "regenerate_bfl" if regeneration.mode == "picture" else "regenerate_i2i"
    next_attempt = dict.fromkeys(keys, 1 + round_no * ROUND_STRIDE)
    trigger: dict[Key, Action] = dict.fromkeys(keys, first_trigger)
    follows: dict[Key, str | None] = dict.fromkeys(keys)
    outcomes: dict[Key, CreativeOutcome] = {}
    earlier: dict[Key, list[CreativeAttempt]] = defaultdict(list)  # on pictures it has left
    extra_files: dict[str, bytes] = {}
    pictures, failure = 1, None
    try:
        if round_no and regeneration.mode == "picture":
            picture = draw_picture(
                generator=providers.generator,
                ocr=providers.ocr,
                settings=settings,
                prompt=prompt,
                brand=brand,
                seed_parts=(*seed_parts, "picture"),
                file=f"attempts/{name}-round{round_no}-base.png",
                drawn_by=f"regeneration round {round_no}",
            )
            extra_files[picture.base.file] = picture.png
            pictures += 1
        pending = list(keys)
        while pending:
            # This round's renditions side by side on the current picture; at most one of them
            # draws a new one (PictureClaims), and then every other moves to it next round.
            claims = PictureClaims(picture.base.sha256, drawn=pictures, budget=settings.max_creative_attempts)

            def make(key: Key, picture: Picture = picture, claims: PictureClaims = claims) -> CreativeOutcome:
                locale, format_id = key
                copy = deck.variant(variant, locale)
                with call_scope(rendition=f"{locale} {format_id}"):  # the ledger prices it by this
                    layout = picture.layout_for(
                        vision=providers.vision,
                        text=providers.text,
                        copy=copy,
                        brand=brand,
                        format_id=format_id,
                        locale=locale,
                    )
                    return make_creative(
                        providers=providers,
                        base=picture.base,
                        canvas=picture.canvas(layout),
                        layout=layout,
                        prompt=prompt,
                        copy=copy,
                        brand=brand,
                        seed_parts=seed_parts,
                        locale=locale,
                        tag=name if key == keys[0] else f"{name}_{locale}_{ad_format(format_id).slug}",
                        first_attempt=next_attempt[key],
                        first_trigger=trigger[key],
                        claims=claims,
                        round=round_no,
                        follows_picture=follows[key],
                    )

            done = side_by_side(make, pending, name="rendition", at_once=settings.renditions_at_once)
            made = dict(zip(pending, done, strict=True))
            outcomes |= made
            for key, outcome in made.items():
                next_attempt[key] = outcome.attempts[-1].attempt + 1
            drawn = [(k, o.picture) for k, o in made.items() if o.picture is not None]
            if not drawn:
                break
            # One rendition's retry drew a new picture (claims let only one draw): the creative
            # moves to it, and every other rendition is made again there.
            ((drawer, picture),) = drawn
            pictures = claims.drawn
            for other in keys:
                if other != drawer and other in outcomes:
                    moved = outcomes.pop(other)
                    earlier[other] += moved.attempts
                    extra_files |= {**moved.files}
                    trigger[other] = "regenerate_bfl"
                    follows[other] = f"{drawer[0]} {drawer[1]}"
            pending = [k for k in keys if k not in outcomes]
    except CreativeFailed as failed:
        failure = failed.failure
    return _assemble(
        job_id=job_id,
        variant=variant,
        name=name,
        keys=keys,
        outcomes=outcomes,
        earlier=earlier,
        picture=picture,
        brand=brand,
        failure=failure,
        regeneration=regeneration,
        extra_files=extra_files,
        pictures_drawn=pictures - 1,
    )


def _assemble(
    *,
    job_id: str,
    variant: str,
    name: str,
    keys: list[Key],
    outcomes: dict[Key, CreativeOutcome],
    earlier: dict[Key, list[CreativeAttempt]],
    picture: Picture,
    brand: BrandIdentity,
    failure: CallFailure | None,
    regeneration: Regeneration,
    extra_files: dict[str, bytes],
    pictures_drawn: int,
) -> RenderedCreative:
    """The creative record from its renditions' outcomes (in rendition order, primary first)."""
    renditions: list[Rendition] = []
    overlays: list[Overlay] = []
    overlay_files: dict[str, bytes] = {}
    final_files: dict[str, bytes] = dict(extra_files)
    for key in keys:
        outcome = outcomes.get(key)
        if outcome is None:
            continue
        locale, format_id = key
        file = rendition_file(name, locale, format_id, primary=key == keys[0])
        last = outcome.attempts[-1]  # the last attempt always has an edit (attempts.py)
        assert last.overlay_provider is not None
        fallback = "; ".join(filter(None, (outcome.base.fallback, outcome.fallback))) or None
        width, height = outcome.final_size
        overlay_files[file] = outcome.overlay_png
        final_files |= {file: outcome.final_png, **outcome.files}
        overlays.append(
            Overlay(
                image_type=name,  # type: ignore[arg-type]
                file=file,
                provider=last.overlay_provider,
                model=last.overlay_provider.split("/", 1)[-1],
                attempt=last.attempt,
                sha256=sha256(outcome.overlay_png),
                format=format_id,  # type: ignore[arg-type]
                locale=locale,
            )
        )
        renditions.append(
            Rendition(
                locale=locale,
                format=format_id,  # type: ignore[arg-type]
                file=file,
                width=width,
                height=height,
                sha256=sha256(outcome.final_png),
                verdict=last.verdict,
                status=status_of(last.verdict, fallback),
                has_logo=brand.logo is not None and last.layout.logo_box is not None,
                crop=last.layout.crop,
                attempts=[*earlier.get(key, []), *outcome.attempts],
                cost_usd=0.0,  # priced from the ledger once the step's calls are made
                fallback=fallback,
            )
        )
    primary = renditions[0] if renditions else None
    fallbacks = "; ".join(dict.fromkeys(r.fallback for r in renditions if r.fallback)) or None
    if failure is not None:
        status: Status = "failed"
    else:
        status = max((r.status for r in renditions), key=STATUS_ORDER.__getitem__)
    creative = Creative(
        creative_id=f"{job_id}-{variant}-{name}",
        image_type=name,  # type: ignore[arg-type]
        file=primary.file if primary else None,
        status=status,
        verdict="FAIL" if failure else worst([r.verdict for r in renditions]),
        width=primary.width if primary else 0,
        height=primary.height if primary else 0,
        sha256=primary.sha256 if primary else None,
        has_logo=bool(renditions) and all(r.has_logo for r in renditions),
        base_seed=picture.base.seed if renditions else None,
        base_sha256=picture.base.sha256 if renditions else None,
        renditions=renditions,
        failure=failure,
        fallback=fallbacks,
        regeneration=regeneration,
    )
    return RenderedCreative(creative, overlays, overlay_files, final_files, pictures_drawn)
