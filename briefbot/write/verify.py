"""Claim-level verification: each written sentence checked against the story's source sentences.

Token presence (every number and name somewhere in the sources, `grounding.py`) lets through the
errors a small model makes most: a number given to the wrong subject, a direction reversed, a
role changed, a hedge dropped. So each sentence is taken apart into the facts it states, and each
fact must stand in one source sentence, the way a fact-checker reads (and the way SummaC and
AlignScore check a summary: claim by claim, against the best-aligned source sentence):

- a **number** (or a version) must stand in a source sentence whose subject for it is the
  sentence's subject: the name before it in its clause, a name it is "for" or "of", or, for a
  clause without a name ("It scores 58.2"), the subject of the sentence before;
- the **role** of a number must agree: `from`, `by`, `up to`, `under`, `more than` are other facts
  than a bare number; a version that fixes is not a version that is affected;
- a **direction** must agree, told from the subject's side (so "Y trails X by 3.5" matches "X leads
  Y by 3.5"); a change (rose, fell, cut) must be in the source; a comparison the source does not
  make must follow from the two numbers given;
- a **setting** keeps its fact: a number of an "on ..." phrase ("on a single 32 GB card")
  stands in a source sentence that tells what the claim says happens on it (the file fits
  there; the quality was not measured there);
- a **plan** stays a plan: a change the sources tell as planned ("will cut prices next week",
  a headline's "X to cut") is not told as done ("customers now pay less"), nor a verb every
  source gives as planned ("will require a licence" is not "requires a licence");
- a **hedge** must not vanish: "about 19 GB", "nearly matches", "plans to", "is expected to", and
  who says so ("the company says", "on its own tests");
- a **specific word** (a verb or noun few sentences use: "exempts", "makes") must stand in a
  source sentence that gives it to the same subject; several subjects ("X and Y", "both") must
  each have it;
- a **negation** must not be dropped or added: "requires an API key" against the source
  sentence nearest to it, "requires no API key";
- a **comparison with a group** ("X surpassed the proprietary models", "ahead of every other
  open model") must be a source sentence's comparison of X with a group of that kind, the same
  way round ("only three proprietary systems are ahead of it" puts X behind them), or, for the
  open models, X called the best of them;
- a **rank among a kind** ("the fourth-ranked open-weight model") must be a source's rank
  among that kind, not its rank overall;
- **superlatives** (best, first, only, fastest...) must be in the source;
- a Summary sentence as a whole must be covered by the source sentences it rests on (most of its
  content words), so a fact without numbers cannot be made up either.

A lexical method: no model call, each failure names its reason and the source sentence, and it
is measured on a labelled set of (sentence, verdict) pairs (`tests/data/claims_set.yaml`;
`tests/test_verify.py` prints precision and recall).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer

from briefbot.sentences import split_sentences
from briefbot.write import absolutes, benchmark_uses, checks, variants
from briefbot.write.evidence import Evidence, SourceSentence
from briefbot.write.grounding import GENERAL_TERMS, SourceFacts
from briefbot.write.injection import has_link, looks_like_instructions

COVERAGE_NEEDED = 0.5  # share of a Summary sentence's content words its source sentences hold

_TOKEN = re.compile(
    r"(?P<number>[$€£]?#?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)*(?:st|nd|rd|th)?%?"
    r"(?:[kKmMbBtT](?![\w]))?)"
    r"|(?P<word>[^\W\d_][\w'’]*(?:[.\-][\w'’]+)*)"
    r"|(?P<punct>[^\s\w])"
)
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "dozen": 12, "twice": 2,
}  # fmt: skip
# A rank in a compound: "the fourth-ranked model", "a second-best option", "third-largest".
_RANKED = re.compile(
    r"([a-z]+)-(?:ranked|placed|best|largest|biggest|highest|strongest|fastest|cheapest|"
    r"smallest|lowest|most)"
)
# A count in a compound: "a one-page model card" is the "1-page" card.
_COUNTED_WORDS = {**_NUMBER_WORDS, "one": 1}
_COUNTED = re.compile(rf"({'|'.join(_COUNTED_WORDS)})-([a-z]+)")
_IDIOMS = {"off", "time", "way", "sided", "stop", "click", "size", "liner", "fold"}
# A figure written as a fraction: "less than half a point" is a number the sources must give.
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "twentieth": 20,
}  # fmt: skip
_UNITS = {
    "gb": "bytes", "mb": "bytes", "tb": "bytes", "kb": "bytes", "gib": "bytes", "bytes": "bytes",
    "token": "tokens", "tokens": "tokens", "parameter": "parameters", "parameters": "parameters",
    "params": "parameters", "point": "points", "points": "points", "percent": "percent",
    "%": "percent", "bit": "bits", "bits": "bits", "language": "languages",
    "languages": "languages", "hour": "hours", "hours": "hours", "day": "days", "days": "days",
    "week": "weeks", "weeks": "weeks", "month": "months", "months": "months", "year": "years",
    "years": "years", "minutes": "minutes", "minute": "minutes", "seconds": "seconds",
    "second": "seconds", "milliseconds": "milliseconds", "ms": "milliseconds",
    "gpu-hours": "gpu-hours",
}  # fmt: skip
_CHANGE_UP = set(
    """rose rise rises risen increase increased increases gain gained gains climb climbed climbs
    raise raised raises boost boosted boosts grew grow grows doubled tripled jump jumped jumps
    improve improved improves widen widened widens lift lifted lifts lifting speeds doubles
    triples double triple doubling boosting raising increasing improving""".split()
)
_CHANGE_DOWN = set(
    """fell fall falls fallen decrease decreased decreases drop dropped drops decline declined
    declines cut cuts reduce reduced reduces lowered shrink shrank shrinks lost lose loses
    slipped slips slid narrow narrowed narrows halved halves cutting reducing lowering
    shrinking""".split()
)
_COMPARE_UP = set(
    """ahead lead leads leading led above higher more beat beats outperform outperforms
    outperformed tops topped exceed exceeds exceeded surpass surpasses surpassed faster better
    larger bigger longer up overtake overtakes overtook overtaken outrank outranks outranked
    outscore outscores outscored outpace outpaces outpaced""".split()
)
_COMPARE_DOWN = set(
    """behind trail trails trailed trailing below lower less fewer worse smaller slower shorter
    lags lagged lag down""".split()
)
_UP = _CHANGE_UP | _COMPARE_UP
_DOWN = _CHANGE_DOWN | _COMPARE_DOWN
_FIRST_PLACE = {"leads", "lead", "leading", "tops", "topped", "heads"}
# "the top model, X," / "X, the leading model" / "the best model, X,"
_FIRST_ASIDE = {"top", "leading", "leader", "best", "top-ranked"}
_ROLE_WORDS = {
    ("from",): "from", ("to",): "to", ("by",): "by",
    ("under",): "at most", ("below",): "at most", ("up", "to"): "at most",
    ("at", "most"): "at most", ("less", "than"): "at most", ("fewer", "than"): "at most",
    ("no", "more", "than"): "at most", ("within",): "at most", ("as", "many", "as"): "at most",
    ("as", "much", "as"): "at most", ("lower", "than"): "at most",
    ("over",): "at least", ("above",): "at least", ("more", "than"): "at least",
    ("at", "least"): "at least", ("upwards", "of"): "at least", ("exceeding",): "at least",
    ("higher", "than"): "at least",
}  # fmt: skip
_STRICT_ROLES = {"from", "by", "at most", "at least"}
_DELTA_UNITS = {"points", "percent", "times"}
# What a factor multiplies ("2.2 times faster" is speed, "2.2 times longer" is length): a claim's
# comparative must be the source's, or an upward one where the source only says it went up.
_COMPARATIVES = tuple(
    frozenset(group.split())
    for group in (
        "faster quicker speedier",
        "slower",
        "longer",
        "shorter",
        "larger bigger",
        "smaller",
        "cheaper",
        "costlier pricier dearer",
        "higher",
        "lower",
        "more",
        "fewer less",
        "better",
        "worse",
    )
)
_GENERIC_UP = frozenset({"faster", "quicker", "higher", "more", "better"})
# Comparatives that name what they measure (speed, price, size, length), unlike "higher" or
# "more": a comparison without a number must find the same measure in its source.
_MEASURES = tuple(
    group
    for group in _COMPARATIVES
    if group & {"faster", "slower", "larger", "smaller", "longer", "shorter"}
)
_APPROXIMATE = set(
    "about around roughly approximately nearly almost some estimated circa close".split()
)
_VERB_HEDGES = {"nearly", "almost", "largely", "mostly", "partly", "partially", "virtually"}
_HEDGING_MODALS = set(
    """plans plan planned planning expected expects expect aims aim intends intend hopes hope
    could may might would proposed proposes propose considering considers wants likely
    should""".split()
)
_MODALS = _HEDGING_MODALS | {"will", "set", "due", "soon"}
# A rule or advice that only leans one way ("agencies must prefer models they can run"): a
# claim keeps a word of leaning or advice, never a bare "requires agencies to run them".
_PREFERENCES = set(
    """prefer prefers preferred preference favour favours favoured favor favors favored
    encourage encourages encouraged recommend recommends recommended urge urges urged advise
    advises advised suggest suggests suggested voluntary voluntarily""".split()
)
_LEANING = _PREFERENCES | {"should", "could", "may", "might", "can", "asks", "asked", "ask"}
_VERSION_LIST = set(
    "and or x before to through from of version versions release releases build".split()
)
_PLANS = {"expected", "expects", "planned", "plans", "due", "will", "upcoming", "coming"}
# A version in a clause with one of these is not out: "they expect a full fix in 3.5".
_VERSION_PLANS = _PLANS | {"expect", "plan", "intend", "aim"}
# A clause that tells a change as a plan: "will cut prices next week", "is set to rise".
_PLAN_MARKS = _PLANS | {"next", "starting", "soon", "set", "plan", "intends", "aims"}
_ATTRIBUTION = re.compile(
    r"\b(says?|said|reports? [$#]?\d|reported [$#]?\d|reports? that|reported that|"
    r"claims?|claimed|according to|"
    r"estimates?|estimated|"
    r"believes?|argues?|warns?|thinks?|own (tests?|benchmarks?|evaluations?|figures|numbers|"
    r"results|measurements)|self-reported|internal (tests?|benchmarks?)|reportedly|"
    r"the (company|lab|team|authors|maintainers|developers|researchers)(?:'s|'|’s|’) "
    r"(tests?|figures|numbers|benchmarks|measurements|runs))(?!\w)",
    re.IGNORECASE,
)
# Who measured a figure, said in its own clause: "the maintainers measured 1.8 times the
# throughput of 4.6, and median time to first token fell" attributes the 1.8, not what follows.
_MEASURED_BY = re.compile(
    r"\bthe (?:company|lab|team|authors|maintainers|developers|researchers) measured\b",
    re.IGNORECASE,
)
_SUPERLATIVES = {
    "best": "best", "top": None, "leading": "best", "highest": "best", "top-ranked": "best",
    "highest-ranked": "best", "strongest": "best", "most capable": "best", "first": "first",
    "earliest": "first", "only": "only", "sole": "only", "unique": "only", "fastest": "fastest",
    "quickest": "fastest", "largest": "largest", "biggest": "largest", "smallest": "smallest",
    "lowest": "lowest", "cheapest": "lowest", "record": "record", "most": "most",
}  # fmt: skip
# Words that judge rather than report ("its score of 47.9 is impressive"): a brief says them
# only where its sources do.
_JUDGEMENTS = set(
    """impressive impressively remarkable remarkably significant significantly notable notably
    major huge massive dramatic dramatically groundbreaking revolutionary game-changing
    breakthrough stunning exciting incredible amazing excellent outstanding superb superior
    unprecedented seamless seamlessly robust powerful cutting-edge state-of-the-art
    substantial substantially considerable considerably vastly exceptional crucial vital
    landmark milestone good great strong stronger solid ideal perfect decent competitive
    balanced accessible versatile flexible reliable convenient user-friendly affordable
    """.split()
)
# Judging words a note may use of a choice it advises ("a strong option", "a good fit").
_ADVISING = {"good", "strong", "stronger", "solid", "ideal", "decent", "competitive"}
_CHOICES = {"option", "options", "choice", "choices", "pick", "fit", "alternative"}
_UPGRADES = {"upgrade", "update", "upgrading", "updating"}
_FIXED = {"fix", "fixes", "fixed", "patch", "patches", "patched", "resolves", "resolved",
          "addresses", "safe", "removes", "removed"} | _UPGRADES  # fmt: skip
# A clause this short is a name set off by commas; what it does follows in the next clauses.
APPOSITION_TOKENS = 4
# Words that tell of a version as released, neither fixing nor affected: "0.9.3, out Tuesday".
_RELEASED = {"release", "released", "releases", "ships", "shipped", "out", "available", "new",
             "latest", "closes", "closed", "install", "installing", "move", "moving"}  # fmt: skip
_AFFECTED = {"affects", "affected", "vulnerable", "exposed", "compromised"}
_AFFECTED_WEAK = {"flaw", "bug", "bugs", "vulnerability", "broken", "contained", "sent", "added"}
_VARIANTS = set(
    """lite mini pro large small max plus ultra nano turbo flash medium base chat instruct
    vision code coder embed""".split()
)
_OWNER_VERBS = re.compile(
    r"\b(releases?|released|ships?|shipped|publish(es|ed)?|launch(es|ed)?|open-sources?|"
    r"open-sourced|unveils?|unveiled|introduces?|introduced|announces?|announced|debuts?|"
    r"debuted|makes|made|built|builds|adds|added|from|by|maker|makers)\b|['’]s?$"
)
_PRONOUNS = set("it its they their them this these the".split())
# Who makes things: "Intel's community", "Acme's researchers".
_MAKERS = set(
    """community team teams project lab labs researchers engineers developers group company
    startup maintainers staff scientists""".split()
)
# What a party does to what is then its own: "Lumora has", "Acme today published".
_OWNING = set(
    """has have had owns own runs run develops developed trains trained offers offered
    sells sold bought buys acquired acquires raised raises said says reports reported""".split()
)
_MONTHS = set(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday""".split()
)
# Prepositions that govern things rather than parties ("on KnowBench", "under Apache 2.0");
# "for", "from", "by", "of" often introduce a party ("a round for Pellucid").
_PREPOSITIONS = set("on in at under with into via per".split())
_RIVAL_WORDS = set("of than over against versus vs from".split())
_TIME_AFTER_ORDINAL = set(
    "half quarter year month week day time place committee round token".split()
)  # "time to first token" ranks nothing
STOPWORDS = _STOPWORDS = set(
    """a an the and or but of in on at to for from by with as is are was were be been being it
    they them we you our your he she his her him us i me my mine
    its it's this that these those their there here which who whom whose what when where how
    than then also not no so such can could will would may might should must has have had do
    does did into onto over under about after before between both each all any some more most
    other new now just only very while whereas per via up out off own same too yet still one
    said says say according company model models get gets got take takes use
    uses used show shows shown give gives given roughly nearly almost around approximately
    compared against""".split()
)
_QUANTIFIERS = {
    "all": "all",
    "every": "all",
    "each": "all",
    "entire": "all",
    "entirely": "all",
    "both": "both",
    "none": "none",
    "never": "none",
    "always": "always",
}
_SEGMENT_BREAK = re.compile(r"[;,]|\b(while|whereas|but|although|though)\b", re.IGNORECASE)
_ATTACH_AFTER = {"for", "by"}
_ATTRIBUTIVE_NOUNS = set(
    """card cards gpu gpus accelerator accelerators node nodes machine machines laptop laptops
    checkpoint checkpoints file files build builds model models version versions variant
    variants draft drafts line lines line.""".split()
)
_CLAIM_ATTRIBUTION = re.compile(r"\b(show|shows|showed|figures|data|found|finds)\b", re.I)
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word's Snowball (Porter 2) stem, lower case, without a possessive."""
    return _stemmer.stemWord(word.lower().removesuffix("'s").removesuffix("\u2019s"))


