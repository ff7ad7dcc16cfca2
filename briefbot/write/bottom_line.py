"""The Bottom Line: a one-sentence lede and 3 to 5 takeaways that connect the day's stories.

Code plans the connections, the model writes them: a small model asked for "takeaways" restates
one story per bullet, so the links are found first (stories that share a specific name, such as
a model released yesterday and ranked today; stories of one kind; stories of kinds that belong
together, such as a flaw and a tool to run models) and the model writes one sentence for each
(one call; the embedded model writes each labelled part in turn). Then each bullet is checked:

- it is traced to the stories whose facts it uses (a name or number that only some stories
  have), and "(from stories ...)" names exactly those; a bullet meant to connect stories must
  use two or more;
- every claim of it is checked against those stories (names and numbers present, then the
  claim-level verifier over their texts);
- it restates no summary's sentence.

A planned bullet that fails is replaced by a plain line of facts about the same stories
("Releases: Nova 2 32B (Apache 2.0), Halcyon-R2 (MIT)."), and a lede that fails by one that
counts the day's stories; so a day with two connections always has two bullets that draw on
two or more stories, and none is ever a model's unchecked sentence.

Own code, not a library's: planning and checking a synthesis is the writing briefbot exists for.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from briefbot.models import BottomLine, BottomLinePoint, Story, WrittenStory
from briefbot.pick.threads import story_names, title_names
from briefbot.sentences import split_sentences
from briefbot.write import checks
from briefbot.write.engine import Sampling, Section
from briefbot.write.evidence import Evidence, SourceSentence, story_evidence
from briefbot.write.grounding import Claim, SourceFacts, claims, name_spans
from briefbot.write.injection import has_link, looks_like_instructions
from briefbot.write.kinds import KIND_LABELS, Kind, story_kind
from briefbot.write.prompts import (
    BOTTOM_LINE_SCHEMA,
    bottom_line_example,
    bottom_line_messages,
    bullet_header,
    parse_json,
)
from briefbot.write.select import content_stems, is_content_word, is_impact_word
from briefbot.write.verify import Verifier, _known_names, parse, stem

log = logging.getLogger(__name__)

BULLETS = (3, 5)
LINKS = 4  # planned connections at most; single-story bullets only to reach BULLETS[0]
BULLET_WORDS = (6, 32)
BULLET_TOKENS = 56
# A bullet whose words are this much a title's or summary's, in 6-word runs, restates it:
# "Pellmar raises $14 million for on-device assistants, with plans to ..." copies 37%.
RESTATED_COPIED = 0.3
# A clause this much made of one title's or summary sentence's words is that sentence's again:
# "Tallow Labs doubles revenue, Dunmarrow court orders Quenby." lists two titles.
CLAUSE_RESTATED = 0.8
ECHO_SPAN = 3  # words in a row of the worked example or a planned reason, not the day's own
# A bullet that reports on the news rather than saying what it means ("... are discussed").
_META = re.compile(
    r"\b(?:are|is|were|was|get|gets|being)\s+(?:discussed|mentioned|highlighted|covered|"
    r"featured|examined|explored|reported)\b|\bexamples?\s+of\b|\bthe\s+(?:stories|news|"
    r"articles?)\s+(?:show|shows|discuss|cover|covers|highlight|highlights)\b"
    # a story filed under its kind ("... is a business deal", "is a security story")
    r"|\b(?:is|are|was|were)\s+(?:an?\s+)?(?:business|security|policy|research|tooling|"
    r"release|leaderboard|funding|financial|legal|regulatory)\s+(?:deal|deals|venture|"
    r"ventures|story|stories|move|moves|development|developments|event|events|matter|news|"
    r"update|updates|issue|issues)\b",
    re.IGNORECASE,
)
# A run of capitalised words and numbers: "Nova 2 32B", "Keelson 3.8", "Calyx 2", "In August".
_NAME_RUN = re.compile(r"\b[A-Z][\w+-]*(?:\s+(?:[A-Z][\w+-]*|\d(?:[\w.]*\w)?))+")
_ADVICE = {"update", "upgrade", "patch", "install", "switch", "move", "fix"}  # any advice's words
CANDIDATES = 2
_NUMBERS = re.compile(r"[\[(](?:stor(?:y|ies)\s*)?(\d+(?:\s*(?:,|and|&)\s*\d+)*)[\])]\s*\.?$", re.I)
LICENCES = re.compile(
    r"\b(Apache[ -]2\.0|MIT|BSD[- ]?\d?-?Clause|GPL-?\d(?:\.\d)?|AGPL-?\d(?:\.\d)?|"
    r"CC[- ]BY(?:-[A-Z]{2})*(?: \d\.\d)?|ODC-By|OpenRAIL\S*|Llama \d+ Community)\b"
)
_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")
# An amount with what it is per ("$0.60 per million input tokens", "$1.60 an hour"): a price
# shown bare reads as a deal's size.
_AMOUNT = re.compile(
    r"[$€£]\s?\d(?:[\d,.]*\d)?(?:\s?(?:million|billion|[MBK]\b))?"
    r"(?:\s(?:per|an|a)\s(?:million\s(?:input\s|output\s)?tokens|[\w-]+))?"
)
# A price change: "from $0.60 to $0.25 per million input tokens"; its new price is its fact
# (the first amount alone would be the old price).
_AMOUNT_CHANGE = re.compile(rf"from {_AMOUNT.pattern} to (?P<new>{_AMOUNT.pattern})")
_RANK = re.compile(r"#\d+")
# Kinds whose stories belong together in a takeaway, and what to call them.
FAMILIES = (
    ("Models", frozenset({Kind.RELEASE, Kind.LEADERBOARD})),
    ("Software that runs models", frozenset({Kind.TOOLING, Kind.SECURITY})),
    ("Money and rules", frozenset({Kind.BUSINESS, Kind.POLICY})),
    ("Data and models", frozenset({Kind.RESEARCH, Kind.RELEASE})),
    ("Research and rankings", frozenset({Kind.RESEARCH, Kind.LEADERBOARD})),
    ("Tools and research", frozenset({Kind.TOOLING, Kind.RESEARCH})),
)
# Where a bullet's clauses end, for `_Checker._binds_apart`; and what may stand between two
# names that are only listed together ("X and Y", "X, Y or Z", "models like X and Y").
# ("as" before an article is a preposition: "released as a single-node model" is one clause)
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2013\u2014]|\s-\s|\b(?:while|whereas|but|and then)\b|\bas\b(?!\s+(?:a|an|the)\b)"
)
_LISTED = re.compile(r"\s*(?:(?:and|or|&|as well as|plus)\s*)?", re.I)
_WORDS_OF_NAMES = re.compile(r"\b(?:[A-Z][\w.+'-]*|\d[\w.]*)")  # "Kairos-3 Large", "Nova 2 32B"
ONE_SIDED = 2  # words of one listed story's only that make a list's clause that story's
WIDE = 2  # bullets that draw on two or more stories, when the day has two stories or more

Ask = Callable[[list[dict[str, str]], list[Sampling], int, dict, tuple[Section, ...]], list[str]]


@dataclass(frozen=True)
class Link:
    """A planned bullet: the stories (numbered from 1) it connects, what they share (told to
    the model), and the label of its plain line of facts."""

    stories: tuple[int, ...]
    reason: str
    label: str

    @property
    def header(self) -> str:
        """The label the bullet is written after: its stories and what they share."""
        return bullet_header(self.stories, self.reason)


def request(stories: list[WrittenStory]) -> dict:
    """What the Bottom Line depends on: for the cache key."""
    return {
        "stories": [[w.story.lead.title, w.text.summary, w.text.why_it_matters] for w in stories]
    }


def write(
    stories: list[WrittenStory], ask: Ask, structured: bool, candidates: int = CANDIDATES
) -> BottomLine:
    """The day's Bottom Line (see the module's docstring); `ask` drafts it `candidates` times."""
    kinds = [story_kind(written.story) for written in stories]
    planned = plan(stories, kinds)
    if not planned:
        return BottomLine(factual_lede(kinds), (), True)
    messages = bottom_line_messages(stories, kinds, planned, structured=structured)
    draws = [Sampling(0.3, 11), Sampling(0.7, 12)][: max(1, min(candidates, CANDIDATES))]
    sections = (
        Section("LEDE:", 1, BULLET_TOKENS),
        *(Section(link.header, 1, BULLET_TOKENS) for link in planned),
    )
    tokens = BULLET_TOKENS * len(sections) + 20
    raws = ask(messages, draws, tokens, BOTTOM_LINE_SCHEMA, sections)
    drafts = [_parse(raw, structured) for raw in raws]
    if structured:  # a JSON string is whole: its last full stop may be left out
        drafts = [(_sentence(lede), [_sentence(b) for b in bullets]) for lede, bullets in drafts]
    checker = _Checker(stories)
    points, written_points = _points(stories, kinds, planned, drafts, checker)
    ledes = [lede for lede, _ in drafts if lede and checker.lede(lede)]
    if not ledes:
        log.debug("Bottom Line: no drafted lede passed: %s", [lede for lede, _ in drafts])
    lede = ledes[0] if ledes else factual_lede(kinds)
    return BottomLine(lede, tuple(points), fallback=not written_points and not ledes)


def _points(
    stories: list[WrittenStory],
    kinds: list[Kind],
    planned: list[Link],
    drafts: list[tuple[str, list[str]]],
    checker: _Checker,
) -> tuple[list[BottomLinePoint], int]:
    """The bullets, and how many of them the model wrote. One bullet per planned link: the
    first of its drafted bullets that passes, else its fact line. A bullet is shown with the
    stories it draws on; where those are another link's, it is that link's bullet (if that
    link has none of its own), so no fact line is crowded out and each link over two stories
    or more keeps a bullet over them. Single stories' fact lines then make up BULLETS[0]."""
    sets = [link.stories for link in planned]
    chosen: dict[int, BottomLinePoint] = {}

    def new(point: BottomLinePoint) -> bool:
        return all(point.stories != o.stories and point.text != o.text for o in chosen.values())

    for position, link in enumerate(planned):
        texts = [bullets[position] for _, bullets in drafts if position < len(bullets)]
        for text in texts:
            if position in chosen:
                break
            if (point := checker.bullet(text, link)) is None:
                continue
            owner = sets.index(point.stories) if point.stories in sets else position
            if owner not in chosen and new(point):
                chosen[owner] = point
    written = len(chosen)
    for position, link in enumerate(planned):
        if position not in chosen and new(line := fact_line(stories, kinds, link)):
            chosen[position] = line
    covered = {n for point in chosen.values() for n in point.stories}
    numbers = range(1, len(stories) + 1)
    for number in [n for n in numbers if n not in covered] + [n for n in numbers if n in covered]:
        if len(chosen) >= BULLETS[0]:
            break
        link = Link((number,), "what it means for them", KIND_LABELS[kinds[number - 1]])
        if new(line := fact_line(stories, kinds, link)):
            chosen[len(planned) + len(chosen)] = line  # after the planned links, in turn
    return [chosen[key] for key in sorted(chosen)], written


