"""The Bottom Line (issue 16) on the labelled days of tests/data/bottom_line_days.yaml: what
code plans, what the checks refuse, and what every Bottom Line keeps whatever a model drafts.
The default model's figures on the same days come from `make bench` (benchmarks/bottom_line.py).
"""

from __future__ import annotations

import itertools
import logging
import re
from datetime import UTC, datetime
from functools import cache

import pytest
import yaml

from briefbot.models import Item, Story, StoryText, WrittenStory
from briefbot.render import templates_dir
from briefbot.write import bottom_line
from briefbot.write.grounding import claims
from briefbot.write.kinds import story_kind
from tests.test_data_sets import load


@cache
def days() -> list[dict]:
    return load("bottom_line_days.yaml")["days"]


def written_day(day: dict) -> list[WrittenStory]:
    stories = []
    for number, entry in enumerate(day["stories"]):
        items = tuple(
            Item(
                f"https://news.example/{day['day']}/{number}/{n}",
                entry["title"],
                source,
                "rss",
                datetime(2026, 9, 1, 9, tzinfo=UTC),
                text=entry["text"],
            )
            for n, source in enumerate(entry["sources"])
        )
        stories.append(WrittenStory(Story(items[0], items, 1.0), StoryText(entry["summary"], "")))
    return stories


def asking(answer):
    """An `ask` that answers every draw with `answer(messages)`, recording the prompts."""
    prompts = []

    def ask(messages, draws, max_tokens, schema, sections=()):
        prompts.append(messages[-1]["content"])
        return [answer(messages, sections) for _ in draws]

    ask.prompts = prompts
    return ask


def restating(messages, sections) -> str:
    """A small model's usual answer: each bullet a story's summary again."""
    summaries = re.findall(r"^\[\d+\] \([a-z]+\) [^:]+: (.+?)(?: Why it matters:|$)",
                           messages[-1]["content"], re.M)  # fmt: skip
    lines = ["LEDE: " + summaries[0]]
    for n, section in enumerate(sections[1:]):
        lines.append(f"{section.label} {summaries[n % len(summaries)]}")
    return "\n".join(lines)


def facts_of(day: dict, number: int) -> list[str]:
    return day["stories"][number - 1]["facts"]


def assert_keeps_the_rules(day: dict, line: bottom_line.BottomLine) -> None:
    stories = written_day(day)
    assert line.lede
    assert bottom_line.BULLETS[0] <= len(line.points) <= bottom_line.BULLETS[1], line
    assert sum(len(point.stories) > 1 for point in line.points) >= bottom_line.WIDE, line
    singles = [point.stories for point in line.points if len(point.stories) == 1]
    assert len(singles) == len(set(singles))
    summaries = [s.text.summary for s in stories]
    for point in line.points:
        assert set(point.stories) <= set(range(1, len(stories) + 1))
        assert not any(point.text.rstrip(".") in summary for summary in summaries), point
        # attribution: a fact of a story outside the point's stories is never in the point
        for number in set(range(1, len(stories) + 1)) - set(point.stories):
            for fact in facts_of(day, number):
                assert fact not in point.text, (point, fact)


@pytest.mark.parametrize("day", days(), ids=lambda day: day["day"])
def test_a_bottom_line_keeps_its_rules_whatever_the_model_drafts(day):
    stories = written_day(day)
    for answer in (restating, lambda messages, sections: "", lambda m, s: "{not json"):
        line = bottom_line.write(stories, asking(answer), structured=False)
        assert_keeps_the_rules(day, line)
        assert line.fallback  # nothing the model wrote passed


def test_the_plan_connects_stories_by_name_first_then_by_kind():
    by_day = {str(day["day"]): day for day in days()}
    # 09-11: a model and the runner that pairs it, tied by the model's name
    day = by_day["2026-09-11"]
    stories = written_day(day)
    links = bottom_line.plan(stories, [story_kind(s.story) for s in stories])
    assert links[0].stories == (1, 2) and links[0].label == "Vesper 3 32B", links
    # 09-07: two security fixes
    day = by_day["2026-09-07"]
    stories = written_day(day)
    links = bottom_line.plan(stories, [story_kind(s.story) for s in stories])
    assert (1, 2) in [link.stories for link in links]
    assert "two security stories" in [link.reason for link in links]
    for day in days():
        stories = written_day(day)
        links = bottom_line.plan(stories, [story_kind(s.story) for s in stories])
        sets = [frozenset(link.stories) for link in links]
        assert len(sets) == len(set(sets)), (day["day"], links)
        assert sum(len(s) > 1 for s in sets) >= bottom_line.WIDE, (day["day"], links)


