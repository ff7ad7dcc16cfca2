"""A test oracle for written briefs (issue 13): each sentence read against hand-written facts.

The writer's claim-level verifier (`briefbot/write/verify.py`) decides what a brief shows, so a
test that judged the brief with it would hold by construction. This oracle never sees a source:
it reads a Summary or a Why It Matters against the story's facts table (`tests/data/
claims_facts.yaml`, `tests/data/demo_facts.yaml`), with word lists and windows, no parsing, so
that what it flags can be checked by eye. Claims without numbers are not its business.
"""

from __future__ import annotations

import re

MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
COUNTS = "two three four five six seven eight nine ten eleven twelve"
RANKS = (  # "first" is left out: most of its uses count nothing ("first appears")
    "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
    " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
WORDS = {word: n for n, word in enumerate(COUNTS.split(), 2)}
ORDINALS = {word: n for n, word in enumerate(RANKS.split(), 2)}
# Dates, "#4", "$0.35", "1,212", "70B", "1.6x", "4th", "30%", and number words: "three", "fifth".
NUMBER = re.compile(
    rf"\b{MONTH} \d{{1,4}}\b|\b\d{{1,2}} {MONTH}\b|(?<![\w.])#\d+"
    r"|(?<![\w.])[$€]?\d[\d,]*(?:\.(?:\d+|x\b))*(?:(?:st|nd|rd|th|[KMBTx])(?!\w))?%?"
    rf"|(?i:\b(?<!per )(?<!-)(?:{'|'.join([*WORDS, *ORDINALS])})\b)"
)
DATED = re.compile(rf"(?:19|20)\d\d|.*{MONTH}.*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(#$€])")
CLAUSE_END = re.compile(r"[;:()]|,(?!\d)|\s[-\u2013\u2014]\s|\s(?=(?:while|whereas)\s)")
# A clause that starts a relative clause, and a clause that is only a name (an appositive).
RELATIVE = re.compile(r"\s*(?:which|who|whose)\b", re.I)
# After a name, the verb that makes it the speaker of what follows ("Corvane says ...").
SPEAKER = re.compile(r"\s+(?:says?|said|reports?|reported|estimates?|claims?|notes?|argues?)\b")
# A name that owns the noun after it ("the Yamabiko Consortium's 70B model").
POSSESSIVE = re.compile(r"['\u2019]s?(?!\w)")
# "increased its score from 55.1"; "It has 3,000 questions" (a sentence opened by a pronoun)
PRONOUN_OWNER = re.compile(r"\b(?:its|their)\b|^(?:It|They)\b", re.IGNORECASE)
APPOSITIVE = re.compile(
    r"[,(]\s*(?:(?:called|named|dubbed)\s+)?(?P<name>[^,;:()]+?)\s*(?:[,;:.)]|$)"
)
# After a number, words that bring in its rival or baseline: "3.4 points ahead of Lens 8B".
COMPARED = re.compile(
    r"\b(?:ahead|behind|than|against|over|versus|vs|below|above|compared"
    r"|close to|like|times)\b(?! of (?:it|them)\b)",
    re.I,
)
# A hedge may change its words, never vanish: "about" needs a word of its kind (APPROXIMATE),
# "the company says" any hedge or attribution.
APPROXIMATE = (
    r"\b(?:about|around|roughly|nearly|almost|approximately|some|near|close to"
    r"|up to|as (?:much|many) as|can reach)\b"
)
HEDGE = re.compile(
    APPROXIMATE + r"|\b(?:says?|said|according|reports|reported|report that|claims?|measured"
    r"|expects?|expected|estimates?|estimated|plans?|planned|would|figures|forecasts?|seeking"
    r"|seeks|aims?|hopes?|intends?|promises?|cautions|warns|notes|argues|lists)\b"
    r"|(?:\bown|\bour|'s?)(?: \w+)? (?:tests?|benchmarks?|comparisons?|numbers|figures)\b"
    r"|\bin (?:\w+ )?(?:tests?|testing)\b",  # "in developer tests"
    re.I,
)
# The relation word right before a number, fillers allowed between ("fell to a median of").
RELATION = re.compile(
    r"\b(up to|as (?:much|many) as|at most|can reach|at least|more than|fewer than|less than"
    r"|under|below|over|above|from|to|by|at|with|before|after)"
    r"(?:\s+(?:a|an|of|about|around|roughly|nearly|almost|just|median|average))*\s*$",
    re.I,
)
MEANS = dict.fromkeys(["as much as", "as many as", "at most", "can reach"], "up to")
MEANS |= dict.fromkeys(["fewer than", "less than", "below"], "under")
MEANS |= {"more than": "over", "above": "over", "with": "at"}
UPPER, LOWER = {"under", "up to"}, {"over", "at least"}
# Words read anywhere in the sentence, the nearest to the number counting.
GAP = {"ahead": r"ahead|leads?|leading|passes", "behind": r"behind|trails?|trailing"}
VERSION = {  # "anyone running 0.8.0 should upgrade to 0.9.3": 0.8.0 affected, 0.9.3 fixed
    "fixed": r"fix(?:es|ed)?|patch(?:es|ed)|removes|(?:upgrad|updat|mov)(?:e|es|ing) to",
    "affected": r"affect(?:s|ed|ing)?|compromised|running|using|should (?:upgrade|update)"
    r"|(?<!fixed )(?<!patched )\bin versions?",  # "a bypass in versions 0.8.0 to 0.9.2"
}
DIRECTION = {
    "up": r"rose|rises?|risen|raised?|raises|gr[eo]ws?|climb(?:s|ed)|jump(?:s|ed)|widen(?:s|ed)"
    r"|increas(?:es|ed)|speeds? up|(?<!-)up(?! to)",
    "down": r"fell|falls?|fallen|cuts?|cutting|drop(?:s|ped)?|slip(?:s|ped)|narrow(?:s|ed)?"
    r"|lower(?:s|ed)|shr[ia]nks?|decreas(?:es|ed)|(?<!-)down",
}
# A rank told among one side: "the sixth-ranked open-weight model" (the facts rank overall).
AMONG = re.compile(
    r"(?:-(?:ranked|placed))?\s+(?:open-weights?|open|proprietary|closed)\s+(?:models?|systems?)",
    re.I,
)
PAIRS = [("ahead", "behind"), ("fixed", "affected"), ("up", "down"), ("before", "after")]
OPPOSITE = {a: b for pair in PAIRS for a, b in (pair, pair[::-1])}


def value(token: str) -> str:
    """One spelling per value: "4th", "fourth", "#4" -> "#4"; "three" -> "3"; "1,212" -> "1212";
    "30%" -> "30"; "256K" -> "256000"; "$0.35", "70B", "14 October" keep their sign, suffix or
    month."""
    word = token.lower().rstrip(",")
    if word in WORDS:
        return str(WORDS[word])
    if word in ORDINALS or re.fullmatch(r"\d+(?:st|nd|rd|th)", word):
        return f"#{ORDINALS.get(word) or word[:-2]}"
    if thousands := re.fullmatch(r"(\d+)k", word):  # "256K" is "256,000"
        return str(int(thousands.group(1)) * 1000)
    return word.replace(",", "").rstrip("%")


def values(text: str) -> set[str]:
    return {value(match.group()) for match in NUMBER.finditer(text)}


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(" ".join(text.split())) if part]


