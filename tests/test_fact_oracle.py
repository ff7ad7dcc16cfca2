"""The fact oracle (tests/fact_oracle.py) that tests and benchmarks use to judge written briefs
without the writer's own verifier (issue 13, "Measure").

It must pass every supported claim of the labelled claims set and every sentence the demo day's
items give about their own event (a true sentence is never flagged), and flag most unsupported
claims of the kinds it reads: a number given to the wrong subject, a direction or a role
changed, a hedge dropped, a number invented.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from tests.fact_oracle import mask, misstatements, numbers, title_subjects, values
from tests.test_data_sets import claim_facts, claim_stories, demo_facts, demo_items, paragraphs

NUMBER_KINDS = ("wrong_subject", "direction", "role", "hedge", "invented")
# Measured: 141 of 153 such claims (0.92); role 0.81, invented 0.85, direction 0.95, hedge 1.0,
# wrong_subject 0.97. What it misses reads right number by number: "Quillon agreed to buy
# Tidewater for $410 million" (buyer and target swapped), "Tethers 3.2 turns the shell tool off"
# (a version's part without the words fixed/affected), "The recordings came from 21
# universities" (a number of the story given another role).
FLOOR = {"all": 0.9, **dict.fromkeys(NUMBER_KINDS, 0.8)}


def check(story_id: str, text: str) -> list[str]:
    entry = claim_facts()[story_id]
    return misstatements(text, entry["facts"], entry["names"], entry["subjects"])


# ------------------------------------------------------------------- reading, on small tables

FACTS = [
    {"number": "68.4", "subject": ["Wren 9B"], "role": "KnowBench"},
    {"number": "61.2", "subject": ["Wren 7B"], "role": "KnowBench", "relation": "from"},
    {
        "number": "2.1",
        "subject": ["Wren 9B"],
        "role": "points",
        "relation": "behind",
        "hedge": "says",
    },
    {"number": "128K", "subject": ["Wren 9B"], "role": "tokens", "relation": "to"},
    {"number": "6", "subject": ["Wren 9B"], "role": "GB", "hedge": "about"},
    {"number": "40", "subject": ["Wren 9B"], "role": "billion", "relation": "under"},
    {"number": "fourth", "subject": ["Wren 9B"], "role": "OpenRank"},
    {
        "number": "1.8",
        "subject": ["Wren 9B"],
        "role": "costs",
        "relation": "from",
        "direction": "down",
    },
    {"number": "2.3.5", "subject": ["Wren 9B"], "role": "fixes", "relation": "fixed"},
    {"number": "2.2", "subject": ["Wren 9B"], "role": "times"},
]
NAMES = ["Wren 9B", "Wren 7B", "Birch 8B"]


def read(text: str) -> list[str]:
    return misstatements(text, FACTS, NAMES, ["Wren 9B"])


@pytest.mark.parametrize(
    "text",
    [
        "Wren 9B scores 68.4 on KnowBench, up from 61.2 for Wren 7B.",
        "According to Corvane, Birch 8B leads Wren 9B by 2.1 points.",  # the other side
        "Wren 9B trails Birch 8B by 2.1 points, the company says.",
        "Its context window grows to 128K tokens.",  # no entity named: the story's subject
        "Wren 7B came first. It now scores 68.4.",  # the sentence before names a rival
        "It scores 68.4 on KnowBench against Wren 7B's 61.2.",  # a rival after the number
        "A build of Wren 9B needs roughly 6 GB.",  # about -> roughly
        "Wren 9B is the best model under 40 billion parameters.",
        "Wren 9B ranks 4th on OpenRank.",  # fourth -> 4th
        "Costs fell from 1.8 million.",
        "Wren 9B 2.3.5 fixes it.",
        "Wren 9B lifts decoding speed by 2.2 times.",  # a factor with or without "by"
        "Wren 9B decodes 2.2 times faster.",
        "The lead goes to Wren 9B, which tops Birch 8B with 68.4 on KnowBench.",  # relative
        "Birch 8B now faces a rival with 68.4 on KnowBench, Wren 9B.",  # an appositive
        "Wren 9B scores 68.4 while Wren 7B scores 61.2.",  # "while" opens another clause
        "In developer tests, Wren 9B trails Birch 8B by 2.1 points.",  # a hedge of its own
    ],
)
def test_a_true_sentence_gives_no_misstatement(text):
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wren 7B scores 68.4 on KnowBench.", "'68.4' given to Wren 7B, but it is Wren 9B's"),
        ("Wren 9B leads, and Wren 7B scores 68.4.", "'68.4' given to Wren 7B, but it is Wren 9B's"),
        ("Wren 9B grows by 128K tokens.", "'128K' with 'by' but the facts say 'to'"),
        ("Wren 9B leads Birch 8B by 2.1 points, the company says.",
         "'2.1' with 'leads' said of Wren 9B, but the facts say Wren 9B is 'behind'"),
        ("Birch 8B trails Wren 9B by 2.1 points, it says.",
         "'2.1' with 'trails' said of Birch 8B, but the facts say Wren 9B is 'behind'"),
        ("Wren 9B trails Birch 8B by 2.1 points.", "'2.1' without its hedge 'says'"),
        ("A 4-bit build of Wren 9B needs 6 GB, Corvane says.", "'6' without its hedge 'about'"),
        ("Wren 9B entered the top ten with 40 billion parameters.",
         "'40' with 'with' but the facts say 'under'"),
        ("Costs rose from 1.8 million.", "'1.8' with 'rose' but the facts say 'down'"),
        ("Wren 9B 2.3.5 is affected.", "'2.3.5' with 'affected' but the facts say 'fixed'"),
        ("Wren 9B was trained on 12 trillion tokens.", "'12' is in no fact"),
        ("Wren 9B ranks fifth.", "'fifth' is in no fact"),
        ("Wren 9B leads, and Wren 7B, which scores 68.4, trails.",
         "'68.4' given to Wren 7B, but it is Wren 9B's"),
        ("Wren 7B scores 68.4 on KnowBench, Wren 9B says.",
         "'68.4' given to Wren 7B, but it is Wren 9B's"),
        ("Wren 9B uses three experts.", "'three' is in no fact"),
        ("Wren 9B scores 61.2 while Wren 7B scores 68.4.",
         "'61.2' given to Wren 9B, but it is Wren 7B's"),
    ],
)  # fmt: skip
def test_a_misstatement_is_named_with_its_reason(text, expected):
    assert expected in read(text)


def test_numbers_are_read_in_every_form_and_names_are_skipped():
    text = "Nova 2 32B costs $0.35, scores 1,212 (30%), ranks fourth and #4, ships 14 October."
    assert numbers(text, ["Nova 2 32B"]) == ["$0.35", "1212", "30", "#4", "#4", "14 october"]
    assert values("4th three 70B 1.6x 1.x") == {"#4", "3", "70b", "1.6x", "1.x"}
    assert numbers("2,300 tokens per second, a second card", []) == ["2300", "#2"]


# ------------------------------------------------------------------ the labelled claims set


def claims(verdict: str) -> list[tuple[str, dict]]:
    return [
        (story["id"], claim)
        for story in claim_stories()
        for claim in story["claims"]
        if claim["verdict"] == verdict
    ]


def test_every_supported_claim_gives_no_misstatement():
    wrong = []
    for story_id, claim in claims("supported"):
        if got := check(story_id, claim["text"]):
            wrong.append((story_id, claim["text"], got))
    assert wrong == []


@cache
def flagged_shares() -> dict[str, tuple[int, int]]:
    """Per error kind: (flagged, claims that carry a number outside the story's names)."""
    flagged, total = Counter(), Counter()
    for story_id, claim in claims("unsupported"):
        names = claim_facts()[story_id]["names"]
        if claim["error"] in NUMBER_KINDS and numbers(claim["text"], names):
            total[claim["error"]] += 1
            flagged[claim["error"]] += bool(check(story_id, claim["text"]))
    shares = {kind: (flagged[kind], total[kind]) for kind in NUMBER_KINDS}
    return shares | {"all": (sum(flagged.values()), sum(total.values()))}


def test_the_oracle_flags_most_unsupported_claims_that_carry_numbers(capsys):
    shares = flagged_shares()
    with capsys.disabled():
        print("\nfact oracle, unsupported claims flagged:")
        for kind, (hit, of) in shares.items():
            print(f"  {kind:<14} {hit:>3} of {of:<3} {hit / of:.2f}")
    for kind, (hit, of) in shares.items():
        assert of >= 10 and hit / of >= FLOOR[kind], (kind, hit, of)


# ----------------------------------------------------------------------------- the demo day


def demo_subjects(entry: dict) -> list[str]:
    return title_subjects(entry["titles"], entry["facts"])


def test_demo_items_give_no_misstatement_of_their_own_event():
    """Each item's teaser and paragraphs, read as texts against its event's facts: a source
    never misstates itself, so whatever the oracle flags here is a fault of the facts or of
    the oracle."""
    wrong = []
    for event, items in demo_items().items():
        entry = demo_facts()["events"][event]
        for item in items:
            for text in paragraphs(item)[1:]:  # the title is a label, not a sentence
                subjects = demo_subjects(entry)
                if got := misstatements(text, entry["facts"], entry.get("names", []), subjects):
                    wrong.append((event, text, got))
    assert wrong == []


def test_the_demo_misstatements_of_issue_13_are_flagged():
    """The two summaries issue 13 quotes from the demo brief."""
    events = demo_facts()["events"]
    benchlm, q3hx = events["benchlm-may-update"], events["llamacpp-q3hx-quant"]
    halcyon = "Halcyon-R2 entered the top ten with 40 billion parameters."
    got = misstatements(halcyon, benchlm["facts"], benchlm["names"], demo_subjects(benchlm))
    assert got == ["'40' given to Halcyon-R2, but it is Nova 2 32B's"]
    quant = "Q3_HX matches 4-bit quality and improves decoding on RTX 5090 by 41 tokens per second."
    got = misstatements(quant, q3hx["facts"], q3hx["names"], demo_subjects(q3hx))
    assert got == ["'4' without its hedge 'nearly'", "'41' with 'by' but the facts say 'at'"]


def test_a_hedged_demo_fact_is_hedged_in_every_title_that_gives_it():
    """A title states its numbers flat, and the writer is shown it, so a fact a title gives
    flat carries no hedge ("trained with a 40 percent Japanese data mix")."""
    flat = []
    for event, entry in demo_facts()["events"].items():
        for fact in entry["facts"]:
            hedge = fact.get("hedge")
            for title in entry["titles"]:
                in_title = values(fact["number"]) & values(mask(title, entry.get("names", [])))
                if hedge and in_title and hedge.lower() not in title.lower():
                    flat.append((event, fact["number"], title))
    assert flat == []


def test_a_speaker_is_not_the_owner_of_what_it_says():
    """ "Corvane says a 4-bit build needs about 6 GB": where the speaker is the only name, the
    figure may be the story's subject's (the tiny model wrote this true note, and the oracle
    gave the figure to Corvane); a figure said of another named model is still flagged."""
    assert check("wren-9b-release", "Corvane says a 4-bit build needs about 6 GB.") == []
    assert check("wren-9b-release", "Corvane says Wren 7B scores 68.4.") != []


def test_its_before_a_number_is_the_sentence_befores_subject():
    """ "The new training run increased its score from 55.1 to 64.5": "its" is Abacus 7B's,
    named in the sentence before (the default model wrote this true sentence); a figure the
    clause gives to its own subject without "its" is still read as that subject's."""
    before = "Abacus 7B jumps to third on MathLadder with 64.5 points."
    its = f"{before} The training run increased its score from 55.1."
    assert check("mathladder-board", its) == []
    assert check("mathladder-board", f"{before} Solent Pro's score rose from 55.1.") != []


def test_who_should_upgrade_runs_an_affected_version_and_upgrades_to_the_fixed_one():
    """The default model wrote this true note; the oracle read "fixed", the only version word
    it knew, as the role of every version."""
    note = "Anyone using Loomgate 0.8.0 to 0.9.2 should upgrade to 0.9.3, since both are fixed."
    assert check("loomgate-two-flaws", note) == []
    wrong = "Anyone using Loomgate 0.9.3 should upgrade to 0.9.2."
    assert check("loomgate-two-flaws", wrong) != []


def test_a_version_range_after_in_versions_is_affected_whatever_verb_the_sentence_opens_with():
    """The default model wrote this true summary; the oracle read the opening "fixes" as the
    role of every version after it, and did not know the bypass and the leak by those words."""
    summary = (
        "Loomgate 0.9.3 fixes two flaws in its API gateway: a bypass in versions 0.8.0 to 0.9.2 "
        "lets a crafted request bypass API-key checks, and a leak in versions 0.9.2 leaks "
        "request logs."
    )
    assert check("loomgate-two-flaws", summary) == []
    assert check("loomgate-two-flaws", "The bypass is fixed in version 0.9.2.") != []
    assert check("loomgate-two-flaws", "Loomgate fixed the bypass in 0.8.0.") != []


def test_the_default_models_true_sentences_of_the_fourth_session_are_not_flagged():
    """Sentences the default model wrote that the oracle misread: a version after "before" is
    the fixed one ("2.0.0 before 2.0.3 should update"), "affecting" is a word of the affected
    versions, a named source kept by its name ("RentIndex shows") keeps the attribution, and a
    sentence opened by "It" speaks of the sentence before's subject. Each wrong twin is still
    flagged."""
    note = "Users of Sandpiper 1.x and 2.0.0 before 2.0.3 should update to 2.0.3."
    assert check("sandpiper-sandbox-escape", note) == []
    assert check("sandpiper-sandbox-escape", "Sandpiper 2.0.3 is affected by the escape.") != []
    summary = "Sandpiper patches a sandbox escape, affecting versions before 1.9.4 and 2.0.0."
    assert check("sandpiper-sandbox-escape", summary) == []
    shows = "RentIndex shows Vantor V80 spot prices dropping from $2.25 in May to $1.62 in August."
    assert check("v80-rental-prices", shows) == []
    assert check("v80-rental-prices", "Vantor V80 spot prices dropped to $1.62 in August.") != []
    it = "Valmora University released Threadneedle, a benchmark. It has 3,000 questions."
    assert check("threadneedle-benchmark", it) == []
    assert check("threadneedle-benchmark", "Auric 3 14B answered 3,000 questions.") != []


def test_a_count_of_parameters_that_restates_a_name_is_the_names_fact():
    """The default model wrote this true summary; the oracle found its "14" in no fact."""
    summary = "Ostrava Systems released Fenn 14B, a 14-billion-parameter model with a 64K context."
    assert check("ostrava-fenn-14b-release", summary) == []
    wrong = "Ostrava Systems released Fenn 12B, a 14-billion-parameter model."
    assert check("ostrava-fenn-14b-release", wrong) != []


def test_updating_to_a_version_is_the_fix():
    note = "Anyone using Loomgate can now get key rotation by updating to 0.9.3."
    assert check("loomgate-two-flaws", note) == []
