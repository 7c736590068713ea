"""English rules for age, race (nationality, national origin), religion or belief, and
disability (Equality Act 2010; the EHRC's advert guidance; Rainbow v Milton Keynes Council on
"the first five years of their career"; Osborne Clarke v Purohit on a permanent right to work;
the Home Office code on UK residence history; s.60 on health questions)."""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import AGE_NUMBER, DELETE, NUMBER_WORDS_EN, Rule, any_of
from creative_assets.gates.compliance_rules.frames import frame_rules

_AGE = "the experience the job needs, not an age"
CLIENTS_EN = any_of(
    r"children", r"kids", r"pupils", r"young\s+people", r"teenagers", r"students", r"patients", r"residents",
    r"clients", r"service\s+users", r"learners", r"youngsters", r"babies", r"toddlers", r"users",
)  # fmt: skip
_CLIENT_BEFORE = rf"\b{CLIENTS_EN}\s+(?:\w+\s+){{0,2}}"
_NOT_A_COUNT = (
    r"(?!\s*(?:%|per\s*cent|minutes?|mins|hours?|hrs|days?|weeks?|months?|kg|miles?|km|metres?|k\b|people"
    r"|staff|employees|sites|stores|locations|languages|countries|branches|seats|covers))"
)
NATIONAL_EN = any_of(
    r"British", r"English", r"Scottish", r"Welsh", r"Irish", r"UK", r"EU", r"EEA", r"Polish", r"Romanian",
    r"Bulgarian", r"Lithuanian", r"Latvian", r"Czech", r"Slovak", r"Hungarian", r"Italian", r"Spanish",
    r"Portuguese", r"French", r"German", r"Dutch", r"Greek", r"Turkish", r"Russian", r"Ukrainian",
    r"Albanian", r"Indian", r"Pakistani", r"Bangladeshi", r"Chinese", r"Filipino", r"Nigerian", r"Somali",
    r"(?:Eastern\s+|Western\s+)?European", r"Asian", r"African", r"Caribbean", r"Arab", r"American",
    r"Australian", r"Black", r"White", r"foreign",
)  # fmt: skip
_PEOPLE_EN = (
    r"(?:applicants?|candidates?|workers?|staff|people|persons?|builders?|cleaners?|drivers?|nann(?:y|ies)"
    r"|carers?|chefs?|labourers?|employees?|individuals?|tradespeople|plumbers?|electricians?|waiters?)"
)
_FAITH = any_of(
    r"Christian", r"Catholic", r"Protestant", r"Anglican", r"Methodist", r"Baptist", r"Evangelical",
    r"Muslim", r"Islamic", r"Jewish", r"Hindu", r"Sikh", r"Buddhist", r"Orthodox", r"Mormon", r"religious",
)  # fmt: skip
_DRESS = (
    r"(?:headscarf|headscarves|hijabs?|niqabs?|burqas?|burkas?|turbans?|kippahs?|kippot|yarmulkes?|skull\s*caps?"
    r"|crucifix(?:es)?|religious\s+(?:symbols?|dress|clothing|jewellery|jewelry|headwear|items))"
)
_TASKS = "describe the physical tasks (e.g. 'lifting up to 15 kg')"
_VALUES = "sharing our organisation's values"

