"""Regenerate means new: a regeneration a person asks for never gets a cached answer back, and a
plain re-run of an unchanged partition changes nothing.

Two levels, each remembered in the materialization's metadata so a later run can go on from it:
- `base_images` draws in a seed *generation*. A `regenerate_images` run takes the next one (new
  seeds for the partition's four pictures); any other run keeps the stored one. The run tag
  `creative_assets/generation=N` or the config `generation: N` names one outright.
- the compose phase makes each creative in a *round* (`models.creatives.Regeneration`). Round 0 is the
  campaign's own. A regeneration request — a `regenerate_creatives` run (a backfill), the run
  tags below, or the op config below (what a review desk's "request changes" on one creative
  launches) — gives the chosen creatives the next round: new i2i attempt numbers on the same
  picture (`i2i`), or a new picture with its own seed (`picture`). The others keep their round,
  so they come back byte-identical from the cache at no cost.

Entry points (the op is `image_chains`, defs/chains.py; run config `ops: {image_chains: {config: …}}`):
    image_types: [lifestyle]      which creatives (default: those that did not pass; all if none)
    mode: i2i | picture           default i2i
    round: N                      default: the creative's last round + 1 (the same N again is
                                  answered from the cache: a retried request stays idempotent)
Backfills take tags, not config: `creative_assets/regenerate=i2i|picture` and
`creative_assets/regenerate_image_types=lifestyle,location`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from pydantic import Field, field_validator

from creative_assets.models import IMAGE_TYPES, ImageType
from creative_assets.models.creatives import PASSING, Regeneration, RegenerationMode, renamed_status

GENERATION_TAG = "creative_assets/generation"
REGENERATE_TAG = "creative_assets/regenerate"
IMAGE_TYPES_TAG = "creative_assets/regenerate_image_types"
REGENERATE_IMAGES_JOB, REGENERATE_CREATIVES_JOB = "regenerate_images", "regenerate_creatives"
ROUNDS_METADATA = "regeneration"


class CreativesConfig(dg.Config):
    """The image chains' config (defs/chains.py): the base images' seed generation and a
    regeneration request for the compose phase."""

    generation: int = Field(
        default=0,
        description="a seed generation to draw in (every generation has its own seeds); by default "
        "a regenerate_images run draws in the next one and other runs keep the stored one; a run "
        f"tag {GENERATION_TAG}=N names one for backfills, which take tags but no config",
    )
    # Plain str in the schema (Dagster config has no Literal); checked below.
    image_types: list[str] = Field(
        default_factory=list,
        description=f"creatives to regenerate ({', '.join(IMAGE_TYPES)}); empty: those that did not pass",
    )
    mode: str | None = Field(
        default=None, description="i2i: a new edit on the same picture; picture: a new picture"
    )
    round: int | None = Field(default=None, ge=1, description="default: each creative's last round + 1")

    @field_validator("image_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(IMAGE_TYPES))
        if unknown:
            raise ValueError(f"[unknown_image_type] {', '.join(unknown)}: use {', '.join(IMAGE_TYPES)}")
        return value

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str | None) -> str | None:
        if value not in (None, "i2i", "picture"):
            raise ValueError(f"[unknown_mode] {value!r}: use i2i or picture")
        return value


def _invalid_tag(name: str, value: str, expected: str) -> ValueError:
    return ValueError(f"[invalid_tag] {name}={value!r}: {expected}")


def latest_metadata(instance: dg.DagsterInstance, asset: str, partition: str) -> Mapping[str, Any]:
    """The metadata of the partition's latest materialization, as plain values ({} if none)."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records
    if not records or records[0].asset_materialization is None:
        return {}
    return {k: v.value for k, v in records[0].asset_materialization.metadata.items()}


def generation_of(context: dg.AssetExecutionContext, configured: int) -> int:
    """The seed generation of this run's base images (module docstring)."""
    tagged = context.run.tags.get(GENERATION_TAG)
    if tagged is not None and not tagged.isdigit():
        raise _invalid_tag(GENERATION_TAG, tagged, "must be a whole number")
    if configured or tagged is not None:
        return max(configured, int(tagged or 0))
    stored = latest_metadata(context.instance, "base_images", context.partition_key).get("generation", 0)
    previous = stored if isinstance(stored, int) else 0
    return previous + 1 if context.job_name == REGENERATE_IMAGES_JOB else previous


def _requested(
    context: dg.AssetExecutionContext, config: CreativesConfig
) -> tuple[set[ImageType] | None, RegenerationMode] | None:
    """(chosen image types or None for the default choice, mode), or None when nobody asked."""
    tags = context.run.tags
    mode_tag, types_tag = tags.get(REGENERATE_TAG), tags.get(IMAGE_TYPES_TAG)
    if mode_tag is not None and mode_tag not in ("i2i", "picture"):
        raise _invalid_tag(REGENERATE_TAG, mode_tag, "use i2i or picture")
    chosen: set[ImageType] | None = set(config.image_types) or None  # type: ignore[arg-type]
    if chosen is None and types_tag:
        names = {t.strip() for t in types_tag.split(",") if t.strip()}
        if not names <= set(IMAGE_TYPES):
            raise _invalid_tag(IMAGE_TYPES_TAG, types_tag, f"use {', '.join(IMAGE_TYPES)}")
        chosen = names  # type: ignore[assignment]
    asked = (
        context.job_name == REGENERATE_CREATIVES_JOB
        or mode_tag is not None
        or chosen is not None
        or config.mode is not None
        or config.round is not None
    )
    if not asked:
        return None
    return chosen, config.mode or mode_tag or "i2i"  # type: ignore[return-value]


def plan_rounds(
    context: dg.AssetExecutionContext, config: CreativesConfig, base_shas: Mapping[ImageType, str]
) -> dict[ImageType, Regeneration]:
    """Each creative's round in this run: the stored one (when its base image is still the one it
    was made from), a new one for the creatives a person asked to regenerate."""
    stored = latest_metadata(context.instance, "final_creatives", context.partition_key)
    rounds_before: Mapping[str, Any] = stored.get(ROUNDS_METADATA) or {}
    statuses: Mapping[str, str] = stored.get("status") or {}
    kept: dict[ImageType, Regeneration] = {}
    for image_type in IMAGE_TYPES:
        before = rounds_before.get(image_type)
        if isinstance(before, dict) and before.get("base") == base_shas.get(image_type):
            kept[image_type] = Regeneration(round=before["round"], mode=before["mode"])
        else:  # never made, or its base image was drawn again since: round 0 on the new one
            kept[image_type] = Regeneration()
    request = _requested(context, config)
    if request is None:
        return kept
    chosen, mode = request
    if chosen is None:
        failing = {t for t in IMAGE_TYPES if renamed_status(statuses.get(t)) not in PASSING}
        chosen = failing or set(IMAGE_TYPES)
    return {
        t: Regeneration(round=config.round or kept[t].round + 1, mode=mode) if t in chosen else kept[t]
        for t in IMAGE_TYPES
    }


def rounds_metadata(
    rounds: Mapping[ImageType, Regeneration], base_shas: Mapping[ImageType, str]
) -> dict[str, dict[str, Any]]:
    return {
        t: {"round": r.round, "mode": r.mode, "base": base_shas.get(t)} for t, r in sorted(rounds.items())
    }