_stem = stem


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence is true to the sources: if not, why; the source sentence it rests on
    (for a Summary sentence, the one a reader can check it against)."""

    ok: bool
    reason: str = ""
    evidence: SourceSentence | None = None


@dataclass
class _Token:
    text: str
    key: str
    kind: str  # "number", "word" or "punct"
    position: int
    value: float | None = None
    version: str | None = None
    rank: bool = False
    name: bool = False
    date: bool = False  # a day of a month or a year: checked for presence only


@dataclass(frozen=True)
class _Entity:
    """A name ("Nova 2 32B", "Halcyon Labs"), or a model told by its size ("the 3B model")."""

    head: str  # the first word, lower case ("model" for a size-only model)
    words: frozenset[str]
    version: str | None  # "2" of "Nova 2", "4.0.1" of "Weaveform 4.0.1"
    sizes: frozenset[str]  # "32b" of "Nova 2 32B"
    start: int
    end: int  # token positions, end exclusive

    @property
    def label(self) -> str:
        """The name as a reason shows it: "pip 360m", "hearth 2.0"."""
        return " ".join([self.head, *([self.version] if self.version else []), *sorted(self.sizes)])

    def matches(self, other: _Entity) -> bool:
        """The same thing: sharing a name word (a size-only model: a size), with no other
        version, size or variant (Lite, Pro...)."""
        if self.head == "model" or other.head == "model":
            return bool(self.sizes & other.sizes) or (
                self.version is not None and self.version == other.version
            )
        if self.head not in other.words and other.head not in self.words:
            return False
        if self.version and other.version and self.version != other.version:
            return False
        if self.sizes and other.sizes and not self.sizes & other.sizes:
            return False
        return not (self.words ^ other.words) & _VARIANTS


@dataclass
class _Parsed:
    """A sentence as the verifier reads it."""

    text: str
    tokens: list[_Token]
    entities: list[_Entity]

    @cached_property
    def modal_keys(self) -> set[str]:
        """The words, lower case, with the month May left out: "from $2.25 in May" hedges
        nothing, "it may reach 40" does."""
        return {
            token.key
            for token in self.tokens
            if token.kind != "punct" and not (token.text == "May" and token.position > 0)
        }

    def keys_between(self, start: int, end: int) -> set[str]:
        """The words of tokens `start` to `end` (exclusive), lower case."""
        return {token.key for token in self.tokens[start:end]}

    @cached_property
    def keys(self) -> set[str]:
        return {token.key for token in self.tokens if token.kind != "punct"}

    @cached_property
    def stems(self) -> set[str]:
        return {_stem(token.key) for token in self.tokens if token.kind == "word"}

    @cached_property
    def content(self) -> set[str]:
        return {
            _stem(t.key)
            for t in self.tokens
            if t.kind == "word" and t.key not in _STOPWORDS and len(t.key) > 2
        }

    def entity_at(self, position: int) -> _Entity | None:
        return next((e for e in self.entities if e.start <= position < e.end), None)

    def names(self, entity: _Entity) -> bool:
        return any(entity.matches(other) for other in self.entities)

    def numbers(self) -> list[_Token]:
        return [t for t in self.tokens if t.kind == "number" and t.value is not None]

    def segment(self, position: int) -> tuple[int, int]:
        """The clause around a token: between commas, semicolons, contrasting conjunctions."""
        start = position
        while start > 0 and not _SEGMENT_BREAK.fullmatch(self.tokens[start - 1].text):
            start -= 1
        end = position
        while end < len(self.tokens) and not _SEGMENT_BREAK.fullmatch(self.tokens[end].text):
            end += 1
        return start, end

    def segments(self) -> list[tuple[int, int]]:
        bounds, start = [], 0
        for index, token in enumerate(self.tokens):
            if _SEGMENT_BREAK.fullmatch(token.text):
                if index > start:
                    bounds.append((start, index))
                start = index + 1
        if start < len(self.tokens):
            bounds.append((start, len(self.tokens)))
        return bounds

    def following(self, position: int, step: int = 1) -> str:
        index = position + step
        return self.tokens[index].key if 0 <= index < len(self.tokens) else ""


def _number_token(raw: str, following: str) -> tuple[float | None, str | None, bool]:
    """(value, version, rank) of a number as written; the word after it may be a multiplier."""
    text = raw.lstrip("$€£")
    rank = text.startswith("#")
    text = text.lstrip("#")
    if re.fullmatch(r"\d+(\.\d+){2,}", text):
        return None, text, False
    ordinal = re.search(r"(st|nd|rd|th)$", text)
    if ordinal:
        rank, text = True, text[: ordinal.start()]
    text = text.rstrip("%")
    if text[-1:].lower() in _SUFFIXES:
        multiplier = _SUFFIXES[text[-1].lower()]
        text = text[:-1]
    else:
        multiplier = _MULTIPLIERS.get(following.split("-")[0], 1.0)
    try:
        return float(text.replace(",", "")) * multiplier, None, rank
    except ValueError:
        return None, None, rank


def parse(text: str, known_names: frozenset[str] = frozenset()) -> _Parsed:
    """Tokens (numbers with their values, words, names) and the sentence's entities."""
    matches = list(_TOKEN.finditer(text))
    tokens: list[_Token] = []
    sentence_start = True
    for position, match in enumerate(matches):
        raw = match.group(0)
        if match.lastgroup == "number":
            following = (
                matches[position + 1].group(0).lower() if position + 1 < len(matches) else ""
            )
            value, version, rank = _number_token(raw, following)
            tokens.append(_Token(raw, raw.lower(), "number", position, value, version, rank))
            sentence_start = False
        elif match.lastgroup == "word":
            key = raw.lower().removesuffix("'s").removesuffix("’s").strip(".-'’")
            token = _Token(raw, key, "word", position)
            if key in _NUMBER_WORDS and not (key == "second" and sentence_start):
                token.kind, token.value = "number", float(_NUMBER_WORDS[key])
            elif key in _FRACTIONS and _fraction(matches, position):
                token.kind, token.value = "number", _FRACTIONS[key]
            elif key in ORDINALS and not sentence_start and not _fixed_phrase(matches, position):
                token.kind, token.value, token.rank = "number", float(ORDINALS[key]), True
            elif (counted := _COUNTED.fullmatch(key)) and counted.group(2) not in _IDIOMS:
                token.kind, token.value = "number", float(_COUNTED_WORDS[counted.group(1)])
            elif (ranked := _RANKED.fullmatch(key)) and ranked.group(1) in ORDINALS:
                token.kind, token.rank = "number", True  # "the fourth-ranked model"
                token.value = float(ORDINALS[ranked.group(1)])
            elif key == "version" or key == "versions":
                token.key = "version"
            else:
                token.name = _is_name(raw, sentence_start, key, known_names) or (
                    sentence_start
                    and raw[:1].isupper()
                    and key not in _STOPWORDS
                    and _names_follow(matches, position)
                )
            tokens.append(token)
            sentence_start = False
        else:
            tokens.append(_Token(raw, raw, "punct", position))
            sentence_start = raw in '.!?:"“('
    _mark_dates(tokens)
    return _Parsed(text, tokens, _entities(tokens))


def _fraction(matches: list[re.Match], position: int) -> bool:
    """Whether "half" or "quarter" is a figure ("half a point", "a quarter of the questions",
    "cut by half"), not a time ("this quarter", "the first half")."""
    after = matches[position + 1].group(0).lower() if position + 1 < len(matches) else ""
    before = matches[position - 1].group(0).lower() if position else ""
    return after in ("a", "an", "of", "as") or before in ("by", "than", "and")


def _names_follow(matches: list[re.Match], position: int) -> bool:
    """A sentence's first word that a model size, a version or another capitalised word
    follows ("Kite 7B scored", "Corvane Labs has"): the start of a name."""
    if position + 1 >= len(matches):
        return False
    after = matches[position + 1].group(0)
    return bool(_SIZE.fullmatch(after) or re.fullmatch(r"v?\d+(\.\d+)+|\d", after)) or (
        after[:1].isupper() and after.lower() not in _STOPWORDS and after.isalpha()
    )


def _fixed_phrase(matches: list[re.Match], position: int) -> bool:
    """An ordinal that is no rank: "the first half", "a second round"."""
    after = matches[position + 1].group(0).lower() if position + 1 < len(matches) else ""
    return after in _TIME_AFTER_ORDINAL


def _mark_dates(tokens: list[_Token]) -> None:
    """Days next to a month ("1 March", "March 1") and years (1900-2100 standing alone)."""
    for index, token in enumerate(tokens):
        if token.kind != "number" or token.value is None:
            continue
        near = {tokens[i].key for i in (index - 1, index + 1) if 0 <= i < len(tokens)}
        if near & _MONTHS or (re.fullmatch(r"(19|20)\d\d", token.text) and not token.rank):
            token.date = True
            token.name = False


def _known_names(texts) -> frozenset[str]:
    """Words the sources use as names: capitalised where no sentence starts, or capitalised
    every time they appear (twice or more) even if only at sentence starts ("Corvane")."""
    known, capitalised, lowered = set(), {}, set()
    for text in texts:
        for token in parse(text).tokens:
            if token.kind != "word":
                continue
            if token.name:
                known.add(token.key)
            elif token.text[:1].isupper():
                capitalised[token.key] = capitalised.get(token.key, 0) + 1
            else:
                lowered.add(token.key)
    known |= {
        key
        for key, count in capitalised.items()
        if count >= 2 and key not in lowered and key not in _STOPWORDS and key not in _COMMON
    }
    return frozenset(known)


_COMMON = set(
    """after before during under over with without since until while when where what which
    there here today yesterday tomorrow users developers researchers version versions the
    this that these those its their our your his her some many most several each every all
    both one two three four five new models open""".split()
)


# A leaderboard's kinds of model ("Halcyon-R2 (Halcyon Labs, Open Weight)"): words, not names.
_KIND_WORDS = frozenset({"proprietary", "open", "weight", "weights", "open-weight", "closed"})


def _is_name(raw: str, sentence_start: bool, key: str, known: frozenset[str]) -> bool:
    """A capitalised word where no sentence starts, a word mixing cases or letters and digits
    (TensorHarbor, vLLM, Qwen3.8, b7421), an acronym (AIME), or at a sentence start a word the
    sources use as a name."""
    if key in GENERAL_TERMS or key in _KIND_WORDS:
        return False  # GPUs, AI, LLM: general terms, not parties; "Open Weight": a kind
    if any(char.isdigit() for char in raw) or raw[1:] != raw[1:].lower():
        return len(raw) > 1
    if not raw[0].isupper() or key in _MONTHS:
        return False
    return not sentence_start or key in known


_SIZE = re.compile(r"\d+(\.\d+)?[bBmMkK]")


def _entities(tokens: list[_Token]) -> list[_Entity]:
    """Runs of name words (a possessive ends one), with a version and a size right after them
    ("Nova 2 32B", "Weaveform 4.0.1"); a size or version before a model word ("the 3B model",
    "version 1.1") makes a size-only model."""
    found = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.name:
            start = position
            while position < len(tokens) and tokens[position].name:
                position += 1
                if tokens[position - 1].text.endswith(("'s", "’s", "'", "’")):
                    break
            version, sizes = None, set()
            ended = tokens[position - 1].text.endswith(("'s", "’s", "'", "’"))
            while not ended and position < len(tokens) and tokens[position].kind == "number":
                text = tokens[position].text
                if _SIZE.fullmatch(text):
                    sizes.add(text.lower())
                elif (
                    version is None
                    and re.fullmatch(r"v?\d+(\.\d+)*", text)
                    and not tokens[position].rank
                    and not tokens[position].date
                ):
                    version = text.lstrip("v")
                    if "." in version:
                        tokens[position].version = version
                else:
                    break
                position += 1
                if text.endswith(("'s", "’s")):
                    break
            words = frozenset(t.key for t in tokens[start:position] if t.kind == "word")
            found.append(
                _Entity(tokens[start].key, words, version, frozenset(sizes), start, position)
            )
            continue
        if (
            token.kind == "number"
            and _SIZE.fullmatch(token.text)
            and _model_word_after(tokens, position)
        ):
            found.append(
                _Entity(
                    "model",
                    frozenset(),
                    None,
                    frozenset({token.text.lower()}),
                    position,
                    position + 1,
                )
            )
        elif (
            token.key == "version"
            and position + 1 < len(tokens)
            and _versionish(tokens[position + 1])
        ):
            end = position + 1
            while end < len(tokens) and (
                _versionish(tokens[end]) or tokens[end].key in ("and", "to", "through", ",", "or")
            ):
                if _versionish(tokens[end]):
                    tokens[end].version = tokens[end].version or tokens[end].text
                end += 1
            text = tokens[position + 1].text
            found.append(_Entity("model", frozenset(), text, frozenset(), position, end))
            position = end
            continue
        position += 1
    return found


def _word_before(parsed: _Parsed, entity: _Entity) -> _Token | None:
    """The token before a name, articles and possessives skipped ("on the CodeTrail")."""
    index = entity.start - 1
    while index >= 0 and parsed.tokens[index].key in ("the", "a", "an", "its", "their"):
        index -= 1
    return parsed.tokens[index] if index >= 0 else None


# What a product has in it, not a place: "a flaw in Tethers" gives Tethers the flaw.
_FLAWS = set("flaw flaws bug bugs vulnerability vulnerabilities hole weakness crash leak".split())


def _governed(parsed: _Parsed, entity: _Entity) -> bool:
    """A name right after a preposition or a number ("on CodeTrail", "80 GB"), but for the
    product a flaw is in ("a prompt-injection flaw in Tethers")."""
    before = _word_before(parsed, entity)
    if before is None:
        return False
    if before.key == "in" and before.position and parsed.tokens[before.position - 1].key in _FLAWS:
        return False
    return before.key in _PREPOSITIONS or (before.kind == "number" and not before.date)


def _listing(parsed: _Parsed, parties: list[_Entity], index: int) -> list[_Entity]:
    """The parties listed from `parties[index]` on: "X and Y", "X, Y and Z", "X & Y"."""
    group = [parties[index]]
    for entity in parties[index + 1 :]:
        between = [t.key for t in parsed.tokens[group[-1].end : entity.start]]
        if between in (["and"], [",", "and"], ["&"]) or (between == [","] and len(group) > 1):
            group.append(entity)
        else:
            break
    return group


def _listed(parsed: _Parsed, parties: list[_Entity]) -> list[_Entity]:
    """The first list of two parties or more in a sentence, else []."""
    for index in range(len(parties)):
        if len(group := _listing(parsed, parties, index)) > 1:
            return group
    return []


def _compared_to(parsed: _Parsed, entity: _Entity) -> bool:
    """A name a measure is told against or of ("the throughput of Corral 4.6", "than 4.6")."""
    before = _word_before(parsed, entity)
    return before is not None and before.key in _RIVAL_WORDS


def _attributive(parsed: _Parsed, position: int) -> bool:
    """A number that only describes a thing ("8 GB cards", "a 70B model", "80 GB
    accelerators")."""
    tokens = parsed.tokens
    after = [t.key for t in tokens[position + 1 : position + 3]]
    if _SIZE.fullmatch(tokens[position].text):
        return bool(after) and after[0] in _ATTRIBUTIVE_NOUNS
    return len(after) == 2 and _UNITS.get(after[0]) == "bytes" and after[1] in _ATTRIBUTIVE_NOUNS


def _respective(parsed: _Parsed, subject: list[_Entity]) -> dict[int, _Entity]:
    """Which of a group subject's members each number belongs to where the sentence pairs them
    with "respectively": "Kite 7B and Heron 8B score 71.0 and 74.5 on GSM8K and 60 and 62 on
    MATH, respectively" gives 71.0 and 60 to Kite 7B, 74.5 and 62 to Heron 8B (the n-th number
    to the member n modulo the group's size). {} where the numbers between the subject and
    "respectively" do not come in whole rounds of the group: then each member must hold each
    number, as for any group."""
    at = next((t.position for t in parsed.tokens if t.key == "respectively"), None)
    if at is None or len(subject) < 2:
        return {}
    numbers = [
        t.position
        for t in parsed.tokens[subject[-1].end : at]
        if t.kind == "number"
        and t.value is not None
        and not (t.date or t.version)
        and parsed.entity_at(t.position) is None
        and not _attributive(parsed, t.position)
    ]
    if not numbers or len(numbers) % len(subject):
        return {}
    return {position: subject[n % len(subject)] for n, position in enumerate(numbers)}


def _versionish(token: _Token) -> bool:
    return token.version is not None or bool(
        token.kind == "number" and re.fullmatch(r"v?\d+\.\d+(\.\d+)*", token.text)
    )


def _model_word_after(tokens: list[_Token], position: int) -> bool:
    after = tokens[position + 1].key if position + 1 < len(tokens) else ""
    return after in {"model", "models", "version", "variant", "size", "build", "one"}


@dataclass
class _Fact:
    """Something a claim states that a source sentence must state too."""

    token: _Token  # the number, version or specific word
    subjects: list[_Entity]
    group: bool  # several subjects, each of which must have it
    role: str | None = None
    approximate: bool = False
    unit: str | None = None
    direction: tuple[str, str, list[_Entity]] | None = None  # (sense, word, side)
    version_role: frozenset[str] = frozenset()