def _sentence(text: str) -> str:
    """The text ended as a sentence: a full stop where a JSON answer left it out."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def plan(stories: list[WrittenStory], kinds: list[Kind]) -> list[Link]:
    """Up to LINKS connections, those that tie stories by a name one of them is about first,
    then by kind, then by family of kinds, no two over the same stories; then single stories,
    best ranked first, until there are BULLETS[0] bullets."""
    found: list[Link] = []
    names = [story_names(w.story) | title_names(w.text.summary) for w in stories]
    having: dict[str, set[int]] = defaultdict(set)
    for number, story_names_ in enumerate(names, start=1):
        for name in story_names_:
            having[name].add(number)
    # A name ties stories only when one of them is about it: two releases that both give an
    # MMLU-Pro score are not "about MMLU-Pro" ("MMLU-Pro: a release and a release.").
    subjects = {subject(written).lower() for written in stories}
    for name, numbers in sorted(having.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        if len(numbers) > 1 and name in subjects:
            shown = _display(name, stories)
            both = "both name" if len(numbers) == 2 else "they all name"
            found.append(Link(tuple(sorted(numbers)), f"{both} {shown}", shown))
    by_kind: dict[Kind, list[int]] = defaultdict(list)
    for number, kind in enumerate(kinds, start=1):
        by_kind[kind].append(number)
    for kind, numbers in by_kind.items():
        if len(numbers) > 1:
            count = _COUNT_WORDS[len(numbers)] if len(numbers) < len(_COUNT_WORDS) else numbers
            found.append(Link(tuple(numbers), f"{count} {_KIND_NOUNS[kind][1]}", KIND_LABELS[kind]))
    for label, family in FAMILIES:  # only where names and kinds tie too few stories
        if len({frozenset(link.stories) for link in found}) >= WIDE:
            break
        members = [n for n, kind in enumerate(kinds, start=1) if kind in family]
        tied = {n for link in found for n in link.stories}
        fresh = [n for n in members if n not in tied]
        # the family's stories no link has yet, with one that has, of another kind
        other = [
            n for n in members if n in tied and kinds[n - 1] not in {kinds[f - 1] for f in fresh}
        ]
        numbers = sorted(fresh + other[:1]) if len(fresh) < 2 else fresh
        if len(numbers) > 1 and len({kinds[n - 1] for n in numbers}) > 1:
            found.append(Link(tuple(numbers), label.lower(), label))
    # A day whose stories share nothing yet: the best-ranked pairs, told to find the link.
    pairs = [(a, b) for a in range(1, len(stories) + 1) for b in range(a + 1, len(stories) + 1)]
    found += [Link(pair, "what they mean together", "Also today") for pair in pairs[:WIDE]]
    chosen: list[Link] = []
    for link in found:
        if len(chosen) == LINKS or (link.label == "Also today" and len(chosen) >= WIDE):
            break
        if all(set(link.stories) != set(c.stories) for c in chosen):
            chosen.append(link)
    covered = {n for link in chosen for n in link.stories}
    numbers = range(1, len(stories) + 1)
    for number in [n for n in numbers if n not in covered] + [n for n in numbers if n in covered]:
        if len(chosen) >= BULLETS[0]:
            break
        label = KIND_LABELS[kinds[number - 1]]
        chosen.append(Link((number,), "what it means for them", label))
    return chosen


def _names(text: str) -> list[tuple[int, int, str]]:
    """A bullet's names with where they stand: `name_spans`, and a run of a capitalised word
    and numbers that opens a sentence ("Nova 2 32B is ..."), which word by word reads as an
    ordinary first word and two numbers."""
    spans = name_spans(text)
    for match in _NAME_RUN.finditer(text):
        inside = any(start <= match.start() < end for start, end, _ in spans)
        if not inside and re.search(r"\s\d", match.group(0)):
            spans.append((match.start(), match.end(), match.group(0)))
    return sorted(spans)


def _display(name: str, stories: list[WrittenStory]) -> str:
    """A lower-case name as the stories spell it ("halcyon-r2" -> "Halcyon-R2")."""
    pattern = re.compile(re.escape(name).replace(r"\ ", r"\s+"), re.I)
    for written in stories:
        titles = [item.title for item in written.story.items]
        for text in (*titles, written.text.summary):
            if found := pattern.search(text):
                return found.group(0)
    return name


def _parse(raw: str, structured: bool) -> tuple[str, list[str]]:
    """(lede, bullets in order) of a draft: JSON, or LEDE: and BULLET (...): lines."""
    if structured or raw.lstrip().startswith("{"):
        data = parse_json(raw) or {}
        bullets = data.get("bullets")
        return str(data.get("lede", "")).strip(), [
            str(b).strip() for b in bullets if isinstance(b, str)
        ] if isinstance(bullets, list) else []
    lede, bullets = "", []
    for line in raw.splitlines():
        text = line.strip().lstrip("*-• ").replace("**", "")
        label, _, rest = text.partition(":")
        label = label.strip().lower()
        if label == "lede" and not lede:
            lede = rest.strip()
        elif label.startswith("bullet"):
            bullets.append(rest.strip())
    return lede, bullets


class _Checker:
    """Traces and checks bullets against the day's stories."""

    def __init__(
        self, stories: list[WrittenStory], echoes: frozenset[tuple[str, ...]] | None = None
    ) -> None:
        """`echoes`: the runs a text must not write back (default: `_echo_runs()`)."""
        self.stories = stories
        self._echoes = _echo_runs() if echoes is None else echoes
        self.texts = [[w.story.lead.title, w.text.summary, w.text.why_it_matters] for w in stories]
        self.facts = [SourceFacts.of(texts) for texts in self.texts]
        # and the notes' sentences: a bullet that is a note again says as little
        self.summary_sentences = [
            sentence
            for w in stories
            for sentence in split_sentences(f"{w.text.summary} {w.text.why_it_matters}")
        ] + [w.story.lead.title for w in stories]
        self._evidence = [story_evidence(w.story) for w in stories]
        own = [*(t for texts in self.texts for t in texts), *self.summary_sentences]
        own += [sentence.text for evidence in self._evidence for sentence in evidence.sentences]
        self._own_runs = {run for text in own for run in _runs(text)}
        self._own_words = {word for text in own for word in checks.words(text)}
        self._plain = " ".join(" ".join(own).lower().split())
        self._stems = [
            {
                stem(word)
                for text in [*texts, *(sentence.text for sentence in evidence.sentences)]
                for word in checks.words(text)
            }
            for texts, evidence in zip(self.texts, self._evidence, strict=True)
        ]

    def origins(self, text: str) -> list[int]:
        """The stories (numbered from 1) whose facts a text uses: each name or number it gives
        is given to the stories that have it; one that several have, to those of them the text
        pins by a fact no other has. Empty when a claim is in none of the stories."""
        found = [claim for claim in claims(text) if claim.kind in ("name", "number")]
        having = [
            {n for n, facts in enumerate(self.facts, start=1) if facts.supports(claim)}
            for claim in found
        ]
        if not found or any(not stories for stories in having):
            return []
        everyone = set(range(1, len(self.stories) + 1))
        if len(everyone) > 2:  # a word every story has ("AI", "models") pins none of them
            having = [stories for stories in having if stories != everyone]
            if not having:
                return []
        pinned = set().union(*(stories for stories in having if len(stories) == 1))
        origins: set[int] = set(pinned)
        for stories in having:
            if not stories & pinned:
                origins |= stories
        return sorted(origins)

    def bullet(self, line: str, link: Link) -> BottomLinePoint | None:
        """The bullet written for `link`, with the stories it draws on, or None when it fails
        a check (or was meant to connect stories and uses only one)."""
        point, refusal = self.judge(line, link)
        if refusal:
            log.debug("Bottom Line: a bullet for %s refused (%s): %s", link.header, refusal, line)
        return point

    def judge(self, line: str, link: Link) -> tuple[BottomLinePoint | None, str]:
        """(the bullet, "") when `line` passes every check, else (None, why it fails)."""
        text = _NUMBERS.sub("", line).strip()
        if not text.endswith((".", "!", "?")):
            return None, "cut off"  # where its tokens ran out
        text = checks.limit_sentences(text, 1)
        words = len(text.split())
        if not BULLET_WORDS[0] <= words <= BULLET_WORDS[1]:
            return None, f"{words} words"
        if not self._clean(text):
            return None, "a link or instructions"
        if not (text[:1].isupper() or text[:1].isdigit()):
            return None, "a fragment"  # "community project for ..."
        origins = self.origins(text)
        if not origins:
            return None, "a name or number in none of the stories"
        if len(link.stories) > 1 and len(origins) < 2:
            return None, f"draws on story {origins[0]} alone"
        if self._restates(text):
            return None, "restates a summary"
        if _META.search(text):
            return None, "talks about the stories instead of what they mean"
        if made_up := self._made_up_name(text):
            return None, f"names a model no story names ({made_up})"
        if echo := self._echo(text):
            return None, f"echoes the worked example or its instructions ({echo})"
        if self._binds_apart(text):
            return None, "ties one story's fact to another's name"
        if not self._verified(text, origins):
            return None, "a claim its stories do not support"
        return BottomLinePoint(text, tuple(origins)), ""

    def lede(self, text: str) -> bool:
        text = text.strip()
        if not text.endswith((".", "!", "?")):
            return False  # cut off where its tokens ran out
        if not 6 <= len(text.split()) <= 32 or not self._clean(text) or self._restates(text):
            return False
        if self._echo(text):
            return False
        found = [claim for claim in claims(text) if claim.kind in ("name", "number")]
        origins = self.origins(text) if found else list(range(1, len(self.stories) + 1))
        return bool(origins) and self._verified(text, origins)

    def _binds_apart(self, text: str) -> bool:
        """True when one clause ties a name of one story to a name of another that no source
        sentence names together, other than as a list ("X and Y ..."): "Halcyon-R2 and Kairos-3
        can be run on Intel Arc GPUs" gives story 3's hardware to the models of stories 1 and 2.
        Each story's sources check its own claims, so only this sees a fact carried across.
        """
        everyone = set(range(1, len(self.stories) + 1))
        breaks = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text) + 1]
        clauses: dict[int, list[tuple[int, int, str, set[int]]]] = defaultdict(list)
        for start, end, name in _names(text):
            having = {
                n
                for n, facts in enumerate(self.facts, start=1)
                if facts.supports(Claim("name", name))
            }
            if having and having != everyone:
                clause = next(i for i, stop in enumerate(breaks) if stop > start)
                clauses[clause].append((start, end, name, having))
        for clause, named in clauses.items():
            for first, second in itertools.combinations(named, 2):
                (_, end, one, mine), (start, _, other, theirs) = first, second
                listed = _LISTED.fullmatch(_WORDS_OF_NAMES.sub(" ", text[end:start]))
                if mine & theirs:
                    continue
                if listed:
                    said = text[breaks[clause - 1] : breaks[clause]]
                    if self._said_of_one(said, mine, theirs):
                        return True
                    continue
                pair = (one.lower(), other.lower())
                if not any(
                    all(name in sentence.text.lower() for name in pair)
                    for evidence in self._evidence
                    for sentence in evidence.sentences
                ):
                    return True
        return False

    def _said_of_one(self, clause: str, mine: set[int], theirs: set[int]) -> bool:
        """True when a clause that lists names of two stories ("Sprocket 2 and Jotter 5.2.1 can
        convert models") says of them ONE_SIDED content words or more (`select.content_stems`)
        that one side's stories have and the other's do not: the fact is one story's, given
        to the list. One such word alone may be an ordinary word one story happens to use."""
        words = content_stems(_WORDS_OF_NAMES.sub(" ", clause))
        sides = [
            set().union(*(self._stems[number - 1] for number in side)) for side in (mine, theirs)
        ]
        return sum((word in sides[0]) != (word in sides[1]) for word in words) >= ONE_SIDED

    def _made_up_name(self, text: str) -> str:
        """A name with a number or size that no story's texts give, made of parts of names
        that they do: "Tallow 3 32B" from Tallow Labs and Vesper 3 32B, "Calyx 2" for Calyx
        12B. A run of capitalised words and numbers passes when one of its tails from a
        capitalised word is in the day's texts ("Consider Nova 2 32B", "In August 2026").
        "" when none."""
        for match in _NAME_RUN.finditer(text):
            words = match.group(0).split()
            while words and not any(char.isdigit() for char in words[-1]):
                words.pop()  # up to its last number: "Nova 2 32B", not "Nova 2 32B Instruct"
            if len(words) < 2:
                continue
            tails = [
                " ".join(words[start:]).lower()
                for start in range(len(words) - 1)
                if words[start][:1].isupper()
            ]
            if tails and not any(_in_words(tail, self._plain) for tail in tails):
                return " ".join(words)
        return ""

    def _echo(self, text: str) -> str:
        """A run of ECHO_SPAN words that the text takes from the worked example's lede and
        bullets or from a planned connection's reason, that no text of the day has, and that
        holds a content word the day's texts never use ("safely" of "but running them safely
        still requires attention", from the example's lede). Words any advice uses ("should
        update to") are not counted. "" when none."""
        for run in _runs(text):
            if (
                run in self._echoes
                and run not in self._own_runs
                and any(
                    is_content_word(word)
                    and not is_impact_word(word)
                    and word not in _ADVICE
                    and word not in self._own_words
                    for word in run
                )
            ):
                return " ".join(run)
        return ""

    def _clean(self, text: str) -> bool:
        return not has_link(text) and not looks_like_instructions(text)

    def _restates(self, text: str) -> bool:
        """A summary's or note's sentence or a title again: most of its words (Jaccard over
        0.55), or over RESTATED_COPIED of the text's words in 6-word runs copied from one of
        them or from several together (a bullet that joins the halves of two summaries says
        nothing new)."""
        words = set(checks.words(text))
        for sentence in self.summary_sentences:
            other = set(checks.words(sentence))
            if not other:
                continue
            if len(words & other) / len(words | other) > 0.55:
                return True
        copied = checks.copied_share(text, "\n".join(self.summary_sentences), span=6)
        return copied > RESTATED_COPIED or self._clauses_restated(text)

    def _clauses_restated(self, text: str) -> bool:
        """True when every clause of the text is made of one title's or summary sentence's
        words (CLAUSE_RESTATED of them or more): the day's headlines listed, not connected."""
        clauses = [_stems(c) for c in _CLAUSE_BREAK.split(text) if c and c.strip()]
        clauses = [c for c in clauses if len(c) >= 2]
        sentences = [set(_stems(sentence)) for sentence in self.summary_sentences]
        return bool(clauses) and all(
            any(sum(w in sentence for w in clause) >= CLAUSE_RESTATED * len(clause)
                for sentence in sentences)
            for clause in clauses
        )  # fmt: skip

    def _verified(self, text: str, origins: list[int]) -> bool:
        sentences: list[SourceSentence] = []
        for number in origins:
            written = self.stories[number - 1]
            url = written.story.lead.url
            for index, sentence in enumerate(
                split_sentences(f"{written.text.summary}\n{written.text.why_it_matters}")
            ):
                sentences.append(SourceSentence(sentence, 1000 + number, index, url))
            sentences += self._evidence[number - 1].sentences
        verdicts = Verifier(Evidence(tuple(sentences))).check_text(text, summary=False)
        return all(verdict.ok for verdict in verdicts)


