"""What the local providers know without the web: fields of work, what moves people in them, and
what their pictures show.

The real researcher (Perplexity) replaces this with current, cited findings; locally we keep a
small, honest table (`families.toml`) so the copy still speaks to the role instead of being
generic filler. The same table lets the procedural painter, which only sees a designer prompt,
draw the workplace of the job's field (`scene_field`): the local art director writes each
family's scene into the prompt in words the family's patterns match, and a prompt from a real
text model is matched the same way.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


def _families() -> dict[str, RoleFamily]:
    table = tomllib.loads(Path(__file__).with_name("families.toml").read_text(encoding="utf-8"))
    return {
        key: RoleFamily(key=key, **{**fields, "patterns": tuple(fields["patterns"])})
        for key, fields in table.items()
    }


_TABLE = _families()
GENERIC = _TABLE.pop("general")
FAMILIES = tuple(_TABLE.values())


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
