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
from briefbot.write.select import check_note, check_summary, shortened, without_setting
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
    # a second predicate of the same subject is a clause of its own; a list of names is not
    second = "Anyone can run Kite 7B; it has a 32K context and runs on one 8 GB GPU."
    assert shortened(second) == [
        "Anyone can run Kite 7B; it has a 32K context.",
        "Anyone can run Kite 7B.",
    ]
    assert shortened("Kite 7B and Kite 13B run on one GPU.") == []


def test_a_failing_note_may_lose_the_setting_whose_figure_is_another_builds():
    said = ("the sources say eight of the FP8 build",)
    note = "Anyone can now run Kite 70B on a single node of eight H100 GPUs, under the MIT licence."
    assert without_setting(note, said) == [
        "Anyone can now run Kite 70B under the MIT licence.",
        "Anyone can now run Kite 70B under the MIT licence; its FP8 build runs on a single node "
        "of eight H100 GPUs.",
    ]
    # a last clause that only runs the model there goes whole, or is given to the build
    assert without_setting("Kite 70B has a 32K context and runs on eight H100 GPUs.", said) == [
        "Kite 70B has a 32K context.",
        "Kite 70B has a 32K context; its FP8 build runs on eight H100 GPUs.",
    ]
    # never a verb left without its object
    assert without_setting("Kite 70B runs on eight H100 GPUs.", said) == []
    assert without_setting(note, ("the sources say eight of the summary",)) == []


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


def _plan(title: str, text: str, source: str = "Tool News") -> story_writing.StoryPlan:
    item = Item(url="https://example.org/s", title=title, source=source, source_type="rss",
                published=None, text=text)  # fmt: skip
    return story_writing.plan(Story(item, (item,), 1.0))


def _note(plan: story_writing.StoryPlan, note: str, kind: Kind = Kind.TOOLING):
    return check_note(note, plan.verifier, "", plan.note_names, plan.article, kind,
                      plan.example_words)  # fmt: skip


@pytest.mark.parametrize(
    ("title", "text", "name"),
    [
        ("Shardsync 1.2 adds resumable downloads",
         "Shardsync, a tool for downloading model weights, released 1.2 with resumable "
         "transfers. Users can now resume a download that broke off.", "shardsync"),
        ("Draftline releases 14 draft models",
         "Draftline, a library for speculative decoding, released 14 draft models.", "draftline"),
        ("Valmora tells agencies to prefer models they can run",
         "Valmora's government will require agencies to prefer models they can run on their "
         "own servers.", "valmora"),
    ],
)  # fmt: skip
def test_a_name_that_opens_the_title_is_what_the_story_is_about(title, text, name):
    """A title's first word is a name when the sources never write it in lower case; a note
    naming it is not generic."""
    plan = _plan(title, text)
    assert name in plan.subject_names
    note = f"Users of {name.capitalize()} can now resume a download that broke off."
    assert not any("generic" in problem for problem in _note(plan, note).problems)


def test_an_ordinary_first_word_of_the_title_is_not_a_name():
    plan = _plan("Poisoned copies found on the ModelYard hub",
                 "Researchers found 31 poisoned copies on the ModelYard hub.")  # fmt: skip
    assert "poisoned" not in plan.subject_names
    assert "modelyard" in plan.subject_names
    note = "Anyone running poisoned copies can now be attacked by them."
    assert any("generic" in problem for problem in _note(plan, note, Kind.SECURITY).problems)


def test_a_possessive_names_the_subject():
    plan = _plan("Mixer-2 climbs to fourth on OpenRank",
                 "Mixer-2 climbs from ninth to fourth on OpenRank with 80.1 points.")  # fmt: skip
    note = "Mixer-2's climb gives anyone choosing a model to host a stronger option."
    assert not any("generic" in p for p in _note(plan, note, Kind.LEADERBOARD).problems)


def test_ordinary_words_of_an_example_are_no_echo_but_its_facts_are():
    """ "making it" or "down from" are words of any story; "input tokens" in a story about
    renting accelerators is the pricing example's fact."""
    plan = _plan("Vantor V80 rental prices fall to $1.62 an hour",
                 "Spot prices for renting a Vantor V80 accelerator fell to $1.62 an hour, from "
                 "$2.25, according to the tracker RentIndex.", "Compute Weekly")  # fmt: skip
    business = story_writing.StoryPlan(plan.story, plan.evidence, plan.facts, Kind.BUSINESS,
                                       plan.verifier)  # fmt: skip
    ordinary = "Renting a Vantor V80 now costs $1.62 an hour, down from $2.25, RentIndex says."
    assert not any("echoes" in p for p in _note(business, ordinary, Kind.BUSINESS).problems)
    echo = "Teams that call Vantor's V80 now pay far less for input tokens."
    assert any("echoes" in p for p in _note(business, echo, Kind.BUSINESS).problems)
    # a leaderboard's points and a release's versions are any story's words
    board = _plan("SumBoard: Ledger 8B jumps to second",
                  "On the SumBoard leaderboard, Ledger 8B ranks second with an average of 61.0.",
                  "Model News")  # fmt: skip
    scored = "Anyone choosing a model by SumBoard now has Ledger 8B second, at 61.0 points."
    assert not any("echoes" in p for p in _note(board, scored, Kind.LEADERBOARD).problems)


