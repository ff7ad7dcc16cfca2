"""The Bottom Line: a one-sentence lede and 3 to 5 takeaways that connect the day's stories.

The model drafts it from the stories' titles, summaries and notes; the drafts' bullets are then
checked one by one, and a Bottom Line is assembled from those that pass:

- each bullet is traced to the stories whose facts it uses (a name or number that only some
  stories have), and "(from stories ...)" names exactly those;
- every claim of a bullet is checked against those stories (names and numbers present, then
  the claim-level verifier over their texts);
- no bullet restates a summary's sentence, no two bullets rest on the same single story, and
  at least two bullets draw on two or more stories.

When the drafts do not give that, the Bottom Line is plain facts instead: one line per kind of
story ("Releases: Nova 2 32B (Apache 2.0), Halcyon-R2 (MIT).") and a lede that counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefbot.models import BottomLine, BottomLinePoint, WrittenStory
from briefbot.write import checks
from briefbot.write.engine import Sampling, Section
from briefbot.sentences import split_sentences
from briefbot.write.evidence import Evidence, SourceSentence, story_evidence
from briefbot.write.grounding import SourceFacts, claims
from briefbot.write.injection import has_link, looks_like_instructions
from briefbot.write.kinds import KIND_LABELS, Kind, story_kind
from briefbot.write.prompts import BOTTOM_LINE_SCHEMA, bottom_line_messages, parse_json
from briefbot.write.verify import Verifier, _known_names, parse

MAX_TOKENS = 260
BULLETS = (3, 5)
BULLET_WORDS = (6, 32)
CANDIDATES = 2
_NUMBERS = re.compile(r"[\[(](?:stor(?:y|ies)\s*)?(\d+(?:\s*(?:,|and|&)\s*\d+)*)[\])]\s*\.?$", re.I)
_LICENCES = re.compile(
    r"\b(Apache[ -]2\.0|MIT|BSD[- ]?\d?-?Clause|GPL-?\d(?:\.\d)?|AGPL-?\d(?:\.\d)?|"
    r"CC[- ]BY(?:-[A-Z]{2})*(?: \d\.\d)?|ODC-By|OpenRAIL\S*|Llama \d+ Community)\b"
)
_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")
_AMOUNT = re.compile(r"[$€£]\s?\d[\d,.]*\s?(?:million|billion|[MBK]\b)?")
_RANK = re.compile(r"#\d+")

Ask = Callable[[list[dict[str, str]], list[Sampling], int, dict, tuple[Section, ...]], list[str]]
SECTIONS = (Section("LEDE:", 1, 40), *(Section("BULLET:", 1, 40) for _ in range(BULLETS[1])))


def request(stories: list[WrittenStory]) -> dict:
    """What the Bottom Line depends on: for the cache key."""
    return {
        "stories": [[w.story.lead.title, w.text.summary, w.text.why_it_matters] for w in stories]
    }


def write(
    stories: list[WrittenStory], ask: Ask, structured: bool, candidates: int = CANDIDATES
) -> BottomLine:
    kinds = [story_kind(written.story) for written in stories]
    messages = bottom_line_messages(stories, kinds, structured=structured)
    draws = [Sampling(0.3, 11), Sampling(0.7, 12)][: max(1, min(candidates, CANDIDATES))]
    drafts = [
        _parse(raw, structured) for raw in ask(messages, draws, MAX_TOKENS, BOTTOM_LINE_SCHEMA)
    ]
    checker = _Checker(stories)
    bullets = [point for _, lines in drafts for line in lines if (point := checker.bullet(line))]
    chosen = assemble(bullets)
    ledes = [lede for lede, _ in drafts if lede and checker.lede(lede)]
    if chosen is None:
        return BottomLine(factual_lede(kinds), tuple(fallback_points(stories, kinds)), True)
    lede = ledes[0] if ledes else factual_lede(kinds)
    return BottomLine(lede, tuple(chosen))


def _parse(raw: str, structured: bool) -> tuple[str, list[str]]:
    """(lede, bullets) of a draft: JSON, or LEDE:/BULLET: lines."""
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
        if label.strip().lower() == "lede" and not lede:
            lede = rest.strip()
        elif label.strip().lower() == "bullet" and rest.strip():
            bullets.append(rest.strip())
    return lede, bullets


class _Checker:
    """Traces and checks bullets against the day's stories."""

    def __init__(self, stories: list[WrittenStory]) -> None:
        self.stories = stories
        self.texts = [[w.story.lead.title, w.text.summary, w.text.why_it_matters] for w in stories]
        self.facts = [SourceFacts.of(texts) for texts in self.texts]
        self.summary_sentences = [
            sentence for w in stories for sentence in split_sentences(w.text.summary)
        ]
        self._evidence = [story_evidence(w.story) for w in stories]

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
        pinned = set().union(*(stories for stories in having if len(stories) == 1))
        origins: set[int] = set(pinned)
        for stories in having:
            if not stories & pinned:
                origins |= stories
        return sorted(origins)

    def bullet(self, line: str) -> BottomLinePoint | None:
        text = checks.limit_sentences(_NUMBERS.sub("", line).strip(), 1)
        words = len(text.split())
        if not BULLET_WORDS[0] <= words <= BULLET_WORDS[1] or not self._clean(text):
            return None
        origins = self.origins(text)
        if not origins or self._restates(text) or not self._verified(text, origins):
            return None
        return BottomLinePoint(text, tuple(origins))

    def lede(self, text: str) -> bool:
        text = text.strip()
        if not 6 <= len(text.split()) <= 32 or not self._clean(text) or self._restates(text):
            return False
        found = [claim for claim in claims(text) if claim.kind in ("name", "number")]
        origins = self.origins(text) if found else list(range(1, len(self.stories) + 1))
        return bool(origins) and self._verified(text, origins)

    def _clean(self, text: str) -> bool:
        return not has_link(text) and not looks_like_instructions(text)

    def _restates(self, text: str) -> bool:
        words = set(checks.words(text))
        for sentence in self.summary_sentences:
            other = set(checks.words(sentence))
            if not other:
                continue
            if len(words & other) / len(words | other) > 0.55:
                return True
            if checks.copied_share(text, sentence, span=6) > 0.4:
                return True
        return False

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