def spot(spelling: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(spelling)}(?![\w]|-\w|[.,]\d)", re.I)


SIZE = re.compile(r"\b\d+(?:\.\d+)?[BMKT]\b")


def mask(text: str, names: list[str]) -> str:
    """`text` with each listed name blanked out, positions kept ("Nova 2 32B" -> "__________"),
    and so each size a listed name carries, standing for the name ("the 32B model",
    "Nova-2-32B")."""
    for name in sorted(names, key=len, reverse=True):
        text = spot(name).sub(lambda match: "_" * len(match.group()), text)
    for size in {size for name in names for size in SIZE.findall(name)}:
        text = re.sub(rf"(?<![\w.]){re.escape(size)}\b", "_" * len(size), text)
    return text


def numbers(text: str, names: list[str]) -> list[str]:
    """The values of the numbers `text` gives outside its listed names."""
    return [value(match.group()) for match in NUMBER.finditer(mask(text, names))]


def named(
    text: str, entities: set[str], start: int = 0, end: int | None = None, after: int | None = None
) -> list[str]:
    """The entities named in `text[start:end]`, in order; one named after position `after`
    behind a comparison word ("3.4 points ahead of Lens 8B") is a rival, left out."""
    hits = sorted(
        (match.start(), -len(entity), entity)
        for entity in entities
        for match in spot(entity).finditer(text, start, len(text) if end is None else end)
        if after is None or match.start() < after or not COMPARED.search(text, after, match.start())
    )
    return [entity for _, _, entity in hits]