def _role(parsed: _Parsed, position: int) -> tuple[str | None, bool]:
    """The role word before a number ("from", "by", "at most", ...) and whether it is hedged."""
    words = []
    index = position - 1
    while index >= 0 and len(words) < 4 and parsed.tokens[index].kind != "punct":
        words.insert(0, parsed.tokens[index].key)
        index -= 1
    approximate = any(word in _APPROXIMATE for word in words[-3:])
    plain = [word for word in words if word not in _APPROXIMATE and word not in ("an", "a")]
    for length in (3, 2, 1):
        role = _ROLE_WORDS.get(tuple(plain[-length:]))
        if role:
            if role == "by" and not _is_delta(parsed, position):
                return None, approximate  # "brought by nine publishers": an agent, not a change
            return role, approximate
    return None, approximate


def _delta_role(parsed: _Parsed, position: int) -> tuple[str | None, bool]:
    """The role of a number, a difference told by a comparative after it ("3.4 points ahead")
    read as "by"."""
    role, approximate = _role(parsed, position)
    if role is None:
        for token in parsed.tokens[position + 1 : position + 4]:
            if token.key in _COMPARE_UP | _COMPARE_DOWN and token.key not in ("up", "down"):
                return "by", approximate
            if token.kind == "punct":
                break
    return role, approximate


def _is_factor(parsed: _Parsed, position: int) -> bool:
    """The number is a multiple: "2.2 times", "1.6x", "sixfold"."""
    token = parsed.tokens[position]
    after = parsed.tokens[position + 1].key if position + 1 < len(parsed.tokens) else ""
    return after in ("times", "fold", "x") or token.text.lower().endswith(("x", "-fold"))


_NEGATIONS = {"no", "not", "never", "without", "none", "cannot", "nor", "neither", "nothing"}


def _negates(token: _Token) -> bool:
    return token.key in _NEGATIONS or token.key.endswith("n't")


def _content_words(parsed: _Parsed, start: int, count: int) -> tuple[str, ...]:
    """Up to `count` content words from token `start` on, within the clause."""
    words: list[str] = []
    _, end = parsed.segment(start)
    for token in parsed.tokens[start:end]:
        if token.kind != "word" or _negates(token):
            break
        if token.key not in _STOPWORDS and len(token.key) > 2:
            words.append(token.key)
            if len(words) == count:
                break
    return tuple(words)


def _negated_phrases(parsed: _Parsed) -> list[tuple[str, ...]]:
    """The two content words each negation governs: "requires no API key" -> ("api", "key")."""
    return [
        phrase
        for index, token in enumerate(parsed.tokens)
        if _negates(token) and len(phrase := _content_words(parsed, index + 1, 2)) == 2
    ]


def _phrase_at(parsed: _Parsed, phrase: tuple[str, ...]) -> list[int]:
    keys = [token.key for token in parsed.tokens]
    return [
        index
        for index in range(len(keys))
        if keys[index] == phrase[0] and _content_words(parsed, index, len(phrase)) == phrase
    ]


def _has_phrase(parsed: _Parsed, phrase: tuple[str, ...]) -> bool:
    return bool(_phrase_at(parsed, phrase))


def _negated(parsed: _Parsed, phrase: tuple[str, ...]) -> bool:
    """Whether a negation stands before the phrase in its clause, within three tokens."""
    for index in _phrase_at(parsed, phrase):
        start, _ = parsed.segment(index)
        if any(_negates(token) for token in parsed.tokens[max(start, index - 3) : index]):
            return True
    return False


def _comparatives(parsed: _Parsed, position: int) -> set[frozenset[str]]:
    """The comparative words ("faster", "longer") in the clause around a token, by group."""
    start, end = parsed.segment(position)
    keys = {token.key for token in parsed.tokens[start:end]}
    return {group for group in _COMPARATIVES if group & keys}


def _factor_problem(claim: _Parsed, at: int, source: _Parsed, position: int) -> str | None:
    """A factor must multiply what the source's does: "processes prompts 2.2 times longer" is
    not "2.2 times faster". A source clause with no comparative ("lifting it 2.2 times") lets
    only an upward one through, and only when it says the thing went up."""
    wanted = _comparatives(claim, at)
    if not wanted:
        return None
    given = _comparatives(source, position)
    if wanted & given:
        return None
    if not given:
        start, end = source.segment(position)
        went_up = any(token.key in _CHANGE_UP for token in source.tokens[start:end])
        if went_up and all(group & _GENERIC_UP for group in wanted):
            return None
    words = "/".join(sorted(word for group in wanted for word in group & claim.keys))
    return f"the sources do not say '{words}' of this factor"


# Units of a measured figure, which holds only on what it was measured on.
_MEASURED = {"tokens", "points", "hours", "minutes", "seconds", "milliseconds"}
_FIGURE = re.compile(r"[$€£#]?\d")
CONDITION_WORDS = 4  # words of an "on ..." phrase read as what a figure was measured on
_PHRASE_ENDS = set(
    "and or for with in at to of from by than while but as down up after before since".split()
)


# Words of running a model somewhere ("runs on one 24 GB GPU", "served via Bramble Cloud").
_RUNNING = set("run runs running ran serve serves served serving hosted fits fit".split())
# Words before a maker noun that make it the sentence's subject's: "the team", "its lab".
_OWNERS = {"the", "its", "their", "his", "her", "our"}


def one_spelling(word: str) -> str:
    """A word or stem in one spelling of British and American English: "licence" and
    "license", "quantisation" and "quantization" alike."""
    return word.replace("z", "s").replace("c", "s")


_AUXILIARIES = set(
    """has have had is are was were will would can could may might also now then since just
    today recently already still not""".split()
)


def _deed_word(parsed: _Parsed, entity: _Entity) -> _Token | None:
    """The word a name does, read as the first after it that is no auxiliary or adverb ("Acme
    has since published" -> "published"); None after a possessive, a comma or the end."""
    for token in parsed.tokens[entity.end : entity.end + 4]:
        if token.kind != "word" or token.key in ("'s", "’s", "s"):
            return None
        if token.key in _AUXILIARIES or token.key.endswith("ly"):
            continue
        return None if token.key in _STOPWORDS else token
    return None


def _figure_before(parsed: _Parsed, index: int) -> bool:
    """An "on" that follows another figure, its unit aside: in "61.0 on MMLU-Pro and 44.8 on
    LiveCodeBench" the first "on" is 61.0's, not 44.8's."""
    for token in reversed(parsed.tokens[max(index - 3, 0) : index]):
        if token.kind == "number":
            return bool(_FIGURE.match(token.text))
        if token.key not in _UNITS:
            return False
    return False


def _conditions(
    parsed: _Parsed, position: int, claimed_unit: str | None
) -> list[tuple[str, set[str], set[str]]]:
    """What a measured figure was measured on, each as (its words, their stems): "41 tokens
    per second on an RTX 5090", "On an RTX 5090, ... 41 tokens per second", "58.2 on
    GSM8K", "30 tokens per second on a laptop". A figure is measured when it has a unit of
    `_MEASURED` (its own, or the claim's where the source leaves it out: "41 tokens per
    second on a laptop and 9 on a phone") or is a decimal score ("30,000 downloads on Hugging
    Face" is not; nor is a size, a rank or a date; nor a factor or a percentage, a ratio of
    two figures of one setup, which a summary may give bare). The phrases are the nearest
    "on" on each side of the figure in its clause, with no other figure between ("2.1 times
    on code and 1.6 times on chat"; "fully on GPU does 41 tok/s"), and one that fronts the
    sentence (never one that follows another figure); their content words are read up to
    CONDITION_WORDS, to a preposition or
    conjunction, past articles, numbers and units ("on a 24 GB card"). Each comes as (its
    words, their stems, the stems that narrow a named set: "contaminated" of "on the
    contaminated KnowBench questions", which a claim keeping the figure must keep)."""
    token = parsed.tokens[position]
    if token.kind != "number" or token.date or token.rank or _SIZE.fullmatch(token.text):
        return []
    if _is_factor(parsed, position) or _unit(parsed, position) == "percent":
        return []  # a ratio of two figures of one setup: "2.5 times the throughput"
    decimal = "." in token.text and not token.version
    if not decimal and not {_unit(parsed, position), claimed_unit} & _MEASURED:
        return []
    start, end = parsed.segment(position)
    markers = {0} if parsed.tokens[0].key == "on" else set()
    for span in (range(position - 1, start - 1, -1), range(position + 1, end)):
        for index in span:
            token = parsed.tokens[index]
            if token.kind == "number" and _FIGURE.match(token.text):
                break  # another figure's phrase (not "per second")
            if token.key == "on":
                if index > position or not _figure_before(parsed, index):
                    markers.add(index)
                break
    found = []
    for index in sorted(markers):
        words: list[str] = []
        modifiers: list[str] = []  # the words since the figure, if the phrase runs past it
        narrowing: set[str] = set()
        for word in parsed.tokens[index + 1 : index + 1 + 2 * CONDITION_WORDS]:
            if word.kind == "punct" or word.key in _PHRASE_ENDS or len(words) == CONDITION_WORDS:
                break
            if word.position == position:  # "trained on the set scored 54.0 on X": not X's
                modifiers = []
            if word.name:  # the words before a name narrow it: a subset of a benchmark
                narrowing |= {_stem(before) for before in modifiers}
            if word.kind == "word" and word.key not in _STOPWORDS and word.key not in _UNITS:
                words.append(word.key)
                modifiers.append(word.key)
        if words:
            found.append((" ".join(words), {_stem(word) for word in words}, narrowing))
    return found


# What a figure measures where its clause names it: "raised Wikitext perplexity by 0.9
# percent", "a perplexity increase of 0.9 percent", "throughput rose 1.6x". Words one measure
# goes by share a label ("throughput", "speed").
_MEASURE_NOUNS = {
    "perplexity": "perplexity", "throughput": "speed", "speed": "speed", "speeds": "speed",
    "latency": "latency", "accuracy": "accuracy", "performance": "performance",
    "quality": "quality", "memory": "memory", "compute": "compute", "cost": "cost",
    "costs": "cost", "price": "cost", "prices": "cost", "revenue": "revenue",
    "bandwidth": "bandwidth", "loss": "loss", "error": "error", "errors": "error",
    "power": "power", "size": "size", "sales": "revenue", "users": "users",
    "context": "context", "train": "training", "trained": "training", "training": "training",
}  # fmt: skip
MEASURE_BEFORE, MEASURE_AFTER = 8, 4  # tokens around a figure read for what it measures
# Measures whose rise is a loss: "raised perplexity by 0.9 percent" is not an improvement.
_LOWER_IS_BETTER = {"perplexity", "latency", "loss", "error", "cost"}
_PRAISE = {"improve", "improves", "improved", "improving", "improvement", "better"}
_BLAME = {"worse", "worsens", "worsened", "worsening", "degrades", "degraded", "hurts"}
_RISES = (_CHANGE_UP | {"adds", "added", "higher", "up"}) - _PRAISE
_FALLS = _CHANGE_DOWN | {"lower", "down"}


def _gain_of_fall(
    claim: _Parsed, at: int, source: _Parsed, position: int, said: str, found: str
) -> bool:
    """A fall of a measure whose fall is a gain, told as an improvement of it."""
    measured = _measures(claim, at) & _measures(source, position) & _LOWER_IS_BETTER
    return bool(measured) and said in _PRAISE and found in _FALLS


def _near(parsed: _Parsed, position: int) -> list[_Token]:
    """The tokens of a figure's clause read for what it measures."""
    start, end = parsed.segment(position)
    return parsed.tokens[max(start, position - MEASURE_BEFORE) : min(end, position + MEASURE_AFTER)]


def _measures(parsed: _Parsed, position: int) -> set[str]:
    """The measures named near a figure in its clause (`_MEASURE_NOUNS`' labels)."""
    return {_MEASURE_NOUNS[t.key] for t in _near(parsed, position) if t.key in _MEASURE_NOUNS}


def _fronted_setting(parsed: _Parsed, position: int) -> bool:
    """A figure that opens its sentence as the scene of its fact ("At 400,000 tokens, the best
    model answered 58 percent"): where something was measured, not a fact of its own."""
    if position != 1 or parsed.tokens[0].key != "at":
        return False
    return not any(
        t.kind == "number" for t in parsed.tokens[position + 1 : parsed.segment(position)[1]]
    )


def _measure_problem(claim: _Parsed, at: int, source: _Parsed, position: int) -> str | None:
    """Why a figure the source gives to one measure cannot be given to another the source
    sentence never names ("Q3_HX raised Wikitext perplexity by 0.9 percent" is not "improves
    performance by around 0.9 percent"), nor a rise of a measure whose rise is a loss be told
    as a gain ("improves perplexity by 0.9 percent"), or the other way round; else None."""
    given, said_measures = _measures(source, position), _measures(claim, at)
    named = {_MEASURE_NOUNS[token.key] for token in source.tokens if token.key in _MEASURE_NOUNS}
    claimed = said_measures - named
    if given and claimed and not said_measures & given:
        return f"the sources give it to {min(given)}, not {min(claimed)}"
    if worse := said_measures & given & _LOWER_IS_BETTER:
        said = {token.key for token in _near(claim, at)}
        moved = {token.key for token in _near(source, position)}
        rose, fell = bool(moved & _RISES), bool(moved & _FALLS)
        if said & _PRAISE and rose and not fell:
            return f"the sources say {min(worse)} rose, which is a loss, not a gain"
        if said & _BLAME and fell and not rose:
            return f"the sources say {min(worse)} fell, which is a gain, not a loss"
    return None


_SETTING_LEAD = {"a", "an", "the", "one", "single", "its", "each", "same"}
# Words that tell one setting from another before its number: "on older 8 GB cards".
_SETTING_WORDS = set(
    """older newer smaller larger bigger cheaper previous current consumer mid-range
    high-end low-end entry-level""".split()
)
# What a model does on a setting, in the words writers swap for each other ("runs on a 24 GB
# card", "fits on one 24 GB GPU", "loads fully on a single 32 GB card").
_ON_SETTING = frozenset(_stem(w) for w in "run runs fit fits load loads work works serve".split())


def _setting_claim(parsed: _Parsed, position: int) -> set[str]:
    """What a clause says happens on the setting a number is part of ("nearly matches 4-bit
    quality" of "... on a single 32 GB card"), as stems; empty when the number is not in an
    "on" phrase or the clause says nothing before it. The setting's number is grounded
    where a source gives it; the fact it is tied to must be told in that same sentence."""
    on = next(
        (
            index
            for index in range(position - 1, max(-1, position - 4), -1)
            if parsed.tokens[index].key == "on"
            and all(
                t.key in _SETTING_LEAD | _SETTING_WORDS for t in parsed.tokens[index + 1 : position]
            )
        ),
        None,
    )
    if on is None:
        return set()
    start, _ = parsed.segment(on)
    return {
        _stem(t.key)
        for t in parsed.tokens[start:on]
        if t.kind == "word" and not t.name and len(t.key) > 2
        and t.key not in _STOPWORDS | _PRONOUNS | _VERB_HEDGES | _APPROXIMATE | _MODALS
    }  # fmt: skip


def _for_phrase_owner(
    claim: _Parsed, position: int, source: _Parsed, at: int
) -> tuple[str, str] | None:
    """(the phrase, the figure) where a claim ties a "for ..." phrase to its figure at
    `position` ("fines of up to 2 percent of revenue for small firms") and the source sentence
    ties those words to another figure ("up to 2 percent of annual revenue, or €500,000 for
    small firms"): the nearest figure before them in their clause; None otherwise. `at` is
    the figure's position in `source`."""
    _, end = claim.segment(position)
    ahead = claim.tokens[position + 1 : min(end, position + 6)]
    lead = next((i for i, t in enumerate(ahead) if t.key == "for"), None)
    if lead is None or any(_FIGURE.match(t.text) for t in ahead[:lead]):
        return None
    words = []
    for token in claim.tokens[position + 2 + lead : end]:
        if token.kind != "word" or token.key in _PHRASE_ENDS or len(words) == 3:
            break
        if token.key not in _STOPWORDS:
            words.append(_stem(token.key))
    if not words:
        return None
    for index, token in enumerate(source.tokens):
        if token.key != "for":
            continue
        following = [t for t in source.tokens[index + 1 : index + 8] if t.key not in _STOPWORDS]
        if [_stem(t.key) for t in following[: len(words)]] != words:
            continue
        start, _ = source.segment(index)
        before = [
            t
            for t in source.tokens[start:index]
            if t.kind == "number" and _FIGURE.match(t.text) and not t.date
        ]
        if before and before[-1].position != at:
            phrase = " ".join(
                t.text
                for t in itertools.takewhile(
                    lambda t: t.kind == "word", claim.tokens[position + 1 + lead : end][:6]
                )
            )
            return phrase, before[-1].text
    return None


