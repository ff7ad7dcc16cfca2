"""A test oracle for written briefs (issue 13): read each sentence against hand-written facts.

The writer's own claim-level verifier (`briefbot/write/verify.py`) decides what a brief shows, so
judging the brief with it would hold by construction. This oracle never sees the sources: it
reads a Summary or a Why It Matters against a story's facts table (`tests/data/claims_facts.yaml`,
`tests/data/demo_facts.yaml`: each number with its subject spellings, role, hedge, relation and
direction). It is deliberately plain, word lists and windows without parsing, so that what it
flags can be checked by eye; claims without numbers are not its business.
"""

from __future__ import annotations

import re

MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WORDS = {
    w: n
    for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)
}
ORDINALS = {
    w: n
    for n, w in enumerate(
        "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
        " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        2,
    )
}  # "first" is left out: most of its uses count nothing ("first appears", "the first release")
NUMBER = re.compile(
    rf"\b{MONTH} \d{{1,4}}\b|\b\d{{1,2}} {MONTH}\b|(?<![\w.])#\d+"
    r"|(?<![\w.])[$€]?\d[\d,]*(?:\.(?:\d+|x\b))*(?:(?:st|nd|rd|th|[KMBTx])(?!\w))?%?"
    rf"|(?i:\b(?<!per )(?<!-)(?:{'|'.join([*WORDS, *ORDINALS])})\b)"
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(#$€])")
# Words after a number that bring in its rival or baseline ("ahead of X", "times that of X").
COMPARED = re.compile(
    r"\b(?:ahead|behind|than|against|over|versus|vs|below|above|compared|close to|like|times)\b"
    r"(?! of (?:it|them)\b)",
    re.I,
)
DATED = re.compile(rf"(?:19|20)\d\d|.*{MONTH}.*")
CLAUSE_END = re.compile(r"[;:()]|,(?!\d)|\s[-\u2013\u2014]\s")
# Words that hedge a figure (APPROXIMATE) or say whose it is (HEDGE): a hedge may change its
# words, never vanish; "about" needs a word of its kind, "the company says" any of them.
APPROXIMATE = (
    r"\b(?:about|around|roughly|nearly|almost|approximately|some|near|close to|up to"
    r"|as (?:much|many) as|can reach)\b"
)
HEDGE = re.compile(
    APPROXIMATE + r"|\b(?:says?|said|according|reports|reported|report that|claims?|measured"
    r"|expects?|expected|estimates?|estimated|plans?|planned|would|figures"
    r"|forecasts?|seeking|seeks|aims?|hopes?|intends?|promises?|cautions|warns|notes|argues|lists)\b"
    r"|(?:\bown|\bour|'s?)(?: \w+)? (?:tests?|benchmarks?|comparisons?|numbers|figures)\b",
    re.I,
)
# A relation word right before a number ("by 2.1", "fewer than 90,000"), with only fillers
# between; each spelling read as the relation it means.
RELATION = re.compile(
    r"\b(up to|as (?:much|many) as|at most|can reach|at least|more than|fewer than|less than"
    r"|under|below|over|above|from|to|by|at|with|before|after)"
    r"(?:\s+(?:a|an|of|about|around|roughly|nearly|almost|just|median|average))*\s*$",
    re.I,
)
MEANS = {"as much as": "up to", "as many as": "up to", "at most": "up to", "can reach": "up to",
         "fewer than": "under", "less than": "under", "below": "under", "more than": "over",
         "above": "over", "with": "at"}  # fmt: skip
UPPER, LOWER = {"under", "up to"}, {"over", "at least"}
# Words read anywhere in the sentence; the one nearest to the number counts.
GAP = {"ahead": r"ahead|leads?|leading|passes", "behind": r"behind|trails?|trailing"}
VERSION = {
    "fixed": r"fix(?:es|ed)?|patch(?:es|ed)|removes",
    "affected": r"affect(?:s|ed)?|compromised",
}
DIRECTION = {
    "up": r"rose|rises?|risen|raised?|raises|gr[eo]ws?|climb(?:s|ed)|jump(?:s|ed)|widen(?:s|ed)"
    r"|increas(?:es|ed)|speeds? up|(?<!-)up(?! to)",
    "down": r"fell|falls?|fallen|cuts?|cutting|drop(?:s|ped)?|slip(?:s|ped)|narrow(?:s|ed)?"
    r"|lower(?:s|ed)|shr[ia]nks?|decreas(?:es|ed)|(?<!-)down",
}
OPPOSITE = {"ahead": "behind", "behind": "ahead", "fixed": "affected", "affected": "fixed",
            "up": "down", "down": "up", "before": "after", "after": "before"}  # fmt: skip


def value(token: str) -> str:
    """One spelling per value: "4th", "fourth", "#4" -> "#4"; "three" -> "3"; "1,212" -> "1212";
    "30%" -> "30"; "$0.35", "70B", "14 October" keep their sign, suffix or month."""
    word = token.lower().rstrip(",")
    if word in WORDS:
        return str(WORDS[word])
    if word in ORDINALS or re.fullmatch(r"\d+(?:st|nd|rd|th)", word):
        return f"#{ORDINALS.get(word) or word[:-2]}"
    return word.replace(",", "").rstrip("%")


def values(text: str) -> set[str]:
    return {value(match.group()) for match in NUMBER.finditer(text)}


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(" ".join(text.split())) if part]


def spot(spelling: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(spelling)}(?![\w]|-\w|[.,]\d)", re.I)


def mask(text: str, names: list[str]) -> str:
    """`text` with each listed name blanked out, positions kept ("Nova 2 32B" -> "__________")."""
    for name in sorted(names, key=len, reverse=True):
        text = spot(name).sub(lambda match: "_" * len(match.group()), text)
    return text


def numbers(text: str, names: list[str]) -> list[str]:
    """The values of the numbers `text` gives outside its listed names."""
    return [value(match.group()) for match in NUMBER.finditer(mask(text, names))]


def clause(sentence: str, at: int) -> tuple[int, int]:
    """Where the clause around position `at` starts and ends."""
    starts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence) if m.end() <= at]
    ends = [m.start() for m in CLAUSE_END.finditer(sentence) if m.start() > at] + [len(sentence)]
    return starts[-1], ends[0]


