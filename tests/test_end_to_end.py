"""`briefbot demo` as a user runs it, with the real default model (Qwen2.5-Coder-1.5B): the demo
site's day briefed on a new database, then the same day again, which makes no model call.

What a model writes differs between CPUs and thread counts, so this test asserts what the
pipeline guarantees whatever the model writes (issue 12): each Summary is the model's own words
(copying no more than the writer's limit), a labelled extract of the article, or the
leaderboard's own data, whose numbers are the snapshots'; no story lists an item of another
event; the Bottom Line has a lede and 3 to 5 bullets, two of them drawing on two stories or
more, none restating a summary. Whether a sentence misstates the demo's facts is measured, not
asserted: the writer's verifier catches most misstatements, not all (README, "Quality"), so on
another CPU a true sentence the fact oracle misreads, or a false one the verifier misses, would
fail a run by luck. The oracle's findings (tests/data/demo_facts.yaml) are printed with the
notes left out (run with -s); benchmarks/quality counts them over 49 stories. The oracle's
readings of the shapes of sentence the default model writes are asserted below.

The brief has the demo's three top stories (`--top-stories 3`), one draft each (`--candidates
1`): on a 2-core machine whose model reads 40 prompt tokens a second and decodes drafts no
faster together than one by one, the whole demo (five stories, three drafts each) over two days
takes 500 s, more than the suite's budget; what is asserted holds for any number of drafts.
The two days on one database (a story that continues yesterday's, the gap chart, the second
day's Bottom Line) are tested with canned answers in tests/test_pipeline.py; `make bench`
(benchmarks/brief.py) times the whole default demo.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache

import pytest
import yaml

from briefbot.demo.site import NEWS_FILE
from briefbot.write.checks import copied_share
from briefbot.write.select import COPIED_SHARE_LIMIT
from tests.fact_oracle import group_misstatements, misstatements, title_subjects, values
from tests.test_data_sets import demo_facts

BULLET = re.compile(r"^- (.+) \*\(from stor(?:y|ies) ([\d, ]+)\)\*$", re.M)
STORIES = 3
FIELD = re.compile(
    r"^- \*\*(Summary[^:]*|Why It Matters[^:]*|URL|Previously[^:]*):\*\* (.+)$", re.M
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_demo(tmp_path, port: int) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "briefbot", "demo", "--top-stories", str(STORIES)]
    command += ["--candidates", "1", "--port", str(port)]
    return subprocess.run(
        [*command, "--out", str(tmp_path / "out"), "--db", str(tmp_path / "demo.db")],
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )


def unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)


def stories_of(markdown: str) -> list[dict]:
    blocks = re.split(r"^### \d+\. ", markdown.split("## Bottom Line")[0], flags=re.M)[1:]
    stories = []
    for block in blocks:
        fields = {name: unescape(value) for name, value in FIELD.findall(block)}
        links = re.findall(r"<(http://127\.0\.0\.1:[^>]+)>", block)
        stories.append({"title": unescape(block.splitlines()[0]), "links": links, **fields})
    return stories


def bottom_line_of(markdown: str) -> tuple[str, list[tuple[str, list[int]]]]:
    part = markdown.split("## Bottom Line")[1].split("\n---\n")[0].strip()
    lede = next((line for line in part.splitlines() if line and not line.startswith("- ")), "")
    bullets = [
        (unescape(text), [int(n) for n in re.findall(r"\d+", numbers)])
        for text, numbers in re.findall(
            r"^- (.+) \*\(from stor(?:y|ies) ([\d, ]+)\)\*$", part, re.M
        )
    ]
    return unescape(lede), bullets


@cache
def demo_news() -> dict:
    return yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))


def event_of_link(url: str) -> str | None:
    """The demo event of an article or Reddit thread link; None for the leaderboard's."""
    path = url.split("/", 3)[3]
    for outlet in demo_news()["outlets"]:
        for item in outlet["items"]:
            if path == f"articles/{outlet['slug']}/{item['slug']}.html":
                return item["event"]
    for subreddit in demo_news()["reddit"]:
        for post in subreddit["posts"]:
            if f"/comments/{post['id']}/" in url:
                return post["event"]
    return None