def subject(written: WrittenStory) -> str:
    """What a story is about: the specific name most of its titles give ("Halcyon-R2",
    "Nova 2 32B"; the lead title's first on a tie), else the title's first name (one with a
    number first), else the summary's, else the title."""
    story = written.story
    counts: dict[str, int] = defaultdict(int)
    for item in story.items:
        for name in title_names(item.title, story.sources):
            counts[name] += 1
    lead = story.lead.title.lower()
    if counts:
        best = max(counts, key=lambda name: (counts[name], -_position(lead, name)))
        return _widened(_display(best, [written]), story)
    title = story.lead.title
    known = _known_names([title, story.lead.best_text, written.text.summary])
    for text in (title, written.text.summary):
        parsed = parse(text, known)
        spans = [
            " ".join(t.text for t in parsed.tokens[e.start : e.end]).strip(" ,:;'\u2019")
            for e in parsed.entities
        ]
        spans = [  # not a bare size ("3B") or a licence ("Apache 2.0")
            span
            for span in spans
            if re.search(r"[A-Za-z]{2}", span) and not LICENCES.fullmatch(span)
        ]
        with_numbers = [span for span in spans if re.search(r"\d", span)]
        if with_numbers or spans:
            return (with_numbers or spans)[0].removesuffix("'s")
    return title.split(":")[0]


