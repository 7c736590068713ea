"""Workplace scenes for the job_focus picture, one per field of work, so that a warehouse ad
shows a warehouse and a nursing ad a hospital bed.

Each scene is a room (or a site) with a calm upper part for the copy, the person at work on one
side and what makes the trade recognisable on the other: a bed with a patient (care), racks and
a pallet of parcels with a worker in a high-visibility vest (logistics), a desk with a laptop
and a plant (office), stocked shelves and a till (retail), a hard hat and a building going up
(trades), a chef's hat over a counter with a steaming pot (hospitality). Shapes follow the
rules in paint.py; anything made of repeated small parts (shelves, racks) is painted on a
blurred layer, as a camera would see a background out of focus.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image

from creative_assets.imaging.color import RGB
from creative_assets.imaging.workfloors import logistics, retail, trades
from creative_assets.imaging.workrooms import care, hospitality, office

FIELDS = ("care", "logistics", "office", "retail", "trades", "hospitality")
DEFAULT_FIELD = "office"  # a job the painter cannot place works at a desk

WORKPLACES: dict[str, Callable[[random.Random, int, int, list[RGB]], Image.Image]] = {
    "care": care,
    "logistics": logistics,
    "office": office,
    "retail": retail,
    "trades": trades,
    "hospitality": hospitality,
}


def draw_workplace(field: str, rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    return WORKPLACES.get(field, WORKPLACES[DEFAULT_FIELD])(rng, w, h, accents)
