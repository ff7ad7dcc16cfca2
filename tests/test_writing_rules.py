"""Small rules of the writing and picking that the model-bound tests rest on: how a labelled
part ends, what is left of a note when an added clause fails, which leaderboard facts a story
states, which snapshot is today's, and which item leads a story that continues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefbot.models import Item, Story
from briefbot.pick import latest_snapshots, rank_stories
from briefbot.pick.cluster import story_clusters
from briefbot.write import story as story_writing
from briefbot.write.checks import copied_share
from briefbot.write.engine import Section, _Answer
from briefbot.write.kinds import Kind
from briefbot.write.prompts import examples
from briefbot.write.select import check_note, check_summary, shortened
from briefbot.write.story import _from_data

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def answer(pieces: list[bytes], sections: tuple[Section, ...]) -> str:
    written = _Answer(sections)
    for piece in pieces:
        if written.take(piece, end=False) and written.done:
            break
    else:
        written.take(None, end=True)
    return written.text()


def test_a_part_keeps_the_words_before_its_line_end_and_ends_as_a_sentence():
    parts = (Section("SUMMARY:", 2, 40), Section("WHY IT MATTERS:", 1, 40))
    text = answer([b" Kite", b" 7B", b" ships", b".\n", b" Users", b" can", b"\n"], parts)
    assert text == "SUMMARY: Kite 7B ships.\nWHY IT MATTERS: Users can."
    # a part cut off by its token budget is left unfinished, for the checks to refuse
    cut = answer([b" Kite", b" 7B", b" ships", b" under"], (Section("SUMMARY:", 2, 3),))
    assert cut == "SUMMARY: Kite 7B ships"


def test_a_failing_note_keeps_only_whole_clauses_that_add_nothing_it_needs():
    note = "Anyone can run Kite 7B on one GPU, with up to 472 GB of weights, and fast."
    assert shortened(note) == [
        "Anyone can run Kite 7B on one GPU, with up to 472 GB of weights.",
        "Anyone can run Kite 7B on one GPU.",
    ]
    # never where a qualification follows: what is kept would say more than the note did
    assert shortened("Kite 7B runs on one GPU, with 4-bit weights, but only at 8K context.") == []
    assert shortened("Kite 7B runs on one GPU.") == []


def board(kind: str, title: str, text: str, model: str = "", when: datetime = NOW) -> Item:
    metadata = {"leaderboard": kind, **({"model": model} if model else {})}
    return Item(
        f"https://board.example/#{when.date()}-{kind}-{model}",
        title,
        "BenchLM",
        "leaderboard",
        when,
        text=text + "\n\n#1 Aster (Aster AI, Proprietary): 84.7 points",
        metadata=metadata,
    )


STANDING = board(
    "standing",
    "Halcyon-R2 is the best open-weight model on BenchLM at #4",
    "The best open-weight model on BenchLM is Halcyon-R2 by Halcyon Labs at #4 with 79.6 "
    "points. The best proprietary model is Aster by Aster AI at #1 with 84.7 points, 5.10 "
    "points ahead. In the previous snapshot the gap was 7.60 points.",
)
ENTERS = board(
    "enters",
    "Halcyon-R2 enters the BenchLM top 10 at #4",
    "Halcyon-R2, an open-weight model by Halcyon Labs, is now #4 on BenchLM with 79.6 points; "
    "in the previous snapshot it was not ranked.",
    "Halcyon-R2",
)
OTHER = board(
    "enters",
    "Nova 2 32B enters the BenchLM top 10 at #9",
    "Nova 2 32B, an open-weight model by Lumora AI, is now #9 on BenchLM with 73.8 points.",
    "Nova 2 32B",
)
ARTICLE = Item(
    "https://news.example/halcyon-fourth",
    "Halcyon-R2 climbs to fourth on BenchLM",
    "The Inference",
    "rss",
    NOW,
    text="Halcyon-R2 climbed to fourth on BenchLM.",
)


def test_a_leaderboard_story_states_the_move_its_title_names_and_the_gap_from_the_data():
    story = Story(ARTICLE, (ARTICLE, OTHER, STANDING, ENTERS), 1.0)
    summary = _from_data(story)
    assert summary.origin == "data"
    assert summary.summary.startswith("Halcyon-R2, an open-weight model by Halcyon Labs, is now #4")
    assert "5.10 points ahead. In the previous snapshot the gap was 7.60 points." in summary.summary
    assert "Nova 2 32B" not in summary.summary and "Aster (Aster AI" not in summary.summary
    alone = _from_data(Story(STANDING, (STANDING,), 1.0))
    assert alone.summary.startswith("The best open-weight model on BenchLM is Halcyon-R2")


def test_only_the_newest_snapshot_of_a_leaderboard_is_news():
    yesterday = board("standing", "Kairos-3 leads", "Kairos-3 leads.", when=NOW - timedelta(1))
    kept = latest_snapshots([yesterday, STANDING, ENTERS, ARTICLE])
    assert kept == [STANDING, ENTERS, ARTICLE]


def test_a_story_an_earlier_brief_carried_is_led_by_its_new_coverage():
    old = Item(
        "https://a.example/halcyon",
        "Halcyon Labs open-sources Halcyon-R2, a 236B model",
        "Open Weights Weekly",
        "rss",
        NOW - timedelta(hours=27),
        text="Halcyon Labs open-sources Halcyon-R2, a 236B model under MIT. " * 9,
    )
    new = Item(
        "https://b.example/inside",
        "Inside Halcyon-R2: 236B model, MIT licence",
        "Model Card Daily",
        "rss",
        NOW - timedelta(hours=20),
        text="Halcyon-R2 is a 236B open model from Halcyon Labs under MIT.",
    )
    third = Item(
        "https://c.example/halcyon",
        "Halcyon-R2, a free 236B model from Halcyon Labs",
        "Gradient Gazette",
        "rss",
        NOW - timedelta(hours=18),
        text="Halcyon Labs gave away Halcyon-R2, a 236B model, under MIT.",
    )
    assert len(story_clusters([old, new, third])) == 1
    briefed = {old.identity: {"Open Weights Weekly"}}
    (story,) = rank_stories([old, new, third], NOW, briefed=briefed)
    assert story.lead in (new, third) and old in story.items
    (fresh,) = rank_stories([old, new, third], NOW)
    assert fresh.lead == old  # the most text leads when nothing was carried


def test_a_licence_two_releases_share_does_not_make_them_one_story():
    tulip = Item(
        "https://r.example/tulip",
        "AI2 Tulip-13B: weights, 6.5T-token data, code and logs, all Apache 2.0",
        "r/OpenSourceAI",
        "reddit",
        NOW,
        teaser="Fully open weights under Apache 2.0",
    )
    nova = Item(
        "https://n.example/nova",
        "Lumora AI ships Nova 2 32B under Apache 2.0",
        "Open Weights Weekly",
        "rss",
        NOW,
        teaser="Lumora AI released the open weights of Nova 2 32B under Apache 2.0.",
    )
    assert len(story_clusters([tulip, nova])) == 2


@pytest.mark.parametrize("kind", sorted(examples()))
def test_each_worked_example_passes_the_checks_it_teaches(kind):
    """The model imitates its kind's worked example more than it follows rules, so an example
    the writer's own checks would refuse teaches refused drafts (five of them once copied more
    of their facts than the writer's limit; six notes said what their facts do not). Each
    example's Summary and note, read against its facts as a story's sources, must pass every
    check, and copy no run of 8 words (see `checks.copied_share`)."""
    example = examples()[kind]
    facts = " ".join(example["facts"])
    item = Item(url="https://example.org/e", title=example["title"], source="S",
                source_type="rss", published=None, text=facts)  # fmt: skip
    plan = story_writing.plan(Story(item, (item,), 1.0))
    summary = check_summary(example["summary"], plan.verifier, plan.article, plan.subject_names,
                            set())  # fmt: skip
    assert summary.ok and summary.copied == 0, summary.problems
    note = check_note(example["why_it_matters"], plan.verifier, example["summary"],
                      plan.subject_names, plan.article, Kind(kind), set())  # fmt: skip
    assert note.ok and copied_share(note.text, facts) == 0, note.problems