def _widened(name: str, story: Story) -> str:
    """A name with the capitalised words the lead title sets before it, where the items' texts
    write them together too: "Marlow Coder 2 15B", not "Coder 2 15B" (the name finder reads
    "Marlow" as an ordinary capitalised word)."""
    texts = story.texts
    title = story.lead.title
    while (at := title.find(name)) > 0:
        words = title[:at].split()
        wider = f"{words[-1]} {name}" if words and words[-1][:1].isupper() else ""
        if not wider or wider not in texts:
            break
        name = wider
    return name


def _position(text: str, name: str) -> int:
    found = text.find(name)
    return found if found >= 0 else len(text)


def _detail(written: WrittenStory, kind: Kind) -> str:
    """One fact of the story's own text that tells its kind: a licence, a fixed version, a
    rank, an amount."""
    text = f"{written.story.lead.title} {written.text.summary}"
    pattern = {
        Kind.RELEASE: LICENCES,
        Kind.RESEARCH: LICENCES,
        Kind.SECURITY: _VERSION,
        Kind.TOOLING: _VERSION,
        Kind.LEADERBOARD: _RANK,
        Kind.BUSINESS: _AMOUNT,
    }.get(kind)
    if pattern is None:
        return ""
    changed = kind is Kind.BUSINESS and _AMOUNT_CHANGE.search(text)
    found = pattern.search(text)
    value = changed.group("new") if changed else found.group(0).strip() if found else ""
    if kind is Kind.SECURITY and value:
        fixed = re.search(r"\bfix|\bpatch", text, re.I)
        if value in subject(written):
            return "the fix" if fixed else ""
        return f"fixed in {value}" if fixed else value
    return value if value and value not in subject(written) else ""


