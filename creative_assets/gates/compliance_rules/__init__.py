"""The rule tables of the compliance gate, per language (`compliance.py` applies them): rules by
kind — age by numbers, ranges and limits; origin by language, citizenship, passport, birthplace
and residence history; gendered nouns by morphology; exclusions and membership requirements by
shared frames — each with its category, a neutral alternative and, where one exists, a drop-in
replacement. `LAWFUL` holds, per language and category, what a sentence says when it states a
lawful basis (positive action, an occupational requirement), which lets its matches pass.
"""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import WHY_DE, WHY_EN, Rule, compile_rule
from creative_assets.gates.compliance_rules.de_age_gender import (
    AGE_DE,
    GENDER_DE,
    LAWFUL_AGE_DE,
    LAWFUL_GENDER_DE,
)
from creative_assets.gates.compliance_rules.de_belief_health import (
    DISABILITY_DE,
    LAWFUL_DISABILITY_DE,
    LAWFUL_RELIGION_DE,
    RELIGION_DE,
)
from creative_assets.gates.compliance_rules.de_origin import LAWFUL_ORIGIN_DE, ORIGIN_DE
from creative_assets.gates.compliance_rules.en_gender import GENDER_EN, LAWFUL_GENDER_EN
from creative_assets.gates.compliance_rules.en_rules import (
    AGE_EN,
    DISABILITY_EN,
    LAWFUL_AGE_EN,
    LAWFUL_DISABILITY_EN,
    LAWFUL_ORIGIN_EN,
    LAWFUL_RELIGION_EN,
    ORIGIN_EN,
    RELIGION_EN,
)
from creative_assets.gates.compliance_rules.persons_de import (
    ADDRESSED_AFTER,
    AS_JOB,
    HEADLINE_AFTER,
    INCLUSIVE_WORD,
    JOB_AFTER,
    MARKER,
    NAME_BEFORE,
    NEUTRAL_PERSON,
    PREFERRED_BEFORE,
    PersonNoun,
    paired,
    person_nouns,
    star_form,
)
from creative_assets.models.text import ComplianceCategory

RULES: dict[str, tuple[Rule, ...]] = {
    "de": (*AGE_DE, *GENDER_DE, *ORIGIN_DE, *RELIGION_DE, *DISABILITY_DE),
    "en": (*AGE_EN, *GENDER_EN, *ORIGIN_EN, *RELIGION_EN, *DISABILITY_EN),
}
LAWFUL: dict[str, dict[ComplianceCategory, str]] = {
    "de": {
        "age": LAWFUL_AGE_DE,
        "gender": LAWFUL_GENDER_DE,
        "origin": LAWFUL_ORIGIN_DE,
        "religion": LAWFUL_RELIGION_DE,
        "disability": LAWFUL_DISABILITY_DE,
    },
    "en": {
        "age": LAWFUL_AGE_EN,
        "gender": LAWFUL_GENDER_EN,
        "origin": LAWFUL_ORIGIN_EN,
        "religion": LAWFUL_RELIGION_EN,
        "disability": LAWFUL_DISABILITY_EN,
    },
}

__all__ = [
    "ADDRESSED_AFTER",
    "AS_JOB",
    "HEADLINE_AFTER",
    "INCLUSIVE_WORD",
    "JOB_AFTER",
    "LAWFUL",
    "MARKER",
    "NAME_BEFORE",
    "NEUTRAL_PERSON",
    "PREFERRED_BEFORE",
    "RULES",
    "WHY_DE",
    "WHY_EN",
    "PersonNoun",
    "Rule",
    "compile_rule",
    "paired",
    "person_nouns",
    "star_form",
]
