"""What the local providers know without the web: fields of work, what moves people in them, and
what their pictures show.

The real researcher (Perplexity) replaces this with current, cited findings; locally we keep a
small, honest table so the copy still speaks to the role instead of being generic filler. The
same table lets the procedural painter, which only sees a designer prompt, draw the workplace of
the job's field (`scene_field`): the local art director writes each family's scene into the
prompt in words the family's patterns match, and a prompt from a real text model is matched the
same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creative_assets.models import JobPosting


@dataclass(frozen=True)
class RoleFamily:
    key: str
    patterns: tuple[str, ...]  # regular expressions over lower-case text
    motivators: dict[str, list[str]]
    pain_points: dict[str, list[str]]
    scene: str
    lifestyle: str
    setting: str

    def score(self, text: str) -> int:
        return sum(len(re.findall(p, text)) for p in self.patterns)


# fmt: off
FAMILIES = (
    RoleFamily(
        key="care",
        # German stems inside compounds ("Intensivpflege"); English words whole ("care" is in "career").
        patterns=(
            r"pflege", r"kranken", r"hebamme", r"\bnurs", r"\bcare\b", r"\bcarers?\b", r"caregiver",
            r"\bpatient", r"hospital", r"bedside", r"\bward\b", r"midwi"
        ),
        motivators={
            "de": ["Sinnstiftende Arbeit", "Verlässliche Dienstpläne", "Wertschätzendes Team",
                   "Weiterbildung"],
            "en": ["Meaningful work", "Reliable rotas", "A team that has your back", "Paid training"],
        },
        pain_points={
            "de": ["Personalmangel und Überstunden", "Kurzfristiges Einspringen"],
            "en": ["Understaffed shifts", "Last-minute rota changes"],
        },
        scene="a nurse caring for a patient at a bright hospital bedside",
        lifestyle="a nurse relaxing with friends by a lake after the shift",
        setting="a hospital by a lake at the edge of town",
    ),
    RoleFamily(
        key="logistics",
        patterns=(
            r"warehouse", r"\blager", r"logisti", r"picker", r"picking", r"forklift", r"stapler",
            r"versand", r"kommissionier", r"fulfil", r"distribution", r"parcel", r"paket", r"zusteller",
            r"courier", r"\bhgv\b", r"\blkw", r"kraftfahrer", r"pallet"
        ),
        motivators={
            "de": ["Sicherer Job", "Pünktliche Bezahlung", "Kein Vorwissen nötig", "Aufstiegschancen"],
            "en": ["Steady hours", "Pay you can count on", "No experience needed", "Room to move up"],
        },
        pain_points={
            "de": ["Unplanbare Schichten", "Körperlich harte Arbeit ohne Anerkennung"],
            "en": ["Unpredictable shifts", "Hard work that goes unnoticed"],
        },
        scene="a warehouse worker in a high-visibility vest beside a pallet of parcels, racks behind",
        lifestyle="a warehouse worker heading home at sunrise after a night shift, smiling",
        setting="distribution halls of a warehouse by the motorway",
    ),
    RoleFamily(
        key="office",
        patterns=(
            r"büro", r"\boffice\b", r"sachbearbeit", r"verwaltung", r"administrat", r"assisten",
            r"buchhalt", r"accountant", r"controller", r"\banalyst", r"entwickler", r"developer",
            r"consultant", r"berater", r"sekretär", r"receptionist", r"personalreferent", r"\bhr\b",
            r"kaufm", r"\bdesk\b", r"laptop"
        ),
        motivators={
            "de": ["Flexible Arbeitszeiten", "Homeoffice-Tage", "Moderne Ausstattung", "Weiterbildung"],
            "en": ["Flexible hours", "Hybrid working", "Modern kit", "Room to grow"],
        },
        pain_points={
            "de": ["Starre Strukturen", "Fehlende Perspektive"],
            "en": ["Rigid hours", "No clear next step"],
        },
        scene="an office worker at a desk behind a laptop, a big plant by the window",
        lifestyle="colleagues laughing together on a break in a park, the city behind",
        setting="an office district of modern towers",
    ),
    RoleFamily(
        key="retail",
        patterns=(
            r"verkäuf", r"verkauf", r"einzelhandel", r"\bretail", r"\bshop", r"\bstore", r"\bkasse",
            r"kassier", r"cashier", r"\btill\b", r"filial", r"supermarkt", r"supermarket",
            r"sales assistant", r"customer assistant", r"merchandis"
        ),
        motivators={
            "de": ["Mitarbeiterrabatt", "Planbare Schichten", "Nettes Team", "Aufstieg zur Filialleitung"],
            "en": ["Staff discount", "Shifts you can plan", "A friendly team", "A path to store manager"],
        },
        pain_points={
            "de": ["Kurzfristige Schichtwechsel", "Stress an der Kasse"],
            "en": ["Last-minute shift changes", "Stress at the till"],
        },
        scene="a shop assistant at the till of a store, stocked shop shelves behind",
        lifestyle="shop colleagues on a break in a park in town, the city behind",
        setting="a busy high street lined with shops and gabled houses",
    ),
    RoleFamily(
        key="trades",
        patterns=(
            r"elektrik", r"elektron", r"mechani", r"mechatron", r"handwerk", r"installat", r"sanitär",
            r"heizung", r"tischler", r"schreiner", r"maurer", r"dachdecker", r"\bmaler", r"monteur",
            r"schweiß", r"electrician", r"plumber", r"carpenter", r"joiner", r"bricklay", r"builder",
            r"construction", r"welder", r"hard hat", r"baustelle", r"\bbau", r"\btrades"
        ),
        motivators={
            "de": ["Übertarifliche Bezahlung", "Moderne Werkzeuge", "Feste Baustellenzeiten",
                   "Meisterkurs bezahlt"],
            "en": ["Above-rate pay", "Proper tools", "Regular hours on site", "Paid qualifications"],
        },
        pain_points={
            "de": ["Lange Anfahrten", "Veraltete Ausrüstung"],
            "en": ["Long drives to site", "Worn-out kit"],
        },
        scene="a builder in a hard hat and high-visibility vest on a construction site",
        lifestyle="a tradesperson heading home at sunrise along a country road",
        setting="a construction site of a new housing estate at the edge of town",
    ),
    RoleFamily(
        key="hospitality",
        patterns=(
            r"\bkoch\b", r"köchin", r"küche", r"\bchef", r"\bcook", r"kitchen", r"restaurant", r"hotel",
            r"gastro", r"kellner", r"waiter", r"waitress", r"barista", r"\bbar\b", r"housekeep",
            r"catering", r"café", r"\bcafe"
        ),
        motivators={
            "de": ["Trinkgeld on top", "Geregelte Arbeitszeiten", "Mitarbeiteressen", "Familiäres Team"],
            "en": ["Tips on top", "Set hours", "Free staff meals", "A team like family"],
        },
        pain_points={
            "de": ["Geteilte Dienste", "Wochenenden ohne Ausgleich"],
            "en": ["Split shifts", "Weekends with no time back"],
        },
        scene="a chef in whites and a chef's hat at the kitchen pass, a pot steaming",
        lifestyle="friends on a café terrace under warm evening lights after service",
        setting="an old town square with restaurants and cafés",
    ),
)
# fmt: on

GENERIC = RoleFamily(
    key="general",
    patterns=(),
    motivators={
        "de": ["Gutes Team", "Faire Bezahlung", "Entwicklungsmöglichkeiten", "Sicherer Arbeitsplatz"],
        "en": ["A good team", "Fair pay", "Room to grow", "A secure job"],
    },
    pain_points={"de": ["Fehlende Wertschätzung"], "en": ["Feeling undervalued"]},
    scene="a professional at work at a desk in a bright modern office",
    lifestyle="colleagues laughing together on a break in a park",
    setting="a welcoming office district on a sunny day",
)


def role_family(text: str, *, title: str = "") -> RoleFamily:
    """The family whose patterns match `text` most (matches in `title` count three times);
    the first listed on a tie, GENERIC when none matches."""
    haystack, head = text.lower(), title.lower()
    scored = [(3 * f.score(head) + f.score(haystack), -i, f) for i, f in enumerate(FAMILIES)]
    best = max(scored, key=lambda item: item[:2])
    return best[2] if best[0] > 0 else GENERIC


def job_role_family(job: JobPosting) -> RoleFamily:
    return role_family(job.description, title=job.title)


def scene_field(prompt: str) -> str:
    """The field of work a designer prompt shows, as the painter's workplaces name them
    (imaging/workplaces.FIELDS); "office" when it names none."""
    family = role_family(prompt)
    return "office" if family is GENERIC else family.key
