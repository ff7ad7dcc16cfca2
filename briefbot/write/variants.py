"""A model's variants: its builds told apart by precision or format ("the 4-bit AWQ build", "an
FP8 checkpoint", llama.cpp's "Q3_HX"). What the sources say of a variant ("a 4-bit AWQ build
of about 19 GB runs on one 24 GB GPU") is not said of the model: a claim that gives a variant's
number to the model ("Nova 2 32B runs on one 24 GB GPU") drops the setting that makes it true.

Own code, not a library's: no tokenizer or tagger knows the field's names for quantised builds.
The terms are those of the field's tools (llama.cpp's quantisation types, AWQ, GPTQ, EXL2).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Formats that name one variant; "bf16" and "fp16" are left out: the full weights, the model.
_FORMATS = frozenset("fp8 fp4 int8 int4 nf4 awq gptq exl2 gguf mlx".split())
_QUANTISED = frozenset("quantized quantised quantization quantisation quant quants".split())
_QUANT_TYPE = re.compile(r"i?q\d(?:_[a-z0-9]+)+")  # llama.cpp's types: Q4_K_M, IQ3_XS, Q3_HX
# A variant spoken of without its format: the generic words of a claim that names one.
_VARIANT_NOUNS = frozenset("build builds checkpoint checkpoints file files quant quants".split())
_REFERRING = frozenset({"that", "this", "the", "same"})
_PRONOUNS = frozenset({"it", "its"})
# What a variant's marker names when it names a thing: "a 4-bit AWQ build", "an FP8 version".
_THINGS = _VARIANT_NOUNS | frozenset("version versions weights model models".split())
# Words that start a clause about something else: "26.8 GB, compared with 42.5 GB for Q4_K_M".
_BREAKS = frozenset({";", "but", "while", "whereas", "unlike", "against", "versus", "vs"})
_BREAKS_BEFORE = frozenset({"than", "compared"})
_CLAUSE_OPENERS = frozenset({"and", "so", "yet"})


@dataclass(frozen=True)
class Word:
    """A token as the checks read it: lower-case text, and its value when it is a number."""

    key: str
    value: float | None = None


def markers(words: Sequence[Word], *, attached: bool = False) -> set[str]:
    """The variants the words name, normalised: "4bit" for "4-bit" and "4 bits", "awq",
    "q4_k_m", "quant" for any quantised build. `attached`: only those that name a thing ("a
    4-bit AWQ build", "the FP8 checkpoint", "Q3_HX"), not a setting told beside another
    thing's figure ("a 70B model at 4 bits ran at 12 tokens per second")."""
    found = set()
    for index, word in enumerate(words):
        marker = _marker(words, index)
        if marker and (
            not attached
            or _QUANT_TYPE.fullmatch(word.key)
            or any(w.key in _THINGS for w in words[index + 1 : index + 5])
        ):
            found.add(marker)
    return found


def _marker(words: Sequence[Word], index: int) -> str:
    word = words[index]
    following = [w.key for w in words[index + 1 : index + 3]]
    if word.value is not None and (following[:1] == ["bits"] or following[:2] == ["-", "bit"]):
        return f"{word.value:g}bit"
    if word.key in _FORMATS or _QUANT_TYPE.fullmatch(word.key):
        return word.key
    return "quant" if word.key in _QUANTISED else ""


def clause(words: Sequence[Word], position: int) -> tuple[int, int]:
    """The bounds of the clause around `position`: up to a word that turns to another thing,
    or a comma before a conjunction that starts a clause of its own (", and", ", so")."""

    def breaks(index: int) -> bool:
        key, following = words[index].key, words[index + 1].key if index + 1 < len(words) else ""
        return key in _BREAKS or (key == "," and following in _CLAUSE_OPENERS)

    start = position
    while start > 0 and not breaks(start - 1) and words[start - 1].key not in _BREAKS_BEFORE:
        start -= 1
    end = position + 1
    while end < len(words) and not breaks(end) and words[end].key not in _BREAKS_BEFORE:
        end += 1
    return start, end


def refers_back(words: Sequence[Word]) -> bool:
    """True when the clause speaks of a thing named before it ("that build fits ...", "it
    runs on ...")."""
    return any(word.key in _PRONOUNS for word in words) or any(
        word.key in _REFERRING and following.key in _VARIANT_NOUNS
        for word, following in itertools.pairwise(words)
    )


def source_markers(words: Sequence[Word], position: int, before: Sequence[Word]) -> set[str]:
    """The variants a source's number at `position` is said of: its clause's, or, where the
    clause refers back ("that build", "it"), those of the sentence's clauses before it, or of
    the sentence before (`before`) when the clause opens the sentence."""
    start, end = clause(words, position)
    found = markers(words[start:end], attached=True)
    if not found and refers_back(words[start:position]):
        found = markers(words[:start] if start else before, attached=True)
    return found


def dropped(claimed: set[str], names_variant: bool, said_of: list[set[str]]) -> str | None:
    """The variant a claim leaves out or gets wrong, or None when it keeps what its number is
    said of. `claimed`: the claim's markers (its sentence's and those before it);
    `names_variant`: whether it speaks of a build or checkpoint at all; `said_of`: the markers
    of each source occurrence of the number (an empty set: said of the model itself, which
    the claim may then be too)."""
    if not said_of or any(not found for found in said_of):
        return None
    specific = set().union(*said_of) - {"quant"}
    mine = claimed - {"quant"}
    if mine & specific or (mine and not specific):
        return None
    if not mine and (claimed or names_variant):
        return None  # "the quantised build": a variant, if not named, and not a wrong one
    return " ".join(sorted(specific)) or "quantised"


def names_variant(words: Sequence[Word]) -> bool:
    """True when the words speak of a build or a checkpoint."""
    return any(word.key in _VARIANT_NOUNS for word in words)


def spelled(found: str) -> str:
    """Markers as a reader writes them: "4bit awq" -> "4-bit AWQ"."""
    return " ".join(
        marker.removesuffix("bit") + "-bit" if marker.endswith("bit") else marker.upper()
        for marker in found.split()
    )
