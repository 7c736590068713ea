"""The recruiting-compliance gate: what a job ad must and must not say, as plain functions.

German ads are read against the AGG (Allgemeines Gleichbehandlungsgesetz): §1 forbids
disadvantaging anyone by ethnic origin, gender, religion or belief, disability, age or sexual
identity, and §11 applies that to job ads, so a title that names a person needs a gender marker
("(m/w/d)" or a gender star) and wording such as "junges Team" or "Muttersprachler" is a risk.
English ads are read against the UK Equality Act 2010 and the EHRC's advert guidance.
Customers add their own prohibited claims ("Festanstellung garantiert").

Rules are written by kind, not by phrase (`compliance_rules/`): age by numbers, ranges and
limits; origin by language, citizenship, passport, birthplace and residence history; gendered
person nouns by morphology; exclusions, preferences and membership requirements by shared
frames. Legitimate look-alikes pass through guards: a skill level ("Deutsch C1"), the people
cared for ("Kinder im Alter von 3 bis 6"), a company's history, positive action and stated
occupational requirements. Rules are the floor; with a language model configured, its review
is added (`defs/text/compliance.py`). The labelled sets under
`creative_assets_tests/gates/` measure both (benchmarks/eval_compliance.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from creative_assets.gates.compliance_rules import (
    ADDRESSED_AFTER,
    AS_JOB,
    HEADLINE_AFTER,
    INCLUSIVE_WORD,
    JOB_AFTER,
    LAWFUL,
    MARKER,
    NAME_BEFORE,
    NEUTRAL_PERSON,
    PREFERRED_BEFORE,
    RULES,
    WHY_DE,
    WHY_EN,
    Rule,
    paired,
    person_nouns,
    star_form,
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
    return bool(MARKER.search(text)) or any(INCLUSIVE_WORD.search(w.rstrip(",.;!?)")) for w in text.split())


def _person_noun_findings(text: str, *, is_title: bool) -> list[tuple[int, str, ComplianceCategory, str]]:
    """(position, phrase, category, replacement) of German person nouns in one gender. A noun
    that names the job (a title, "als Erzieherin", "Geschäftsführer gesucht") needs a marker;
    a feminine noun that addresses the reader ("Wiedereinsteigerinnen willkommen") speaks to
    women only. A noun named with its counterpart ("Kolleginnen und Kollegen") passes in copy."""
    if has_gender_marker(text):
        return []
    found: list[tuple[int, str, ComplianceCategory, str]] = []
    nouns = person_nouns(text)
    for i, noun in enumerate(nouns):
        before, after = text[: noun.start], text[noun.start + len(noun.word) :]
        if NAME_BEFORE.search(before):
            continue
        at_start = noun.start == 0 and not noun.surname_like and bool(HEADLINE_AFTER.match(after))
        as_job = is_title or at_start or bool(AS_JOB.search(before)) or bool(JOB_AFTER.match(after))
        addressed = ADDRESSED_AFTER.match(after) or PREFERRED_BEFORE.search(before)
        if not is_title and paired(text, nouns, i):
            continue
        if noun.feminine and addressed and not is_title:
            found.append((noun.start, noun.word, "gender", star_form(noun.word)))
        elif as_job:
            found.append((noun.start, noun.word, "gender_marker", f"{noun.word} (m/w/d)"))
    if is_title and not found:
        neutral = NEUTRAL_PERSON.search(text)  # a title names a person even in a neutral noun
        if neutral:
            found = [(neutral.start(), neutral.group(0), "gender_marker", f"{neutral.group(0)} (m/w/d)")]
    return found


# --- reading a text ----------------------------------------------------------------------------
def normalise(text: str) -> str:
    """OCR and typesetting break lines; "Kranken-\\npfleger" is one word again, and any run of
    whitespace is one space."""
    text = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence): lawful-basis guards read the sentence a match is in, not the whole copy."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^.!?;]+(?:[.!?;]+|$)", text)] or [(0, text)]


def _sentence_at(sentences: list[tuple[int, str]], position: int) -> str:
    current = sentences[0][1]
    for start, sentence in sentences:
        if start > position:
            break
        current = sentence
    return current


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
    sentences = _sentences(text)
    lawful = LAWFUL.get(language, {})
    spans: list[tuple[int, int, ComplianceFinding]] = []
    for rule in RULES.get(language, ()):
        if rule.church_exempt and church_employer:
            continue
        for match in rule.compiled().finditer(text):
            phrase = match.group(0).strip(" ,")
            if not phrase or not rule.applies(
                text, match.start(), _sentence_at(sentences, match.start()), lawful.get(rule.category)
            ):
                continue
            spans.append(
                (
                    match.start(),
                    match.end(),
                    _finding(rule.category, phrase, rule.suggestion, locale, field, rule.replacement(phrase)),
                )
            )
    if language == "de":
        for start, word, category, replacement in _person_noun_findings(text, is_title=is_title):
            suggestion = replacement if category == "gender_marker" else f"{replacement} (alle Geschlechter)"
            spans.append(
                (start, start + len(word), _finding(category, word, suggestion, locale, field, replacement))
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
