"""Zero-key providers: the embedded default. No API key, no network, deterministic output."""

from creative_assets.providers.local.brand import LocalBrandExtractor
from creative_assets.providers.local.images import (
    LocalImageEditor,
    LocalVisionAnalyzer,
    ProceduralImageGenerator,
)
from creative_assets.providers.local.jobs import LocalJobSource
from creative_assets.providers.local.research import LocalResearcher
from creative_assets.providers.local.writer import TemplateTextGenerator

__all__ = [
    "LocalBrandExtractor",
    "LocalImageEditor",
    "LocalJobSource",
    "LocalResearcher",
    "LocalVisionAnalyzer",
    "ProceduralImageGenerator",
    "TemplateTextGenerator",
]
