"""Rules by kind rather than by phrase: a protected group named in an excluding, restricting or
preferring frame ("keine Rentner", "Rollstuhlfahrer … nicht geeignet", "EU nationals need not
apply", "Christian applicants only"). Each category lists its groups once; the frames are shared,
so a new group word is caught in every wording a recruiter might put it in.
"""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import Rule, any_of
from creative_assets.models.text import ComplianceCategory

# Up to a few words between a frame word and the group, never across a sentence.
_GAP = r"(?:[\w'-]+\s+){0,2}?"
_TAIL = r"(?:[\s,]+[\w'-]+){0,6}?[\s,]+"

EXCLUDE_BEFORE_DE = any_of(
    r"keine[nrs]?", r"ohne", r"nicht\s+für", r"ungeeignet\s+für", r"ausgenommen", r"außer"
)
ONLY_BEFORE_DE = any_of(
    r"nur", r"ausschließlich", r"lediglich", r"vorzugsweise", r"bevorzugt", r"ideal\s+für", r"perfekt\s+für"
)
WANTED_BEFORE_DE = any_of(r"suchen(?:\s+wir)?", r"sucht", r"suche")
EXCLUDE_AFTER_DE = any_of(
    r"ausgeschlossen",
    r"unerwünscht",
    r"nicht\s+(?:erwünscht|gewünscht|berücksichtig\w*|einstell\w*|eingestellt|geeignet|in\s+(?:Frage|Betracht)"
    r"|bewerben|zugelassen)",
    r"abzusehen",
    r"keine\s+Chance",
)
PREFER_AFTER_DE = any_of(r"bevorzugt", r"gesucht", r"gewünscht")

EXCLUDE_BEFORE_EN = any_of(
    r"no",
    r"not\s+(?:suitable|open|available)\s+(?:for|to)",
    r"unsuitable\s+for",
    r"(?:cannot|can't|can\s+not|will\s+not|won't|do\s+not|don't)\s+(?:accept|consider|employ|hire|take\s+on)",
    r"excluding",
)
ONLY_BEFORE_EN = any_of(r"only", r"exclusively", r"preferably", r"(?:ideal|perfect)\s+for(?:\s+an?)?")
EXCLUDE_AFTER_EN = any_of(
    r"need\s+not\s+apply",
    r"needn't\s+apply",
    r"(?:should|need)\s+not\s+apply",
    r"(?:do\s+not|don't)\s+apply",
    r"(?:will|would|can)\s*(?:not|n't)\s+be\s+(?:considered|accepted|employed|shortlisted)",
    r"cannot\s+be\s+(?:considered|accepted|employed)",
    r"(?:are|is)\s*(?:not|n't)\s+(?:eligible|accepted|considered|suitable|welcome)",
)
PREFER_AFTER_EN = any_of(r"only", r"preferred", r"first", r"wanted", r"required")


def frame_rules(
    language: str,
    category: ComplianceCategory,
    groups: str,
    suggestion: str,
    *,
    prefer: bool = True,
    church_exempt: bool = False,
    not_after: str | None = None,
) -> tuple[Rule, ...]:
    """The group excluded ("keine G", "G ausgeschlossen"), and unless `prefer` is False, the
    group asked for or preferred ("nur G", "G bevorzugt", "suchen G"). `not_after` keeps a group
    that is the clientele, not the applicants ("Tagespflege für Senioren")."""
    g = f"(?:{groups})"
    if language == "de":
        patterns = [rf"\b{EXCLUDE_BEFORE_DE}\s+{_GAP}{g}", rf"\b{g}{_TAIL}{EXCLUDE_AFTER_DE}\b"]
        if prefer:
            patterns += [
                rf"\b{ONLY_BEFORE_DE}\s+{_GAP}{g}",
                rf"\b{WANTED_BEFORE_DE}\s+{_GAP}{g}",
                rf"\b{g}{_TAIL}{PREFER_AFTER_DE}\b",
            ]
    else:
        patterns = [rf"\b{EXCLUDE_BEFORE_EN}\s+{_GAP}{g}", rf"\b{g}{_TAIL}{EXCLUDE_AFTER_EN}\b"]
        patterns += [rf"\b{g}\s+{EXCLUDE_AFTER_EN}\b"]
        if prefer:
            patterns += [rf"\b{ONLY_BEFORE_EN}\s+{_GAP}{g}", rf"\b{g}[\s,]+{PREFER_AFTER_EN}\b"]
    return tuple(
        Rule(category, p, suggestion, church_exempt=church_exempt, not_after=not_after) for p in patterns
    )