def fact_line(stories: list[WrittenStory], kinds: list[Kind], link: Link) -> BottomLinePoint:
    """A link's plain line of facts. For stories of a kind or family: its label, then each
    story's subject with one fact of its kind ("Releases: Nova 2 32B (Apache 2.0) and
    Halcyon-R2 (MIT)."). For stories tied by a name: what each story is for that name, by
    `_name_fact` ("Halcyon-R2: #4 on BenchLM and a release (MIT)."), no fact that might be
    another's."""
    if link.reason.startswith(("both name", "they all name")):
        parts = [_name_fact(stories[n - 1], kinds[n - 1], link.label) for n in link.stories]
        return BottomLinePoint(f"{link.label}: {_listed(parts)}.", link.stories)
    parts: list[str] = []
    for number in link.stories:
        written, kind = stories[number - 1], kinds[number - 1]
        name, detail = subject(written), _detail(written, kind)
        part = f"{name} ({detail})" if detail else name
        if part not in parts:
            parts.append(part)
    return BottomLinePoint(f"{link.label}: {_listed(parts)}.", link.stories)


def _name_fact(written: WrittenStory, kind: Kind, name: str) -> str:
    """What one story is for a name several stories share: its rank in a leaderboard
    story's snapshot listing ("#4 on BenchLM", data, not text), else the kind of story, with
    its kind's fact where the story is about that name ("a release (MIT)"); of a story about
    someone else only that it names it ("named in the Gale Max story"): its kind and facts are
    the other subject's."""
    if kind is Kind.LEADERBOARD:
        row = re.compile(rf"^#(\d+) {re.escape(name)} \(", re.M | re.I)
        for item in written.story.items:
            if item.source_type == "leaderboard" and (found := row.search(item.text or "")):
                return f"#{found.group(1)} on {item.source}"
    about = subject(written)
    if about.lower() != name.lower():  # the name only stands in another's story
        return f"named in the {about} story"
    noun = _KIND_NOUNS[kind][0]
    noun = ("an " if noun[0] in "aeiou" else "a ") + noun
    detail = _detail(written, kind)
    return f"{noun} ({detail})" if detail else noun


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_COUNT_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_KIND_NOUNS = {
    Kind.RELEASE: ("release", "releases"),
    Kind.SECURITY: ("security story", "security stories"),
    Kind.LEADERBOARD: ("leaderboard story", "leaderboard stories"),
    Kind.TOOLING: ("tooling story", "tooling stories"),
    Kind.BUSINESS: ("business story", "business stories"),
    Kind.POLICY: ("policy story", "policy stories"),
    Kind.RESEARCH: ("research or data story", "research and data stories"),
}


