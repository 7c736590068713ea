"""The recruiting-compliance gate: what a job ad must and must not say, as plain functions.

German ads are read against the AGG (Allgemeines Gleichbehandlungsgesetz): §1 forbids
disadvantaging anyone by ethnic origin, gender, religion or belief, disability, age or sexual
identity, and §11 applies that to job ads, so a title that names a person needs a gender marker
("(m/w/d)" or a gender star) and wording such as "junges Team" or "Muttersprachler" is a risk.
English ads are read for the equivalent bias terms (UK Equality Act 2010, US EEO practice).
Customers add their own prohibited claims ("Festanstellung garantiert").

Rules are regular expressions over the copy, with the legitimate look-alikes written into them
as exceptions ("Jugendhilfe", "Frauenklinik", "deutsche Sprachkenntnisse C1", "Junior",
"Seniorenheim"): a skill requirement is fine, a birthplace requirement is not. The labelled
phrases in `creative_assets_tests/gates/compliance_phrases.json` pin what is caught and what is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from creative_assets.gates.compliance_rules import (
    AS_JOB,
    FALSE_STEMS,
    GENDERED_PERSON,
    INCLUSIVE_WORD,
    JOB_AFTER,
    MARKER,
    NEUTRAL_PERSON,
    RULES,
    WHY_DE,
    WHY_EN,
    Rule,
)
from creative_assets.models.text import ComplianceCategory, ComplianceFinding, CopyVariant, language_of

_I = re.IGNORECASE
__all__ = [
    "RULES",
    "Rule",
    "check_variant",
    "check_variants",
    "creative_violations",
    "describe",
    "find_violations",
    "has_gender_marker",
    "normalise",
    "variant_fields",
]


def has_gender_marker(text: str) -> bool:
    return bool(MARKER.search(text)) or any(INCLUSIVE_WORD.search(w) for w in text.split())


def _gender_marker_findings(text: str, *, is_title: bool) -> list[tuple[int, str]]:
    """(position, phrase) of person designations that lack a marker. In a title every person
    designation counts; in running copy only one used as the job ("als Pfleger", "Pfleger
    gesucht", or opening a headline)."""
    if has_gender_marker(text):
        return []
    found: list[tuple[int, str]] = []
    for match in GENDERED_PERSON.finditer(text):
        word = match.group(0)
        if FALSE_STEMS.match(word) or INCLUSIVE_WORD.search(word):
            continue
        as_job = is_title or match.start() == 0 or bool(AS_JOB.search(text[: match.start()]))
        as_job = as_job or bool(JOB_AFTER.match(text[match.end() :]))
        if as_job:
            found.append((match.start(), word))
    if is_title and not found:
        found = [(m.start(), m.group(0)) for m in NEUTRAL_PERSON.finditer(text)][:1]
    return found


# --- reading a text ----------------------------------------------------------------------------
def normalise(text: str) -> str:
    """OCR and typesetting break lines; "Kranken-\\npfleger" is one word again, and any run of
    whitespace is one space."""
    text = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def _finding(
    category: ComplianceCategory,
    phrase: str,
    suggestion: str,
    locale: str,
    field: str | None,
    replacement: str | None = None,
) -> ComplianceFinding:
    why = (WHY_DE if language_of(locale) == "de" else WHY_EN)[category].format(phrase=phrase)
    return ComplianceFinding(
        phrase=phrase,
        category=category,
        why=why,
        suggestion=suggestion,
        replacement=replacement,
        locale=locale,
        field=field,
    )


def find_violations(
    text: str,
    locale: str,
    prohibited: Sequence[str] = (),
    *,
    church_employer: bool = False,
    is_title: bool = False,
    field: str | None = None,
) -> list[ComplianceFinding]:
    """Everything `text` (copy, or the OCR of a finished creative) must not say in `locale`,
    in reading order. `prohibited` are the customer's banned claims (matched ignoring case
    and spacing); `church_employer` allows faith requirements (AGG §9)."""
    text = normalise(text)
    language = language_of(locale)
    spans: list[tuple[int, int, ComplianceFinding]] = []
    for rule in RULES.get(language, ()):
        if rule.church_exempt and church_employer:
            continue
        for match in rule.compiled().finditer(text):
            phrase = match.group(0).strip(" ,")
            spans.append(
                (
                    match.start(),
                    match.end(),
                    _finding(rule.category, phrase, rule.suggestion, locale, field, rule.replacement(phrase)),
                )
            )
    if language == "de":
        for start, word in _gender_marker_findings(text, is_title=is_title):
            spans.append(
                (
                    start,
                    start + len(word),
                    _finding("gender_marker", word, f"{word} (m/w/d)", locale, field, f"{word} (m/w/d)"),
                )
            )
    for claim in prohibited:
        words = [re.escape(w) for w in claim.split()]
        if not words:
            continue
        for match in re.finditer(r"\b" + r"\s+".join(words) + r"\b", text, _I):
            spans.append(
                (
                    match.start(),
                    match.end(),
                    _finding("prohibited_claim", match.group(0), _claim_suggestion(language), locale, field),
                )
            )
    return _without_overlaps(spans)


def creative_violations(
    text: str, locale: str, prohibited: Sequence[str] = (), *, church_employer: bool = False
) -> list[ComplianceFinding]:
    """What the OCR of a finished creative must not say: the bias and claim rules, but not the
    gender marker. The copy's marker was checked before rendering, and OCR often drops or
    garbles "(m/w/d)"; what this adds is catching words the image editor put there itself."""
    return [
        f
        for f in find_violations(text, locale, prohibited, church_employer=church_employer, field="creative")
        if f.category != "gender_marker"
    ]


def _claim_suggestion(language: str) -> str:
    if language == "de":
        return "streichen oder durch eine belegbare Tatsache ersetzen"
    return "remove it or state a fact you can prove"


def _without_overlaps(spans: list[tuple[int, int, ComplianceFinding]]) -> list[ComplianceFinding]:
    """Rules overlap on purpose (a specific one for "jung und dynamisch", a general one for
    "jung"); the longest match at a place is the one a recruiter should read."""
    kept: list[tuple[int, int, ComplianceFinding]] = []
    for start, end, finding in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            continue
        kept.append((start, end, finding))
    return [f for _, _, f in kept]


def variant_fields(variant: CopyVariant, title: str | None = None) -> Iterable[tuple[str, str]]:
    """(field, text) of what the ad says: the job title as used, the rendered lines, benefits."""
    used_title = variant.job_title or title
    if used_title:
        yield "title", used_title
    yield "headline", variant.headline
    yield "subline", variant.subline
    for i, benefit in enumerate(variant.benefits):
        yield f"benefits[{i}]", benefit
    yield "cta", variant.cta


def check_variant(
    variant: CopyVariant,
    locale: str,
    *,
    title: str | None = None,
    prohibited: Sequence[str] = (),
    church_employer: bool = False,
) -> list[ComplianceFinding]:
    """Findings for one copy variant; `title` is the posting's title, used when the variant
    does not say which title it uses."""
    findings: list[ComplianceFinding] = []
    for field, text in variant_fields(variant, title):
        for found in find_violations(
            text,
            locale,
            prohibited,
            church_employer=church_employer,
            is_title=field == "title",
            field=field,
        ):
            findings.append(found.model_copy(update={"variant": variant.variant}))
    return findings


def check_variants(
    variants: Sequence[CopyVariant],
    locale: str,
    *,
    title: str | None = None,
    prohibited: Sequence[str] = (),
    church_employer: bool = False,
) -> list[ComplianceFinding]:
    return [
        f
        for v in variants
        for f in check_variant(v, locale, title=title, prohibited=prohibited, church_employer=church_employer)
    ]


def describe(finding: ComplianceFinding) -> str:
    """One line for logs, metadata and error messages."""
    where = f"{finding.variant or ''} {finding.field or ''}".strip()
    return (
        f"[{finding.category}] {where + ': ' if where else ''}„{finding.phrase}“ — {finding.why} "
        f"Besser/better: {finding.suggestion}"
    )
