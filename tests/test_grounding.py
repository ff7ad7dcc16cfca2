"""Token-level grounding: every number, name and quoted phrase of a text is looked up in the
sources (the first of the verifier's checks, and the Bottom Line's tracing of bullets)."""

from __future__ import annotations

import pytest

from briefbot.write.grounding import SourceFacts, claims

SOURCE = (
    "Lumora AI released Nova 2 32B, a 32-billion-parameter model under Apache 2.0, on Tuesday. "
    'It scores 79.91 on BenchLM and ranks sixth. "We built it for laptops," said Dana Ortiz. '
    "A 4-bit build needs 2.1 GB. TensorHarbor 1.7.3 fixes CVE-2026-41207. Rentals fell to "
    "$1.50 an hour across 1,200 GPUs."
)
FACTS = SourceFacts.of([SOURCE])


@pytest.mark.parametrize(
    "text",
    [
        "Lumora AI released Nova 2 32B under Apache 2.0, scoring 79.91 on BenchLM.",
        "Developers can run Nova 2 on laptops in 2.1 GB at 4-bit.",
        'Ortiz said "we built it for laptops".',
        "TensorHarbor 1.7.3 fixes CVE-2026-41207.",
        "Rentals fell to $1.5 an hour over 1200 GPUs.",  # the same numbers, written otherwise
        "Nova 2 ranks 6th on BenchLM.",  # "sixth" in the source
        "Open-weight users get a 32B model.",  # a capital that only starts a sentence
    ],
)
def test_grounded_text_passes(text):
    assert FACTS.unsupported(text) == []


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Nova 2 is 3.3 points behind the leader.", ["3.3"]),
        ("Nova 2 beats Claude Mythos on BenchLM.", ["Claude", "Mythos"]),
        ("The model is the best open model from Meta.", ["Meta"]),
        ('Ortiz called it "the fastest model yet".', ['"the fastest model yet"']),
        ("TensorHarbor 1.7.4 fixes the flaw.", ["1.7.4"]),
        ("Nova 2 64B follows in March.", ["64", "March"]),
        ("Qwen3.8 is ahead.", ["Qwen3.8"]),
    ],
)
def test_invented_claims_are_named(text, invented):
    assert FACTS.unsupported(text) == invented


def test_claims_are_numbers_names_and_quotes():
    found = {(claim.kind, claim.text) for claim in claims('Lumora\'s Nova 2 "runs fast" at 9.5%.')}
    assert found == {
        *(("quote", '"runs fast"'), ("number", "2"), ("number", "9.5"), ("name", "Nova")),
        ("name", "Lumora's"),  # a possessive opening the sentence is a name too
    }