AGE_EN: tuple[Rule, ...] = (
    Rule("age", r"\byoung\s+and\s+(?:dynamic|energetic|vibrant)\b", "motivated and energetic", drop_in=True),
    Rule(
        "age",
        r"\byoung(?!'s)\b(?!\s+(?:people|persons?|adults|carers|offenders|families|children|mothers|parents"
        r"|company|business|firm|brand|start-?up|charity|organisation|organization)\b)(?:\s+\w+)?",
        "motivated (e.g. 'a motivated team')",
        ("young", "motivated"),
    ),
    Rule("age", r"\byouthful\b(?:\s+\w+)?", "energetic", rewrite=("youthful", "energetic")),
    Rule(
        "age",
        r"\bfresh[-\s]faced\b(?:\s+\w+)?",
        "enthusiastic",
        rewrite=(r"fresh[-\s]faced", "enthusiastic"),
    ),
    Rule(
        "age",
        r"\b(?:recent|new|fresh)\s+(?:graduates?|grads|school\s+leavers?)\b",
        "entry-level applicants",
        drop_in=True,
    ),
    Rule("age", r"\bdigital\s+natives?\b|\bGen(?:eration)?\s*Z\b", "confident with digital tools"),
    Rule("age", r"\byoung\s+professionals?\b", "early-career professionals", drop_in=True),
    Rule(
        "age",
        r"\bmature\s+(?:candidates?|applicants?|person|individuals?|people)\b",
        "experienced applicants",
        rewrite=("mature", "experienced"),
    ),
    # Numbers: ranges, caps, cohorts, decades ("aged 18-25", "under 30", "over 45s", "in their twenties").
    Rule(
        "age",
        rf"\baged?\s+(?:between\s+)?{AGE_NUMBER}\s*(?:-|–|to|and)\s*{AGE_NUMBER}\b"
        rf"|\baged?\s+(?:under|below|{AGE_NUMBER}\s+(?:or|and)\s+(?:under|below))\s*{AGE_NUMBER}?\b"
        rf"|\bbetween\s+the\s+ages\s+of\b",
        _AGE,
        not_after=_CLIENT_BEFORE,
    ),
    Rule("age", rf"\b(?:under|over)[-\s]?{AGE_NUMBER}['’]?s\b", _AGE),
    Rule(
        "age",
        rf"\b(?:be|are|aged|applicants?|candidates?|people|persons?|those|anyone|workers?|staff|someone|individuals?"
        rf"|graduates?)\s+(?:\w+\s+)?(?:(?:under|below|younger\s+than)\s+(?:the\s+age\s+of\s+)?{AGE_NUMBER}"
        rf"|(?:over|above|older\s+than)\s+(?:the\s+age\s+of\s+)?(?!1[0-8]\b){AGE_NUMBER})\b{_NOT_A_COUNT}",
        _AGE,
    ),
    Rule("age", rf"\b(?:no|not)\s+(?:older|younger)\s+than\s+{AGE_NUMBER}\b", _AGE),
    Rule("age", r"\b(?:maximum|max\.?|upper)\s+age\b|\bage\s+(?:limit|cap|restriction|bracket|band)\b", _AGE),
    Rule(
        "age",
        r"\bin\s+(?:their|your|his|her)\s+(?:early|mid|late)?[-\s]?(?:twenties|thirties|forties|fifties|sixties|[2-6]0s)\b",
        _AGE,
        not_after=_CLIENT_BEFORE,
    ),
    Rule("age", rf"\b{AGE_NUMBER}[-\s]year[-\s]olds?\b", _AGE, not_after=_CLIENT_BEFORE),
    # Experience capped from above (Rainbow v Milton Keynes Council).
    Rule(
        "age",
        r"\bfirst\s+(?:\w+|\d+)\s+years\s+of\s+(?:their|your|a|the)\s+career\b"
        r"|\b(?:no\s+more\s+than|up\s+to|a\s+maximum\s+of|maximum|max\.?|at\s+most)\s+\d{1,2}\s+years['’]?\s+(?:of\s+)?(?:\w+\s+)?experience\b"
        r"|\b0\s*[-–]\s*\d{1,2}\s+years['’]?\s+(?:of\s+)?experience\b",
        "the experience the job needs (no upper limit)",
    ),
    *frame_rules(
        "en",
        "age",
        r"retirees?|retired\s+(?:people|persons|workers)|pensioners?|OAPs?|older\s+(?:people|workers|applicants"
        r"|candidates|persons)|school\s+leavers?|mummy['’]?s\s+boys?",
        "applicants of all ages (or remove the sentence)",
        not_after=r"\b(?:for|supporting|support|caring\s+for|care\s+for|working\s+with|work\s+with|home\s+for)\s+(?:our\s+)?",
    ),
)