def factual_lede(kinds: list[Kind]) -> str:
    """'Today: two releases, one security story and one leaderboard story.'"""
    counts: dict[Kind, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    parts = [
        f"{_COUNT_WORDS[n] if n < len(_COUNT_WORDS) else n} {_KIND_NOUNS[kind][n != 1]}"
        for kind, n in counts.items()
    ]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Today: {listed}."


def _runs(text: str) -> set[tuple[str, ...]]:
    """The text's runs of ECHO_SPAN words that hold a content word."""
    said = checks.words(text)
    return {
        run
        for run in (tuple(said[i : i + ECHO_SPAN]) for i in range(len(said) - ECHO_SPAN + 1))
        if any(is_content_word(word) for word in run)
    }


@cache
def _echo_runs() -> frozenset[tuple[str, ...]]:
    """The runs of the worked example's lede and bullets and of every reason a connection may
    be planned with (`plan`), which the model is shown and must not write back."""
    example = bottom_line_example()
    texts = [example["lede"], *example["bullets"], *(link["reason"] for link in example["links"])]
    texts += ["what it means for them", "what they mean together"]
    texts += [label.lower() for label, _ in FAMILIES]
    texts += [f"two {plural}" for _, plural in _KIND_NOUNS.values()]
    return frozenset(run for text in texts for run in _runs(text))


def _stems(text: str) -> list[str]:
    return [stem(word) for word in checks.words(text)]


def _in_words(phrase: str, text: str) -> bool:
    """The phrase stands in the text as whole words ("calyx 2" is not in "calyx 20b")."""
    return re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w.])", text) is not None