def article_bodies() -> dict[str, str]:
    return {
        f"articles/{outlet['slug']}/{item['slug']}.html": " ".join(
            f"{item['teaser']} {item['body']}".split()
        )
        for outlet in demo_news()["outlets"]
        for item in outlet["items"]
    }


def leaderboard_facts() -> list[dict]:
    """Each row's rank and score in either day's snapshot (the best of either side's also told
    of its side: "open-weight", "proprietary"), the gaps between the best open-weight and the
    best proprietary model on either day, and how many open-weight models are in the top ten
    (the "top ten" itself is a name)."""
    facts = []
    rows = demo_news()["leaderboard"]
    for day_rows in (rows, [r for r in rows if "listed_hours_ago" not in r]):
        best_open = next(r for r in day_rows if r["sourceType"] == "Open Weight")
        best_closed = next(r for r in day_rows if r["sourceType"] == "Proprietary")
        best = {best_open["model"]: "open-weight", best_closed["model"]: "proprietary"}
        for rank, row in enumerate(day_rows, start=1):  # as briefbot.demo.site ranks them
            subject = [row["model"], *([best[row["model"]]] if row["model"] in best else [])]
            facts += [  # "the best open-weight model scores 77.1" names the row by its side
                {"number": f"#{rank}", "subject": subject, "role": "rank"},
                {"number": f"{row['displayScore']}", "subject": subject, "role": "points"},
            ]
        gap = f"{best_closed['displayScore'] - best_open['displayScore']:.2f}"
        both = [best_open["model"], best_closed["model"], "open-weight", "proprietary"]
        facts.append({"number": gap, "subject": both, "role": "points"})
        open_in_top = sum(r["sourceType"] == "Open Weight" for r in day_rows[:10])
        facts.append({"number": str(open_in_top), "subject": ["open-weight"], "role": "top"})
    return facts


def event_of_title(title: str) -> str | None:
    """The demo event whose items carry `title`."""
    return next(
        (event for event, entry in demo_facts()["events"].items() if title in entry["titles"]),
        None,
    )


def misstated(story: dict, text: str) -> list[str]:
    """The oracle's findings on `text` against the facts of the story's events."""
    events = {event for link in story["links"] if (event := event_of_link(link))}
    for field, value in story.items():  # the story it continues, which the writer is shown
        if field.startswith("Previously") and (found := re.match(r"\[(.+)\]\(", value)):
            events |= {event} if (event := event_of_title(found.group(1))) else set()
    entries = [demo_facts()["events"][event] for event in sorted(events)]
    facts = [fact for entry in entries for fact in entry["facts"]]
    names = [name for entry in entries for name in entry.get("names", [])]
    titles = [title for entry in entries for title in entry["titles"]]
    found = []
    if any("/leaderboard.html" in link for link in story["links"]):
        facts += leaderboard_facts()
        names += [row["model"] for row in demo_news()["leaderboard"]] + ["top ten", "top 10"]
        found += group_misstatements(text, board_sides())
    return found + misstatements(text, facts, names, title_subjects(titles, facts))


def board_sides() -> list[dict]:
    """The demo day's snapshot as the oracle reads a model's side: model, rank, open/closed."""
    return [
        {"model": row["model"], "rank": rank,
         "side": "open" if row["sourceType"] == "Open Weight" else "closed"}
        for rank, row in enumerate(demo_news()["leaderboard"], start=1)
    ]  # fmt: skip


def story_of(event: str) -> dict:
    """A story of the demo brief linking one article of `event` (for reading single texts)."""
    return {
        "links": [
            f"http://127.0.0.1:1/articles/{outlet['slug']}/{item['slug']}.html"
            for outlet in demo_news()["outlets"]
            for item in outlet["items"]
            if item["event"] == event
        ][:1]
    }


LEADERBOARD = {"links": ["http://127.0.0.1:1/leaderboard.html"]}


