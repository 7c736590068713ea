"""English rules for sex (Equality Act 2010 s.13, s.39; the EHRC's advert guidance names
"waitress", "salesgirl", "postman", "barmaid", "handyman", "shot girl" and "Saturday boy").

Gendered job nouns are read by form, not listed one by one: compounds on -man/-men/-woman
("barman", "doorman", "chairwoman"), on -girl/-boy and -maid ("salesgirl", "paperboy",
"barmaid"), "lady" as a worker ("cleaning lady"), and the -ess titles (a list: most English words
on -ess are not people). Excluded are the words these forms also produce ("human", "German",
"ombudsman" as an office, "specimen").
"""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import Rule, any_of
from creative_assets.gates.compliance_rules.frames import frame_rules

NEUTRAL_EN = {
    "salesman": "sales representative",
    "salesmen": "sales team",
    "chairman": "chair",
    "foreman": "supervisor",
    "foremen": "supervisors",
    "handyman": "maintenance technician",
    "fireman": "firefighter",
    "policeman": "police officer",
    "tradesman": "tradesperson",
    "tradesmen": "tradespeople",
    "craftsman": "craftsperson",
    "deliveryman": "delivery driver",
    "cameraman": "camera operator",
    "barman": "bartender",
    "barmaid": "bartender",
    "barwoman": "bartender",
    "doorman": "door supervisor",
    "postman": "postal worker",
    "workman": "worker",
    "manpower": "staff",
    "manning": "staffing",
    "waitress": "server",
    "stewardess": "flight attendant",
    "seamstress": "tailor",
    "hostess": "host",
    "headmaster": "head teacher",
    "headmistress": "head teacher",
    "salesgirl": "sales assistant",
    "paperboy": "newspaper delivery person",
}
_NOT_GENDERED = (
    r"human|humans|german|germans|roman|romans|shaman|talisman|ottoman|caiman|ombudsman|layman|laymen"
    r"|specimen|specimens|abdomen|regimen|acumen|omen|amen|stamen|semen|hymen|yemen|cyclamen|dolmen"
    r"|woman|women|man|men|walkman|superman|batman|snowman|hangman"
)
_ESS = (
    r"waitress|stewardess|seamstress|hostess|actress|manageress|headmistress|governess|laundress|songstress"
    r"|usherette|sempstress|poetess|authoress|conductress|proprietress|tailoress"
)
_BOY_GIRL_PREFIX = (
    r"paper|sales|shop|office|tea|delivery|errand|stable|post|bell"
    r"|bus|cabin|kitchen|shot|promo|show|ball|cover"
)
_NEUTRAL = "a neutral job title (e.g. 'bartender', 'server', 'sales assistant')"
_NAME_BEFORE = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(?:[A-Z]\w*\s+)?"

GENDER_EN: tuple[Rule, ...] = (
    *(Rule("gender", rf"\b{word}\b", neutral, drop_in=True) for word, neutral in NEUTRAL_EN.items()),
    Rule(
        "gender",
        rf"\b(?!(?:{_NOT_GENDERED})\b)[a-z]+(?:man|men|woman|women)\b",
        _NEUTRAL,
        not_after=_NAME_BEFORE,
    ),
    Rule("gender", rf"\b(?:{_ESS})(?:es)?\b", _NEUTRAL),
    Rule("gender", rf"\b(?:{_BOY_GIRL_PREFIX})[-\s]?(?:girls?|boys?)\b(?!['’])", _NEUTRAL),
    Rule("gender", r"\b(?:bar|chamber|house|kitchen|nurse|parlour)maids?\b", "bartender / housekeeper"),
    Rule(
        "gender",
        r"\b(?:cleaning|tea|dinner|lollipop|sales|office|canteen)\s+lad(?:y|ies)\b"
        r"|\blad(?:y|ies)\s+(?:needed|wanted|required)\b|\b(?:an?|some)\s+(?:\w+\s+)?lady\s+(?:to|for|who)\b",
        "cleaner / assistant (a neutral job title)",
    ),
    Rule(
        "gender",
        r"\b(?:he|she)\s+(?:will|should|must|is|has|can|would)\b",
        "you will (address the reader)",
        rewrite=(r"\b(?:he|she)\b", "you"),
    ),
    Rule(
        "gender",
        r"\b(?:girls?|guys|lads?|gals|boys?|chaps?|blokes?|fellas?|lass(?:es)?)\b(?!['’])",
        "team",
        drop_in=True,
    ),
    Rule(
        "gender",
        r"\b(?:men|women|males?|females?)\s+only\b"
        r"|\b(?:strong|young|fit|attractive|pretty|reliable)\s+(?:men|man|women|woman|lady|ladies)\b"
        r"|\b(?:male|female)\s+(?:applicants?|candidates?|staff|workers?|employees?|persons?)\b",
        "people (or describe the task)",
    ),
    Rule(
        "gender",
        r"\b(?:attractive|pretty|good[-\s]looking|sexy|hot|beautiful)\s+(?:\w+\s+)?"
        r"(?:staff|women|girls|waitresses|men|ladies|colleagues|team|people)\b|\bto\s+flirt\s+with\b",
        "(remove: appearance is not a job requirement)",
    ),
    *frame_rules(
        "en",
        "gender",
        any_of(r"men", r"women", r"males?", r"females?", r"ladies", r"gentlemen", r"boys", r"girls", r"lads"),
        "people (or describe the task)",
    ),
)
# Positive action (s.158) and occupational requirements (Schedule 9) stated in the sentence.
LAWFUL_GENDER_EN = (
    r"Schedule\s+9|occupational\s+requirement|under[-\s]?represented|positive\s+action"
    r"|(?:welcome|encourage)\w*\s+(?:\w+\s+)?applications?\s+from"
)
