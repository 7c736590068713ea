"""Stateful things assets share: OCR engine and campaign settings."""

from creative_assets.resources.ocr import OcrReader
from creative_assets.resources.settings import CampaignSettings

__all__ = ["CampaignSettings", "OcrReader"]
