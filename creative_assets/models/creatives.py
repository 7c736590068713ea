"""Phase 4 and 5 values: text overlays, final creatives and every attempt behind them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from creative_assets.models.base import Artifact, Box, CallFailure, ImageType, Model, Variant
from creative_assets.models.gates import Action, GateResult, Verdict
from creative_assets.models.layout import FormatId, Layout
from creative_assets.models.text import CopyVariant, Locale

# What the quality gates made of a creative. Only a person approves (models/approvals.py): a
# creative that passed its gates is ready for review. needs_review: made (in part) by a local
# stand-in for a real provider after that provider failed; it is not counted as passed and
# ships only when a person approves it.
Status = Literal["passed", "passed_with_warnings", "needs_review", "failed"]
STATUS_OF: dict[Verdict, Status] = {
    "PASS": "passed",
    "PASS_WITH_WARNINGS": "passed_with_warnings",
    "FAIL": "failed",
}
PASSING: frozenset[Status] = frozenset({"passed", "passed_with_warnings"})
# The words records and metadata used before the rename: what is stored keeps loading.
RENAMED_STATUS = {"approved": "passed", "approved_with_warnings": "passed_with_warnings"}
RegenerationMode = Literal["i2i", "picture"]


def renamed_status(value: object) -> object:
    """A status as it is called now (a record stored before the rename said `approved`)."""
    return RENAMED_STATUS.get(value, value) if isinstance(value, str) else value


StatusField = Annotated[Status, BeforeValidator(renamed_status)]


def status_of(verdict: Verdict, fallback: str | None) -> Status:
    """A stand-in's work that passed its gates still waits for a person."""
    status = STATUS_OF[verdict]
    return "needs_review" if fallback and status in PASSING else status


class Regeneration(Model):
    """Which regeneration round a creative was made in: 0 is the campaign's own run; a round a
    person asked for (a regenerate_* backfill, the review desk's "request changes") has its own
    i2i attempt numbers (`i2i`) or its own picture seed (`picture`), so no cached answer of an
    earlier round can come back."""

    round: int = Field(default=0, ge=0)
    mode: RegenerationMode = "i2i"


class CreativeAttempt(Model):
    """One pass of i2i → logo → gates 1b–4. Files are relative to the final_creatives folder.
    A pass whose plan already failed (gates.gate_1b_plan) has no edit: no files, no overlay
    provider, and the plan's gate result as its only gate."""

    attempt: int = Field(ge=1)
    trigger: Action = Field(description="what started this attempt ('none' for the first)")
    base_seed: int
    base_sha256: str
    overlay_file: str | None
    final_file: str | None
    overlay_provider: str | None
    layout: Layout
    gates: list[GateResult]
    verdict: Verdict
    next_action: Action
    cost_usd: float = Field(default=0.0, description="what this pass paid, from the gateway's ledger")
    round: int = Field(default=0, ge=0, description="the regeneration round it belongs to")
    follows_picture: str | None = Field(
        default=None,
        description="set when another rendition's retry replaced the creative's picture and this "
        "rendition was judged again on it: which rendition drew it",
    )


class Overlay(Model):
    image_type: ImageType
    file: str
    provider: str
    model: str
    attempt: int
    sha256: str
    format: FormatId = "1:1"
    locale: Locale | None = None


class OverlaySet(Artifact):
    """Phase 4a: base image + typeset copy, no logo. The accepted attempt of each creative."""

    job_id: str
    variant: Variant
    overlays: list[Overlay]


class Rendition(Model):
    """One creative in one locale and ad format: its own layout, gates and retry loop on the
    shared base image. Files are relative to the final_creatives folder."""

    locale: Locale
    format: FormatId
    file: str
    width: int
    height: int
    sha256: str
    verdict: Verdict
    status: StatusField
    has_logo: bool
    crop: Box = Field(description="the part of the base image shown, in fractions of it")
    attempts: list[CreativeAttempt] = Field(min_length=1)
    cost_usd: float
    fallback: str | None = Field(
        default=None, description="why a local stand-in made part of it (its final attempt)"
    )

    @property
    def base_sha256(self) -> str:
        return self.attempts[-1].base_sha256


class Creative(Model):
    """A final creative — the concept a person approves: one copy variant on one base image —
    with every rendition (locale × ad format) it was rendered in, all on that one picture. Its
    status is the worst of its renditions' (one failed format fails the creative: the bundle
    ships all formats or none); `file`, `sha256`, `width` and `height` are those of the primary
    rendition (primary locale, first configured format), the image an approval is recorded
    against. A provider call that failed for good fails the creative alone (`failure`), with
    whatever renditions it finished before; a stand-in's work is `needs_review` (`fallback`)."""

    creative_id: str = Field(description="<job>-<variant>-<image_type>")
    image_type: ImageType
    file: str | None = Field(description="the primary rendition's; None when nothing was rendered")
    status: StatusField
    verdict: Verdict
    width: int = 0
    height: int = 0
    sha256: str | None = None
    has_logo: bool = False
    base_seed: int | None = None
    base_sha256: str | None = Field(default=None, description="the one picture every rendition is on")
    renditions: list[Rendition] = Field(default_factory=list)
    cost_usd: float = 0.0
    failure: CallFailure | None = None
    fallback: str | None = None
    regeneration: Regeneration = Field(default_factory=Regeneration)

    @model_validator(mode="after")
    def _consistent(self) -> Creative:
        if self.failure is None and not self.renditions:
            raise ValueError(f"{self.creative_id}: a creative without renditions needs its failure")
        if self.failure is not None and self.status != "failed":
            raise ValueError(f"{self.creative_id}: a creative whose call failed has status failed")
        if self.fallback and self.status in PASSING:
            raise ValueError(f"{self.creative_id}: a stand-in's work is never passed ({self.fallback})")
        pictures = {r.base_sha256 for r in self.renditions}
        if pictures and pictures != {self.base_sha256}:
            raise ValueError(
                f"[several_pictures] {self.creative_id}: its renditions are on {len(pictures)} "
                "base images; a creative is one picture in every format and locale"
            )
        if self.renditions and self.file != self.renditions[0].file:
            raise ValueError(f"{self.creative_id}: file must be the primary rendition's")
        return self

    @property
    def passed(self) -> bool:
        """Passed its gates with nothing a stand-in made: ready for review (only a person
        approves, and may still reject it)."""
        return self.status in PASSING

    @property
    def primary(self) -> Rendition:
        return self.renditions[0]

    @property
    def attempts(self) -> list[CreativeAttempt]:
        """Every attempt of every rendition, in rendering order."""
        return [a for r in self.renditions for a in r.attempts]

    def rendition(self, format: FormatId, locale: str | None = None) -> Rendition:
        for r in self.renditions:
            if r.format == format and locale in (None, r.locale):
                return r
        raise KeyError(f"[missing_rendition] {self.creative_id} has no {format} {locale or ''}")


class CreativeSet(Artifact):
    """The four final creatives of one job × variant; `files` holds every rendition's PNG
    (the primary one as `<image_type>.png`) and those of earlier attempts."""

    job_id: str
    variant: Variant
    copy_variant: CopyVariant = Field(description="in the primary locale")
    copy_by_locale: dict[Locale, CopyVariant] = Field(
        default_factory=dict, description="the copy of every locale rendered, the primary one included"
    )
    creatives: list[Creative]

    def copy_for(self, locale: str) -> CopyVariant:
        return self.copy_by_locale.get(locale, self.copy_variant)

    def creative(self, image_type: ImageType) -> Creative:
        return next(c for c in self.creatives if c.image_type == image_type)
