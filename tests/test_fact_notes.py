"""Why It Matters from the facts (briefbot/write/fact_notes.py): the fixed sentence of each
kind, filled only with what the sources state, and none where they do not fill it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefbot.models import Item, Story
from briefbot.write import story as story_writing
from briefbot.write.fact_notes import fact_note


def _item(title: str, text: str, kind: str = "rss", source: str = "Wire", **metadata) -> Item:
    return Item(f"https://news.example/{abs(hash((title, text)))}", title, source, kind,
                datetime(2026, 9, 1, 9, tzinfo=UTC), text=text, metadata=metadata)  # fmt: skip


def _note(*items: Item) -> tuple[str, tuple[str, ...]]:
    """The story's fact note and what the note checks find wrong with it."""
    plan = story_writing.plan(Story(items[0], items, 1.0))
    note = fact_note(plan.story, plan.kind, plan.verifier)
    return note, plan.check_note(note, "").problems if note else ()


@pytest.mark.parametrize(
    ("title", "text", "note"),
    [
        ("Critical Dockyard flaw lets attackers run code",
         "A flaw in Dockyard allows code execution. Versions 1.4.0 through 1.7.2 are affected. "
         "Operators should upgrade to 1.7.3.",
         "Anyone running an affected version of Dockyard should update to 1.7.3."),
        ("Sandpiper patches a sandbox escape",
         "A flaw in Sandpiper lets code write outside its folder. It affects Sandpiper 1.x "
         "before 1.9.4 and 2.0.0 before 2.0.3. Versions 1.9.4 and 2.0.3 fix it.",
         "Anyone running an affected version of Sandpiper should update to 1.9.4 or 2.0.3."),
        # no version is given as the fix: no sentence to fill
        ("A flaw in Quayline lets attackers read files",
         "CVE-2026-31877 affects Quayline versions 2.1.0 through 2.3.4. No fix is out yet.", ""),
    ],
)  # fmt: skip
def test_a_security_note_says_who_must_update_to_the_fixed_version(title, text, note):
    written, problems = _note(_item(title, text))
    assert written == note and not problems, problems


def test_a_release_note_gives_the_licence_its_sources_give():
    note, problems = _note(_item("Kestrel releases Kite 7B under Apache 2.0",
                                 "Kestrel released Kite 7B under Apache 2.0."))  # fmt: skip
    assert note == "Anyone can now download and run Kite 7B under the Apache 2.0 licence."
    assert not problems
    # two items giving two licences: which one holds is not the note's to pick
    other = _item("Kite 7B weights are out", "Kestrel's Kite 7B weights are under MIT.")
    assert _note(_item("Kestrel releases Kite 7B under Apache 2.0",
                       "Kestrel released Kite 7B under Apache 2.0."), other)[0] == ""  # fmt: skip


def test_a_dataset_note_says_it_can_be_used_not_run():
    note, problems = _note(_item("Loam releases the LoamCode-2 dataset under ODC-By",
                                 "Loam released LoamCode-2, a dataset of 400 billion tokens of "
                                 "code, under ODC-By."))  # fmt: skip
    assert note == "Anyone can now use LoamCode-2 under the ODC-By licence." and not problems


LISTING = (
    "The best open-weight model on BenchLM is Halcyon-R2 by Halcyon Labs at #4 with 79.6 "
    "points.\n\n#1 Aster Ultra 2 (Aster AI, proprietary): 84.7 points\n#4 Halcyon-R2 (Halcyon "
    "Labs, open-weight): 79.6 points\n#9 Nova 2 32B (Lumora AI, open-weight): 73.8 points"
)


@pytest.mark.parametrize(
    ("model", "note"),
    [
        ("Halcyon-R2", "Anyone choosing an open-weight model now has its highest-ranked option "
                       "on BenchLM in Halcyon-R2, at #4."),
        ("Nova 2 32B", "Anyone choosing a model by BenchLM's ranking will now find Nova 2 32B at "
                       "#9."),
    ],
)  # fmt: skip
def test_a_leaderboard_note_says_where_the_model_stands_in_the_snapshot(model, note):
    moved = _item(f"{model} enters BenchLM", f"{model} enters the top ten.", "leaderboard",
                  "BenchLM", leaderboard="enters", model=model)  # fmt: skip
    standing = _item("Halcyon-R2 is the best open-weight model on BenchLM at #4", LISTING,
                     "leaderboard", "BenchLM", leaderboard="standing")  # fmt: skip
    written, problems = _note(moved, standing)
    assert written == note and not problems, problems