ORIGIN_EN: tuple[Rule, ...] = (
    Rule(
        "origin",
        r"\bnative(?:[-\s]+level)?\s+(?:english\s+|german\s+|french\s+)?(?:speakers?|fluency|english|german|french)\b"
        r"|\b(?:english|german)\s+native\s+speakers?\b|\bnative\s+speaker\w*",
        "fluent English speaker (C1 or above)",
        drop_in=True,
    ),
    Rule(
        "origin",
        r"\bmother\s+tongue\b|\bfirst\s+language\b",
        "fluent English",
        not_after=r"\bwhose\s+",
    ),
    Rule(
        "origin",
        r"\bwithout\s+(?:an?\s+)?accent\b|\bno\s+(?:foreign\s+)?accents?\b"
        r"|\b(?:British|English|UK|RP|native|local|neutral|foreign|regional)\s+accents?\b",
        "clear spoken English",
        drop_in=True,
    ),
    Rule(
        "origin",
        rf"\b{NATIONAL_EN}[-\s]+(?:passports?(?:[-\s]+holders?)?|citizens?(?:hip)?|nationals?|nationality|subjects?)\b"
        r"|\bmust\s+be\s+(?:british|english|a\s+uk\s+citizen)\b",
        "the right to work in the UK (we check it for everyone)",
    ),
    Rule(
        "origin",
        r"\bindefinite\s+leave\s+to\s+remain\b|\bsettled\s+status\b|\bILR\b"
        r"|\bpermanent\s+(?:right\s+to\s+(?:work|reside|remain)|residen(?:ce|cy))\b",
        "the right to work in the UK (time-limited visas welcome)",
    ),
    Rule(
        "origin",
        r"\b(?:lived|living|resided|residing|resident|residence)\b[^.;!?]{0,30}?\b(?:in\s+(?:the\s+)?(?:UK|Britain|England"
        rf"|Scotland|Wales|country)|here)\b[^.;!?]{{0,30}}?\bfor\s+(?:at\s+least\s+|the\s+(?:last|past)\s+|a\s+minimum\s+of\s+)?"
        rf"{NUMBER_WORDS_EN}\s+years\b|\b{NUMBER_WORDS_EN}\s+years['’]?\s+(?:continuous\s+)?(?:UK\s+)?residen(?:ce|cy)\b",
        "(remove: residence history is not a skill)",
        rewrite=DELETE,
    ),
    Rule(
        "origin",
        r"\bborn\s+(?:and\s+(?:raised|bred)\s+)?in\s+(?:the\s+)?(?:UK|United\s+Kingdom|Britain|Great\s+Britain|England"
        rf"|Scotland|Wales|Northern\s+Ireland|Ireland|EU|Europe)\b|\b(?:{NATIONAL_EN}|Britain)-born\b",
        "(remove: birthplace is not a skill)",
        rewrite=DELETE,
    ),
    Rule("origin", rf"\b{NATIONAL_EN}\s+{_PEOPLE_EN}\b", "applicants with the skills the job needs"),
    Rule("origin", r"\blocals\s+only\b|\bno\s+foreigners\b", "(remove)", rewrite=DELETE),
    *frame_rules(
        "en",
        "origin",
        r"foreigners|foreign\s+nationals|non[-\s](?:British|UK|EU|English|native)\w*|immigrants|migrants"
        r"|asylum\s+seekers|refugees|locals",
        "(remove: anyone with the right to work may apply)",
    ),
)
LAWFUL_ORIGIN_EN = (
    r"\b(?:SC|DV|NPPV|BPSS)\b|security\s+clearance|\bvetting\b|Crown\s+servant|reserved\s+post|nationality\s+rules"
    r"|(?:welcome|encourage)\w*\s+(?:\w+\s+)?applications?\s+from|under[-\s]?represented|positive\s+action"
)

RELIGION_EN: tuple[Rule, ...] = (
    Rule(
        "religion",
        rf"\b{_FAITH}\s+(?:values|ethos|faith|beliefs?|worldview|principles|background|applicants?|candidates?|staff"
        r"|people|persons?|workers?|only|men|women)\b",
        _VALUES,
        church_exempt=True,
        drop_in=True,
    ),
    Rule(
        "religion",
        rf"\bmust\s+be\s+(?:an?\s+)?(?:practising\s+|practicing\s+|committed\s+|devout\s+)?{_FAITH}\b"
        rf"|\b(?:committed|devout|practising|practicing|believing|born[-\s]again|observant)\s+{_FAITH}\w*"
        r"|\bshare\s+(?:our|the)\s+(?:\w+\s+)?(?:faith|beliefs?)\b",
        _VALUES,
        church_exempt=True,
    ),
    Rule(
        "religion",
        r"\bmembers?\s+of\s+(?:the|a|an)\s+(?:\w+\s+){0,2}?(?:church|mosque|synagogue|gurdwara|temple|parish|congregation"
        r"|faith\s+community)\b|\bChurch\s+of\s+(?:England|Scotland|Ireland)\s+members?\b"
        r"|\battend\w*\s+(?:\w+\s+)?(?:church|mass|mosque|synagogue|services|worship)\b|\bchurch[-\s]?goers?\b",
        _VALUES,
        church_exempt=True,
    ),
    Rule(
        "religion",
        rf"\b(?:no|not|never|may\s+not|must\s+not|cannot|can't|without|ban\w*|prohibit\w*|forbid\w*)\b[^.;!?]{{0,30}}?\b{_DRESS}"
        rf"|\b{_DRESS}\b[^.;!?]{{0,30}}?\b(?:not\s+(?:permitted|allowed)|banned|prohibited|forbidden)\b",
        "(remove: religious dress is protected)",
        rewrite=DELETE,
    ),
    *frame_rules(
        "en",
        "religion",
        r"Christians|Muslims|Jews|Hindus|Sikhs|Catholics|Protestants|Buddhists|atheists|agnostics|non[-\s]believers"
        r"|non[-\s]Christians|humanists",
        _VALUES,
        church_exempt=True,
    ),
)
LAWFUL_RELIGION_EN = (
    r"\b(?:any|all)\s+(?:faiths?|religions?|beliefs?)\b|\bor\s+none\b|occupational\s+requirement|Schedule\s+9"
)