def test_a_note_may_name_what_the_facts_name_not_a_unit_or_a_month():
    """ "GPU drivers leave data in memory": the title names no one, the facts name the drivers'
    makers; a note naming Vantor is this story's, one naming only "GB" or "June" is not."""
    plan = _plan("GPU drivers leave another tenant's data in memory",
                 "A paper from the Calder Institute shows that two GPU drivers leave model "
                 "data in memory. The Vantor driver 551.20 fixes the leak of up to 12 GB in "
                 "June.")  # fmt: skip
    named = "Anyone using GPU drivers on shared machines should upgrade to Vantor driver 551.20."
    assert not any("generic" in p for p in _note(plan, named, Kind.SECURITY).problems)
    unnamed = "Anyone using GPU drivers should upgrade, since up to 12 GB leaked in June."
    assert any("generic" in p for p in _note(plan, unnamed, Kind.SECURITY).problems)


NOVA = (
    "Lumora AI released Nova 2 32B under the Apache 2.0 licence. A 4-bit build fits in about "
    "19 GB, so the model runs on one 24 GB GPU."
)


@pytest.mark.parametrize(
    ("note", "kind", "echo"),
    [
        # this machine's demo note: the release instruction's question written back
        ("Customers can now run Nova 2 32B on a GPU, on which hardware or platform, and under "
         "the Apache 2.0 licence.", Kind.RELEASE, "on which hardware"),
        ("Anyone running Nova 2 32B must update from which version to which.", Kind.SECURITY,
         "update from which"),
        ("Anyone can now run Nova 2 32B on one 24 GB GPU under the Apache 2.0 licence.",
         Kind.RELEASE, ""),
        # the question's words, though the story never uses them
        ("Anyone can now run Nova 2 32B on hardware and software platforms under Apache 2.0.",
         Kind.RELEASE, "names what its instruction asks for (hardware, platforms)"),
        ("Teams using Nova 2 32B get better access and support from Lumora.", Kind.BUSINESS,
         "names what its instruction asks for (access, support)"),
    ],
)  # fmt: skip
def test_a_note_that_writes_its_instruction_back_is_refused(note, kind, echo):
    """The instruction asks "on which hardware or platform"; a note that copies the question
    says nothing, however true its facts are."""
    plan = _plan("Lumora releases Nova 2 32B under Apache 2.0", NOVA, "Model News")
    checked = _note(plan, note, kind)
    said = " ".join(checked.problems)
    told = echo if echo.startswith("names") else f"it writes the instruction back ({echo}"
    assert (told in said) is bool(echo), checked.problems
    assert ("instruction" in said) is bool(echo)
    if echo:
        assert not checked.ok


@pytest.mark.parametrize(
    ("note", "doubled"),
    [
        ("Anyone can now run Nova 2 32B on a a single 24 GB GPU under the Apache 2.0 licence.",
         "'a a'"),  # the default model's slip when a run it would copy is discouraged
        ("Anyone can now run Nova 2 32B on one 24 GB GPU under the the Apache 2.0 licence.",
         "'the the'"),
        ("Anyone can now run Nova 2 32B on one 24 GB GPU under the Apache 2.0 licence.", ""),
    ],
)  # fmt: skip
def test_a_text_with_a_short_word_written_twice_is_refused(note, doubled):
    plan = _plan("Lumora releases Nova 2 32B under Apache 2.0", NOVA, "Model News")
    checked = _note(plan, note, Kind.RELEASE)
    assert (f"it writes a word twice ({doubled}" in " ".join(checked.problems)) is bool(doubled)
    assert checked.ok is not bool(doubled)