def assemble(bullets: list[BottomLinePoint]) -> list[BottomLinePoint] | None:
    """3 to 5 distinct bullets, those drawing on several stories first, no two resting on the
    same single story; None unless at least two draw on two or more stories."""
    distinct_texts = checks.distinct([point.text for point in bullets], overlap=0.5)
    candidates = [next(p for p in bullets if p.text == text) for text in distinct_texts]
    wide = [p for p in candidates if len(p.stories) > 1]
    narrow = [p for p in candidates if len(p.stories) == 1]
    chosen: list[BottomLinePoint] = []
    seen_sets: set[tuple[int, ...]] = set()
    for point in wide + narrow:
        if len(chosen) == BULLETS[1]:
            break
        if point.stories in seen_sets:
            continue
        seen_sets.add(point.stories)
        chosen.append(point)
    if len(chosen) < BULLETS[0] or sum(len(p.stories) > 1 for p in chosen) < 2:
        return None
    return chosen


def subject(written: WrittenStory) -> str:
    """What a story is about, as its title names it: its first name with a number or version
    ("Nova 2 32B", "TensorHarbor 1.7.3"), else its first name."""
    title = written.story.lead.title
    parsed = parse(title, _known_names([title, written.story.lead.best_text, written.text.summary]))
    spans = [
        " ".join(t.text for t in parsed.tokens[e.start : e.end]).strip(" ,:;'’")
        for e in parsed.entities
    ]
    with_numbers = [span for span in spans if re.search(r"\d", span)]
    return (with_numbers or spans or [title.split(":")[0]])[0].removesuffix("'s")


def _detail(written: WrittenStory, kind: Kind) -> str:
    """One fact of the story's own text that tells its kind: a licence, a fixed version, a
    rank, an amount."""
    text = f"{written.story.lead.title} {written.text.summary}"
    pattern = {
        Kind.RELEASE: _LICENCES,
        Kind.RESEARCH: _LICENCES,
        Kind.SECURITY: _VERSION,
        Kind.TOOLING: _VERSION,
        Kind.LEADERBOARD: _RANK,
        Kind.BUSINESS: _AMOUNT,
    }.get(kind)
    if pattern is None:
        return ""
    found = pattern.search(text)
    value = found.group(0).strip() if found else ""
    if kind is Kind.SECURITY and value:
        return f"fixed in {value}" if re.search(r"\bfix", text, re.I) else value
    return value if value and value not in subject(written) else ""


def fallback_points(stories: list[WrittenStory], kinds: list[Kind]) -> list[BottomLinePoint]:
    """One factual line per kind of story, in the order the kinds first appear."""
    by_kind: dict[Kind, list[int]] = {}
    for number, kind in enumerate(kinds, start=1):
        by_kind.setdefault(kind, []).append(number)
    points = []
    for kind, numbers in by_kind.items():
        parts = []
        for number in numbers:
            written = stories[number - 1]
            detail = _detail(written, kind)
            parts.append(f"{subject(written)} ({detail})" if detail else subject(written))
        points.append(BottomLinePoint(f"{KIND_LABELS[kind]}: {', '.join(parts)}.", tuple(numbers)))
    return points[: BULLETS[1]]


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