def test_a_story_of_another_kind_gets_no_fact_note():
    revenue = "Halden Research reported first-half revenue of $48 million."
    note, _ = _note(_item("Halden Research's revenue rises 85 percent", revenue))
    assert note == ""


def test_a_move_out_of_the_listing_gets_no_other_models_standing():
    moved = _item("Quill 9B drops to #14 on BenchLM", "Quill 9B drops to #14.", "leaderboard",
                  "BenchLM", leaderboard="moves", model="Quill 9B")  # fmt: skip
    standing = _item("Halcyon-R2 is the best open-weight model on BenchLM at #4", LISTING,
                     "leaderboard", "BenchLM", leaderboard="standing")  # fmt: skip
    assert _note(moved, standing)[0] == ""


def test_a_fact_note_names_the_subject_in_full():
    """A name whose first word reads as an ordinary capitalised word is given whole, as the
    texts write it: "Marlow Coder 2 15B", never "Coder 2 15B" (another product's name)."""
    text = "Marlow released Marlow Coder 2 15B under Apache 2.0."
    note, problems = _note(_item("Marlow releases Marlow Coder 2 15B under Apache 2.0", text))
    assert (
        note == "Anyone can now download and run Marlow Coder 2 15B under the Apache 2.0 licence."
    )
    assert not problems


@pytest.mark.parametrize(
    ("title", "text", "note"),
    [
        ("Tallow 0.9 adds the 2-bit T2 format",
         "The Tallow tool now supports T2, a 2-bit format. Version 0.9 adds the format.",
         "Anyone using Tallow can now get the 2-bit T2 format by updating to 0.9."),
        # a verb of what users can now do, in its base form
        ("Ember 3.1 splits models across mismatched GPUs",
         "Ember, a local model runner, has released version 3.1. It now splits a model across "
         "two GPUs of different sizes.",
         "Anyone using Ember can now split models across mismatched GPUs by updating to 3.1."),
        # no version in the title: the build its items give the new part
        ("whisper.cpp adds Q5_ZZ, a 5-bit quant for speech models",
         "The whisper.cpp project has merged Q5_ZZ, which first appears in build b9120. "
         "Q5_ZZ stores weights at 5.1 bits each.",
         "Anyone using whisper.cpp can now get Q5_ZZ by updating to build b9120."),
        # the tool's own work says nothing its users can now do
        ("Corral 5.0 rewrites its scheduler",
         "Corral, an open inference server, has released 5.0 with a rewritten scheduler.", ""),
        # a tool its items never name
        ("Brim 2.0 adds streaming", "The project's new version supports streaming output.", ""),
    ],
)  # fmt: skip
def test_a_tooling_note_says_what_its_users_now_get_and_from_which_version(title, text, note):
    written, problems = _note(_item(title, text))
    assert written == note and not problems, problems


@pytest.mark.parametrize(
    ("title", "text", "note"),
    [
        ("GridRank May update: Tansy-3 climbs to fifth",
         "The GridRank leaderboard's May update puts Orca Max first with 88.0. Tansy-3 from "
         "Pell AI rises from tenth to fifth with 79.2, the best open-weight result.",
         "Anyone choosing an open-weight model now has its highest-ranked option on GridRank "
         "in Tansy-3, at #5."),
        ("SumBoard: Ledger 8B jumps to second",
         "On the SumBoard leaderboard, Ledger 8B jumps to second with 61.0, behind Orca Max.",
         "Anyone choosing a model by SumBoard will now see Ledger 8B at #2."),
        ("QueryBoard: Fathom Large leads, Dace 1B second",
         "The QueryBoard leaderboard ranks Fathom Large first with 70.1.",
         "Anyone choosing a model by QueryBoard will now see Fathom Large in first place."),
        # the title's model is not the one the items call the best open one
        ("GridRank May update: Orca Mini falls to ninth",
         "The GridRank update puts Orca Mini ninth, behind Tansy-3, the best open-weight result.",
         "Anyone choosing a model by GridRank will now see Orca Mini at #9."),
        # a board the items never name
        ("Weekly: Ledger 8B takes third", "Ledger 8B is third on the list this week.", ""),
    ],
)  # fmt: skip
def test_a_leaderboard_article_note_says_where_its_model_now_stands(title, text, note):
    written, problems = _note(_item(title, text))
    assert written == note and not problems, problems