@pytest.mark.parametrize(
    ("note", "cut"),
    [
        # the default model's summary sentence on the labelled court day
        ("Anyone can now run Nova 2 32B on one 24 GB GPU; more sizes come at a later.",
         "'a later.'"),
        ("Anyone can now run Nova 2 32B on one 24 GB GPU, and Lumora ranks it the top.",
         "'the top.'"),
        ("Anyone can now run Nova 2 32B on one 24 GB GPU under the Apache 2.0 licence.", ""),
    ],
)  # fmt: skip
def test_a_text_whose_sentence_stops_before_its_noun_is_refused(note, cut):
    plan = _plan("Lumora releases Nova 2 32B under Apache 2.0", NOVA, "Model News")
    checked = _note(plan, note, Kind.RELEASE)
    assert (f"a sentence stops before its noun ({cut}" in " ".join(checked.problems)) is bool(cut)
    if cut:
        assert not checked.ok


PELLMAR = (
    "Pellmar, which makes an on-device assistant app, has raised $14 million in a Series A "
    "round. The company plans to hire engineers and to bring its app to more phones."
)
LOOPKV = (
    "Researchers at Harrow published LoopKV, a method that halves key-value cache memory for "
    "prompts over 32,000 tokens. The code is under the MIT licence."
)


@pytest.mark.parametrize(
    ("title", "text", "kind", "note", "refused"),
    [
        # the default model's notes on the Bottom Line days: filler and guesses, not the news
        ("Pellmar raises $14 million", PELLMAR, Kind.BUSINESS,
         "New investors give Pellmar the resources to expand, potentially improving its app "
         "and support.", True),
        ("LoopKV halves cache memory", LOOPKV, Kind.RESEARCH,
         "LoopKV can help reduce memory usage for long prompts, which can be important in "
         "applications like chatbots or natural language processing.", True),
        ("Pellmar raises $14 million", PELLMAR, Kind.BUSINESS,
         "Pellmar users can expect the assistant app on more phones, since the company plans "
         "to bring it there.", False),
        ("LoopKV halves cache memory", LOOPKV, Kind.RESEARCH,
         "Researchers can now use LoopKV, under the MIT licence, to halve the cache memory of "
         "prompts over 32,000 tokens.", False),
        # a paraphrase of one word is not a claim of its own ("servers"), nor US spelling
        ("LoopKV halves cache memory", LOOPKV, Kind.RESEARCH,
         "Anyone serving long prompts can now halve key-value cache memory on their servers "
         "with LoopKV.", False),
    ],
)  # fmt: skip
def test_a_note_that_says_what_its_sources_do_not_is_refused(title, text, kind, note, refused):
    """Most of a note's content words must be its sources' own: what changes for the reader
    is told from the news, not guessed ("potentially improving its app")."""
    checked = _note(_plan(title, text, "Model News"), note, kind)
    said = " ".join(checked.problems)
    assert ("the note says what its sources do not" in said) is refused, checked.problems


def test_a_note_naming_the_fixed_versions_is_this_storys():
    """ "Users on the 1.x line should upgrade to 1.9.4" names no product, but a release's full
    version the facts give is this story's and no other's (a bare "551.20" is not)."""
    plan = _plan("Sandpiper patches a sandbox escape",
                 "A flaw in Sandpiper, a code sandbox, lets code write outside its folder. "
                 "Versions 1.9.4 and 2.0.3 fix it.")  # fmt: skip
    note = "Users on the 1.x line should upgrade to 1.9.4, and those on 2.0 to 2.0.3."
    assert not any("generic" in p for p in _note(plan, note, Kind.SECURITY).problems)
    bare = "Users on the 1.x line should upgrade to the fixed versions."
    assert any("generic" in p for p in _note(plan, bare, Kind.SECURITY).problems)


def test_a_choice_told_in_the_examples_words_is_not_a_guess():
    """ "a strong option ... for their project" is how any leaderboard note says what a move
    means for choosing a model: not words the sources must have."""
    plan = _plan("ToolRun league: Fenn 14B is the top open model",
                 "In the ToolRun agent league, Fenn 14B is the top open model at #6 with 58 "
                 "percent of tasks.")  # fmt: skip
    note = "Anyone choosing an open model for their project has a strong option in Fenn 14B."
    problems = _note(plan, note, Kind.LEADERBOARD).problems
    assert not any("sources do not" in p for p in problems), problems


KESTREL = (
    "Kestrel Labs reported third-quarter revenue of $22 million from its hosted API, up 40 "
    "percent. It cut 12 staff in September. Kestrel raised prices for its largest customers."
)


