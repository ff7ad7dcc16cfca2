"""Token presence: every number, name and quoted phrase of a text, looked up in the sources.

A small model asked to summarise will now and then add a parameter count, a rank, a company or
a quote that the article never gave. This finds those claims by their shape (a number, a
capitalised or CamelCase name, a model id with digits, a phrase in quotation marks) and looks
each one up in what was collected for the story. It is the first, coarse check: the claim-level
verifier (`verify.py`) and the Bottom Line's checks (`bottom_line.py`) build on it, since a
number present somewhere can still be given to the wrong subject or role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)*")
_NAME = re.compile(r"[A-Za-z0-9][\w.+'-]*")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")
_WORD = re.compile(r"[a-z0-9]+")

# Words a note may use without a source: general terms, not claims about the story.
GENERAL_TERMS = frozenset(
    """ai llm llms gpu gpus cpu cpus api apis ram vram json sdk ui cli os pc pcs mac
    i it the a an this that these those its their his her our we you they
    open source open-source developers users teams researchers""".split()
)
NUMBER_WORDS = {
    word: value
    for value, words in enumerate(
        (
            "zero",
            "one first single",
            "two second twice double",
            "three third triple",
            "four fourth",
            "five fifth",
            "six sixth",
            "seven seventh",
            "eight eighth",
            "nine ninth",
            "ten tenth",
            "eleven eleventh",
            "twelve twelfth dozen",
        )
    )
    for word in words.split()
}


@dataclass(frozen=True)
class SourceFacts:
    """What a story's sources say, indexed for the gate's lookups."""

    numbers: frozenset[str]
    words: frozenset[str]
    text: str  # lower case, one space between words, for quoted phrases

    @classmethod
    def of(cls, texts: Iterable[str]) -> SourceFacts:
        joined = " ".join(" ".join(texts).split())
        lowered = joined.lower()
        words = set(_WORD.findall(lowered))
        numbers = {_number_value(raw) for raw in _NUMBER.findall(joined)}
        numbers |= {str(value) for word, value in NUMBER_WORDS.items() if word in words}
        words |= {_name_key(raw) for raw in _NAME.findall(joined)}
        return cls(frozenset(numbers), frozenset(words), _plain(joined))

    def unsupported(self, text: str) -> list[str]:
        """The claims of `text` the sources do not contain, each once, in order."""
        return [claim.text for claim in claims(text) if not self.supports(claim)]

    def supports(self, claim: Claim) -> bool:
        if claim.kind == "quote":
            return _plain(claim.text.strip('"')) in self.text
        if claim.kind == "number":
            return _number_value(claim.text) in self.numbers
        key = _name_key(claim.text)
        if key in self.words or key in GENERAL_TERMS:
            return True
        parts = [part for part in _WORD.findall(key) if not part.isdigit()]
        return bool(parts) and all(part in self.words or part in GENERAL_TERMS for part in parts)


@dataclass(frozen=True)
class Claim:
    """A checkable part of model text: a number, a name or a quoted phrase."""

    kind: str  # "number", "name" or "quote"
    text: str


def claims(text: str) -> list[Claim]:
    """The numbers, names and quoted phrases in `text`, each once, in order."""
    found = [Claim("quote", f'"{quote}"') for quote in _QUOTED.findall(text)]
    unquoted = _QUOTED.sub(" ", text)
    found += [Claim("number", raw.rstrip(",.")) for raw in _NUMBER.findall(unquoted)]
    found += [Claim("name", name) for _, _, name in name_spans(text)]
    return list(dict.fromkeys(found))


def name_spans(text: str) -> list[tuple[int, int, str]]:
    """The names of `text`, as `claims` finds them, each with where it stands: (start, end,
    name), in order."""
    blanked = _QUOTED.sub(lambda match: " " * len(match.group()), text)
    spans = []
    for match in _NAME.finditer(blanked):
        name = match.group(0).rstrip(".,'")
        if _is_name(name, blanked[: match.start()]):
            spans.append((match.start(), match.start() + len(name), name))
    return spans


def _is_name(word: str, before: str) -> bool:
    """A capitalised word where no sentence starts, or anywhere a word mixing cases or
    letters and digits (TensorHarbor, vLLM, Qwen3.8) or a capitalised possessive
    ("Rookery's new model ...")."""
    if word[0].isdigit():  # 32B, 4-bit, 128k: a number, checked as one
        return False
    if word[1:] != word[1:].lower() or any(char.isdigit() for char in word):
        return True
    if word[0].isupper() and word.endswith(("'s", "’s")) and len(word) > 3:
        return True
    return word[0].isupper() and not _SENTENCE_START.search(before)


def _name_key(name: str) -> str:
    return name.lower().removesuffix("'s").strip(".,'-")


def _number_value(raw: str) -> str:
    """'1,200' and '1200', '4.0' and '4', '1.50' and '1.5' alike; versions (1.7.3) as written."""
    plain = raw.replace(",", "").rstrip(".")
    if plain.count(".") > 1:
        return plain
    value = float(plain)
    return str(int(value)) if value.is_integer() else repr(value)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w%$.]+|\.(?!\d)", " ", text.lower()).split())
