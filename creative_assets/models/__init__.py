"""Pydantic models for every value that crosses an asset or provider boundary."""

from creative_assets.models.approvals import Approval, Decision, Review
from creative_assets.models.base import (
    IMAGE_TYPES,
    VARIANTS,
    Artifact,
    Box,
    ImageType,
    Model,
    ProviderCall,
    Variant,
)
from creative_assets.models.brand import BrandIdentity, LogoInfo
from creative_assets.models.creatives import (
    Creative,
    CreativeAttempt,
    CreativeSet,
    Overlay,
    OverlaySet,
)
from creative_assets.models.gates import GateResult, VisionReview, verdict_of
from creative_assets.models.images import (
    BaseImage,
    BaseImageSet,
    DesignerPrompt,
    Gate1aAttempt,
    ImageConcept,
    ImagePromptSet,
    OcrLine,
)
from creative_assets.models.job import JobPosting, JobRef, Location
from creative_assets.models.layout import ImageAnalysis, Layout, LayoutSet, Region, TextZone
from creative_assets.models.reports import (
    CampaignSummary,
    CostBreakdown,
    GateReport,
    GateReportRow,
    ManifestRow,
)
from creative_assets.models.text import (
    DEFAULT_LOCALE,
    CampaignContext,
    CopyDeck,
    CopyVariant,
    Locale,
    LocalizedCopy,
    ResearchBrief,
    language_of,
)

__all__ = [
    "DEFAULT_LOCALE",
    "IMAGE_TYPES",
    "VARIANTS",
    "Approval",
    "Artifact",
    "BaseImage",
    "BaseImageSet",
    "Box",
    "BrandIdentity",
    "CampaignContext",
    "CampaignSummary",
    "CopyDeck",
    "CopyVariant",
    "CostBreakdown",
    "Creative",
    "CreativeAttempt",
    "CreativeSet",
    "Decision",
    "DesignerPrompt",
    "Gate1aAttempt",
    "GateReport",
    "GateReportRow",
    "GateResult",
    "ImageAnalysis",
    "ImageConcept",
    "ImagePromptSet",
    "ImageType",
    "JobPosting",
    "JobRef",
    "Layout",
    "LayoutSet",
    "Locale",
    "LocalizedCopy",
    "Location",
    "LogoInfo",
    "ManifestRow",
    "Model",
    "OcrLine",
    "Overlay",
    "OverlaySet",
    "ProviderCall",
    "Region",
    "ResearchBrief",
    "Review",
    "TextZone",
    "Variant",
    "VisionReview",
    "language_of",
    "verdict_of",
]