DISABILITY_EN: tuple[Rule, ...] = (
    Rule(
        "disability",
        r"\bable[-\s]bodied\b|\bno\s+disabilit(?:y|ies)\b|\bnot\s+disabled\b|\bfit\s+and\s+(?:healthy|well)\b"
        r"|\bperfect\s+health\b|\bmust\s+not\s+have\s+(?:a\s+|any\s+)?disabilit(?:y|ies)\b"
        r"|\bclean\s+bill\s+of\s+health\b|\bphysically\s+fit\b|\bhealthy\s+(?:applicants?|candidates?|individuals?|people|person)\b",
        _TASKS,
    ),
    Rule(
        "disability",
        r"\b(?:good|excellent|perfect|full|sound|robust|peak|optimum)\s+(?:physical\s+|mental\s+|general\s+)?health\b"
        r"(?!\s*(?:insurance|cover|care|plan|scheme|benefits?|checks?|and\s+safety|&\s+safety|and\s+wellbeing))"
        r"|\b(?:good|excellent|clean|perfect|low)\s+(?:sickness|absence)\s+record\b|\bsickness\s+record\b",
        _TASKS,
    ),
    Rule(
        "disability",
        r"\bno\s+(?:history|record)\s+of\s+(?:\w+\s+){0,3}?(?:illness\w*|ill[-\s]health|depression|anxiety|mental\s+\w+|medical\s+\w+"
        r"|disabilit\w+|sickness|conditions?)\b"
        r"|\b(?:free\s+(?:from|of)|without)\s+(?:any\s+)?(?:medical|health|physical|mental(?:\s+health)?)\s+(?:conditions?|problems?|issues?|impairments?)\b"
        r"|\bno\s+(?:medical|health|mental\s+health)\s+(?:conditions?|problems?|issues?)\b"
        r"|\bmust\s+not\s+(?:use|need|require|have|suffer\s+from)\s+(?:an?\s+|any\s+)?(?:wheelchair|walking\s+(?:aid|stick)|hearing\s+aid"
        r"|mobility\s+aid|medical\s+condition|disabilit\w+|health\s+conditions?|mental\s+health)",
        _TASKS,
    ),
    *frame_rules(
        "en",
        "disability",
        r"disabled\s+(?:people|applicants?|persons?|candidates?|workers?|staff)|people\s+with\s+(?:a\s+)?disabilit(?:y|ies)"
        r"|wheelchair\s+users?|(?:applicants?|people|anyone|candidates?|those|persons?|someone|one)\s+with\s+(?:an?\s+|any\s+)?"
        r"(?:history\s+of\s+)?(?:epilepsy|diabetes|depression|anxiety|mental\s+(?:health\s+\w+|illness)|(?:medical|health)\s+conditions?"
        r"|back\s+problems|asthma|HIV|autism|ADHD|dyslexia|cancer|addictions?|disabilit(?:y|ies)|impairments?)"
        r"|drunks|(?:drug\s+)?addicts|alcoholics|emotional\s+wrecks|nutters|psychos|cripples|invalids|the\s+disabled",
        _TASKS,
        prefer=False,
    ),
)
LAWFUL_DISABILITY_EN = (
    r"guarantee\w*\s+(?:an\s+)?interview|Disability\s+Confident|reasonable\s+adjustments?|Access\s+to\s+Work"
    r"|(?:welcome|encourage)\w*\s+(?:\w+\s+)?applications?\s+from|\bwelcome\b|positive\s+action"
)
LAWFUL_AGE_EN = (
    r"\ball\s+ages\b|\bany\s+age\b|regardless\s+of\s+age|Licensing\s+Act|by\s+law\b|legal\s+minimum"
)