def nearest(table: dict[str, str], text: str, at: int) -> tuple[str, str, int] | None:
    """The word of `table` nearest to position `at`: (its key, the word, its position)."""
    hits = [
        (abs(match.start() - at), key, match.group(), match.start())
        for key, pattern in table.items()
        for match in re.finditer(rf"\b(?:{pattern})\b", text, re.I)
    ]
    return min(hits)[1:] if hits else None


def last_named(sentence: str, at: int, spellings: set[str]) -> str | None:
    """The entity named last before position `at` (the longest spelling where several start)."""
    hits = [
        (m.start(), m.end(), m.group())
        for s in spellings
        for m in spot(s).finditer(sentence, 0, at)
    ]
    return max(hits)[2] if hits else None


def contradicts(word: str, relation: str | None) -> bool:
    """Whether a relation word before a number ("by", "under") contradicts the fact's."""
    if word == "by":
        return relation not in {"by", "ahead", "behind"}
    if word in ("from", "to"):
        return relation in {"by", "to" if word == "from" else "from"}
    if word == "at":
        return relation in UPPER | LOWER
    if word in UPPER | LOWER:  # a bound turned round, or put on an exact figure
        return relation in (LOWER if word in UPPER else UPPER) | {"at"}
    return relation == OPPOSITE[word]  # before, after


def misread(fact: dict, token: str, at: int, sentence: str, masked: str, spellings: set) -> str:
    """Why the words around the number at `at` misstate `fact` (its relation, gap, version role,
    direction or hedge), or "". `masked` is `sentence` with its names blanked out."""
    relation = fact.get("relation")
    if token.lower() in ORDINALS and AMONG.match(masked[at + len(token) :]):
        return f"'{token}' among one side's models, but the facts rank it overall"
    found = RELATION.search(re.split(r"[,;:()]|\d", masked[:at])[-1])
    word = found and MEANS.get(found.group(1).lower(), found.group(1).lower())
    if word == "by" and (DATED.fullmatch(token) or re.search(r"\d\s*by\s*$", masked[:at])):
        word = None  # a deadline ("by 2027") or a size ("1,344 by 1,344"), not a change
    factor = re.match(r"\s*(?:times\b|x\b|-?fold\b)", masked[at + len(token) :], re.I)
    if word == "by" and factor and relation is None:
        word = None  # "lifts it by 2.2 times" is "lifts it 2.2 times": the same factor
    if word and contradicts(word, relation):
        return f"'{token}' with '{found.group(1)}' but the facts say '{relation or 'at'}'"
    for table, key in ((GAP, relation), (VERSION, relation), (DIRECTION, fact.get("direction"))):
        hit = nearest(table, masked, at) if key in table else None
        if table is VERSION and key == "fixed" and re.search(r"\bbefore\s*$", masked[:at]):
            continue  # "2.0.0 before 2.0.3 should update": the version after "before" is fixed
        if not hit:
            continue
        said, shown, where = hit
        who = last_named(sentence, where, spellings) if table is GAP else None
        if who and who.lower() not in {spelling.lower() for spelling in fact["subject"]}:
            said = OPPOSITE[said]  # "Birch 8B leads Wren 9B" tells the gap from Birch's side
        if said != key:
            told = f"said of {who}, but the facts say {fact['subject'][0]} is" if who else ""
            return f"'{token}' with '{shown}' {told or 'but the facts say'} '{key}'"
    hedge = fact.get("hedge", "")
    needed = APPROXIMATE if re.search(APPROXIMATE, hedge, re.I) else HEDGE.pattern
    # an attribution to a named source is kept where the sentence names it ("RentIndex shows")
    source = [w for w in re.findall(r"\b[A-Z][\w-]*[A-Z][\w-]*", hedge) if w in sentence]
    if hedge and not re.search(needed, sentence, re.I) and not source:
        return f"'{token}' without its hedge '{hedge}'"
    condition = fact.get("condition", "")
    kept = {word.lower() for word in re.findall(r"[A-Za-z][\w-]{2,}|\d{3,}", condition)} - {"and"}
    if kept and not kept & {word.lower() for word in re.findall(r"[\w-]+", sentence)}:
        return f"'{token}' without what it was measured on, '{condition}'"
    return ""