@pytest.mark.parametrize(
    ("story", "text", "wrong"),
    [
        (LEADERBOARD, "Kairos-3 Large, which is the best open-weight model with 77.1 points, "
         "trails.", []),  # a relative clause belongs to the clause before it
        (LEADERBOARD, "The best open-weight model is Kairos-3 Large at #5.", []),  # yesterday's
        (LEADERBOARD, "Halcyon-R2 rises into fourth place and into the top ten.", []),
        # the demo's note (default model): three proprietary models are ahead of it
        (LEADERBOARD, "This shows that Halcyon-R2 has surpassed the proprietary models.",
         ["'surpassed the proprietary models': Halcyon-R2 is #4"]),
        (LEADERBOARD, "Halcyon-R2 now trails only proprietary models.", []),
        (LEADERBOARD, "Halcyon-R2 is ahead of every other open-weight model.", []),
        (LEADERBOARD, "Kairos-3 Large beats the other open-weight models.",
         ["'beats the other open-weight models': Kairos-3 Large is #6"]),
        (LEADERBOARD, "The proprietary Aster Ultra 2 is second at #1.",
         ["'second' given to proprietary, but it is Meridian 3 Pro's"]),
        (story_of("llamacpp-q3hx-quant"), "llama.cpp adds a 3-bit type, Q3_HX.", []),
        (story_of("llamacpp-q3hx-quant"), "llama.cpp's Q3_HX needs 42.5 GB.",
         ["'42.5' given to llama.cpp, but it is Q4_K_M's"]),
        (story_of("lumora-nova-2-release"), "Lumora AI released the 32.4-billion-parameter "
         "model, dropping the licence it used for Nova 1 34B.", []),  # its maker
        # the demo's note (default model): the 4-bit build's figure given to the model
        (story_of("lumora-nova-2-release"), "Anyone can now run Nova 2 32B on one 24 GB GPU.",
         ["'24' given to the model, but it is the 4-bit build"]),
        (story_of("lumora-nova-2-release"), "Lumora's 4-bit build of Nova 2 32B runs on one "
         "24 GB GPU.", []),
        (story_of("yamabiko-70b-release"), "The Yamabiko Consortium's 70B model, trained on a "
         "40% Japanese data mix, is open.", []),  # its maker's model
        (story_of("benchmark-contamination-study"), "It found 12 copies.", ["'12' is in no fact"]),
    ],
)  # fmt: skip
def test_the_oracle_reads_the_shapes_of_sentence_the_default_model_writes(story, text, wrong):
    """Shapes met in the default model's drafts on several CPUs: the fact oracle must read
    each true one as true (else this test fails on a CPU whose model writes it) and still
    flag a wrong one."""
    assert misstated(story, text) == wrong


