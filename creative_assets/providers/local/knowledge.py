"""What the local providers know without the web: role families and what moves people in them.

The real researcher (Perplexity) replaces this with current, cited findings; locally we keep a
small, honest table so the copy still speaks to the role instead of being generic filler.
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_assets.models import JobPosting


@dataclass(frozen=True)
class RoleFamily:
    key: str
    keywords: tuple[str, ...]
    motivators: dict[str, list[str]]
    pain_points: dict[str, list[str]]
    scene: str
    lifestyle: str
    setting: str


FAMILIES = (
    RoleFamily(
        key="care",
        keywords=("pflege", "nurse", "nursing", "kranken", "care", "altenpfleg", "intensiv"),
        motivators={
            "de": [
                "Sinnstiftende Arbeit",
                "Verlässliche Dienstpläne",
                "Wertschätzendes Team",
                "Weiterbildung",
            ],
            "en": ["Meaningful work", "Reliable rotas", "A team that has your back", "Paid training"],
        },
        pain_points={
            "de": ["Personalmangel und Überstunden", "Kurzfristiges Einspringen"],
            "en": ["Understaffed shifts", "Last-minute rota changes"],
        },
        scene="a nurse caring for a patient at a bright hospital bedside",
        lifestyle="a nurse relaxing with friends by a lake after the shift",
        setting="a calm hospital corridor with soft daylight",
    ),
    RoleFamily(
        key="logistics",
        keywords=("warehouse", "lager", "logistik", "logistics", "picker", "forklift", "stapler", "versand"),
        motivators={
            "de": ["Sicherer Job", "Pünktliche Bezahlung", "Kein Vorwissen nötig", "Aufstiegschancen"],
            "en": ["Steady hours", "Pay you can count on", "No experience needed", "Room to move up"],
        },
        pain_points={
            "de": ["Unplanbare Schichten", "Körperlich harte Arbeit ohne Anerkennung"],
            "en": ["Unpredictable shifts", "Hard work that goes unnoticed"],
        },
        scene="a warehouse worker scanning parcels between tall shelves",
        lifestyle="a worker heading home at sunrise after a night shift, smiling",
        setting="a modern distribution centre at night with warm lights",
    ),
)

GENERIC = RoleFamily(
    key="general",
    keywords=(),
    motivators={
        "de": ["Gutes Team", "Faire Bezahlung", "Entwicklungsmöglichkeiten", "Sicherer Arbeitsplatz"],
        "en": ["A good team", "Fair pay", "Room to grow", "A secure job"],
    },
    pain_points={"de": ["Fehlende Wertschätzung"], "en": ["Feeling undervalued"]},
    scene="a professional at work in a bright modern workplace",
    lifestyle="colleagues laughing together during a break outdoors",
    setting="a welcoming office building on a sunny day",
)


def role_family(text: str) -> RoleFamily:
    """The family whose keywords appear in `text` (a job title, optionally with its description)."""
    haystack = text.lower()
    return next((f for f in FAMILIES if any(word in haystack for word in f.keywords)), GENERIC)


def job_role_family(job: JobPosting) -> RoleFamily:
    return role_family(f"{job.title} {job.description}")
