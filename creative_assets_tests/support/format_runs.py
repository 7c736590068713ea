"""Variant runs of the formats tests (defs/test_formats.py): one variant of the sample job on the
embedded default with the given formats and, optionally, a hand-built copy deck."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg

from creative_assets.io import ObjectStoreIOManager
from creative_assets.models import CopyDeck, DesignerPrompt, LocalizedCopy
from creative_assets.partitions import job_partitions
from creative_assets.providers.base import Generated
from creative_assets.providers.local import (
    LocalJobSource,
    LocalResearcher,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets.resources import CampaignSettings
from creative_assets_tests.conftest import make_defs

JOB, VARIANT = "hoc-4711-pflege", "B"


class CountingGenerator(ProceduralImageGenerator):
    """The procedural painter, counting its calls (class-level: resources are rebuilt per run)."""

    calls: ClassVar[list[str]] = []

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        CountingGenerator.calls.append(prompt.image_type)
        return super().generate(prompt, seed=seed, width=width, height=height, palette=palette)


def two_locale_deck() -> CopyDeck:
    job = LocalJobSource().get_job(JOB)
    writer = TemplateTextGenerator()
    context = writer.fuse_context(job, LocalResearcher().research(job)).value
    english = writer.write_copy(context.model_copy(update={"language": "en"})).value
    return CopyDeck(
        job_id=JOB,
        language="de",
        context=context,
        variants=writer.write_copy(context).value,
        locale="de-DE",
        translations=[LocalizedCopy(locale="en-GB", variants=english)],
    )


@dataclass
class Run:
    storage: Path
    instance: dg.DagsterInstance
    generator_calls: int

    def record(self, asset: str) -> dict[str, Any]:
        return json.loads((self.storage / asset / JOB / VARIANT / "record.json").read_text())["data"]


def variant_run(home: Path, settings: CampaignSettings, deck: CopyDeck | None) -> Iterator[Run]:
    storage = home / "storage"
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        defs = make_defs(storage, settings=settings, image_generator=CountingGenerator())
        instance.add_dynamic_partitions(job_partitions.name, [JOB])  # type: ignore[arg-type]
        text = defs.resolve_job_def("campaign_text").execute_in_process(partition_key=JOB, instance=instance)
        assert text.success
        if deck is not None:

            @dg.asset(name="copy_variants", partitions_def=job_partitions)
            def hand_built_copy() -> CopyDeck:
                return deck

            io_manager = ObjectStoreIOManager(base_url=str(storage))
            dg.materialize(
                [hand_built_copy], partition_key=JOB, instance=instance, resources={"io_manager": io_manager}
            )
        CountingGenerator.calls.clear()
        result = defs.resolve_job_def("campaign_variant").execute_in_process(
            partition_key=f"{JOB}|{VARIANT}", instance=instance
        )
        assert result.success
        yield Run(storage, instance, len(CountingGenerator.calls))