def named(sentence: str, span: tuple[int, int], entities: set[str], rival_after: int) -> list:
    """The entities named in `span` of `sentence`, in order; one named after position
    `rival_after` behind a comparison word ("3.4 points ahead of Lens 8B") is a rival."""
    hits = [
        (match.start(), -len(entity), entity)
        for entity in entities
        for match in spot(entity).finditer(sentence, *span)
        if not (
            match.start() > rival_after and COMPARED.search(sentence, rival_after, match.start())
        )
    ]
    return [entity for _, _, entity in sorted(hits)]


def nearest(table: dict[str, str], sentence: str, at: int) -> tuple[str, str, int] | None:
    """The word of `table` nearest to position `at`, as (its key, the word, its position)."""
    hits = [
        (abs(match.start() - at), key, match.group(), match.start())
        for key, pattern in table.items()
        for match in re.finditer(rf"\b(?:{pattern})\b", sentence, re.I)
    ]
    return min(hits)[1:] if hits else None


def last_named(sentence: str, at: int, spellings: set[str]) -> str | None:
    """The entity named last before position `at`: whom a gap word ("leads") is about."""
    hits = [
        (match.start(), len(match.group()), match.group())
        for spelling in spellings
        for match in spot(spelling).finditer(sentence[:at])
    ]
    return max(hits)[2] if hits else None


def contradicts(word: str, relation: str | None) -> bool:
    if word == "by":
        return relation not in {"by", "ahead", "behind"}
    if word in ("from", "to"):
        return relation in {"by", "to" if word == "from" else "from"}
    if word == "at":
        return relation in UPPER | LOWER
    if word in UPPER | LOWER:  # a bound turned round, or given to an exact figure
        return relation in (LOWER if word in UPPER else UPPER) | {"at"}
    return relation == OPPOSITE[word]  # before, after