def test_a_name_that_no_story_is_about_ties_no_stories():
    """Two releases that both give an MMLU-Pro score are releases, not stories about
    MMLU-Pro: they are tied by their kind ("MMLU-Pro: a release and a release." was shown)."""
    stories = [
        _written("Kestrel releases Kite 7B under Apache 2.0",
                 "Kestrel released Kite 7B under Apache 2.0. It scores 61.0 on MMLU-Pro."),
        _written("Gale opens Gale-3 under MIT",
                 "Gale released Gale-3 under MIT. It scores 58.2 on MMLU-Pro."),
    ]  # fmt: skip
    kinds = [story_kind(s.story) for s in stories]
    links = bottom_line.plan(stories, kinds)
    assert all("mmlu" not in link.label.lower() for link in links), links
    tied = next(link for link in links if link.stories == (1, 2))
    line = bottom_line.fact_line(stories, kinds, tied)
    assert line.text == "Releases: Kite 7B (Apache 2.0) and Gale-3 (MIT).", line


def test_a_bullet_that_connects_two_stories_is_shown_with_exactly_their_numbers():
    day = next(d for d in days() if str(d["day"]) == "2026-09-07")
    stories = written_day(day)
    first, second = day["stories"][0]["facts"][0], day["stories"][1]["facts"][0]
    good = f"Anyone serving models should update {first} and {second} this week."

    def answer(messages, sections):
        lines = ["LEDE: Two fixes and a release make this a week to update and try."]
        lines += [f"{section.label} {good}" for section in sections[1:]]
        return "\n".join(lines)

    ask = asking(answer)
    line = bottom_line.write(stories, ask, structured=False)
    assert line.lede == "Two fixes and a release make this a week to update and try."
    shown = [point for point in line.points if point.text == good]
    assert len(shown) == 1 and shown[0].stories == (1, 2), line.points
    assert not line.fallback
    assert "1. stories 1, 2: two security stories" in ask.prompts[0]
    assert_keeps_the_rules(day, line)


def test_a_bullet_with_a_number_of_no_story_is_refused():
    day = next(d for d in days() if str(d["day"]) == "2026-09-02")
    stories = written_day(day)
    invented = "Both releases score 91.3 on KnowBench, a first for open models."

    def answer(messages, sections):
        return "\n".join(
            ["LEDE: Open releases lead the day."]
            + [f"{section.label} {invented}" for section in sections[1:]]
        )

    line = bottom_line.write(stories, asking(answer), structured=False)
    assert all(point.text != invented for point in line.points)
    assert_keeps_the_rules(day, line)


def _written(title: str, text: str) -> WrittenStory:
    item = Item(f"https://news.example/{title.split()[0].lower()}", title, "News", "rss",
                datetime(2026, 9, 1, 9, tzinfo=UTC), text=text)  # fmt: skip
    return WrittenStory(Story(item, (item,), 1.0), StoryText(text.split(". ")[0] + ".", ""))