@pytest.mark.parametrize(
    ("note", "refused"),
    [
        # the default model's note on a revenue story: the company's revenue, the readers'
        ("Teams that use Kestrel's hosted API now see increased revenue, as the company grows.",
         True),
        ("Customers of Kestrel's hosted API get more funding for their projects.", True),
        ("Users of Kestrel's API pay more, though Kestrel's revenue rose 40 percent.", False),
        ("Anyone on Kestrel's API should expect higher prices now that it cut staff.", False),
        ("Teams that use Kestrel's API can count on a maker whose revenue rose.", False),
    ],
)  # fmt: skip
def test_a_companys_figures_are_not_given_to_its_readers(note, refused):
    """Revenue, losses, staff or funding said in the readers' own clause, with no owner
    ("Kestrel's", "its", "whose"), become the readers' figures."""
    checked = _note(_plan("Kestrel's API revenue rises 40 percent", KESTREL), note,
                    Kind.BUSINESS)  # fmt: skip
    assert any("to its readers" in p for p in checked.problems) is refused, checked.problems


@pytest.mark.parametrize(
    ("note", "guess"),
    [
        # the default model's note on the same kind of story: a consequence it imagines
        ("Kestrel's revenue rise could benefit teams by raising API prices.", "could benefit"),
        ("Teams on Kestrel's API might leave for rival providers as prices rise.", "might leave"),
        ("Kestrel's largest customers may pay more after the price rise.", ""),
        ("Kestrel's customers could be paying more for its hosted API.", ""),
        ("Kestrel raised prices in May for its largest customers.", ""),
    ],
)  # fmt: skip
def test_a_note_does_not_guess_a_consequence(note, guess):
    """After "could", "might" or "may", the verb must be one the sources use: "could benefit"
    where no source speaks of a benefit is the model's guess; "May" the month is no modal."""
    checked = _note(_plan("Kestrel's API revenue rises 40 percent", KESTREL), note,
                    Kind.BUSINESS)  # fmt: skip
    found = [p for p in checked.problems if p.startswith("it guesses")]
    assert found == ([f"it guesses what its sources do not say ({guess})"] if guess else [])


HARBOR = (
    "A flaw in Dockyard, a model server, lets attackers run code. Dockyard 2.4.1 requires an "
    "API key for all management endpoints and is licensed under the Apache 2.0 licence."
)


@pytest.mark.parametrize(
    ("note", "slip"),
    [
        # the default model's note on the demo day: "management endponts"
        ("Anyone running Dockyard should upgrade to 2.4.1, which requires an API key for all "
         "management endponts.", "endponts (endpoints)"),
        ("Anyone running Dockyard should upgrade to 2.4.1 and set an API key for managment.",
         "managment (management)"),
        # spelling variants and words of the story's own stem are not slips
        ("Anyone running Dockyard should upgrade to 2.4.1, licenced under Apache 2.0.", ""),
        ("Operators of Dockyard servers should upgrade to 2.4.1 and manage API keys.", ""),
    ],
)  # fmt: skip
def test_a_word_misspelt_from_the_sources_is_refused(note, slip):
    """A slip of one letter from a word the sources use, in no source and no prompt, is
    never shown: the rest of the brief would be doubted with it."""
    problems = _note(_plan("Dockyard patches a code flaw", HARBOR), note, Kind.SECURITY).problems
    found = [p for p in problems if "misspells" in p]
    assert found == ([f"it misspells a word ({slip})"] if slip else []), problems


def test_a_note_naming_a_quant_type_with_underscores_is_this_storys():
    """ "Q3_HX" is one name, as the title gives it: a note naming it is not generic."""
    plan = _plan("llama.cpp adds Q3_HX, a 3-bit quant",
                 "The llama.cpp project has merged Q3_HX, a new 3-bit quantization type. "
                 "Users can now try Q3_HX from build b7421.")  # fmt: skip
    note = "Users of llama.cpp can now try Q3_HX from build b7421."
    assert not any("generic" in p for p in _note(plan, note).problems)


@pytest.mark.parametrize(
    ("note", "refused"),
    [
        # the default model's note: the largest customers' price rise given to every team
        ("Teams that use Marrow's Ledger API are getting higher fees.", True),
        ("Customers of Marrow's Ledger API now pay more for it.", True),
        ("Marrow's largest customers now pay 12 percent more for the Ledger API.", False),
        ("Teams that use Marrow's Ledger API can rely on support contracts.", False),
    ],
)
def test_a_price_change_of_one_tier_of_customers_is_not_every_readers(note, refused):
    plan = _plan("Marrow's Ledger API revenue rises 60 percent",
                 "Marrow reported revenue of $30 million from its Ledger API. Support contracts "
                 "brought in $8 million. Marrow raised API prices for its largest customers by 12 "
                 "percent in May.", "Compute Weekly")  # fmt: skip
    problems = _note(plan, note, Kind.BUSINESS).problems
    assert any("price change" in problem for problem in problems) is refused, problems