def owners(
    sentence: str,
    at: int,
    end: int,
    entities: set[str],
    before: list[str],
    story_subjects: list[str],
    gap: bool,
) -> list[str]:
    """Whom the number at `at`..`end` may belong to: the entities its clause names; where it
    names none, those of its sentence and the sentence before (`before`); where the sentence
    names none, those of the sentence before and `story_subjects`. A relative clause ("which
    scores 77.1") also belongs to the entities of the clause before it, and a clause to the name
    set after it alone ("adds a 3-bit type, Q3_HX"). Where the only name is a speaker's
    ("Corvane says a 4-bit build needs about 6 GB"), or one that owns a noun it does not name
    ("the Yamabiko Consortium's 70B model"), the number may be one of `story_subjects`'; where
    "its" or "their" stands before it, one of the sentence before's. A gap
    ("2.1 points behind X") may be told of either side, so it is read in the whole sentence,
    rival included."""
    speakers = {e for e in entities if speaks(sentence, e)}
    if not gap:
        starts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence) if m.end() <= at]
        stops = [m.start() for m in CLAUSE_END.finditer(sentence) if m.start() > at] or [
            len(sentence)
        ]
        start, stop = starts[-1], stops[0]
        own = named(sentence, entities, start, stop, end)
        if RELATIVE.match(sentence, start):  # "Kairos-3 Large, which scores 77.1"
            own += named(sentence, entities, starts[-2] if len(starts) > 1 else 0, start)
        if apposed := APPOSITIVE.match(sentence, stop):  # "adds a 3-bit type, Q3_HX."
            own += [e for e in entities if spot(e).fullmatch(apposed.group("name"))]
        said = story_subjects if set(own) <= speakers else []  # "Corvane says a build ..."
        # "The new training run increased its score from 55.1": "its" is the sentence before's
        theirs = before if PRONOUN_OWNER.search(sentence, start, at) else []
        if own:
            return own + owned(sentence, entities, start, stop, story_subjects) + said + theirs
    in_sentence = named(sentence, entities, after=None if gap else end)
    if in_sentence:
        said = story_subjects if set(in_sentence) <= speakers else []
        whose = owned(sentence, entities, 0, len(sentence), story_subjects)
        return in_sentence + before + whose + said
    return before + story_subjects


def speaks(sentence: str, entity: str) -> bool:
    """Whether `sentence` names `entity` as who says so ("Corvane says ...")."""
    return any(SPEAKER.match(sentence, match.end()) for match in spot(entity).finditer(sentence))


def owned(
    sentence: str, entities: set[str], start: int, stop: int, story_subjects: list[str]
) -> list[str]:
    """`story_subjects` where `sentence[start:stop]` names an entity as the owner of a noun
    it does not name ("the Yamabiko Consortium's 70B model": the noun may be the story's
    subject; "llama.cpp's Q3_HX" names it), else []."""
    for entity in entities:
        for match in spot(entity).finditer(sentence, start, stop):
            if (mark := POSSESSIVE.match(sentence, match.end())) and not any(
                spot(other).match(sentence, mark.end() + 1) for other in entities
            ):
                return story_subjects
    return []


def title_subjects(titles: list[str], facts: list[dict]) -> list[str]:
    """A story's `story_subjects` where none are written down: the fact subjects its item titles
    name ("Lumora AI ships Nova 2 32B..." -> "Nova 2 32B", "Nova 2"), else its first fact's."""
    in_titles = [
        spelling
        for fact in facts
        for spelling in fact["subject"]
        if any(spot(spelling).search(title) for title in titles)
    ]
    return in_titles or (facts[0]["subject"] if facts else [])


def told_facts(facts: list[dict], token: str, after: str) -> list[dict]:
    """The facts of the number's value; where the words just after it give the role of a fact
    of one build ("eight H100 GPUs", `variant`), only the facts of that role: the same value
    told of another thing ("8 active per token") must not excuse it."""
    same = [fact for fact in facts if value(token) in values(fact["number"])]
    words = set(re.findall(r"[a-z0-9]+", after.lower()))
    roled = [
        fact
        for fact in same
        if {w for w in re.findall(r"[a-z0-9]+", fact["role"].lower()) if len(w) > 2} & words
    ]
    return roled if any("variant" in fact for fact in roled) else same