CARRIED = [
    _written("Halcyon Labs open-sources Halcyon-R2", "Halcyon Labs released Halcyon-R2 under MIT."),
    _written("Kairos ships Kairos-3 Large", "Kairos released Kairos-3 Large under Apache 2.0."),
    _written("Kernels speed up Intel Arc GPUs", "A project released kernels for Intel Arc GPUs."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bullet", "refused"),
    [
        ("Models like Halcyon-R2 and Kairos-3 Large can be run on Intel Arc GPUs.", True),
        ("Halcyon-R2 now runs on Intel Arc GPUs.", True),
        ("Halcyon-R2 and Kairos-3 Large both arrive under permissive licences.", False),
        ("Halcyon-R2 ships under MIT while Kairos-3 Large uses Apache 2.0.", False),
        ("Halcyon-R2 (MIT) and Kairos-3 Large (Apache 2.0) are both open.", False),
    ],
)
def test_a_bullet_that_carries_one_storys_fact_to_anothers_subject_is_refused(bullet, refused):
    """Each story's sources hold its own facts, so "X runs on Y" with X of one story and Y of
    another passes every per-story check: only a source sentence naming both may tie them."""
    checker = bottom_line._Checker(CARRIED)
    assert checker._binds_apart(bullet) is refused
    if refused:  # and so the bullet is never shown
        assert checker.bullet(bullet, bottom_line.Link((1, 2, 3), "three", "Models")) is None


LISTED = [
    _written("Sprocket 2 converts models straight to quantised formats",
             "Sprocket 2, an MIT-licensed tool, converts models straight to quantised formats."),
    _written("Jotter 5.2.1 fixes a notebook crash",
             "Jotter 5.2.1, an MIT-licensed notebook app, fixes a crash on start-up."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bullet", "refused"),
    [
        ("Tools like Sprocket 2 and Jotter 5.2.1 can convert models to quantised formats.", True),
        ("Updates to Jotter 5.2.1 and Sprocket 2 both fix a notebook crash.", True),
        ("Tools like Sprocket 2 and Jotter 5.2.1 are both MIT-licensed.", False),
    ],
)
def test_a_list_of_two_storys_names_gets_only_what_both_stories_say(bullet, refused):
    """ "X and Y can convert models" lists the names of two stories, and "convert" is only X's:
    a word one side's sources have and the other's lack is one story's fact given to both."""
    checker = bottom_line._Checker(LISTED)
    assert checker._binds_apart(bullet) is refused


def named_fact(day: dict, number: int) -> str:
    """The story's first listed fact that reads as a name or a number ("StackRank", not
    "tokenizr": a lower-case name is not traced to its story, a gap left as it is)."""
    return next(fact for fact in facts_of(day, number) if claims(fact))


def test_bullets_that_draw_on_another_links_stories_still_make_three():
    """A bullet is shown with the stories it draws on, which may be another link's: on the
    demo day, the bullet for "three releases" used stories 1 and 2 only, so the "models" link
    over stories 1 and 2 had no place for its fact line, and the Bottom Line had 2 bullets."""
    checked = 0
    for day in days():
        stories = written_day(day)
        for a, b in itertools.combinations(range(1, len(stories) + 1), 2):
            first, second = (named_fact(day, n) for n in (a, b))
            good = f"Anyone serving models should update {first} and {second} this week."

            def answer(messages, sections, good=good):
                lines = ["LEDE: Two fixes and a release make this a week to update and try."]
                return "\n".join(lines + [f"{section.label} {good}" for section in sections[1:]])

            line = bottom_line.write(stories, asking(answer), structured=False)
            if any(point.text == good for point in line.points):
                checked += 1
                assert_keeps_the_rules(day, line)
    assert checked >= 10  # days on which the shared bullet was shown


def test_the_worked_example_passes_the_checks_it_teaches():
    """As for the stories' examples (tests/test_writing_rules.py): the Bottom Line's worked
    example, read against its own stories, must keep every rule the writer holds a draft to,
    or it teaches drafts the checks refuse."""
    path = templates_dir() / "prompts" / "bottom_line_example.yaml"
    example = yaml.safe_load(path.read_text(encoding="utf-8"))
    stories = []
    for story in example["stories"]:
        item = Item(f"https://news.example/{len(stories)}", story["title"], "News", "rss",
                    datetime(2026, 9, 1, 9, tzinfo=UTC), text=story["summary"])  # fmt: skip
        stories.append(WrittenStory(Story(item, (item,), 1.0), StoryText(story["summary"], "")))
    checker = bottom_line._Checker(stories, echoes=frozenset())  # its own words, not echoes
    assert checker.lede(example["lede"]), example["lede"]
    for link, text in zip(example["links"], example["bullets"], strict=True):
        planned = bottom_line.Link(tuple(link["stories"]), link["reason"], "Example")
        point = checker.bullet(text, planned)
        assert point is not None, text
        assert set(point.stories) == set(link["stories"]), (text, point.stories)


JOINED = [
    _written("Kairos ships Kairos-3 Large", "Kairos released Kairos-3 Large under the Apache 2.0 "
             "licence for anyone to run on their own machines."),
    _written("Halcyon Labs open-sources Halcyon-R2", "Halcyon Labs released Halcyon-R2 as an "
             "open model under the MIT licence with a long context window."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bullet", "restates"),
    [
        # the halves of two summaries joined: no one sentence holds 40% of its words
        ("On one busy day for open models, Kairos released Kairos-3 Large under the Apache 2.0 "
         "and Halcyon Labs released Halcyon-R2 as an open model.", True),
        ("Kairos released Kairos-3 Large under the Apache 2.0 licence for anyone to run on "
         "their own machines.", True),
        # a summary's opening with a tail of its own: a third of it copied
        ("Kairos released Kairos-3 Large under the Apache 2.0, with plans to add a smaller "
         "model and a new tokenizer later this year.", True),
        ("Two permissive licences in one day: Apache 2.0 for Kairos-3 Large, MIT for "
         "Halcyon-R2.", False),
    ],
)  # fmt: skip
def test_a_bullet_made_of_summaries_again_restates_them(bullet, restates):
    assert bottom_line._Checker(JOINED)._restates(bullet) is restates


@pytest.mark.parametrize(
    ("bullet", "reason"),
    [
        ("Halcyon-R2 now runs on Intel Arc GPUs", "cut off"),
        ("Halcyon-R2 is out.", "3 words"),
        (
            "Halcyon Labs released Halcyon-R2 under MIT; Kairos released Kairos-3 Large too.",
            "restates a summary",
        ),
        ("Halcyon-R2 arrives under MIT, a licence for anyone.", "draws on story 1 alone"),
        ("Models like Halcyon-R2 and Kairos-3 Large run on Intel Arc GPUs.", "ties one story's"),
        ("Halcyon-R2 and Kairos-3 Large both arrive under the GPL.", "in none of the stories"),
    ],
)
def test_a_refused_bullet_is_logged_with_the_check_it_failed(bullet, reason, caplog):
    """What the Bottom Line falls back from is told: each refusal names its check."""
    checker = bottom_line._Checker(CARRIED)
    with caplog.at_level(logging.DEBUG, logger=bottom_line.__name__):
        assert checker.bullet(bullet, bottom_line.Link((1, 2), "both", "Models")) is None
    assert reason in caplog.text and bullet in caplog.text


HEADLINES = [
    _written("Tallow Labs doubles revenue from fine-tuning contracts",
             "Tallow Labs doubled its revenue from fine-tuning contracts to $40 million."),
    _written("Dunmarrow court orders chatbot maker to list its training sources",
             "A Dunmarrow court ordered Quenby to list the websites it trained on."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bullet", "reason"),
    [
        # the day's headlines listed, not connected
        ("Tallow Labs doubles revenue, Dunmarrow court orders Quenby.", "restates a summary"),
        (
            "Tallow Labs doubled its revenue while a Dunmarrow court ordered Quenby to list sites.",
            "restates a summary",
        ),
        # the worked example's lede, and a planned reason, written back
        ("Tallow Labs and Quenby grow, but serving them safely still takes work.", "echoes"),
        ("Tallow Labs and Quenby show money and rules pulling apart.", "echoes"),
    ],
)
def test_a_bullet_that_lists_headlines_or_echoes_its_example_is_refused(bullet, reason, caplog):
    checker = bottom_line._Checker(HEADLINES)
    with caplog.at_level(logging.DEBUG, logger=bottom_line.__name__):
        assert checker.bullet(bullet, bottom_line.Link((1, 2), "two stories", "Also")) is None
    assert reason in caplog.text
    assert not checker.lede(bullet)


def test_a_day_that_says_what_the_example_says_may_say_it():
    """A run of the example's words that the day's own texts have is the day's, not an echo."""
    bullet = "Anyone loading shared model files with Kiln should update to 4.2.1."
    link = bottom_line.Link((1,), "what it means for them", "Security")
    for summary, echoes in [
        ("Kiln 4.2.1 fixes a flaw in loading shared model files, which could run code.", False),
        ("Kiln 4.2.1 fixes a flaw in loading a crafted file, which could run code.", True),
    ]:
        day = [_written("Kiln 4.2.1 fixes a code execution flaw", summary)]
        point, reason = bottom_line._Checker(day).judge(bullet, link)
        assert ("echoes" in reason) is echoes, reason
        assert (point is None) is echoes


def test_a_name_opening_a_bullet_with_a_possessive_is_traced_to_its_story():
    """ "Rookery's new embedding model ..." draws on Rookery's story: a capitalised possessive
    is a name even where the sentence starts, so the bullet cites both stories."""
    day = [
        _written("Rookery releases Wick 1B, an open embedding model",
                 "Rookery released Wick 1B, an open embedding model, under Apache 2.0."),
        _written("Sprocket 2 converts models straight to quantised formats",
                 "Sprocket 2 converts models straight to quantised formats in 14 minutes."),
    ]  # fmt: skip
    checker = bottom_line._Checker(day)
    text = "Rookery's new embedding model is open, while Sprocket 2 converts models quickly."
    assert checker.origins(text) == [1, 2]


def test_a_bullet_that_is_a_note_again_is_refused():
    """The default model's bullet on one Bottom Line day: its story's Why It Matters again."""
    item = Item(
        "https://news.example/b",
        "Bramble Compute cuts GPU rental prices by a third",
        "News",
        "rss",
        datetime(2026, 9, 1, 9, tzinfo=UTC),
        text="Bramble Compute cut its GPU rental prices by a third, to $1.20 an hour.",
    )
    written = WrittenStory(Story(item, (item,), 1.0), StoryText(
        "Bramble Compute cut its GPU rental prices by a third, to $1.20 an hour.",
        "Teams that use Bramble Compute's GPUs now pay far less per hour."))  # fmt: skip
    checker = bottom_line._Checker([written])
    bullet = "Bramble Compute's GPUs now pay far less per hour, according to Bramble Compute."
    point, reason = checker.judge(bullet, bottom_line.Link((1,), "what it means", "Business"))
    assert point is None and reason == "restates a summary"


MIXED = [
    _written("Vesper 3 32B enters StackRank at fifth",
             "Vesper 3 32B entered StackRank at fifth, the best model under 40 billion."),
    _written("Tallow Labs doubles revenue from fine-tuning contracts",
             "Tallow Labs doubled its revenue from fine-tuning contracts in 2 years."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bullet", "reason"),
    [
        # the default model's bullets: a name made of two stories' names, and news reported on
        ("Tallow Labs' fine-tuning may help Vesper 2 users.", "names a model no story names"),
        ("Anybody choosing a model to host should consider Tallow 3 32B over Tallow Labs.",
         "names a model no story names (Tallow 3 32B)"),
        ("Vesper 3 32B and Tallow Labs' revenue are discussed.", "talks about the stories"),
        ("Vesper 3 32B and Tallow Labs are examples of open models and tools.",
         "talks about the stories"),
        ("Vesper 3 32B entering StackRank is a leaderboard move, Tallow Labs doubling its "
         "revenue is a business venture.", "talks about the stories"),
        # a name the stories give, after a capitalised word of the bullet's own
        ("Consider Vesper 3 32B, while Tallow Labs sells fine-tuning to pay for it.", ""),
    ],
)  # fmt: skip
def test_a_bullet_that_makes_up_a_name_or_reports_on_the_news_is_refused(bullet, reason):
    _, refusal = bottom_line._Checker(MIXED).judge(bullet, bottom_line.Link((1, 2), "x", "X"))
    assert refusal.startswith(reason) if reason else not refusal.startswith(("names", "talks"))


def test_a_name_line_gives_each_story_its_own_fact_of_that_name():
    """A fallback line for stories tied by a name says what each is for it: the rank from a
    leaderboard snapshot's own listing, a release's licence where the release is about it."""
    when = datetime(2026, 9, 1, 9, tzinfo=UTC)
    release = Item(
        "https://news.example/kite",
        "Kestrel releases Kite 7B under Apache 2.0",
        "Wire",
        "rss",
        when,
        text="Kestrel released Kite 7B under Apache 2.0.",
    )
    board = Item("https://board.example/#standing", "BenchLM: top of the ranking", "BenchLM",
                 "leaderboard", when, text="#1 Gale Max (Gale, Proprietary): 80.0 points\n"
                 "#3 Kite 7B (Kestrel, Open Weight): 70.0 points")  # fmt: skip
    rival = Item("https://news.example/gale", "GaleMax 2 tops BenchLM again", "Wire", "rss",
                 when, text="GaleMax 2, Kite 7B and others were ranked.")  # fmt: skip
    stories = [
        WrittenStory(Story(item, (item,), 1.0), StoryText(item.text, ""))
        for item in (board, release, rival)
    ]
    kinds = [bottom_line.Kind.LEADERBOARD, bottom_line.Kind.RELEASE, bottom_line.Kind.RELEASE]
    link = bottom_line.Link((1, 2, 3), "they all name Kite 7B", "Kite 7B")
    line = bottom_line.fact_line(stories, kinds, link)
    # the third story is about GaleMax 2: its kind and licence would not be Kite 7B's
    assert line.text == (
        "Kite 7B: #3 on BenchLM, a release (Apache 2.0) and named in the GaleMax 2 story."
    )
    assert line.stories == (1, 2, 3)


@pytest.mark.parametrize(
    ("summary", "detail"),
    [
        ("Meridale Cloud cut its price from $0.60 to $0.25 per million input tokens.",
         "$0.25 per million input tokens"),  # the new price, not the old one
        ("Bramble Compute rents H100s at $1.60 an hour.", "$1.60 an hour"),
        ("Pellmar raised $14 million.", "$14 million"),
    ],
)  # fmt: skip
def test_a_business_fact_line_gives_an_amount_with_what_it_is_per(summary, detail):
    when = datetime(2026, 9, 1, 9, tzinfo=UTC)
    item = Item("https://news.example/deal", "Pellmar news", "Wire", "rss", when, text=summary)
    written = WrittenStory(Story(item, (item,), 1.0), StoryText(summary, ""))
    link = bottom_line.Link((1,), "what it means for them", "Business")
    line = bottom_line.fact_line([written], [bottom_line.Kind.BUSINESS], link)
    assert f"({detail})" in line.text, line.text


def test_a_name_opening_a_bullet_with_its_numbers_is_traced_to_its_story():
    """ "Nova 2 32B is released as a single-node model with eight H100 GPUs" (the demo's
    bullet, default model): the eight H100s are the other story's, and the name that opens
    the sentence is a name even though its first word alone would read as an ordinary one."""
    stories = [
        _written("Lumora releases Nova 2 32B under Apache 2.0",
                 "Lumora released Nova 2 32B under Apache 2.0; it runs on one 24 GB GPU."),
        _written("Halcyon Labs open-sources Halcyon-R2 under MIT",
                 "Halcyon-R2 is out under MIT and runs on a single node of eight H100 GPUs."),
    ]  # fmt: skip
    checker = bottom_line._Checker(stories)
    link = bottom_line.Link((1, 2), "two releases", "Releases")
    bullet = ("Nova 2 32B is released as a single-node model with eight H100 GPUs, and "
              "Halcyon-R2 is open-sourced under the MIT licence.")  # fmt: skip
    assert checker._binds_apart(bullet)
    assert checker.judge(bullet, link)[0] is None
    assert not checker._binds_apart("Nova 2 32B runs on one 24 GB GPU, and Halcyon-R2 is MIT.")


def test_a_subject_is_named_in_full_as_its_texts_write_it():
    """ "Marlow" reads as an ordinary capitalised word, but the texts write "Marlow Coder 2
    15B" together: the fact lines must not name another product ("Coder 2 15B")."""
    story = _written("CodeArena: Marlow Coder 2 15B takes third",
                     "Marlow Coder 2 15B takes third on CodeArena with 1,212 points.")  # fmt: skip
    assert bottom_line.subject(story) == "Marlow Coder 2 15B"