def _setting_figure(parsed: _Parsed, position: int) -> _Token | None:
    """The figure a setting's number is tied to in a claim: "30" of "by 30 percent on older
    8 GB cards", for the number 8; None where the number is in no "on" setting or no figure
    stands right before it (at most three words between, in its clause)."""
    if not _setting_claim(parsed, position):
        return None
    on = next(i for i in range(position - 1, -1, -1) if parsed.tokens[i].key == "on")
    start, _ = parsed.segment(on)
    for token in reversed(parsed.tokens[max(start, on - 4) : on]):
        if parsed.entity_at(token.position) or _SIZE.fullmatch(token.text):
            return None  # "run Wren 9B on one 8 GB GPU": a name, not a figure
        if token.kind == "number" and _FIGURE.match(token.text) and not token.date:
            return token
    return None


def _says(source: _Parsed, said: set[str]) -> bool:
    """Whether a source sentence tells any of a claim's `said` stems (one of the words for
    running on a setting standing for another)."""
    stems = source.stems
    return bool(said & stems) or bool(said & _ON_SETTING and stems & _ON_SETTING)


# The plan words that govern the verb after them ("will require", "plans to cut").
_PLAN_BEFORE = (_PLANS - {"upcoming", "coming"}) | {
    "would", "plan", "aims", "intends", "proposes", "proposed", "set",
}  # fmt: skip
# A sentence that says something is only being weighed ("is considering requiring").
_WEIGHING = {"considering", "considers", "considered", "weighing", "proposing", "draft"}
_PLAN_BETWEEN = {"to", "be", "not", "also", "soon", "then", "only", "still"}


def _plan_governs(parsed: _Parsed, position: int) -> bool:
    """Whether a plan word governs the word at `position` ("will require", "is expected to
    rise", "plans to cut", "would not affect", "is set to rise"; not "a test set scored")."""
    index = position - 1
    while index >= 0 and position - index <= 3 and parsed.tokens[index].key in _PLAN_BETWEEN:
        index -= 1
    if index < 0 or parsed.tokens[index].key not in _PLAN_BEFORE:
        return False
    if parsed.tokens[index].key in ("set", "due"):  # "set to", "due to": only with "to"
        return parsed.following(index) == "to" and index + 1 < position
    return True


# Words that put a duty on someone: "must", "need to", "requires", "is obliged to".
_OBLIGATIONS = {"must", "require", "requires", "required", "requiring", "obliged", "obliges",
                "mandatory", "mandates", "mandated", "compelled"}  # fmt: skip


def _obligation(parsed: _Parsed, token: _Token) -> bool:
    """Whether `token` puts a duty on someone: an obligation word, or "need"/"have" before
    "to" ("needs to apply", "have to publish"; not "the need for")."""
    if token.key in _OBLIGATIONS:
        return True
    duty_verbs = ("need", "needs", "have", "has")
    return token.key in duty_verbs and parsed.following(token.position) == "to"


def _planned_at(parsed: _Parsed, position: int) -> bool:
    """Whether the clause of the word at `position` tells it as a plan: a plan word in the
    clause ("will cut prices next week", "is set to rise"), or a headline's "X to cut"."""
    start, end = parsed.segment(position)
    if parsed.keys_between(start, end) & _PLAN_MARKS:
        return True
    return (
        position >= 2
        and parsed.tokens[position - 1].key == "to"
        and parsed.tokens[position - 2].name
    )


# Modals that give advice, not a plan: "should upgrade to 3.5" tells 3.5 as out.
_ADVICE = {"should", "could", "may", "might"}


def _upgrade_target(parsed: _Parsed, position: int) -> bool:
    """Whether the version at `position` is what the sentence tells readers to move to
    ("should upgrade to 3.5", "update to version 3.5")."""
    before = [t.key for t in parsed.tokens[max(position - 3, 0) : position]]
    if before and before[-1] == "version":
        before.pop()
    return len(before) >= 2 and before[-1] == "to" and before[-2] in _UPGRADES | {"move"}


def _plan_kept(parsed: _Parsed, position: int) -> bool:
    """Whether a claim keeps the plan its source gives a version in: a modal or an
    attribution ("is expected in 3.5", "the maintainers say 3.5 will fix it"); advice to
    move to it ("should upgrade to 3.5") tells it as released, unless a plan word is there."""
    modals = _MODALS - _ADVICE if _upgrade_target(parsed, position) else _MODALS
    return bool(parsed.modal_keys & modals) or bool(_ATTRIBUTION.search(parsed.text))


# Words by which a clause gives a figure to several at once.
_TOGETHER = {"both", "each", "all", "together", "combined", "respectively", "they", "and"}
_COUNT_LEAD = {"the", "these", "those", "its", "their", "all"}
_NOT_PLURAL = set("is was has its this does thus plus less across as us".split())


def _count_subject(parsed: _Parsed, position: int) -> int | None:
    """The count a clause opens with as the subject of the figure at `position`: 2 of "Two 1B
    models trained on them scored 5.1" or "the two models score 5.1"; None where it opens with
    none, where the figure is that count, or where the sentence says "respectively"."""
    if "respectively" in parsed.keys:
        return None
    start, _ = parsed.segment(position)
    tokens = parsed.tokens[start:position]
    colons = [index for index, token in enumerate(tokens) if token.text == ":"]
    tokens = tokens[colons[-1] + 1 :] if colons else tokens  # "Two drivers leak: X found 12"
    for index, token in enumerate(tokens[:3]):
        if token.kind == "number":
            counted = (
                not token.rank
                and token.value is not None
                and 2 <= token.value <= 20
                and (token.key in _NUMBER_WORDS or token.key.isdigit())
            )
            nouns = tokens[index + 1 : index + 4]
            if counted and any(
                n.kind == "word" and n.key.endswith("s") and n.key not in _NOT_PLURAL for n in nouns
            ):
                return int(token.value)
            return None
        if token.key not in _COUNT_LEAD:
            return None
    return None


def _is_delta(parsed: _Parsed, position: int) -> bool:
    start, end = parsed.segment(position)
    words = {t.key for t in parsed.tokens[start:end]}
    return bool(words & (_UP | _DOWN)) or _unit(parsed, position) in _DELTA_UNITS


def _unit(parsed: _Parsed, position: int) -> str | None:
    for token in parsed.tokens[position + 1 : position + 4]:
        for part in token.key.split("-"):
            if part in _MULTIPLIERS or part in ("per", "a"):
                continue
            if part in _UNITS:
                return _UNITS[part]
            if token.kind == "word":
                return None
        if token.kind == "punct" and token.text not in "-%":
            return None
    return None


def _direction(
    parsed: _Parsed, position: int, side: list[_Entity]
) -> tuple[str, str, list[_Entity]] | None:
    """The direction word a number belongs with ("up"/"down", the word, whose side): before it
    in its clause (since the clause's previous number), or a comparative right after it ("3.5
    points ahead"); the side is the name before the word, else `side`."""
    start, end = parsed.segment(position)
    quantities = [t.position for t in parsed.numbers() if parsed.entity_at(t.position) is None]
    earlier = [at for at in quantities if start <= at < position]
    begin = max(earlier, default=start - 1) + 1
    later = [at for at in quantities if position < at < end]
    stop = min(later, default=end)
    window = list(range(begin, position)) + list(range(position + 1, min(position + 5, stop)))
    for index in window:
        token = parsed.tokens[index]
        if token.kind != "word" or not (token.key in _UP or token.key in _DOWN):
            continue
        if index > position and token.key not in _COMPARE_UP | _COMPARE_DOWN:
            continue
        if token.key in ("up", "down") and parsed.following(index) == "to":
            continue
        if (
            token.key in ("more", "less", "fewer", "higher", "lower")
            and parsed.following(index) == "than"
            and index < position
        ):
            continue  # "more than 5": a bound, read as a role
        sense = "up" if token.key in _UP else "down"
        before = [e for e in parsed.entities if e.end <= index and e.start >= start]
        return sense, token.key, [before[-1]] if before else side
    return None


def _compares_numbers(parsed: _Parsed, index: int, end: int) -> bool:
    """A comparative that goes with a number later in its clause ("less than 120 ms", "lower
    than Echo 2's 6.1 percent", "below 10 billion"): checked with that number."""
    return any(
        t.kind == "number" and t.value is not None and parsed.entity_at(t.position) is None
        for t in parsed.tokens[index + 1 : end]
    )


def _word_direction(
    parsed: _Parsed, index: int, side: list[_Entity]
) -> tuple[str, str, list[_Entity]] | None:
    """The sense of the direction word at `index` and whose side it is told from."""
    token = parsed.tokens[index]
    if token.kind != "word" or not (token.key in _UP or token.key in _DOWN):
        return None
    if token.key in ("up", "down") and parsed.following(index) == "to":
        return None
    start, _ = parsed.segment(index)
    before = [e for e in parsed.entities if e.end <= index and e.start >= start]
    return ("up" if token.key in _UP else "down"), token.key, [before[-1]] if before else side


def _version_role(parsed: _Parsed, position: int) -> frozenset[str]:
    """What the words around a version say of it: fixed, affected, or not affected."""
    window = parsed.tokens[max(position - 4, 0) : position + 6]
    near = {t.key for t in window}
    negated = bool(near & {"never", "not", "unaffected"})
    if position and parsed.tokens[position - 1].key in ("before", "prior", "until", "below"):
        return frozenset({"fixed"})  # "2.0.0 before 2.0.3": 2.0.3 is where it ends
    roles = set()
    # "upgrade to 4.2.1" fixes; "anyone running 4.0.0 should upgrade" is affected
    later = {t.key for t in window if t.position > position} & _UPGRADES
    if near & _FIXED - later:
        roles.add("fixed")
    if later and not negated:
        roles.add("affected")
    if (near & _AFFECTED or (near & _AFFECTED_WEAK and not roles)) and not negated:
        roles.add("affected")
    if negated and near & (_AFFECTED | {"unaffected"}):
        roles.add("unaffected")
    if not roles:  # "affects Sandpiper 1.x before 1.9.4 and 2.0.0 before 2.0.3": the list's
        for token in reversed(parsed.tokens[max(position - 12, 0) : position]):
            if token.key in _AFFECTED | _FIXED:
                return frozenset({"affected" if token.key in _AFFECTED else "fixed"})
            if not _in_version_list(token):
                break
    if not roles and not negated:  # "anyone using 1.9.4 or 2.0.0 before 2.0.3 should update"
        after = parsed.tokens[position + 1 : position + 13]
        rest = itertools.dropwhile(_in_version_list, after)
        if {t.key for t in itertools.islice(rest, 3)} & _UPGRADES:
            return frozenset({"affected"})
    return frozenset(roles)


def _placed_first(parsed: _Parsed, entity: _Entity, qualifiers: frozenset[str]) -> bool:
    """Whether the source sentence `parsed` gives `entity` first place with a word standing by
    its name: #1, "first", "best", "the top model, Vega Pro", "Vega Pro, the leader", or a verb
    ("leads", "tops") whose subject it is. A word belongs to the nearest name ("moves the
    previous leader, Kairos-3 Large" gives nothing to "Aster Pro 2" earlier in the clause), and
    a qualified first place ("the best open-weight model") holds only for a claim with the same
    `qualifiers`."""
    for token in parsed.tokens:
        if not _first_mark(parsed, token):
            continue
        # "X rises to fourth with 80.1, the best open-weight result": the clause's subject
        owner = _owner(parsed, token) or next(iter(parsed.entities), None)
        if (
            owner is not None
            and owner.start == entity.start
            and _qualifiers(parsed, token) <= qualifiers
        ):
            return True
    return False


_FIRST_MARKS = _FIRST_PLACE | _FIRST_ASIDE | {"first"}
_PLACE_NOUNS = {"model", "models", "one", "entry", "place", "spot", "system", "option", ","}


def _first_mark(parsed: _Parsed, token: _Token) -> bool:
    """A word giving first place: "leads", "best", "top", "#1"; not "top five", "first time"."""
    if token.rank and token.value == 1:
        return True
    if token.key not in _FIRST_MARKS:
        return False
    return parsed.following(token.position) != "time" and not (
        token.position + 1 < len(parsed.tokens)
        and parsed.tokens[token.position + 1].kind == "number"
    )


def _owner(parsed: _Parsed, token: _Token) -> _Entity | None:
    """The name a first-place word is said of: for a verb ("leads"), its clause's first name
    before it; otherwise the nearest name, within its clause or four tokens of it."""
    start, end = parsed.segment(token.position)
    if token.key in _FIRST_PLACE - {"leading"}:
        subjects = [e for e in parsed.entities if start <= e.start < token.position]
        if subjects:
            return subjects[0]

    def distance(entity: _Entity) -> int:
        if entity.end <= token.position:
            return token.position - entity.end + 1
        return max(entity.start - token.position, 0)

    near = [
        e
        for e in parsed.entities
        if start <= e.start < end or distance(e) <= 4  # "the top model, X": past a comma
    ]
    return min(near, key=distance, default=None)


def _beside_name(parsed: _Parsed, token: _Token) -> bool:
    """Whether a first-place word stands in an aside with a name: "the top model, Aster
    Ultra 2," or "Aster Pro 2, the top model"."""
    keys = [t.key for t in parsed.tokens]
    at = token.position
    if at >= 2 and keys[at - 1] == "the" and keys[at - 2] == ",":
        return True
    ahead = parsed.tokens[at + 1 : at + 6]
    return any(
        t.key == "," and at + 1 + i + 1 < len(parsed.tokens) and parsed.tokens[at + 2 + i].name
        for i, t in enumerate(ahead)
    )


def _qualifiers(parsed: _Parsed, token: _Token) -> frozenset[str]:
    """The words narrowing a first place, up to its noun: "open-weight" of "the best
    open-weight model"; none of "leads" or "the top model"."""
    words = []
    for following in parsed.tokens[token.position + 1 : token.position + 4]:
        if following.key in _PLACE_NOUNS:
            return frozenset(words)
        if following.name or following.kind != "word":
            break
        words.append(_KIND_SPELLINGS.get(following.key, following.key))
    return frozenset()  # no noun ends it: "leads with 84.7", not a qualifier


# One kind of model, however it is spelled: "the best open model" is "the best open-weight one".
_KIND_SPELLINGS = {
    "open-weight": "open", "open-weights": "open", "open-source": "open", "weight": "open",
    "closed": "proprietary", "closed-weight": "proprietary", "commercial": "proprietary",
}  # fmt: skip


def _in_version_list(token: _Token) -> bool:
    """A part of a list of versions: a version, a name, a number, "and", "before", a comma."""
    listed = token.version or token.name or token.key in _VERSION_LIST
    return bool(listed or token.kind == "number" or token.text in (".", ","))


def _words(parsed: _Parsed) -> list[variants.Word]:
    return [variants.Word(t.key, t.value if t.kind == "number" else None) for t in parsed.tokens]


def _after(parsed: _Parsed, position: int) -> set[str]:
    """The content words just after a number: what it counts or measures ("H100", "GPUs")."""
    following = [t for t in parsed.tokens[position + 1 :] if t.kind == "word"][:4]
    return {t.key for t in following if t.key not in _STOPWORDS}