def name_size(token: str, before: str, after: str, names: list[str]) -> bool:
    """A count of parameters that only restates the size in a name just before it ("Fenn 14B,
    a 14-billion-parameter model"): the name's fact, not one of its own."""
    if not re.match(r"\s*-?\s*billion[- ]param", after, re.I):
        return False
    sized = [name for name in names if re.search(rf"\b{re.escape(token)}B\b", name)]
    return any(spot(name).search(before) for name in sized)


def misstatements(
    text: str, facts: list[dict], names: list[str], story_subjects: list[str]
) -> list[str]:
    """Each misstatement in `text` (a Summary or a Why It Matters) against the story's `facts`,
    one line each: "'71.5' given to X, but it is Y's", "'41' with 'by' but the facts say 'at'",
    "'19' without its hedge 'about'", "'12' is in no fact". Each number must match a fact of its
    value whose subject it may belong to (`owners`) and whose relation, direction and hedge the
    words around it keep (`misread`), and, for a fact of one build (`variant`), that names the
    build in its sentence or the one before. Numbers inside `names` are skipped."""
    entities = {spelling for fact in facts for spelling in fact["subject"]} | set(story_subjects)
    found, previous = [], ""
    for sentence in sentences(text):
        masked, before = mask(sentence, names), named(previous, entities)
        for match in NUMBER.finditer(masked):
            token, at, end = match.group().rstrip(","), match.start(), match.end()
            if name_size(token, sentence[:at], masked[end:], names + story_subjects):
                continue
            problems = []
            for fact in told_facts(facts, match.group(), masked[end : end + 40]):
                gap = fact.get("relation") in GAP
                scope = owners(sentence, at, end, entities, before, story_subjects, gap)
                if not set(fact["subject"]) & set(scope):
                    who = next(
                        (e for e in scope if spot(e).search(sentence)), "the story's subject"
                    )
                    whose = fact["subject"][0] + ("'" if fact["subject"][0].endswith("s") else "'s")
                    problems.append((0, f"'{token}' given to {who}, but it is {whose}"))
                elif wrong := misread(fact, token, at, sentence, masked, entities | set(names)):
                    problems.append((1, wrong))
                elif (variant := fact.get("variant")) and not any(
                    spot(spelling).search(previous + " " + sentence) for spelling in variant
                ):
                    problems.append(
                        (1, f"'{token}' given to the model, but it is the {variant[0]}")
                    )
                else:
                    break
            else:
                found.append(max(problems)[1] if problems else f"'{token}' is in no fact")
        previous = sentence
    return found


# A model compared with a side of a leaderboard: "surpassed the proprietary models", "ahead of
# every other open-weight model", "trails only proprietary systems".
GROUP_SIDE = {"proprietary": "closed", "closed": "closed", "paid": "closed"} | dict.fromkeys(
    ["open-weight", "open weight", "open-weights", "open", "open-source", "free"], "open"
)
GROUP = re.compile(
    r"\b(?P<word>ahead of|above|surpass(?:es|ed)?|beat(?:s|en)?|outrank(?:s|ed)?"
    r"|outperform(?:s|ed)?|overt(?:akes?|aken|ook)|tops?|topped|leads?|behind|below|trails?"
    r"|trailing)\s+"
    r"(?:(?:only|all|every|each|the|other|its)\s+)*"
    rf"(?P<side>{'|'.join(sorted(GROUP_SIDE, key=len, reverse=True))})"
    r"\s+(?:models?|systems?|ones|rivals|entries|llms)\b",
    re.I,
)
GROUP_BEHIND = re.compile(r"behind|below|trail", re.I)


def group_misstatements(text: str, board: list[dict]) -> list[str]:
    """Each comparison of a model with one side of the board that the board contradicts:
    ahead of a side means above all of that side's other models, behind it means below at
    least one. `board` rows: {"model", "rank", "side"} with side "open" or "closed"; the model
    compared is the last board name before the comparison in its sentence."""
    found = []
    for sentence in sentences(text):
        for match in GROUP.finditer(sentence):
            before = sentence[: match.start()]
            named = [(before.rfind(r["model"]), r) for r in board if r["model"] in before]
            if not named:
                continue
            row = max(named, key=lambda pair: pair[0])[1]
            side = GROUP_SIDE[match.group("side").lower()]
            others = [r["rank"] for r in board if r["side"] == side and r["model"] != row["model"]]
            if not others:
                continue
            behind = bool(GROUP_BEHIND.match(match.group("word")))
            if behind != (row["rank"] > min(others)):
                found.append(f"'{match.group()}': {row['model']} is #{row['rank']}")
    return found
