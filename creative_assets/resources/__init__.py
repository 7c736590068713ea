"""Stateful things assets share: OCR engine and campaign settings."""

from creative_assets.resources.ocr import OcrReader
from creative_assets.resources.settings import CampaignSettings, settings_from_env

__all__ = ["CampaignSettings", "OcrReader", "settings_from_env"]