class Verifier:
    """Checks written sentences against one story's evidence."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self._facts = SourceFacts.of(sentence.text for sentence in evidence.sentences)
        self._known = _known_names(sentence.text for sentence in evidence.sentences)
        # Body sentences before titles: a claim's evidence is the fuller sentence where it can be.
        ordered = sorted(evidence.sentences, key=lambda sentence: sentence.index < 0)
        self._parsed = {s: parse(s.text, self._known) for s in ordered}
        self._sides: dict[tuple[str, ...], dict[bool, list[set[str]]]] = {}
        self._variants: dict[float, list[tuple[set[str], set[str]]]] = {}
        self._doers_of: dict[str, list[_Entity]] = {}
        # An unhedged "without sacrificing quality" of a source lets a claim say so too.
        self._sources_absolute = any(absolutes.absolutes(s.text) for s in evidence.sentences)
        self._benchmarks = benchmark_uses.benchmarks(s.text for s in evidence.sentences)
        self._objects = self._object_like()
        self._partners = self._co_parties()
        self._resolved: dict[SourceSentence, tuple[list[_Entity], list[_Entity]]] = {}
        frequency: dict[str, int] = {}
        for parsed in self._parsed.values():
            for stem in parsed.content:
                frequency[stem] = frequency.get(stem, 0) + 1
        self._frequency = frequency

    def fixed_versions(self) -> list[str]:
        """The versions the sources give only as fixed ("upgrade to 1.7.3", "1.9.4 fixes
        it"), never as affected, in the order they first appear; three-part versions only
        ("1.7.3", not a driver's "551.20", which may be either)."""
        roles: dict[str, set[str]] = {}
        for parsed in self._parsed.values():
            for token in parsed.tokens:
                if token.version and token.text.count(".") == 2:
                    roles.setdefault(token.text, set()).update(
                        _version_role(parsed, token.position)
                    )
        return [version for version, found in roles.items() if found == {"fixed"}]

    @cached_property
    def evidence_words(self) -> set[str]:
        """Every word the story's sources use, lower case (checks.words)."""
        return {word for s in self.evidence.sentences for word in checks.words(s.text)}

    @cached_property
    def evidence_stems(self) -> set[str]:
        """The stems of every word the story's sources use."""
        return set().union(*(parsed.stems for parsed in self._parsed.values()))

    def _object_like(self) -> set[str]:
        """Names the sources use as things, not parties: mostly after a preposition or a number
        ("on KnowBench", "in Fijian", "under Apache 2.0", "80 GB")."""
        seen: dict[str, list[bool]] = {}
        for parsed in self._parsed.values():
            for entity in parsed.entities:
                seen.setdefault(entity.head, []).append(_governed(parsed, entity))
        return {head for head, marks in seen.items() if sum(marks) * 2 > len(marks)}

    def _co_parties(self) -> list[tuple[_Entity, _Entity]]:
        """Names that stand for one party: an organisation and what it makes ("Lumora AI ships
        Nova 2", "Corvane's Wren 9B", "Mixer-2 from Tamsin AI"), or names sharing a first word
        ("Halcyon Labs", "Halcyon-R2")."""
        pairs = []
        everyone: list[_Entity] = []
        for parsed in self._parsed.values():
            entities = parsed.entities
            everyone += entities
            for left, right in itertools.pairwise(entities):
                between = " ".join(t.text for t in parsed.tokens[left.end - 1 : right.start])
                if right.start - left.end <= 4 and _OWNER_VERBS.search(between):
                    pairs.append((left, right))
                    following = entities[entities.index(right) + 1 :]
                    for listed in following:  # "... released X and Y"
                        gap = [t.key for t in parsed.tokens[right.end : listed.start]]
                        if gap not in (["and"], [","], [",", "and"]):
                            break
                        pairs.append((left, listed))
                        right = listed
        for entity in everyone:
            stem = re.split(r"[-.]", entity.head)[0]
            for other in everyone:
                if (
                    other.head != entity.head
                    and len(stem) > 3
                    and re.split(r"[-.]", other.head)[0] == stem
                ):
                    pairs.append((entity, other))
        return pairs

    def _same_party(self, entity: _Entity, others: list[_Entity]) -> bool:
        for other in others:
            if entity.matches(other):
                return True
            for left, right in self._partners:
                if (entity.matches(left) and other.matches(right)) or (
                    entity.matches(right) and other.matches(left)
                ):
                    return True
        return False

    def _parties(self, entities: list[_Entity], parsed: _Parsed | None = None) -> list[_Entity]:
        """The entities that can hold a fact: not what the sources use as things (benchmarks,
        licences, units, places), nor, in `parsed`, a name governed by a preposition ("on
        CodeTrail")."""
        return [
            e
            for e in entities
            if e.head not in self._objects and not (parsed is not None and _governed(parsed, e))
        ]

    # subjects ----------------------------------------------------------------

    def _subjects(
        self,
        parsed: _Parsed,
        position: int,
        resolve: list[_Entity],
        nearest: bool = False,
        referent: list[_Entity] | None = None,
    ) -> list[_Entity]:
        """Whose fact the token at `position` is: the parties before it in its clause (with
        `nearest`, the last of them: a source's "the successor to its Nova 1 34B model from
        August 2025" gives the date to Nova 1), else a party it is "for"/"of"/"by", else those
        of an earlier clause of the sentence, else `resolve` (the subject of the sentence
        before). A rank opening its clause is the name right after it's ("#9 Nova 2 32B
        (Lumora AI, Open Weight)"). A pronoun adds `resolve`, or `referent` where given: what
        the pronoun itself points back to."""
        start, _end = parsed.segment(position)
        before = self._parties(
            [e for e in parsed.entities if e.start >= start and e.end <= position]
        )
        if nearest and before:
            before = before[-1:]
        pronouns = {t.key for t in parsed.tokens[start:position]} & _PRONOUNS
        pronoun = bool(pronouns)
        if referent is not None and pronouns - {"the"}:  # a pronoun proper, not "the model"
            resolve = referent
        if before:
            return before + (resolve if pronoun else [])
        token = parsed.tokens[position]
        if token.rank and position == start:  # a listing row: "#9 Nova 2 32B (Lumora AI, ...)"
            named = self._parties([e for e in parsed.entities if e.start == position + 1])
            if named:
                return named
        stop = min(position + 10, len(parsed.tokens))
        for index in range(position + 1, stop):
            if parsed.tokens[index].key in (";", "while", "whereas", "but"):
                break
            if parsed.tokens[index].kind == "number":
                break  # "68.4 ..., up from 61.2 for its predecessor": the "for" is 61.2's
            if parsed.tokens[index].key in _ATTACH_AFTER:
                # "61.2 for its predecessor, Wren 7B": an appositive past the comma counts
                after = self._parties([e for e in parsed.entities if index < e.start <= index + 5])
                if after:
                    return after[:1]
        earlier = self._parties([e for e in parsed.entities if e.end <= start], parsed)
        if earlier and not pronoun:
            return earlier
        return resolve + earlier

    def _source_resolution(self, source: SourceSentence) -> list[_Entity]:
        """Whom a source sentence that names no one is about: the first parties of the two
        nearest sentences before it that have any, and of its title (the item's topic)."""
        return self._resolutions(source)[0]

    def _referent(self, source: SourceSentence) -> list[_Entity]:
        """Whom a source sentence's pronoun points back to: the first parties of the nearest
        sentence before it that has any, else of its title. "Nova 2 32B enters at ninth.
        BenchLM noted that it is the highest-ranked model under 40 billion parameters" gives
        the 40 to Nova 2 32B, not to the Halcyon-R2 of the title."""
        return self._resolutions(source)[1]

    def _resolutions(self, source: SourceSentence) -> tuple[list[_Entity], list[_Entity]]:
        """(topic, referent) of a source sentence, read once per sentence."""
        if source not in self._resolved:
            earlier = self.evidence.before(source, 3)
            with_parties = [e for e in earlier if self._parties(self._parsed[e].entities)]
            titles = [e for e in earlier if e.index < 0]

            def firsts(sentences: list[SourceSentence]) -> list[_Entity]:
                return [p for e in sentences for p in self._parties(self._parsed[e].entities)[:2]]

            self._resolved[source] = (
                firsts(with_parties[:2] + titles),
                firsts(with_parties[:1] or titles),
            )
        return self._resolved[source]

    def _sentence_subject(
        self, parsed: _Parsed, previous: list[_Entity], listed: list[_Entity] | None = None
    ) -> tuple[list[_Entity], bool]:
        """The sentence's subject (several for "X and Y"), and whether it is a group: its first
        party when that opens the sentence (or its first clause), else the previous sentence's
        (for "they", the group the previous sentence `listed` where its subject is one)."""
        segments = parsed.segments()
        parties = self._parties(parsed.entities, parsed)
        opening = 3
        if len(segments) > 1 and segments[0][1] - segments[0][0] <= 6:
            opening = segments[1][0] + 3  # "On CodeTrail, Wren 9B ..."
        first = next((e for e in parties if e.start <= opening), None)
        opening_words = {t.key for t in parsed.tokens[: first.start if first else 3]}
        plural = bool(opening_words & {"they", "their", "them", "both"})
        if plural and len(previous) < 2 and listed:
            previous = listed  # "Sundial released Pip 360M and Pip 1.7B. They use ..."
        plural = plural and len(previous) > 1
        if first is not None and previous and opening_words & {"it", "its", "they", "their"}:
            return previous, plural  # "On KnowBench it scores ...": the pronoun is the subject
        starts_with_pronoun = bool(parsed.tokens) and parsed.tokens[0].key in _PRONOUNS
        if first is None or (starts_with_pronoun and first.start > 2 and previous):
            return previous, plural  # "They use 250 MB": each of the group named before
        group = _listing(parsed, parties, parties.index(first))
        both = bool({t.key for t in parsed.tokens[: group[-1].end + 3]} & {"both", "all", "each"})
        return group, len(group) > 1 or both

    # public ----------------------------------------------------------------

    def check_text(self, text: str, *, summary: bool) -> list[Verdict]:
        """A verdict for each sentence of `text`; a pronoun's subject is the previous
        sentence's."""
        verdicts = []
        subject: list[_Entity] = []
        listed: list[_Entity] = []
        before: list[variants.Word] = []  # the words of the sentences before: a variant named
        for sentence in split_sentences(text):
            parsed = parse(sentence, self._known)
            verdict, subject = self._check(parsed, subject, summary, listed, before)
            verdicts.append(verdict)
            listed = _listed(parsed, self._parties(parsed.entities, parsed))
            before += _words(parsed)
        return verdicts

    def check(self, sentence: str, *, summary: bool) -> Verdict:
        return self._check(parse(sentence, self._known), [], summary)[0]

    def _check(
        self,
        parsed: _Parsed,
        previous: list[_Entity],
        summary: bool,
        listed: list[_Entity] | None = None,
        before: list[variants.Word] | None = None,
    ) -> tuple[Verdict, list[_Entity]]:
        sentence = parsed.text
        subject, group = self._sentence_subject(parsed, previous, listed)
        if has_link(sentence):
            return Verdict(False, "carries a link or address"), subject
        if looks_like_instructions(sentence):
            return Verdict(False, "reads as instructions, not news"), subject
        missing = self._facts.unsupported(sentence)
        if missing:
            return Verdict(False, "not in the sources: " + ", ".join(missing)), subject
        anchors: list[SourceSentence] = []
        attributed: list[SourceSentence] = []
        for fact in self._facts_of(parsed, subject, group):
            verdict = self._support(fact, parsed)
            if not verdict.ok:
                return verdict, subject
            if fact.token.kind == "number" and (problem := self._one_of(parsed, fact, verdict)):
                return Verdict(False, problem), subject
            if fact.token.kind == "number" and (variant := self._variant(parsed, fact, before)):
                return Verdict(False, f"the sources say {fact.token.text} of {variant}"), subject
            versioned = fact.token.version or _upgrade_target(parsed, fact.token.position)
            plan = self._planned(fact.token, verdict.evidence) if versioned else None
            if plan and not _plan_kept(parsed, fact.token.position):
                return Verdict(False, f"the sources say '{plan}' of it"), subject
            if verdict.evidence is not None:
                anchors.append(verdict.evidence)
                if fact.token.kind == "number" and not fact.token.date and not fact.token.version:
                    attributed += self._attributing(verdict.evidence, fact.token)
        best = self._aligned(parsed)
        grounds = list(dict.fromkeys(anchors + ([best] if best else [])))
        if (
            not anchors
            and best is not None
            and self._covers(parsed, best)
            and _ATTRIBUTION.search(best.text)
        ):
            attributed.append(best)
        if problem := self._openness(parsed) or self._possessive(parsed) or self._polarity(parsed):
            return Verdict(False, problem), subject
        if problem := self._named_first(parsed) or self._told_first(parsed):
            return Verdict(False, problem), subject
        if problem := self._judgement(parsed) or self._absence(parsed) or self._done(parsed):
            return Verdict(False, problem), subject
        if problem := self._deed(parsed) or self._runs_on(parsed):
            return Verdict(False, problem), subject
        if used := benchmark_uses.told_as_use(sentence, self._benchmarks):
            return Verdict(False, f"the sources give {used} as a benchmark, not a use"), subject
        if not self._sources_absolute and (said := absolutes.absolutes(sentence)):
            return Verdict(False, f"'{said[0]}': the sources hedge it or do not say so"), subject
        for check in (self._comparisons, self._superlatives, self._quantifiers, self._hedges):
            verdict = check(parsed, subject, attributed, grounds)
            if not verdict.ok:
                return verdict, subject
        if summary:
            verdict = self._coverage(parsed, grounds)
            if not verdict.ok:
                return verdict, subject
        return Verdict(True, evidence=anchors[0] if anchors else best), subject

    def _one_of(self, parsed: _Parsed, fact: _Fact, verdict: Verdict) -> str | None:
        """Why a figure told of a counted group ("Two 1B models trained on them scored 5.1
        points higher") is one member's in its source ("The model trained with them scored
        5.1 points higher"), or None: the source's clause must give it to several too (the
        count, "both", "each", "they", two names)."""
        count = _count_subject(parsed, fact.token.position)
        if count is None or verdict.evidence is None:
            return None
        source = self._parsed[verdict.evidence]
        for token in source.tokens:
            if token.kind != "number" or not _same_term(fact.token, token):
                continue
            start, end = source.segment(token.position)
            clause = source.tokens[start:end]
            names = [e for e in source.entities if start <= e.start < token.position]
            if (
                {t.key for t in clause} & _TOGETHER
                or any(t.value == count and t is not token for t in clause)
                or len(names) > 1
            ):
                return None
        return f"{fact.token.text}: the sources give it to one of them, not to all {count}"

    def _variant(self, parsed: _Parsed, fact: _Fact, before: list[variants.Word] | None) -> str:
        """The build a number is said of, named as the sources name it ("the 4-bit AWQ
        build"), where the sentence gives it to the model itself (variants.py); "" when it
        keeps it."""
        token = fact.token
        if token.value is None or token.date or token.version:
            return ""
        claim = [*(before or []), *_words(parsed)]
        occurrences = self._said_of(token.value)
        after = _after(parsed, token.position)
        alike = [found for words, found in occurrences if words & after]  # "eight H100 GPUs"
        said_of = alike or [found for _, found in occurrences]
        found = variants.dropped(variants.markers(claim), variants.names_variant(claim), said_of)
        return f"the {variants.spelled(found)} build" if found else ""

    def _said_of(self, value: float) -> list[tuple[set[str], set[str]]]:
        """Each source occurrence of a number: the words after it, and the variants it is said
        of (variants.py); the body's sentences, or the titles' where no body sentence has it."""
        if value not in self._variants:
            body: list[tuple[set[str], set[str]]] = []
            titles: list[tuple[set[str], set[str]]] = []
            for source, parsed in self._parsed.items():
                words = _words(parsed)
                previous = self.evidence.before(source, 1)[:1]
                prior = _words(self._parsed[previous[0]]) if previous else []
                for token in parsed.tokens:
                    if token.kind == "number" and token.value == value and not token.date:
                        found = variants.source_markers(words, token.position, prior)
                        into = titles if source.index < 0 else body
                        into.append((_after(parsed, token.position), found))
            self._variants[value] = body or titles
        return self._variants[value]

    def _polarity(self, parsed: _Parsed) -> str | None:
        """A negation must not be dropped or added: "requires an API key" where the source
        sentence it most resembles says "requires no API key". Each phrase a negation governs
        (its next content words) that the sentence also has is looked up both ways; the
        sentence must side with the source sentence nearest to it in words."""
        for phrase in dict.fromkeys(self._source_negations + _negated_phrases(parsed)):
            if _has_phrase(parsed, phrase):
                claimed = _negated(parsed, phrase)
                overlap = {
                    side: max((len(parsed.content & words) for words in found), default=0)
                    for side, found in self._phrase_sides(phrase).items()
                }
                if overlap[not claimed] > overlap[claimed]:
                    said = "no " if not claimed else ""
                    return f"the sources say {said}'{' '.join(phrase)}' here"
        return None

    @cached_property
    def _source_negations(self) -> list[tuple[str, ...]]:
        return [p for source in self._parsed.values() for p in _negated_phrases(source)]

    def _phrase_sides(self, phrase: tuple[str, ...]) -> dict[bool, list[set[str]]]:
        """The content words of the source sentences with `phrase`, by whether it is negated
        there (True) or not; computed once per phrase."""
        if phrase not in self._sides:
            sides: dict[bool, list[set[str]]] = {True: [], False: []}
            for other in self._parsed.values():
                if _has_phrase(other, phrase):
                    sides[_negated(other, phrase)].append(other.content)
            self._sides[phrase] = sides
        return self._sides[phrase]

    def _openness(self, parsed: _Parsed) -> str | None:
        """A model called open-weight or proprietary must not be the other in the sources
        ("the proprietary Nova 2 32B" where the snapshot lists it as Open Weight)."""
        for entity, side in _open_or_closed(parsed):
            given = {
                found_side
                for source in self._parsed.values()
                for found, found_side in _open_or_closed(source)
                if found.matches(entity)
            }
            if given and side not in given:
                word = "open-weight" if side == "closed" else "proprietary"
                return f"the sources call it {word}"
        named = [
            e
            for e in parsed.entities
            if e.head != "model" and e.head not in self._objects and e.head not in _UNITS
        ]
        for index in range(len(parsed.tokens)):
            side = _side(parsed.tokens, index)
            if side and any(
                t.key in _GROUP_NOUNS and t.key.endswith("s")
                for t in parsed.tokens[index + 1 : index + 3]
            ):  # "trails only proprietary systems": a group, which a source must name beside
                if named and not self._kind_beside(side, named):  # one of the same parties
                    word = "open-weight" if side == "open" else "proprietary"
                    return f"the sources do not speak of {word} models beside {named[0].label}"
                continue
            if side and named and not any(g.matches(e) for e in named for g in self._granted[side]):
                word = "open-weight" if side == "open" else "proprietary"
                return f"the sources do not call {named[0].label} {word}"
        return None

    def _kind_beside(self, side: str, named: list[_Entity]) -> bool:
        """Whether a source sentence about one of `named` speaks of models of `side`."""
        for source, other in self._parsed.items():
            if any(_side(other.tokens, at) == side for at in range(len(other.tokens))):
                holders = self._parties(other.entities)
                if not holders or other.keys & _OBJECT_PRONOUNS:  # "... are ahead of it"
                    holders = [*holders, *self._referent(source)]
                if any(self._same_party(e, holders) for e in named):
                    return True
        return False

    @cached_property
    def _granted(self) -> dict[str, list[_Entity]]:
        """The names the sources may call open-weight ("open") or proprietary ("closed"):
        those named in a sentence that uses the word ("The three models ahead of it are all
        proprietary: Aster Ultra 2 ..."), or, for "open", that gives open weights or an open
        licence ("released under Apache 2.0"). Wide on purpose: it only tells a sentence that
        gives a model a side no source sentence ties to it ("Corvo Pro has a strong,
        open-weight option" where only Halberd 2 is called open)."""
        granted: dict[str, list[_Entity]] = {"open": [], "closed": []}
        for parsed in self._parsed.values():
            sides = {_side(parsed.tokens, index) for index in range(len(parsed.tokens))}
            if _OPEN_RELEASE.search(parsed.text):
                sides.add("open")
            for side in sides - {None}:
                granted[side] += parsed.entities
        return granted

    def _possessive(self, parsed: _Parsed) -> str | None:
        """ "Intel's community released ...": a name given a maker ("X's team", "X's lab") must
        own or make something in the sources ("Intel's", "by Intel", "Intel released")."""
        for index, token in enumerate(parsed.tokens):
            if not (token.name and token.text.endswith(("'s", "\u2019s"))):
                continue
            following = parsed.tokens[index + 1].key if index + 1 < len(parsed.tokens) else ""
            if following not in _MAKERS:
                continue  # "SkipDepth's quality drop": an attribute, not who made it
            owner = parsed.entity_at(index)
            if owner is None or self._owns(owner):
                continue
            return f"the sources do not say it is {token.text} {following}"
        return None

    def _owns(self, owner: _Entity) -> bool:
        for source in self._parsed.values():
            for entity in source.entities:
                if not entity.matches(owner):
                    continue
                last = source.tokens[entity.end - 1].text
                before = source.tokens[entity.start - 1].key if entity.start else ""
                after = [t.key for t in source.tokens[entity.end : entity.end + 3]]
                if (
                    last.endswith(("'s", "\u2019s", "'", "\u2019"))
                    or before in ("by", "from", "of")
                    or any(_OWNER_VERBS.fullmatch(word) for word in after)
                    or any(word in _OWNING for word in after)
                ):
                    return True
        return False

    # facts -----------------------------------------------------------------

    def _facts_of(self, parsed: _Parsed, subject: list[_Entity], group: bool) -> list[_Fact]:
        facts = []
        respective = _respective(parsed, subject) if group else {}
        for token in parsed.tokens:
            entity = parsed.entity_at(token.position)
            if token.version:
                facts.append(
                    _Fact(token, [], False, version_role=_version_role(parsed, token.position))
                )
            elif token.kind == "number" and token.value is not None and entity is None:
                if _attributive(parsed, token.position):
                    facts.append(_Fact(token, [], False))  # "8 GB cards": present is enough
                    continue
                if token.date:  # whose date it is counts, not a role or a direction
                    holders = self._subjects(parsed, token.position, subject)
                    facts.append(_Fact(token, holders, False))
                    continue
                if token.position in respective:  # "A and B score 71.0 and 74.5, respectively"
                    subjects = [respective[token.position]]
                else:
                    subjects = self._subjects(parsed, token.position, subject)
                if subject and parsed.segment(token.position)[1] <= subject[0].start:
                    subjects = [e for e in subjects if e not in subject]  # an opening clause
                role, approximate = _delta_role(parsed, token.position)
                facts.append(
                    _Fact(
                        token,
                        subjects,
                        group and all(e in subjects for e in subject),
                        role,
                        approximate,
                        _unit(parsed, token.position),
                        _direction(parsed, token.position, subjects),
                    )
                )
        verb = self._main_verb(parsed, subject)
        if verb is not None and respective:  # each member's own sentence may say it
            facts += [_Fact(verb, [member], False) for member in subject]
        elif verb is not None:
            facts.append(_Fact(verb, subject, group))
        return facts

    def _main_verb(self, parsed: _Parsed, subject: list[_Entity]) -> _Token | None:
        """The first specific word after the subject in its clause ("Quillon makes ...",
        "Westmarch's bill exempts ..."): who it belongs to is a fact. Only for a subject without
        a version (versions are checked by their own role)."""
        if not subject:
            return None
        _start, end = parsed.segment(subject[-1].end - 1) if subject[-1].end else (0, 0)
        for token in parsed.tokens[subject[-1].end : end]:
            if token.kind == "number" or token.name:
                return None
            if token.kind == "word" and self._is_specific(token):
                return token
        return None

    def _is_specific(self, token: _Token) -> bool:
        """A verb or noun that few source sentences use: who it belongs to is a fact."""
        if token.name or token.key in _STOPWORDS or len(token.key) < 4:
            return False
        if token.key in _UP | _DOWN | _APPROXIMATE | _MODALS or token.key in _SUPERLATIVES:
            return False
        return 1 <= self._frequency.get(_stem(token.key), 0) <= 2

    def _support(self, fact: _Fact, parsed: _Parsed) -> Verdict:
        """The first source sentence that states the fact, or the best reason none does."""
        if problem := self._fix_told_otherwise(fact, parsed):
            return Verdict(False, f"{fact.token.text}: {problem}")
        reasons = []
        neutral = None  # a version's mention that says nothing of its role
        for source, other in self._parsed.items():
            for token in other.tokens:
                if not _same_term(fact.token, token):
                    continue
                reason = self._disagreement(fact, parsed, source, other, token)
                if (
                    reason is None
                    and fact.version_role
                    and not _version_role(other, token.position)
                ):
                    neutral = neutral or source
                    continue  # "3,100 installs of 4.0.1" neither fixes nor has the flaw
                if reason is None and source.index < 0:
                    reason = self._hedged_below_title(fact, source)
                if reason is None:
                    return Verdict(True, evidence=source)
                reasons.append((reason, source))
        if neutral is not None and not reasons:
            return Verdict(True, evidence=neutral)
        shown = fact.token.text
        if not reasons:
            if fact.token.kind == "word":
                return Verdict(True)  # a word the sources lack: the coverage check's business
            if named := self._size_of_name(parsed, fact):
                return Verdict(True, evidence=named)
            return Verdict(False, f"{shown}: not in the sources")
        reason, source = reasons[0]
        return Verdict(False, f"{shown}: {reason}", source)

    def _hedged_below_title(self, fact: _Fact, title: SourceSentence) -> str | None:
        """Why a figure a title gives bare ("connects facts across 400,000 tokens") cannot stand
        where its article bounds or hedges it ("documents of up to 400,000 tokens"): titles
        drop the words that articles keep. None where the claim keeps them too."""
        for source, other in self._parsed.items():
            if source.item != title.item or source.index < 0:
                continue
            for token in other.tokens:
                if not _same_term(fact.token, token):
                    continue
                role, approximate = _delta_role(other, token.position)
                if role == "at most" and fact.role != "at most":
                    return "the article gives it as 'up to'"
                if approximate and not fact.approximate:
                    return "the sources hedge it (about, nearly, roughly)"
        return None

    def _size_of_name(self, claim: _Parsed, fact: _Fact) -> SourceSentence | None:
        """The source sentence naming the model whose own name gives the claim's count of
        parameters, where that model is the name nearest before it ("Fenn 14B, a
        14-billion-parameter model"), or None ("Fenn 12B is a 14-billion-parameter model")."""
        if fact.unit != "parameters" or fact.token.value is None:
            return None
        before = [e for e in claim.entities if e.end <= fact.token.position]
        if not before:
            return None
        nearest = max(before, key=lambda entity: entity.end)
        sizes = {_number_token(size, "")[0] for size in nearest.sizes}
        words = [t.key for t in claim.tokens[fact.token.position + 1 :] if t.kind == "word"]
        scale = _MULTIPLIERS.get(words[0].split("-")[0], 1.0) if words else 1.0
        if fact.token.value * scale not in sizes and fact.token.value not in sizes:
            return None
        return next((s for s, other in self._parsed.items() if other.names(nearest)), None)

    def _fix_told_otherwise(self, fact: _Fact, claim: _Parsed) -> str | None:
        """Why a version every source gives only as the fix ("Vantor driver 551.20 fixes the
        leak") cannot stand in a clause that does not say so ("found up to 12 MB of data in
        Vantor 551.20", which reads as the version with the leak), or None."""
        if not fact.token.version or fact.version_role:
            return None
        roles = [
            _version_role(other, token.position)
            for other in self._parsed.values()
            for token in other.tokens
            if _same_term(fact.token, token)
        ]
        if not roles or any(role != {"fixed"} for role in roles):
            return None
        start, end = claim.segment(fact.token.position)
        if end - start <= APPOSITION_TOKENS:  # "Marten 610.3, released today, closes it"
            for _ in range(2):
                end = claim.segment(min(end + 1, len(claim.tokens) - 1))[1]
        if claim.keys_between(start, end) & (_FIXED | _RELEASED):
            return None
        return "the sources give this version only as the fix"

    def _disagreement(
        self, fact: _Fact, claim: _Parsed, source: SourceSentence, parsed: _Parsed, token: _Token
    ) -> str | None:
        position = token.position
        if fact.token.version:
            found = _version_role(parsed, position)
            if fact.version_role and found and not fact.version_role & found:
                return f"the sources say this version is {'/'.join(sorted(found))}"
            return None
        resolve = self._source_resolution(source)
        referent = self._referent(source)
        subjects = self._subjects(parsed, position, resolve, nearest=True, referent=referent)
        named = self._subjects(parsed, position, [], nearest=True, referent=[])
        versioned = named if any(e.version for e in named) else subjects
        if problem := self._other_version(fact, claim, versioned, parsed):
            return problem
        if fact.group and named:  # each member must be one the sentence names: "The company
            subjects = named  # says Pip 360M uses 250 MB" is not said of its sibling Pip 1.7B
        if subjects and all(e.head == "model" for e in subjects):
            subjects = subjects + resolve  # "for a 70B model": which one, the sentence before says
        if fact.token.date:
            return self._holder_problem(fact, subjects, parsed)
        holders = subjects
        if fact.role == "by" and fact.direction is not None:
            start, end = parsed.segment(position)
            holders = holders + [e for e in parsed.entities if start <= e.start < end]
            start, end = claim.segment(fact.token.position)
            sides = [e for e in claim.entities if start <= e.start < end]
            if any(self._same_party(side, holders) for side in sides):
                holders = holders + sides  # a difference belongs to both sides
        problem = self._holder_problem(fact, holders, parsed)
        if problem or fact.token.kind == "word":
            return problem
        if fact.unit and (unit := _unit(parsed, position)) and unit != fact.unit:
            return f"the sources give it in {unit}, not {fact.unit}"
        if problem := _measure_problem(claim, fact.token.position, parsed, position):
            return problem
        if _fronted_setting(parsed, position) and claim.following(fact.token.position, -1) != "at":
            return "the sources give it as the setting of another fact ('at ...')"
        if (
            fact.token.rank
            and (among := _rank_kind(claim, fact.token.position))
            and (among != _rank_kind(parsed, position))
        ):  # "the fourth-ranked open-weight model" is fourth among the open ones
            word = "open-weight" if among == "open" else "proprietary"
            return f"the sources do not rank it among the {word} models"
        if dropped := [words for words, stems, narrowing in _conditions(parsed, position, fact.unit)
                       if not stems & claim.stems or not narrowing <= claim.stems]:  # fmt: skip
            return f"the sources measure it on '{dropped[0]}', which it drops"
        if (said := _setting_claim(claim, fact.token.position)) and not _says(parsed, said):
            return "the sources give this setting with another fact"
        if (tied := _setting_figure(claim, fact.token.position)) and not any(
            _same_term(tied, other) for other in parsed.tokens
        ):  # "by 30 percent on older 8 GB cards" where 30 percent is the 16 GB card's
            return f"the sources give this setting with another figure than {tied.text}"
        if other := _for_phrase_owner(claim, fact.token.position, parsed, position):
            return f"the sources give '{other[0]}' to {other[1]}"
        role, approximate = _delta_role(parsed, position)
        strict = role in _STRICT_ROLES or fact.role in _STRICT_ROLES
        # a factor reads the same with or without "by": "2.2 times faster", "faster by 2.2 times"
        factor = {role, fact.role} <= {None, "by"} and _is_factor(parsed, position)
        if strict and role != fact.role and not factor and not self._derivable(fact, claim, role):
            return f"the sources say '{role or 'at'}', not '{fact.role or 'at'}'"
        if factor and (problem := _factor_problem(claim, fact.token.position, parsed, position)):
            return problem
        if approximate and not fact.approximate:
            return "the sources hedge it (about, nearly, roughly)"
        found = _direction(parsed, position, subjects)
        if fact.direction is None:
            return None
        _sense, word, _side = fact.direction
        if found is None:
            if word in _FIRST_PLACE and (
                parsed.keys & {"first", "top"}
                or any(t.rank and t.value == 1 for t in parsed.tokens)
            ):
                return None
            if self._derivable(fact, claim, None):
                return None
            if word in _CHANGE_UP and _is_factor(parsed, position) and (token.value or 0) > 1:
                return None  # "1.8 times the throughput of 4.6": it raised throughput 1.8 times
            if word in _CHANGE_UP | _CHANGE_DOWN:
                return f"the sources give no change ('{word}') for it"
            return f"the sources do not say '{word}'"
        both_first = word in _FIRST_PLACE and found[1] in _FIRST_PLACE
        if _gain_of_fall(claim, fact.token.position, parsed, position, word, found[1]):
            return None  # "improves median latency by 40 percent", where it was cut by 40
        if not self._same_direction(fact.direction, found) and not both_first:
            return f"the sources say '{found[1]}', not '{word}'"
        if _planned_at(parsed, position) and not _planned_at(claim, fact.token.position):
            return f"the sources say '{found[1]}' is planned, not done"
        return None

    def _other_version(
        self, fact: _Fact, claim: _Parsed, holders: list[_Entity], source: _Parsed
    ) -> str | None:
        """Why a fact the source gives to one version of a product ("Version 1.9 managed 7
        tokens per second", of Hearth) cannot be said of another version of it ("Hearth 2.0
        ran at 7 tokens per second"), or None. `holders` are those the source sentence itself
        names where one has a version, else whom it is about, before a maker stands in (which
        would join the two versions as one party). A version the claim names as a rival or a
        setting ("the throughput of Corral 4.6") is not its holder, and a word the claim denies
        ("4.0.0 was not affected") is the opposite of a fact given to it; nor is a version the
        source sentence gives on its own ("Tethers 3.2 to 3.4.1 are affected; 3.4.2 turns the
        shell tool off")."""
        if fact.token.kind == "word" and any(_negates(t) for t in claim.tokens):
            return None
        versions = {h.version: h for h in holders if h.version}
        own = {token.version for token in source.tokens if token.version}
        for entity in self._parties(fact.subjects, claim):
            if not entity.version or entity.version in versions or entity.version in own:
                continue
            if _compared_to(claim, entity):
                continue
            for version, holder in versions.items():
                if holder.head in ("model", entity.head):
                    return f"the sources give it to version {version}, not {entity.version}"
        return None

    def _holder_problem(self, fact: _Fact, holders: list[_Entity], parsed: _Parsed) -> str | None:
        """None when the source gives the fact to the claim's subject: one of them (each, for a
        group), or one of its parties (an organisation and its model)."""
        subjects = self._parties(fact.subjects)
        if not subjects:
            return None
        held = [self._same_party(entity, holders) for entity in subjects]
        if all(held) or (any(held) and not fact.group):
            return None
        missing = subjects[held.index(False)]
        rivals = [
            h.label
            for h in self._parties(holders)
            if h.head != "model" and not self._same_party(h, [missing])
        ]
        if rivals:
            return f"the sources give it to {rivals[0]}, not {missing.label}"
        if not holders and fact.token.kind == "word" and not fact.group:
            return None  # the source's sentence names nobody: nothing contradicts
        return f"the sources do not give it to {missing.label}"

    def _same_direction(
        self, claim: tuple[str, str, list[_Entity]], source: tuple[str, str, list[_Entity]]
    ) -> bool:
        """Told from the same side, the same sense; from the other side, the opposite one."""
        claim_sense, claim_word, claim_side = claim
        source_sense, source_word, source_side = source
        changes = _CHANGE_UP | _CHANGE_DOWN
        if claim_word in changes or source_word in changes:
            return claim_sense == source_sense  # "X raises Y's window" and "Y's window rose"
        claim_side, source_side = self._parties(claim_side), self._parties(source_side)
        if not claim_side or not source_side:
            return claim_sense == source_sense
        same_side = any(self._same_party(a, source_side) for a in claim_side)
        return (claim_sense == source_sense) == same_side

    def _derivable(self, fact: _Fact, claim: _Parsed, source_role: str | None) -> bool:
        """A comparison or a from/to the source does not state, but that follows from two numbers
        it gives ("4.8 percent, lower than Echo 2's 6.1" when the source gives both)."""
        if fact.direction is None or source_role in _STRICT_ROLES - {"from"}:
            return False
        sense, word, _ = fact.direction
        if word in _CHANGE_UP | _CHANGE_DOWN and fact.role != "from":
            return False
        others = [t for t in claim.numbers() if t is not fact.token and not t.date]
        if len(others) != 1 or fact.token.value is None or others[0].value is None:
            return False
        if fact.role == "from":  # "68.4, up from 61.2": the other number is the new one
            newer, older = others[0].value, fact.token.value
        else:
            newer, older = fact.token.value, others[0].value
        return newer > older if sense == "up" else newer < older

    def _planned(self, token: _Token, source: SourceSentence | None) -> str | None:
        """The plan word ("expected", "due", "will") the source's clause gives a version in,
        or None: "support is expected in version 0.4" is not "version 0.4 supports it"."""
        if source is None:
            return None
        parsed = self._parsed[source]
        for other in parsed.tokens:
            if _same_term(token, other):
                start, end = parsed.segment(other.position)
                found = [t.key for t in parsed.tokens[start:end] if t.key in _VERSION_PLANS]
                if found:
                    return found[0]
        return None

    def _attributing(self, source: SourceSentence, token: _Token) -> list[SourceSentence]:
        """The source sentence, when it attributes the number ("X says ... 58.2", "58.2, the
        company says", "the maintainers measured 1.8 times" in its clause): who says so must
        stay with it."""
        parsed = self._parsed[source]
        numbers = [t for t in parsed.tokens if _same_term(token, t)]
        last = parsed.segments()[-1] if parsed.segments() else (0, 0)
        for match in _ATTRIBUTION.finditer(parsed.text):
            at = len(_TOKEN.findall(parsed.text[: match.start()]))
            for number in numbers:
                if at <= number.position:
                    return [source]
                if at >= last[0] and not any(
                    t.kind == "number" for t in parsed.tokens[last[0] : last[1]]
                ):
                    return [source]  # "..., the company says."
        for match in _MEASURED_BY.finditer(parsed.text):
            start, end = parsed.segment(len(_TOKEN.findall(parsed.text[: match.start()])))
            if any(start <= number.position < end for number in numbers):
                return [source]
        return []

    # sentence-wide checks ----------------------------------------------------

    def _aligned(self, parsed: _Parsed) -> SourceSentence | None:
        """The source sentence sharing most content words with the sentence (rarer words
        weigh more)."""
        words = parsed.content
        if not words:
            return None
        best, best_score = None, 0.0
        for source, other in self._parsed.items():
            score = sum(1 / self._frequency.get(word, 1) for word in words & other.content)
            if score > best_score:
                best, best_score = source, score
        return best

    def _windows(self, sources: list[SourceSentence]) -> list[SourceSentence]:
        """The sources with their neighbours, each once, in order."""
        return list(dict.fromkeys(s for source in sources for s in self.evidence.window(source)))

    def _grounds(self, sources: list[SourceSentence]) -> list[_Parsed]:
        return [self._parsed[s] for s in self._windows(sources)]

    def _comparisons(
        self,
        parsed: _Parsed,
        subject: list[_Entity],
        attributed: list[SourceSentence],
        grounds: list[SourceSentence],
    ) -> Verdict:
        """A comparison or change without a number ("X beats Y", "prices fell") must be in a
        source sentence naming the same sides, told the same way round."""
        attached = set()  # direction words that go with a number: checked with it
        for number in parsed.numbers():
            if parsed.entity_at(number.position) is None and not number.date:
                found = _direction(parsed, number.position, subject)
                if found is not None:
                    attached.add(found[1])
        for start, end in parsed.segments():
            words = [
                t
                for t in parsed.tokens[start:end]
                if t.kind == "word"
                and (t.key in _UP or t.key in _DOWN)
                and t.key not in attached
                and t.key not in ("up", "down")  # "turned up", "broke down"
                and not _compares_numbers(parsed, t.position, end)
            ]
            topic = _topic(parsed, start, end) & self.evidence_stems if words else frozenset()
            for word in words:  # each: "reducing the size and making it faster" is two claims
                direction = _word_direction(parsed, word.position, subject)
                if direction is None:
                    continue
                named = [*direction[2], *(e for e in parsed.entities if start <= e.start < end)]
                sides = list(dict.fromkeys(named))
                grouped = _group_comparison(parsed, word.position, end, subject)
                planned = bool(parsed.keys_between(start, end) & _PLAN_MARKS)
                found = None if grouped else self._compared(direction, sides, planned, topic)
                if found == "absent":
                    return Verdict(False, f"the sources do not say '{direction[1]}'")
                if found == "planned":
                    return Verdict(False, f"the sources say '{direction[1]}' is planned, not done")
                if grouped is not None and not self._group_compared(grouped, topic):
                    kind = {"open": "open-weight ", "closed": "proprietary "}.get(grouped[2], "")
                    return Verdict(
                        False,
                        f"the sources do not compare it with the {kind}models that way "
                        f"('{word.key}')",
                    )
        return Verdict(True)

    def _group_compared(
        self, claim: tuple[str, list[_Entity], str | None], topic: frozenset[str] = frozenset()
    ) -> bool:
        """Whether a source sentence compares the claim's party with a group of the same
        kind, the same way round ("only three proprietary systems are ahead of it" is the
        party behind them, not ahead of them), and of the claim's `topic` where it has one
        (being behind them on a ranking is not having "fewer parameters than proprietary
        models")."""
        sense, party, kind = claim
        for source, other in self._parsed.items():
            if topic and not topic & other.stems:
                continue
            for token in other.tokens:
                if token.kind != "word" or token.key not in _COMPARE_UP | _COMPARE_DOWN:
                    continue
                found = _group_comparison(
                    other, token.position, len(other.tokens), self._referent(source),
                    whole_sentence=True,
                )  # fmt: skip
                if found is None or found[0] != sense:
                    continue
                if found[2] != kind and not (found[2] is None and kind is not None):
                    continue
                holders = self._parties(found[1]) or self._source_resolution(source)
                if not party or any(self._same_party(p, holders) for p in party):
                    return True
            # (not "the top paid system": that names the overall leader, of any kind)
            if sense == "up" and kind == "open" and _best_of_kind(other.tokens, kind):
                holders = self._parties(other.entities) or self._referent(source)
                if not party or any(self._same_party(p, holders) for p in party):
                    return True  # "the best open-weight result": ahead of every other open one
        return False

    def _compared(
        self,
        direction: tuple[str, str, list[_Entity]],
        sides: list[_Entity],
        planned: bool,
        topic: frozenset[str] = frozenset(),
    ) -> str | None:
        """None when a source sentence naming `sides` tells the direction the same way round,
        of the claim's `topic` where it has one (a source's smaller file does not bear out
        "raises perplexity less"); "planned" when the only ones that do tell it as a plan
        ("will cut prices next week") and the claim (not `planned`) as done; else "absent"."""
        # "faster" is told of speed: only a source's speed word can bear it out ("adds 2.7
        # percent" goes up too, but is not faster), and "slower" contradicts it
        measure = next((group for group in _MEASURES if direction[1] in group), None)
        found = "absent"
        for source, other in self._parsed.items():
            present = other.entities
            if other.keys & _OBJECT_PRONOUNS:  # "It is ahead of Dunmore 70B"
                present = [*present, *self._referent(source)]
            if not all(self._same_party(side, present) for side in sides):
                continue
            if topic and measure is None and not topic & other.stems:
                continue
            for token in other.tokens:
                if measure is not None and token.key not in measure:
                    continue
                if token.kind == "word" and (token.key in _UP or token.key in _DOWN):
                    if token.key in ("up", "down") and other.following(token.position) == "to":
                        continue
                    holders = self._subjects(other, token.position, self._source_resolution(source))
                    told = _word_direction(other, token.position, holders)
                    if told and self._same_direction(direction, told):
                        if planned or not _planned_at(other, token.position):
                            return None
                        found = "planned"
        return found

    def _superlatives(
        self,
        parsed: _Parsed,
        subject: list[_Entity],
        attributed: list[SourceSentence],
        grounds: list[SourceSentence],
    ) -> Verdict:
        near = set()
        for source in self._windows(grounds):
            other = self._parsed[source]
            # "It is the highest-ranked model ...": a sentence naming no party is its referent's
            holders = other.entities if self._parties(other.entities) else self._referent(source)
            if subject and not any(self._same_party(e, holders) for e in subject):
                continue  # a superlative of someone else
            near |= {_superlative(t.key) for t in other.tokens}
            if any(t.rank and t.value == 1 for t in other.tokens) or other.keys & _FIRST_PLACE:
                near.add("best")
        for token in parsed.tokens:
            kind = _superlative(token.key)
            if kind is None or (
                token.key == "first" and parsed.following(token.position) == "time"
            ):
                continue
            if token.key == "most" and parsed.following(token.position) in ("of", "people"):
                continue
            if kind not in near:
                return Verdict(False, f"the sources do not say '{token.key}'")
        return Verdict(True)

    def _done(self, parsed: _Parsed) -> str | None:
        """Why a sentence tells as done what every source gives as a plan ("the ministry
        requires a licence" where it "will require" one), or None. A sentence with a plan
        word of its own ("will", "plans", "expected") is not read."""
        if parsed.modal_keys & (_PLAN_MARKS | _PLAN_BEFORE | _HEDGING_MODALS | _WEIGHING):
            return None
        for token in parsed.tokens:
            if token.kind != "word" or token.name or token.key in _STOPWORDS or len(token.key) < 4:
                continue
            key = _stem(token.key)
            if self._only_planned(lambda _, t, key=key: t.kind == "word" and _stem(t.key) == key):
                return f"the sources say '{token.text}' is planned, not done"
        return self._obliged(parsed)

    def _only_planned(self, matches: Callable[[_Parsed, _Token], bool]) -> bool:
        """Whether the sources have a word that `matches` and a plan word governs every one
        ("will require")."""
        told = [
            _plan_governs(other, found.position)
            for other in self._parsed.values()
            for found in other.tokens
            if matches(other, found)
        ]
        return bool(told) and all(told)

    def _obliged(self, parsed: _Parsed) -> str | None:
        """Why a sentence tells as a present duty one that every source gives as a plan or a
        proposal ("need to apply for a licence" where the ministry "will require" one, "must
        publish" where a bill "would require" it), or None. Its own words of obligation need
        not be the sources' ("need to" for "require")."""
        duty = next((token for token in parsed.tokens if _obligation(parsed, token)), None)
        if duty is None:
            return None
        if self._only_planned(_obligation):
            return f"the sources say '{duty.text}' is planned, not a duty now"
        return None

    def _judgement(self, parsed: _Parsed) -> str | None:
        """Why a sentence judges where its sources report (`_JUDGEMENTS`: "impressive",
        "significant", "groundbreaking" that no source sentence uses), or None."""
        for token in parsed.tokens:
            if token.key in _JUDGEMENTS and _stem(token.key) not in self.evidence_stems:
                after = parsed.tokens[token.position + 1 : token.position + 4]
                if token.key in _ADVISING and {t.key for t in after} & _CHOICES:
                    continue  # advice, not a report: "a strong open-weight option in Fenn 14B"
                return f"the sources do not call it '{token.text}'"
        return None

    @cached_property
    def _spellings(self) -> set[str]:
        """The sources' stems in one spelling ("licenc" and "licens" alike)."""
        return {one_spelling(stem) for stem in self.evidence_stems}

    def _deed(self, parsed: _Parsed) -> str | None:
        """Why a name is given a deed its sources give to someone else, or None: "Probity has
        published them" where "Two of the four corpora's maintainers have since published
        cleaned versions". The word after a party (auxiliaries and adverbs aside) must stand,
        in some source sentence with that party, or in one about it (`_doers`); a word no
        source uses is other checks' to judge."""
        for entity in self._parties(parsed.entities, parsed):
            word = _deed_word(parsed, entity)
            if word is None or _stem(word.key) not in self.evidence_stems:
                continue
            if not self._same_party(entity, self._doers(_stem(word.key))):
                return f"the sources do not say {entity.label} {word.text} it"
        return None

    def _doers(self, word_stem: str) -> list[_Entity]:
        """Whom the source sentences with a word of `word_stem` may give it to: every party
        they name, and whom each sentence is about (`_source_resolution`), unless a doer of
        its own stands before the word ("Two of the four corpora's maintainers have since
        published"; "the team" or "its developers" may still be the subject's). Read once
        per stem: every sentence of every draft asks."""
        if word_stem in self._doers_of:
            return self._doers_of[word_stem]
        doers: list[_Entity] = []
        for source, other in self._parsed.items():
            for token in other.tokens:
                if token.kind != "word" or _stem(token.key) != word_stem:
                    continue
                doers += self._parties(other.entities)
                before = other.tokens[: token.position]
                own = any(
                    t.key in _MAKERS and not (n and before[n - 1].key in _OWNERS)
                    for n, t in enumerate(before)
                )
                if not own:
                    doers += self._source_resolution(source) + self._referent(source)
        self._doers_of[word_stem] = doers
        return doers

    def _runs_on(self, parsed: _Parsed) -> str | None:
        """Why a sentence runs a model on a name no source runs anything on, or None: "Nova 2
        32B runs on Hugging Face", where the weights only "land on Hugging Face" (a hub hosts
        files; hardware and services run models). A source sentence with the name must have
        a word of running (`_RUNNING`)."""
        for token in parsed.tokens:
            if token.key not in _RUNNING:
                continue
            after = parsed.tokens[token.position + 1 : token.position + 3]
            if not after or after[0].key not in ("on", "in", "via", "through"):
                continue
            at = after[0].position + 1
            if at < len(parsed.tokens) and parsed.tokens[at].key in ("a", "an", "the"):
                at += 1  # "runs on the Bramble cloud"; never past a number ("in about 2.1 GB")
            place = next((e for e in parsed.entities if e.start == at), None)
            if place is None or place.head in _UNITS:
                continue
            if not any(
                {t.key for t in other.tokens} & _RUNNING
                and any(place.matches(named) for named in other.entities)
                for other in self._parsed.values()
            ):
                named = " ".join(t.text for t in parsed.tokens[place.start : place.end])
                return f"the sources do not run it on {named}"
        return None

    def _absence(self, parsed: _Parsed) -> str | None:
        """Why a sentence says something is absent that no source speaks of ("use the clean
        versions without copyright concerns"), or None: of the content words a negation
        governs (`_negated_phrases`'s, up to two), one at least must be the sources'."""
        for index, token in enumerate(parsed.tokens):
            if not _negates(token):
                continue
            governed = _content_words(parsed, index + 1, 2)
            if governed and not any(one_spelling(_stem(w)) in self._spellings for w in governed):
                return f"the sources say nothing of '{' '.join(governed)}'"
        return None

    def _named_first(self, parsed: _Parsed) -> str | None:
        """Why a name set beside "the top model" or "the leading model" ("though the top
        model, Aster Pro 2, is proprietary"; "Aster Pro 2, the top model") cannot be first,
        or None: a source clause naming it, every word of its name ("Aster Ultra 2" is not
        "Aster Pro 2", nor is its maker "Aster AI"), must give it first place (#1, "leads",
        "first", "best"). The sentence's other checks read its subject, not this aside."""
        for entity in self._parties(parsed.entities, parsed):
            before = parsed.tokens[max(entity.start - 5, 0) : entity.start]
            after = parsed.tokens[entity.end : entity.end + 5]
            if before[-1:] and before[-1].key == ",":
                marks = before
            elif [t.key for t in after[:2]] == [",", "the"]:
                marks = after[2:4]
            else:
                continue
            aside = [t for t in marks if t.key in _FIRST_ASIDE and _first_mark(parsed, t)]
            if not aside:
                continue
            qualifiers = _qualifiers(parsed, aside[0])
            if not any(
                _placed_first(other, named, qualifiers)
                for other in self._parsed.values()
                for named in other.entities
                if entity.words <= named.words  # every word: no sibling's, no maker's
            ):
                name = " ".join(t.text for t in parsed.tokens[entity.start : entity.end])
                return f"the sources do not make {name} the top one"
        return None

    def _told_first(self, parsed: _Parsed) -> str | None:
        """Why a sentence gives a name a first place its sources narrow or never give, or
        None: "Fenn 14B is the top model at #6" where it is "the top open model at #6". A
        "top", "best" or "leading" before a place noun ("the top model", "the best open
        model"), or a verb of first place ("leads"), said of a name the sources know, needs
        a source that places it first with no narrowing word the sentence lacks."""
        for token in parsed.tokens:
            if token.key in _FIRST_ASIDE:
                ahead = [t.key for t in parsed.tokens[token.position + 1 : token.position + 4]]
                if not set(ahead) & _PLACE_NOUNS - {","} or not _first_mark(parsed, token):
                    continue
            elif token.key not in _FIRST_PLACE - {"leading"} or any(
                t.name for t in parsed.tokens[token.position + 1 : token.position + 3]
            ):
                continue  # "Birch 8B leads Wren 9B": a comparison, not first place
            if _beside_name(parsed, token):
                continue  # "the top model, Aster Ultra 2": an aside, `_named_first`'s
            parties = self._parties(parsed.entities, parsed)
            before = [e for e in parties if e.end <= token.position]
            owner = before[-1] if before else _owner(parsed, token)
            if owner is None or owner not in parties:
                continue
            known = [
                (other, named)
                for other in self._parsed.values()
                for named in other.entities
                if owner.words <= named.words
            ]
            qualifiers = _qualifiers(parsed, token)
            if known and not any(_placed_first(o, n, qualifiers) for o, n in known):
                name = " ".join(t.text for t in parsed.tokens[owner.start : owner.end])
                return f"the sources do not place {name} first like this ('{token.text}')"
        return None

    def _quantifiers(
        self,
        parsed: _Parsed,
        subject: list[_Entity],
        attributed: list[SourceSentence],
        grounds: list[SourceSentence],
    ) -> Verdict:
        """ "All", "both", "every", "never" claim more than a source that does not say them."""
        near = set()
        for other in self._grounds(grounds):
            near |= {_QUANTIFIERS.get(key) for key in other.keys}
        for token in parsed.tokens:
            kind = _QUANTIFIERS.get(token.key)
            if kind is None or kind in near:
                continue
            if token.key == "each" and parsed.following(token.position) in ("other",):
                continue
            if any(
                t.key in _COMPARE_UP | _COMPARE_DOWN
                for t in parsed.tokens[max(0, token.position - 3) : token.position]
            ):
                continue  # "ahead of every other open model": the group comparison's check
            if token.key == "both" and self._listed_pair(parsed, token.position):
                continue  # "fixes both X and Y": the two are checked as names
            return Verdict(False, f"the sources do not say '{token.key}'")
        return Verdict(True)

    def _listed_pair(self, parsed: _Parsed, position: int) -> bool:
        after = [e for e in parsed.entities if e.start > position]
        return len(after) >= 2 and [
            t.key for t in parsed.tokens[after[0].end : after[1].start]
        ] == ["and"]

    def _hedges(
        self,
        parsed: _Parsed,
        subject: list[_Entity],
        attributed: list[SourceSentence],
        grounds: list[SourceSentence],
    ) -> Verdict:
        """A hedged or planned verb of the source ("nearly matches", "expected to close") must
        stay hedged, and a leaning one ("prefer AI models", "recommends updating") must not
        become a must; what the source attributes ("the company says") must stay
        attributed."""
        claim_stems = {_stem(t.key): t.position for t in parsed.tokens if t.kind == "word"}
        claim_keys = parsed.modal_keys
        attributes = bool(
            _ATTRIBUTION.search(parsed.text)
            or _CLAIM_ATTRIBUTION.search(parsed.text)
            or _MEASURED_BY.search(parsed.text)
        )
        for source in grounds:
            tokens = self._parsed[source].tokens
            for position, token in enumerate(tokens):
                if (
                    token.key not in _VERB_HEDGES
                    and token.key not in _HEDGING_MODALS
                    and token.key not in _PREFERENCES
                ):
                    continue
                for target in tokens[position + 1 : position + 4]:
                    if target.kind != "word" or target.key in ("to", "be", "have", "the", "a"):
                        continue
                    where = claim_stems.get(_stem(target.key))
                    if where is None or target.key in _STOPWORDS:
                        break
                    source_object = {
                        _stem(t.key)
                        for t in tokens[target.position + 1 : target.position + 5]
                        if t.kind == "word" and t.key not in _STOPWORDS
                    }
                    claim_near = {
                        _stem(t.key)
                        for t in parsed.tokens[max(where - 4, 0) : where + 5]
                        if t.kind == "word" and t.key not in _STOPWORDS
                    }
                    if token.key in _PREFERENCES:  # what is preferred is named right after it
                        if not claim_keys & _LEANING:
                            leaning = f"{token.key} {target.key}"
                            return Verdict(False, f"the sources say '{leaning}', not a must")
                    elif source_object and claim_near and not source_object & claim_near:
                        break  # the hedge is about something else ("expect to release the weights")
                    elif token.key in _VERB_HEDGES:
                        lead_in = {t.key for t in parsed.tokens[max(where - 3, 0) : where]}
                        if not lead_in & (_VERB_HEDGES | _APPROXIMATE | {"close", "near"}):
                            return Verdict(False, f"the sources say '{token.key} {target.key}'")
                    elif not claim_keys & _HEDGING_MODALS and not attributes:
                        return Verdict(
                            False,
                            f"the sources say '{token.key} … {target.key}', not that it is so",
                        )
                    break
        if attributed and not attributes and not claim_keys & _HEDGING_MODALS:
            return Verdict(False, "the sources attribute it (who says so is left out)")
        return Verdict(True)

    def _covers(self, parsed: _Parsed, source: SourceSentence) -> bool:
        words = parsed.content
        return bool(words) and len(words & self._parsed[source].content) / len(words) >= 0.6

    def _coverage(self, parsed: _Parsed, grounds: list[SourceSentence]) -> Verdict:
        words = parsed.content
        if not words:
            return Verdict(True)
        held = set()
        for other in self._grounds(grounds):
            held |= other.content
        share = len(words & held) / len(words)
        if share < COVERAGE_NEEDED:
            missing = ", ".join(sorted(words - held)[:5])
            where = grounds[0] if grounds else None
            return Verdict(False, f"the sources do not say this ({missing})", where)
        return Verdict(True)


_SIDES = {
    "open-weight": "open",
    "open-weights": "open",
    "open-source": "open",
    "proprietary": "closed",
    "closed": "closed",
    "closed-weight": "closed",
    "closed-source": "closed",
}
_SIDE_SECOND_WORDS = {"weight", "weights", "source"}  # "Open Weight", "closed source"
# A sentence that gives a model's weights out: an open licence, or its weights published.
_OPEN_RELEASE = re.compile(
    r"\b(Apache|MIT|BSD|[AL]?GPL|CC[- ]BY|OpenRAIL|Llama \d+ Community|open[- ]source[ds]?|"
    r"open[- ]weights?|open models?|weights (are|were|is)|the weights|its weights|"
    r"open-sourc\w*)",
    re.IGNORECASE,
)


def _side(tokens: list[_Token], index: int) -> str | None:
    key = tokens[index].key
    if key in ("open", "closed") and index + 1 < len(tokens):
        return (
            ("open" if key == "open" else "closed")
            if tokens[index + 1].key in _SIDE_SECOND_WORDS
            else None
        )
    return _SIDES.get(key)


def _open_or_closed(parsed: _Parsed) -> list[tuple[_Entity, str]]:
    """The names a sentence calls open-weight or proprietary: "the proprietary X", "X, an
    open-weight model", "X is proprietary", and a listing's "X (Lab, Open Weight)"."""
    found = []
    tokens = parsed.tokens
    for index in range(len(tokens)):
        side = _side(tokens, index)
        if side is None:
            continue
        opening = next(
            (
                back
                for back in range(index - 1, max(index - 6, -1), -1)
                if tokens[back].text in "()"
            ),
            None,
        )
        if opening is not None and tokens[opening].text == "(":  # "X (Lab, Open Weight)"
            holder = parsed.entity_at(opening - 1) if opening else None
            if holder is not None:
                found.append((holder, side))
            continue
        after = next(
            (
                e
                for e in parsed.entities
                if index < e.start <= index + 2
                and all(t.key in {"model", "llm"} for t in tokens[index + 1 : e.start])
            ),
            None,
        )
        if after is not None:  # "the proprietary Nova 2 32B", "open-weight model Kite"
            found.append((after, side))
            continue
        back = index - 1
        while back >= 0 and tokens[back].key in {",", "a", "an", "the", "is", "are", "was"}:
            back -= 1
        holder = parsed.entity_at(back) if back >= 0 and back < index - 1 else None
        if holder is not None:  # "Halcyon-R2, an open-weight model", "Kite 7B is proprietary"
            found.append((holder, side))
    return found


# A group a model is compared with: "the proprietary models", "every other open model",
# "all rivals", "paid ones", "..., all proprietary".
_GROUP_NOUNS = set(
    """models model systems system rivals rival competitors peers ones others alternatives
    offerings entries llms contenders counterparts""".split()
)
_GROUP_KINDS = {**_SIDES, "paid": "closed", "commercial": "closed", "free": "open",
                "freely": "open", "downloadable": "open"}  # fmt: skip
_GROUP_QUANTIFIERS = {"all", "every", "other", "any", "each"}
_GROUP_WORDS = _GROUP_NOUNS | set(_GROUP_KINDS) | set(_SIDES) | _GROUP_QUANTIFIERS
_OBJECT_PRONOUNS = {"it", "them", "its", "itself"}
GROUP_WORDS = 6  # words read after (or before) a comparison word for the group it names


def _topic(parsed: _Parsed, start: int, end: int) -> frozenset[str]:
    """What a clause's comparison is about: the stems of its content words that are neither
    a name nor a direction word ("perplexity" in "Q2_X raises perplexity less than Q4_F");
    the caller keeps those the sources use (a verb of its own, "runs", tells nothing)."""
    return frozenset(
        _stem(token.key)
        for token in parsed.tokens[start:end]
        if token.kind == "word"
        and token.key not in _STOPWORDS
        and token.key not in _UP
        and token.key not in _DOWN
        and token.key not in _GROUP_WORDS
        and len(token.key) > 2
        and parsed.entity_at(token.position) is None
    )


def _group_at(tokens: list[_Token], indices: range | list[int]) -> tuple[bool, str | None]:
    """Whether the words at `indices` (read in that order from the comparison word) name a
    group of models rather than a model, and the group's kind ("open", "closed" or None)."""
    kind, quantified, noun = None, False, False
    for index in indices:
        token = tokens[index]
        if (
            token.name or token.kind == "number" or token.key in _OBJECT_PRONOUNS
            or (token.kind == "punct" and token.text != "-")
        ):  # fmt: skip
            break
        if token.key in _GROUP_KINDS or (
            token.key in ("open", "closed") and index + 1 < len(tokens)
            and tokens[index + 1].key in _GROUP_NOUNS | _SIDE_SECOND_WORDS
        ):  # fmt: skip
            kind = _GROUP_KINDS.get(token.key, "open" if token.key == "open" else "closed")
        quantified = quantified or token.key in _GROUP_QUANTIFIERS
        noun = noun or token.key in _GROUP_NOUNS
    grouped = (noun or quantified) and (kind is not None or (noun and quantified))
    return grouped, kind  # "..., all proprietary" is a group too


_BEST_WORDS = {"best", "top", "highest", "highest-ranked", "top-ranked", "leading", "strongest"}


def _rank_kind(parsed: _Parsed, position: int) -> str | None:
    """The kind a rank is told among ("fourth open-weight model", "second-ranked proprietary
    system"): a side word right after the ordinal, before a model noun; else None."""
    tokens = parsed.tokens
    for index in range(position + 1, min(position + 3, len(tokens))):
        if tokens[index].key in ("ranked", "-", "placed", "highest", "best", "among"):
            continue
        side = _side(tokens, index) or ("open" if tokens[index].key == "open" else None)
        following = tokens[index + 1].key if index + 1 < len(tokens) else ""
        if side and following in _GROUP_NOUNS | _SIDE_SECOND_WORDS:
            return side
        return None
    return None


def _best_of_kind(tokens: list[_Token], kind: str) -> bool:
    """Whether a sentence calls someone the best of a kind: "the best open-weight result",
    "the top open model", "the highest rank yet for open weights"."""
    for index, token in enumerate(tokens):
        if token.key in _BEST_WORDS:
            following = range(index + 1, min(index + 5, len(tokens)))
            if any(_GROUP_KINDS.get(tokens[at].key) == kind or _side(tokens, at) == kind
                   for at in following):  # fmt: skip
                return True
    return False


def _group_comparison(
    parsed: _Parsed,
    index: int,
    end: int,
    side: list[_Entity],
    whole_sentence: bool = False,
) -> tuple[str, list[_Entity], str | None] | None:
    """A comparison of a party with a group ("X surpassed the proprietary models"), told from
    the party's side: (sense, the party, the group's kind), or None when the comparison word
    at `index` names no group. A group before the word with no name between ("three
    proprietary systems are ahead of it") is on the other side: the sense turns. A source
    sentence (`whole_sentence`) may name its group after a comma ("behind only A, B and C,
    all proprietary")."""
    tokens = parsed.tokens
    sense = "up" if tokens[index].key in _UP else "down"
    start, segment_end = parsed.segment(index)
    starts = [index + 1]
    if whole_sentence:
        for at in range(index + 1, min(end, len(tokens))):
            if tokens[at].key in _COMPARE_UP | _COMPARE_DOWN:
                break
            if tokens[at].text == ",":
                starts.append(at + 1)
    stop = len(tokens) if whole_sentence else segment_end
    before = [e for e in parsed.entities if e.end <= index and e.start >= start]
    # a group before the word, with no name between, is the comparison's other side
    grouped_before, kind_before = (False, None) if before else _group_at(
        tokens, range(index - 1, max(start, index - GROUP_WORDS) - 1, -1)
    )  # fmt: skip
    for at in starts:
        grouped, kind = _group_at(tokens, range(at, min(at + GROUP_WORDS, stop)))
        if grouped:
            if grouped_before:
                return None  # one group against another: no party's claim
            return sense, [before[-1]] if before else side, kind
    if not grouped_before:
        return None
    following = [t.key for t in tokens[index + 1 : index + 3]]
    later = [e for e in parsed.entities if index < e.start < segment_end]
    party = side if _OBJECT_PRONOUNS & set(following) else later[:1]
    return ("down" if sense == "up" else "up"), party, kind_before


def _superlative(word: str) -> str | None:
    """The kind of a superlative word ("best", "first", "only", ...), or None."""
    if word in _SUPERLATIVES:
        return _SUPERLATIVES[word]
    head = word.split("-")[0]
    if head in _SUPERLATIVES and "-" in word:  # highest-scoring, best-selling
        return _SUPERLATIVES[head]
    return None


def _same_term(claim: _Token, source: _Token) -> bool:
    if claim.kind == "word":
        return source.kind == "word" and _stem(claim.key) == _stem(source.key)
    if claim.version or source.version:
        return (claim.version or claim.text) == (source.version or source.text)
    if claim.value is None or source.value is None or claim.rank != source.rank:
        return False
    if claim.value == source.value:
        return True
    # "131K" for 131,072 or "1.9 trillion" for 1,900,000,000,000: a rounding the claim's own
    # precision allows, or a binary K (128K for 131,072).
    digits = re.sub(r"(st|nd|rd|th)$", "", claim.text.lstrip("$€£#")).rstrip("%kKmMbBtT")
    if not re.fullmatch(r"[\d,]+(\.\d+)?", digits) or not float(digits.replace(",", "")):
        return False
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = claim.value / float(digits.replace(",", ""))
    if scale >= 1e3:
        if abs(claim.value - source.value) <= scale * 10**-decimals / 2:
            return True
        if scale == 1e3 and abs(claim.value / 1e3 * 1024 - source.value) < 1:
            return True
    return False