def misread(fact: dict, token: str, at: int, sentence: str, masked: str, spellings: set) -> str:
    """Why the words around the number at `at` in `sentence` misstate `fact`, or "" (`masked`:
    the sentence with its names blanked out)."""
    relation = fact.get("relation")
    before = RELATION.search(re.split(r"[,;:()]|\d", masked[:at])[-1])
    word = before and MEANS.get(before.group(1).lower(), before.group(1).lower())
    if word == "by" and (DATED.fullmatch(token) or re.search(r"\d\s*by\s*$", masked[:at])):
        word = None  # a deadline ("by 2027") or a size ("1,344 by 1,344"), not a change
    if word and contradicts(word, relation):
        return f"'{token}' with '{before.group(1)}' but the facts say '{relation or 'at'}'"
    for table, key in ((GAP, relation), (VERSION, relation), (DIRECTION, fact.get("direction"))):
        hit = nearest(table, masked, at) if key in table else None
        if hit:
            said, shown, where = hit
            who = last_named(sentence, where, spellings) if table is GAP else None
            if who and who.lower() not in {spelling.lower() for spelling in fact["subject"]}:
                said = OPPOSITE[said]  # "Y trails X" is told from Y's side
            if said != key and table is GAP:
                told = f" said of {who}," if who else ""
                subject = fact["subject"][0]
                return f"'{token}' with '{shown}'{told} but the facts say {subject} is '{key}'"
            if said != key:
                return f"'{token}' with '{shown}' but the facts say '{key}'"
    hedge = fact.get("hedge", "")
    needed = re.compile(APPROXIMATE, re.I) if re.search(APPROXIMATE, hedge, re.I) else HEDGE
    if hedge and not needed.search(sentence):
        return f"'{token}' without its hedge '{fact['hedge']}'"
    return ""


def owner(fact: dict) -> str:
    """Whose a fact is, as a possessive ("Wren 9B's", "small firms'")."""
    name = fact["subject"][0]
    return name + ("'" if name.endswith("s") else "'s")


def misstatements(
    text: str, facts: list[dict], names: list[str], story_subjects: list[str]
) -> list[str]:
    """Each misstatement in `text` (a Summary or a Why It Matters) against the story's `facts`,
    one line each: "'71.5' given to X, but it is Y's", "'41' with 'by' but the facts say 'at'",
    "'19' without its hedge 'about'", "'12' is in no fact". A number must match a fact of the
    same value that holds for it; numbers inside `names` are skipped. Its subject must be named
    in its clause, or where the clause names none of the story's entities (fact subjects and
    `story_subjects`), in its sentence; where that names none, in the sentence before or in
    `story_subjects`. A gap ("2.1 points behind") is read from either side, in the sentence."""
    entities = {spelling for fact in facts for spelling in fact["subject"]} | set(story_subjects)
    found, previous = [], ""
    for sentence in sentences(text):
        masked, whole = mask(sentence, names), (0, len(sentence))
        before = named(previous, (0, len(previous)), entities, len(previous))
        for match in NUMBER.finditer(masked):
            token, at, end = match.group().rstrip(","), match.start(), match.end()
            own = named(sentence, clause(sentence, at), entities, end)
            near = named(sentence, whole, entities, end)
            near = own or (near + before if near else before + story_subjects)
            problems = []
            for fact in (f for f in facts if value(match.group()) in values(f["number"])):
                gap = fact.get("relation") in GAP  # its rival may be named anywhere
                scope = named(sentence, whole, entities, len(sentence)) if gap else near
                scope = scope + before if gap and scope else scope or before + story_subjects
                if not set(fact["subject"]) & set(scope):
                    who = scope[0] if scope else "the story's subject"
                    problems.append((0, f"'{token}' given to {who}, but it is {owner(fact)}"))
                elif wrong := misread(fact, token, at, sentence, masked, entities | set(names)):
                    problems.append((1, wrong))
                else:
                    break
            else:
                found.append(max(problems)[1] if problems else f"'{token}' is in no fact")
        previous = sentence
    return found