def check_brief(
    markdown: str, notes: list[str], problems: list[str], findings: list[str]
) -> list[dict]:
    """The guarantees every demo brief keeps, whatever the model wrote: each one broken is
    added to `problems` (all of them, not only the first, so one run shows every fault);
    stories without a note are added to `notes`, and the fact oracle's findings on the model's
    text to `findings`. Returns the stories."""
    bodies = article_bodies()
    stories = stories_of(markdown)
    assert 3 <= len(stories) <= 5, markdown

    def expect(holds: object, what: str, story: dict, into: list[str] = problems) -> None:
        if not holds:
            into.append(f"{story.get('title', '')[:60]}: {what}")

    for story in stories:
        label = next(name for name in story if name.startswith("Summary"))
        summary = story[label]
        expect(8 <= len(summary.split()) <= 90, f"summary of {len(summary.split())} words", story)
        lead = story["URL"].strip("<>").split("/", 3)[3]
        if label == "Summary (extract from the article)":
            extract = summary.removesuffix(" …")
            in_source = extract in bodies.get(lead, "") or extract in story["title"]
            expect(in_source, f"extract not in its article: {extract!r}", story)
        elif label == "Summary (from the leaderboard data)":
            expect(any("/leaderboard.html" in link for link in story["links"]), "no data", story)
            unknown = [n for n in re.findall(r"\d+(?:\.\d+)?", summary) if not values(n)]
            expect(not unknown, f"numbers in no snapshot: {unknown}", story)
        else:
            expect(label == "Summary", f"unknown label {label!r}", story)
            if lead in bodies:  # written, not copied through
                share = copied_share(summary, bodies[lead])
                expect(share <= COPIED_SHARE_LIMIT, f"copies {share:.0%}: {summary!r}", story)
            wrong = misstated(story, summary)
            expect(not wrong, f"summary misstates {wrong}: {summary!r}", story, findings)
        labels = [name for name in story if name.startswith("Why It Matters")]
        if labels:
            note = story[labels[0]]
            expect(labels[0] in ("Why It Matters", "Why It Matters (from the facts)"),
                   f"unknown label {labels[0]!r}", story)  # fmt: skip
            wrong = misstated(story, note)
            expect(not wrong, f"note misstates {wrong}: {note!r}", story, findings)
        else:
            notes.append(story["title"])
        # one event per story: each article and thread it links is of the lead's event
        events = {event_of_link(link) for link in story["links"]} - {None}
        expect(len(events) <= 1 or events == {"benchlm-may-update"}, f"events {events}", story)
    lede, bullets = bottom_line_of(markdown)
    line = {"title": "Bottom Line"}
    expect(lede and 3 <= len(bullets) <= 5, f"lede {lede!r}, {len(bullets)} bullets", line)
    expect(sum(len(numbers) > 1 for _, numbers in bullets) >= 2, f"few wide: {bullets}", line)
    singles = [tuple(numbers) for _, numbers in bullets if len(numbers) == 1]
    expect(len(singles) == len(set(singles)), f"two bullets on one story: {bullets}", line)
    summaries = [s[next(n for n in s if n.startswith("Summary"))] for s in stories]
    for text, numbers in bullets:
        expect(all(1 <= n <= len(stories) for n in numbers), f"cites {numbers}: {text}", line)
        expect(all(text.rstrip(".") not in sm for sm in summaries), f"restates: {text}", line)
    return stories


def test_a_demo_day_with_the_default_model_then_a_rerun_that_makes_no_model_call(tmp_path):
    started = datetime.now(UTC)
    port = free_port()
    first = run_demo(tmp_path, port)
    assert first.returncode == 0, first.stderr[-3000:]
    (day,) = sorted(path.stem for path in (tmp_path / "out").glob("????-??-??.md"))
    before = (tmp_path / "out" / f"{day}.md").read_text()
    assert f"# Open Source LLM Brief — {day}" in before
    assert "Written by qwen2.5-coder-1.5b (embedded)" in before
    assert "Failed: Retired Feed (a source that fails) (HTTP 404)" in before
    notes_left_out: list[str] = []
    problems: list[str] = []
    findings: list[str] = []
    stories = check_brief(before, notes_left_out, problems, findings)
    print(
        f"\nstories without a Why It Matters: {len(notes_left_out)} of {len(stories)} "
        f"{notes_left_out}",
        f"\nthe fact oracle's findings: {len(findings)}",
        *findings,
        sep="\n",
    )
    assert not problems, "\n".join(problems)
    assert len(stories) == STORIES
    assert re.search(r"\b[1-9]\d* model calls, 0 cached", first.stdout)

    second = run_demo(tmp_path, port)
    assert second.returncode == 0, second.stderr[-3000:]
    rerun = (tmp_path / "out" / f"{day}.md").read_text()
    if datetime.now(UTC).strftime("%Y-%m-%d %H") != started.strftime("%Y-%m-%d %H"):
        # the demo dates its news from the hour: a new hour re-dates every entry (and a new
        # day is a new brief), so only the cache can be asked for
        assert re.search(r"\b[1-9]\d* cached", second.stdout), second.stdout
        return
    assert re.search(r"\b0 model calls, [1-9]\d* cached", second.stdout), second.stdout

    def stories_part(text: str) -> str:
        return text.split("## Top Stories")[1].split("\n---\n")[0]

    assert stories_part(rerun) == stories_part(before)  # the same stories and texts
    assert "unchanged since the last fetch" in rerun  # every feed answered 304
