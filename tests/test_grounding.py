"""The grounding gate: numbers, names and quotes in model text are looked up in the sources."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefbot.models import BottomLinePoint, Item, Story, StoryText, WrittenStory
from briefbot.write.grounding import SourceFacts, claims
from briefbot.write.quality import ungrounded_in_brief
from briefbot.write.writer import _through_the_gate, traced_stories

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
    assert found == {("quote", '"runs fast"'), ("number", "2"), ("number", "9.5"), ("name", "Nova")}


def test_the_gate_replaces_an_ungrounded_summary_with_a_labelled_extract():
    output = {
        "summary": "Lumora AI released Nova 2 32B, which beats GPT-5 by 12 points.",
        "why_it_matters": "Nova 2 32B runs on laptops in 2.1 GB.",
    }
    gated = _through_the_gate(output, SOURCE, FACTS)
    assert gated["extract"] is True
    assert gated["summary"].startswith("Lumora AI released Nova 2 32B, a 32-billion-parameter")
    assert FACTS.unsupported(gated["summary"]) == []
    assert gated["why_it_matters"] == output["why_it_matters"]  # grounded: kept


def test_the_gate_leaves_out_an_ungrounded_note_and_keeps_a_grounded_summary():
    output = {
        "summary": "Lumora AI released Nova 2 32B under Apache 2.0; it scores 79.91 on BenchLM.",
        "why_it_matters": "It is the first open model to beat Gemini.",
    }
    gated = _through_the_gate(output, SOURCE, FACTS)
    assert gated == {"summary": output["summary"], "why_it_matters": "", "extract": False}


def test_bottom_line_bullets_are_traced_to_their_stories():
    stories = [
        SourceFacts.of(["Lumora releases Nova 2 32B", "Nova 2 32B is under Apache 2.0."]),
        SourceFacts.of(["TensorHarbor 1.7.3 fixes an RCE", "Upgrade TensorHarbor to 1.7.3."]),
    ]
    assert traced_stories("Nova 2 32B ships under Apache 2.0.", stories) == [1]
    assert traced_stories("Upgrade TensorHarbor to 1.7.3 and try Nova 2.", stories) == [1, 2]
    assert traced_stories("Upgrade TensorHarbor to 1.7.4.", stories) == []  # invented version
    assert traced_stories("Open models keep getting better.", stories) == []  # from no story


def test_a_brief_with_an_invented_number_is_caught():
    lead = Item(
        url="https://example.org/nova",
        title="Lumora releases Nova 2 32B",
        source="Example",
        source_type="rss",
        published=datetime(2026, 7, 3, tzinfo=UTC),
        text=SOURCE,
    )
    grounded = StoryText("Lumora AI released Nova 2 32B under Apache 2.0.", "It runs in 2.1 GB.")
    invented = StoryText("Lumora AI released Nova 2 32B, 12 points ahead of Gemini.", "")
    story = Story(lead, (lead,), 1.0)
    point = BottomLinePoint("Nova 2 32B runs in 2.1 GB.", (1,))
    assert ungrounded_in_brief([WrittenStory(story, grounded)], [point]) == []
    leaks = ungrounded_in_brief([WrittenStory(story, invented)], [point])
    assert leaks == [
        "story 1 Summary: Lumora AI released Nova 2 32B, 12 points ahead of Gemini.",
        "Bottom Line: Nova 2 32B runs in 2.1 GB.",  # no longer in what story 1 says
    ]
